"""The fault soak in small: journeys on a 3-broker cluster of its own while one instance of each
service is SIGKILLed, a broker is SIGKILLed and PostgreSQL crashes, and nothing is lost, doubled or
out of order (scripts/soak.py; the shared Kafka and PostgreSQL are never touched)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def test_a_killed_broker_service_and_database_lose_nothing(tmp_path):
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "soak.py"), "--journeys", "200", "--bill-size", "100",
         "--instances", "2", "--kafka-nodes", "3", "--fault-interval", "2", "--down-s", "1",
         "--faults", "postgres,gateway,management,notification,broker",  # all while the journeys run
         "--broker-down-s", "1", "--settle", "3", "--timeout", "240", "--work-dir", str(tmp_path / "soak")],
        cwd=ROOT, capture_output=True, text=True, timeout=400,
    )
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-6000:]
    figures = dict(re.findall(r"^([a-z ()0-9,]+):\s+(\d+)", run.stdout, re.M))
    assert figures["lost"] == "0" and figures["duplicate receipt ids"] == "0", out[-3000:]
    assert figures["duplicate (key,status)"] == "0" and figures["out of order"] == "0"
    assert re.search(r"^topics under-replicated: 0 of [1-9]", run.stdout, re.M)  # the services made them 3-way
    assert re.search(r"^lists closed \(899\):\s+200/200$", run.stdout, re.M)
    faults = re.search(r"^faults:\s+(.*)$", run.stdout, re.M).group(1)
    for kind in ("gateway", "management", "notification", "broker", "postgres"):
        assert re.search(rf"\b{kind} [1-9]", faults), faults
    assert "SOAK PASSED" in run.stdout
    # it stopped what it started: no broker, PostgreSQL or service of its work dir is left running
    pg_dir = re.search(r"PostgreSQL :\d+ in (\S+)", run.stdout).group(1)
    left = [p for p in Path("/proc").glob("[0-9]*/cmdline") if str(tmp_path) in _read(p) or pg_dir in _read(p)]
    assert not left, [_read(p) for p in left]


def _read(path: Path) -> str:
    try:
        return path.read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""
