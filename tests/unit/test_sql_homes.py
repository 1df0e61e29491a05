"""SQL is written in shared/db and in each service's adapters only (issue 14): a statement written
anywhere else — a handler, an entrypoint, the Kafka edge — fails here."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QUERIES = {"execute", "executemany", "fetch", "fetchval", "fetchrow"}
# the sandbox's own store is its adapter; the fair intake's per-sender lock waits for the fairness work
ALLOWED = {"shared/sandbox/store.py", "services/gateway/service_layer/fair_intake.py"}


def _is_home(path: str) -> bool:
    return path.startswith("shared/db/") or "/adapters/" in path or path in ALLOWED


def test_sql_is_written_only_in_shared_db_and_the_adapters():
    found = []
    for folder in ("shared", "services"):
        for file in sorted((ROOT / folder).rglob("*.py")):
            path = file.relative_to(ROOT).as_posix()
            if _is_home(path):
                continue
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in QUERIES
                        and node.args and isinstance(node.args[0], ast.Constant | ast.JoinedStr)):
                    found.append(f"{path}:{node.lineno}")
    assert found == [], "SQL outside shared/db and the adapters: " + ", ".join(found)
