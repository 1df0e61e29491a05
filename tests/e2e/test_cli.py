"""``cbec send`` and ``cbec receipts`` against the running services, as an integrator runs them."""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import pytest

from shared.samples import sample_path

pytestmark = pytest.mark.e2e

AGENT = "DXPENT0000000001"
SAMPLES = [str(sample_path(name)) for name in ("CEB303_order.xml", "CEB505_waybill.xml", "CEB603_list.xml")]


async def cbec(stack, *args: str) -> subprocess.CompletedProcess:
    env = {**stack.env, "CBEC_GATEWAY_URL": stack.url("gateway")}
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "services.cli.main", *args, env=env,
                                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 180)
    return subprocess.CompletedProcess(args, proc.returncode, out.decode(), err.decode())


async def test_a_fresh_sample_journey_is_sent_and_its_receipts_summarised_then_read_back_by_status(stack):
    sent = await cbec(stack, "send", *SAMPLES, "--fresh", "--wait", "90", "--json")
    assert sent.returncode == 0, sent.stdout + sent.stderr
    summary = json.loads(sent.stdout)
    assert summary["sent"] == 3 and summary["rejected"] == [] and summary["unanswered"] == []
    by_type = {a["type"]: a for a in summary["answers"]}
    assert by_type.keys() == {"CEB303", "CEB505", "CEB603"}
    assert all(a["statuses"][:2] == ["2", "120"] for a in by_type.values()), [a["statuses"] for a in summary["answers"]]
    cop_no = by_type["CEB603"]["key"].split("+")[-1]
    assert cop_no != "AG20261128000001"  # --fresh renumbered it

    read = await cbec(stack, "receipts", AGENT, "--since", "10m", "--status", "120", "--json")
    assert read.returncode == 0, read.stderr
    rows = [json.loads(line) for line in read.stdout.splitlines()]
    assert rows and {r["status"] for r in rows} == {"120"}
    assert [r["key"] for r in rows if r["type"] == "CEB604"] == [cop_no]

    # not fresh: the sample list as it is, then its JSON twin (the same guid in other bytes): 2201, exit 1.
    # The list is answered first and the twin sent over a second later: `send` follows receipts from one
    # second before it starts, and the list's own 2/120 (same document guid) would be taken for the twin's
    await cbec(stack, "send", SAMPLES[2], "--wait", "90")
    await asyncio.sleep(2)
    twin = await cbec(stack, "send", str(sample_path("CEB603_list.json")), "--wait", "90", "--json")
    assert twin.returncode == 1, twin.stdout + twin.stderr
    rejected = json.loads(twin.stdout)["rejected"]
    assert len(rejected) == 1 and rejected[0]["returnInfo"].startswith("[Code:2201;"), rejected
