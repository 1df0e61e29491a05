"""Hostile and broken input against the running stack: every message is answered (CEB900 to a
sender that can be named, a dead letter otherwise), nothing stops the gateway, a good message
after fifty bad ones is answered promptly, a retransmission is answered once, ERP variants of a
list are accepted, and a split bill that never completes is answered after the timeout."""
from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from aiokafka import AIOKafkaProducer

from services.cli.journey import DEMO_ENTERPRISES, Journey
from shared.kafka import topics
from shared.messages import decode_message, encode_message
from tests.fixtures.gateway.make_variants import bare, default_namespace, dxp, other_prefix
from tests.support.receipt_checks import ReceiptReader
from tests.support.records import drain_until, read_records
from tests.support.stack import running_stack

pytestmark = pytest.mark.e2e

AGENT = "DXPENT0000000001"
MAX_BYTES = 262144

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<ceb:CEB603Message xmlns:ceb="http://www.chinaport.gov.cn/ceb" guid="B1111111-1111-4111-8111-111111111111">&lol4;</ceb:CEB603Message>"""
XXE = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<ceb:CEB603Message xmlns:ceb="http://www.chinaport.gov.cn/ceb" guid="B2222222-2222-4222-8222-222222222222">&xxe;</ceb:CEB603Message>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://127.0.0.1:9/evil.dtd">
<ceb:CEB603Message xmlns:ceb="http://www.chinaport.gov.cn/ceb" guid="B3333333-3333-4333-8333-333333333333"/>"""


@pytest.fixture(scope="module")
async def stack(kafka_bootstrap, admin_database_url, tmp_path_factory):
    async with running_stack(kafka_bootstrap, admin_database_url, tmp_path_factory.mktemp("gateway-hostile"),
                             enterprises=DEMO_ENTERPRISES,
                             extra_env={"CBEC_MAX_MESSAGE_BYTES": str(MAX_BYTES), "GATEWAY_PARTS_TIMEOUT_S": "3"}) as s:
        yield s


