"""The customs' own export samples, sent by an ERP built on the standard, through the running stack.

Every sample of ``tests/fixtures/standard/samples-export`` for CEB303, 403, 505, 603, 607, 507, 509
and 605 is sent as the customs publish it, with only its defects corrected here (never in the
copied files): the README's — one document repeated ten times with one guid (the first is kept),
two BaseTransfer (the first is kept), one root guid shared by every sample (each gets a new one,
lower-case as the samples write them), a placeholder SM2 signature (removed: the stack runs with
signatures optional), sums that do not add up — and the values the specification's text rules out
or that contradict the other samples of the same shipment (each named in ``CORRECTIONS``).
Lower-case root guids, empty optional elements and every other value stay as published.
The journey: order, payment, waybill, list (audited against them), master bill, arrival (the
risk engine decides), departure (the list closes), and last the cancellation, which a closed list
refuses.
"""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from lxml import etree

from services.cli.journey import DEMO_ENTERPRISES
from services.cli.kafka_io import ReceiptReader, send
from shared import samples
from shared.messages.official_schema import schema_problems
from tests.support.stack import running_stack

pytestmark = pytest.mark.e2e

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "standard" / "samples-export"
C = "{http://www.chinaport.gov.cn/ceb}"
DXP = "DXPLGS0000000001"  # the samples' BaseTransfer/dxpId
ENTERPRISE = {"code": "1105910159", "name": "东方物通科技(北京)有限公司", "dxpId": DXP,
              "roles": ["agent", "ebc", "logistics", "operator", "ebp"]}
BILL = "B20180508001"  # the master bill of the CEB607 sample

# message type -> {path under the document: corrected value (None: remove the element)}
CORRECTIONS: dict[str, dict[str, str | None]] = {
    "CEB303": {
        "OrderHead/goodsValue": "2000",  # a sum: 12345678912345.12345 is not the items' 2000
        "OrderList/unit": "007",  # "aaa" is no unit code (JGS-20); the list's item says 007
        "OrderList/currency": "142",  # "aaa" is no currency code; the order's currency is 142
    },
    "CEB403": {"charge": "2000"},  # a sum: the order's goodsValue + freight
    "CEB505": {"grossWeight": "80.25"},  # the list's gross weight for the same parcel
    "CEB603": {
        "InventoryHead/ieFlag": "E",  # the text: E for export ("a" is neither I nor E)
        "InventoryHead/tradeMode": "9610",  # 0101 is no cross-border e-commerce export mode
        "InventoryHead/portCode": "1500",  # the customs the arrival and departure report at
        "InventoryHead/country": "116",  # 001 is no country code (JGS-20); the items go to 116
        "InventoryList/totalPrice": "2000",  # a sum: qty 100 x price 20
    },
    "CEB607": {"WayBillHead/msgCount": "1", "WayBillHead/msgSeqNo": "1"},  # the repeated
    # documents were numbered 9 of 9 parts; one is sent
    "CEB507": {
        "ArrivalHead/billNo": BILL,  # the bill the CEB607 sample declares
        # packages no other sample declares (the bill and the list hold L2018050700001 only)
        "ArrivalList[3]": None, "ArrivalList[2]": None,
    },
    "CEB509": {"DepartureHead/billNo": BILL},
}


def corrected(message_type: str, **values: str) -> bytes:
    root = etree.parse(str(SAMPLES / f"{message_type}Message.xml")).getroot()
    documents = [c for c in root if c.tag != C + "BaseTransfer" and not c.tag.endswith("Signature")]
    for extra in documents[1:]:
        root.remove(extra)
    for extra in root.findall(C + "BaseTransfer")[1:]:
        root.remove(extra)
    for signature in root.findall("{http://www.w3.org/2000/09/xmldsig#}Signature"):
        root.remove(signature)
    root.set("guid", str(uuid.uuid4()))  # lower case, as the samples write it
    document = root[0]
    for path, value in {**CORRECTIONS.get(message_type, {}), **values}.items():
        for element in document.findall("/".join(C + part for part in path.split("/"))):
            if value is None:
                element.getparent().remove(element)
            else:
                element.text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_only_the_defects_are_corrected():
    from shared.messages.official_schema import schema_problems

    for message_type in [*CORRECTIONS, "CEB605"]:
        assert schema_problems(corrected(message_type)) == []


