"""The official AsyncAPI parser (@asyncapi/parser, from npm) accepts docs/asyncapi.json."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECK = ROOT / "tests" / "contract" / "asyncapi"
DOC = ROOT / "docs" / "asyncapi.json"


def _parse(path: Path) -> subprocess.CompletedProcess:
    node = shutil.which("node")
    assert node, "node is needed to run the official AsyncAPI parser"
    assert (CHECK / "node_modules" / "@asyncapi" / "parser").is_dir(), (
        "the AsyncAPI parser is not installed: run `make setup` (npm ci --prefix tests/contract/asyncapi)")
    return subprocess.run([node, str(CHECK / "check.mjs"), str(path)], capture_output=True, text=True, timeout=120)


def test_the_official_parser_finds_no_error_in_the_published_document():
    result = _parse(DOC)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 error(s)" in result.stdout


def test_the_parser_check_fails_on_a_broken_document(tmp_path):
    doc = json.loads(DOC.read_text(encoding="utf-8"))
    doc["operations"]["sendReceipts"]["channel"] = {"$ref": "#/channels/noSuchChannel"}
    broken = tmp_path / "asyncapi.json"
    broken.write_text(json.dumps(doc), encoding="utf-8")
    result = _parse(broken)
    assert result.returncode == 1
    assert "error" in result.stdout