async def produce(stack, items: list[tuple[bytes | None, bytes | None]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=stack.kafka, acks="all", max_request_size=2 * MAX_BYTES)
    await producer.start()
    try:
        for key, value in items:
            await producer.send(f"{stack.prefix}{topics.INBOUND}", value, key=key)
        await producer.flush()
    finally:
        await producer.stop()


def hostile(journey: Journey) -> dict[str, tuple[bytes | None, str]]:
    """name -> (value, the code of the CEB900 that answers it)."""
    good = journey.list_message("xml")
    return {
        "dtd entity bomb": (BILLION_LAUGHS, "9007"),
        "external entity": (XXE, "9007"),
        "external dtd": (EXTERNAL_DTD, "9007"),
        "oversize": (good.replace(b"<ceb:note/>", b"<ceb:note>" + b"x" * (MAX_BYTES) + b"</ceb:note>", 1), "9008"),
        "deep nesting": (b"<a>" * 5000 + b"</a>" * 5000, "9009"),
        "invalid utf-8": (good.replace(b"Silk scarf</ceb:itemName>", b"Silk \xff\xfe scarf</ceb:itemName>"), "9010"),
        "empty value": (b"", "9012"),
        "null value": (None, "9012"),
        "not xml or json": (b"\x00\x01binary", "9010"),
        "unknown type": (b'{"CEB999Message": {"guid": "X"}}', "9002"),
    }


async def read_dlq(stack, count: int, timeout: float = 60) -> list:
    return await read_records(stack.kafka, f"{stack.prefix}{topics.INBOUND_DLQ}", count, timeout)


async def test_hostile_input_is_answered_and_good_mail_still_flows(stack):
    journey = Journey()
    cases = hostile(journey)
    items = [(AGENT.encode(), value) for value, _ in cases.values()]
    items += [(None, journey.list_message("xml")), (b"DXPNOBODY0000001", journey.list_message("xml"))]
    async with ReceiptReader(stack.kafka, [AGENT], stack.prefix) as reader:
        await produce(stack, items)
        seen: list = []
        for _ in cases:
            await reader.wait_for(lambda r: r.receipt.message_type == "CEB900", 60, seen)
        codes = sorted(r.receipt.fields["returnInfo"][6:10] for r in seen if r.receipt.message_type == "CEB900")
        assert codes == sorted(code for _, code in cases.values())
        assert all(r.receipt.fields["returnStatus"] == "-1" for r in seen)
    dead = await read_dlq(stack, 2)
    reasons = sorted(dict(r.headers)["dlq-reason"].decode() for r in dead)
    assert reasons[0].startswith("missing key") and reasons[1].startswith("unregistered sender")
    assert all(dict(r.headers)["dlq-source-topic"].decode() == f"{stack.prefix}{topics.INBOUND}" for r in dead)
    async with __import__("httpx").AsyncClient() as http:
        health = (await http.get(f"{stack.url('gateway')}/health")).json()
    assert health["ok"] and stack.procs["gateway"].poll() is None


async def test_a_good_list_after_fifty_bad_messages_is_answered_promptly(stack):
    bad = []
    for i in range(50):
        j = Journey()
        kind = i % 5
        if kind == 0:
            bad.append(BILLION_LAUGHS)
        elif kind == 1:
            bad.append(j.list_message("xml").replace(b"<ceb:gcode>6214100090</ceb:gcode>", b"<ceb:gcode>62</ceb:gcode>"))
        elif kind == 2:
            bad.append(b"<a>" * 3000 + b"</a>" * 3000)
        elif kind == 3:
            bad.append(j.list_message("xml").replace(b"<ceb:totalPrice>17100.00</ceb:totalPrice>",
                                                     b"<ceb:totalPrice>1.00</ceb:totalPrice>"))
        else:
            bad.append(b"\xff" * 1000)
    good = Journey()
    async with ReceiptReader(stack.kafka, [AGENT], stack.prefix) as reader:
        await produce(stack, [(AGENT.encode(), b) for b in bad])
        started = time.monotonic()
        await produce(stack, [(AGENT.encode(), good.list_message("xml"))])
        accepted = await reader.wait_for(lambda r: r.key == good.cop_no and r.status == "2", 60)
        elapsed = time.monotonic() - started
    assert accepted.receipt.fields["copNo"] == good.cop_no
    print(f"good list answered {elapsed:.2f}s after fifty bad messages")
    assert elapsed < 20, f"the good list waited {elapsed:.1f}s behind the bad ones"


async def test_the_same_message_twice_is_answered_once(stack):
    j = Journey()
    body = j.list_message("xml")
    async with ReceiptReader(stack.kafka, [AGENT], stack.prefix) as reader:
        await produce(stack, [(AGENT.encode(), body), (AGENT.encode(), body)])
        seen: list = []
        await reader.wait_for(lambda r: r.key == j.cop_no and r.status == "2", 60, seen)
        await asyncio.sleep(4)
        try:
            while True:
                seen.append(await reader.next(1.0))
        except TimeoutError:
            pass
    mine = [r.status for r in seen if r.key == j.cop_no]
    assert mine.count("2") == 1, mine
    assert "100" not in mine


@pytest.mark.parametrize("variant", ["default namespace", "other prefix", "bare", "dxp envelope", "json"])
async def test_erp_variants_of_a_list_are_accepted(stack, variant):
    j = Journey()
    xml = j.list_message("xml")
    body = {
        "default namespace": lambda: default_namespace(xml),
        "other prefix": lambda: other_prefix(xml),
        "bare": lambda: bare(xml),
        "dxp envelope": lambda: dxp(xml, AGENT, "CEB603", f"M{uuid.uuid4().hex[:12]}"),
        "json": lambda: encode_message(decode_message(xml)[0], "json"),
    }[variant]()
    async with ReceiptReader(stack.kafka, [AGENT], stack.prefix) as reader:
        await produce(stack, [(AGENT.encode(), body)])
        r = await reader.wait_for(lambda r: r.key == j.cop_no, 60)
    assert r.status == "2", r.receipt.fields
    assert r.raw_format == ("json" if variant == "json" else "xml")


async def test_a_split_bill_that_never_completes_is_answered(stack):
    j = Journey()
    message = decode_message(j.bill_message("29922026E000000001"))[0]
    message.document.head.update(msgCount="2", msgSeqNo="1")
    async with ReceiptReader(stack.kafka, [AGENT], stack.prefix) as reader:
        await produce(stack, [(AGENT.encode(), encode_message(message, "xml"))])
        cop_no = message.document.head["copNo"]
        r = await reader.wait_for(lambda r: r.receipt.message_type == "CEB608" and r.key == cop_no, 60)
    assert r.status == "100"
    assert r.receipt.fields["returnInfo"].startswith("[Code:2601;Desc:WayBill[1]/WayBillHead/msgSeqNo: parts 2 of 2")


async def test_a_split_bill_is_forwarded_once_complete(stack):
    j = Journey()
    whole = decode_message(j.bill_message("29922026E000000001"))[0]
    parts = []
    for seq in (1, 2):
        part = whole.model_copy(deep=True)
        part.guid = str(uuid.uuid4()).upper()
        part.document.head.update(guid=str(uuid.uuid4()).upper(), msgCount="2", msgSeqNo=str(seq))
        item = dict(part.document.items[0], gnum=str(seq), logisticsNo=f"{j.logistics_no}-{seq}")
        part.document.items = [item]
        parts.append(encode_message(part, "xml"))
    async with ReceiptReader(stack.kafka, [AGENT], stack.prefix) as reader:
        await produce(stack, [(AGENT.encode(), parts[1])])
        await asyncio.sleep(1)
        await produce(stack, [(AGENT.encode(), parts[0])])
        seen: list = []
        cop_no = whole.document.head["copNo"]

        def answers() -> list:
            return [r for r in seen if r.receipt.message_type == "CEB608" and r.key == cop_no]

        await drain_until(reader, seen, lambda: len(answers()) >= 4, 60)
    # the whole bill is checked once complete; each part is answered on its own, with its guid and msgSeqNo
    guids = {str(seq): decode_message(p)[0].document.head["guid"] for seq, p in ((1, parts[0]), (2, parts[1]))}
    got = [(r.status, r.receipt.fields["msgSeqNo"], r.receipt.fields["guid"]) for r in answers()]
    assert len(got) == 4, got  # the platform's 2, then customs' answer (120, or 100: the list is unknown) per part
    decided = got[2][0]
    assert decided in ("120", "100") and [s for s, _, _ in got] == ["2", "2", decided, decided], got
    assert [(seq, guid) for _, seq, guid in got] == [("1", guids["1"]), ("2", guids["2"])] * 2, got
    assert {r.receipt.fields["preNo"] for r in answers()} == {answers()[0].receipt.fields["preNo"]}