@pytest.fixture(scope="module")
async def sample_stack(kafka_bootstrap, admin_database_url, tmp_path_factory):
    """One stack for both journeys: the samples' enterprise and the demo's are registered."""
    async with running_stack(kafka_bootstrap, admin_database_url, tmp_path_factory.mktemp("stack"),
                             enterprises=[ENTERPRISE, *DEMO_ENTERPRISES]) as s:
        yield s


async def test_every_export_sample_of_the_standard_is_accepted(sample_stack):
    stack, seen = sample_stack, []
    async with ReceiptReader(stack.kafka, [DXP], stack.prefix) as reader:

        async def sent(message_type: str, answer: str, until: tuple[str, ...], raw: bytes | None = None):
            await send(stack.kafka, DXP, raw or corrected(message_type), stack.prefix)
            try:
                return await reader.wait_for(
                    lambda r: r.receipt.message_type == answer and r.status in until, 90, seen)
            except TimeoutError:
                pytest.fail(f"no {answer} {until} for {message_type}; got "
                            f"{[(r.receipt.message_type, r.status, r.receipt.fields.get('returnInfo')) for r in seen]}")

        for message_type, answer in (("CEB303", "CEB304"), ("CEB403", "CEB404"), ("CEB505", "CEB506")):
            got = await sent(message_type, answer, ("120", "100", "-1"))
            assert got.status == "120", (message_type, got.receipt.fields.get("returnInfo"))
        audited = await sent("CEB603", "CEB604", ("399", "100", "-1"))
        assert audited.status == "399", audited.receipt.fields.get("returnInfo")
        invt_no = audited.receipt.fields["invtNo"]
        bill = await sent("CEB607", "CEB608", ("120", "100", "-1"))
        assert bill.status == "120", bill.receipt.fields.get("returnInfo")
        decided = await sent("CEB507", "CEB604", ("800", "500", "100", "-1"))
        assert decided.status == "800", decided.receipt.fields.get("returnInfo")
        closed = await sent("CEB509", "CEB604", ("899", "100", "-1"))
        assert closed.status == "899", closed.receipt.fields.get("returnInfo")
        refused = await sent("CEB605", "CEB606", ("100", "-1"), corrected("CEB605", invtNo=invt_no))
        assert "the list is closed" in refused.receipt.fields["returnInfo"]

    statuses = [(r.receipt.message_type, r.status) for r in seen]
    assert not [s for s in statuses if s[0] == "CEB900"], seen
    for answer in ("CEB304", "CEB404", "CEB506", "CEB508", "CEB510", "CEB608"):
        assert (answer, "2") in statuses and (answer, "120") in statuses, statuses
    assert [s for t, s in statuses if t == "CEB604"] == ["2", "120", "399", "800", "899"]


async def test_our_samples_as_they_are_make_a_whole_journey_sent_with_the_cli(sample_stack):
    """shared/samples copied unchanged, each file sent with `cbec send FILE --sender <its role's DXP id>`
    in the journey's order: order, payment, waybill, list, bill, arrival, departure — to 899."""
    stack = sample_stack
    dxp = {e["roles"][0]: e["dxpId"] for e in DEMO_ENTERPRISES}
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": stack.kafka, "CBEC_TOPIC_PREFIX": stack.prefix}
    cbec = str(Path(sys.executable).with_name("cbec"))
    seen: list = []
    async with ReceiptReader(stack.kafka, list(dxp.values()), stack.prefix) as reader:
        for role, name, answer, status in samples.JOURNEY:
            path = samples.HERE / role / name
            sent = await asyncio.to_thread(subprocess.run, [cbec, "send", str(path), "--sender", dxp[role]], env=env,
                                           capture_output=True, text=True, timeout=60)
            assert sent.returncode == 0, sent.stderr
            # a list's receipts go to its agent (and its seller): wait for the agent's
            to = dxp["agent" if answer == "CEB604" else role]
            got = await reader.wait_for(lambda r, answer=answer, status=status, to=to: r.receipt.message_type == answer
                                        and r.topic.endswith(to) and r.status in (status, "100", "-1"), 90, seen)
            assert got.status == status, (name, got.receipt.fields.get("returnInfo"))
    assert [r.status for r in seen if r.receipt.message_type == "CEB604" and r.topic.endswith(dxp["agent"])] == [
        "2", "120", "399", "800", "899"]
    for r in seen:
        assert schema_problems(r.raw) == [], (r.receipt.message_type, r.status)
