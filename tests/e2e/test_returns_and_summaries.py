"""Export returns (CEB213/215) and the summary declaration (CEB701 → 702, CEB792) on the real
stack, as the enterprises and the officers see them; and the customs' own samples of the three
messages, corrected of their listed defects only, answered with schema-valid receipts."""
from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest

from services.cli.journey import DEMO_ENTERPRISES, Journey, new_guid
from services.cli.kafka_io import ReceiptReader
from shared.messages import decode_message, encode_message
from shared.messages.official_schema import schema_problems
from shared.receipts import CHINA
from tests.e2e.test_management_journeys import AGENT, EBC, LOGISTICS, OPERATOR, Enterprises, list_view, officer
from tests.fixtures.gateway import raw as fixture
from tests.support.customs_samples import corrected_sample
from tests.support.stack import running_stack

pytestmark = pytest.mark.e2e

SAMPLE_SENDER = {"code": "1105910159", "name": "东方物通科技(北京)有限公司", "roles": ["agent", "ebc", "operator"]}


@pytest.fixture(scope="module")
async def stack(kafka_bootstrap, admin_database_url, tmp_path_factory):
    async with running_stack(kafka_bootstrap, admin_database_url, tmp_path_factory.mktemp("returns-summaries"),
                             enterprises=DEMO_ENTERPRISES) as s:
        yield s


@pytest.fixture
async def enterprises(stack):
    dxps = [AGENT, EBC, OPERATOR, LOGISTICS, "DXPENT0000011351", "DXPLGS0000000001", "DXPENTCEB70101"]
    async with ReceiptReader(stack.kafka, dxps, stack.prefix) as reader:
        yield Enterprises(stack, reader)


def return_message(j: Journey, invt_no: str, qty: dict[int, str] | None = None) -> bytes:
    """The agent's return of the journey's goods (all of them, or ``qty`` per gnum)."""
    msg = decode_message(fixture("CEB213"))[0]
    msg.guid = new_guid()
    listed = j.list_document().document
    doc = msg.document
    doc.head.update(guid=new_guid(), coElNo=f"RT{j.stamp}", invtNo=invt_no, logisticsNo=f"RQ{j.stamp}",
                    ebpCode=listed.head["ebpCode"], ebcCode=listed.head["ebcCode"], tradeMode="9661")
    doc.items = [{"gnum": i["gnum"], "gcode": i["gcode"], "gname": i["gname"], "gmodel": i["gmodel"],
                  "qty": (qty or {}).get(int(i["gnum"]), i["qty"]), "qty1": i["qty1"], "unit": i["unit"],
                  "unit1": i["unit1"], "qty2": i.get("qty2", ""), "unit2": i.get("unit2", ""), "note": ""}
                 for i in listed.items if qty is None or int(i["gnum"]) in qty]
    return encode_message(msg, "xml")


def tally_message(j: Journey, invt_no: str) -> bytes:
    msg = decode_message(fixture("CEB215"))[0]
    msg.guid = new_guid()
    msg.document.head.update(guid=new_guid(), coElNo=f"TL{j.stamp}", invtNo=invt_no, logisticsNo=f"RQ{j.stamp}")
    return encode_message(msg, "xml")


def summary_message(stamp: str, invt_nos: list[str], head: dict[str, str] | None = None) -> bytes:
    msg = decode_message(fixture("CEB701"))[0]
    msg.guid = new_guid()
    msg.document.head.update(guid=new_guid(), copNo=f"SM{stamp}", **(head or {}))
    msg.document.items = [{"invtNo": n} for n in invt_nos]
    return encode_message(msg, "xml")


def valid(received) -> bool:
    return schema_problems(received.raw) == []


async def returned(enterprises: Enterprises, j: Journey, invt: str) -> None:
    await enterprises.send(AGENT, return_message(j, invt))
    stored = await enterprises.until(f"RT{j.stamp}", "120", "100", message_type="CEB214")
    assert stored.status == "120", stored.receipt.fields
    await enterprises.send(OPERATOR, tally_message(j, invt))
    tallied = await enterprises.until(f"TL{j.stamp}", "399", "100", message_type="CEB216")
    assert tallied.status == "399", tallied.receipt.fields
    released = await enterprises.until(f"RT{j.stamp}", "800", message_type="CEB214")
    assert released.topic.endswith(AGENT) and released.receipt.fields["invtNo"] == invt
    assert enterprises.of(f"RT{j.stamp}") == [("CEB214", "2"), ("CEB214", "120"), ("CEB214", "800")]
    assert enterprises.of(f"TL{j.stamp}", OPERATOR) == [("CEB216", "2"), ("CEB216", "399")]
    assert all(valid(r) for r in enterprises.seen if r.receipt.message_type in ("CEB214", "CEB216"))


async def test_a_return_after_release(stack, enterprises):
    j = Journey()
    invt = await enterprises.audited(j)
    await enterprises.arrived(j, invt)
    await enterprises.send(AGENT, return_message(j, invt, qty={1: "9999"}))  # more than was exported
    refused = await enterprises.until(f"RT{j.stamp}", "100", message_type="CEB214")
    assert "Code:2704" in refused.receipt.fields["returnInfo"] and valid(refused)
    j2 = Journey(stamp=j.stamp + "B")  # a new coElNo for the corrected return
    j2_msg = return_message(j, invt).replace(f"RT{j.stamp}".encode(), f"RT{j2.stamp}".encode())
    await enterprises.send(AGENT, j2_msg)
    await enterprises.until(f"RT{j2.stamp}", "120", message_type="CEB214")
    assert (await list_view(stack, j))["status"] == "returning"
    await enterprises.send(OPERATOR, tally_message(j, invt))
    await enterprises.until(f"RT{j2.stamp}", "800", message_type="CEB214")
    view = await list_view(stack, j)
    assert view["status"] == "returned"
    assert [h["event"] for h in view["history"] if "return" in h["event"]] == [
        "apply for return", "return receipt", "tally return", "return receipt"]


async def test_a_return_after_close(stack, enterprises):
    j = Journey()
    invt = await enterprises.audited(j)
    await enterprises.arrived(j, invt)
    await enterprises.send(LOGISTICS, j.departure_message())
    await enterprises.until(j.cop_no, "899")
    await returned(enterprises, j, invt)
    assert (await list_view(stack, j))["status"] == "returned"


async def test_a_summary_of_b_lists_with_its_702_and_792(stack, enterprises):
    first, second = Journey(), Journey()
    invt1 = await enterprises.audited(first, head={"statisticsFlag": "B"})
    invt2 = await enterprises.audited(second, head={"statisticsFlag": "B"})
    await enterprises.send(AGENT, first.bill_message(invt1, [(invt2, second.logistics_no)]))
    await enterprises.until(f"WB{first.stamp}", "120")
    await enterprises.send(OPERATOR, first.arrival_message([first.logistics_no, second.logistics_no]))
    await enterprises.until(first.cop_no, "800")
    await enterprises.until(second.cop_no, "800")
    # a list not yet closed cannot be summarised
    await enterprises.send(AGENT, summary_message(first.stamp + "X", [invt1]))
    early = await enterprises.until(f"SM{first.stamp}X", "100", message_type="CEB702")
    assert "Code:2722" in early.receipt.fields["returnInfo"] and "not closed" in early.receipt.fields["returnInfo"]
    await enterprises.send(LOGISTICS, first.departure_message())
    await enterprises.until(second.cop_no, "899")
    await enterprises.send(AGENT, summary_message(first.stamp, [invt1, invt2]))
    sent = await enterprises.until(f"SM{first.stamp}", "3", "100", message_type="CEB702")
    assert sent.status == "3", sent.receipt.fields
    sum_no = sent.receipt.fields["sumNo"]
    pending = (await officer(stack, "GET", "/summaries", params={"limit": 1000})).json()["items"]
    assert sum_no in [p["sum_no"] for p in pending]
    resp = await officer(stack, "POST", f"/summaries/{sum_no}/conclude", json={"decState": "A"},
                         headers={"X-Operator": "officer-sun"})
    assert resp.status_code == 200, resp.text
    result = await enterprises.wait(lambda r: r.key == f"SM{first.stamp}" and r.receipt.message_type == "CEB792"
                                    and r.topic.endswith(AGENT))
    # the seller named in the summary hears of the result too
    await enterprises.wait(lambda r: r.key == f"SM{first.stamp}" and r.receipt.message_type == "CEB792"
                           and r.topic.endswith(EBC))
    assert [t for t in enterprises.of(f"SM{first.stamp}")] == [("CEB702", "2"), ("CEB702", "3"), ("CEB702", "399"),
                                                               ("CEB792", "")]
    assert result.receipt.fields["sumNo"] == sum_no and result.receipt.fields["decState"] == "A"
    assert all(valid(r) for r in enterprises.seen if r.receipt.message_type in ("CEB702", "CEB792")), [
        schema_problems(r.raw) for r in enterprises.seen if r.receipt.message_type in ("CEB702", "CEB792")]
    view = (await officer(stack, "GET", f"/summaries/{sum_no}")).json()
    assert view["status"] == "399" and {x["invt_no"] for x in view["lists"]} == {invt1, invt2}
    again = await officer(stack, "POST", f"/summaries/{sum_no}/conclude", headers={"X-Operator": "officer-sun"})
    assert again.status_code == 409
    await enterprises.send(AGENT, summary_message(first.stamp + "Y", [invt2]))
    twice = await enterprises.until(f"SM{first.stamp}Y", "100", message_type="CEB702")
    assert f"Code:2723;Desc:SummaryApplyList/invtNo: list {invt2} is already in summary {sum_no}" in (
        twice.receipt.fields["returnInfo"])


async def test_a_refused_summary_lets_its_list_go_to_a_summary_by_period(stack, enterprises):
    j = Journey()
    invt = await enterprises.audited(j, head={"statisticsFlag": "B"})
    await enterprises.arrived(j, invt)
    await enterprises.send(LOGISTICS, j.departure_message())
    await enterprises.until(j.cop_no, "899")
    await enterprises.send(AGENT, summary_message(j.stamp, [invt]))
    sum_no = (await enterprises.until(f"SM{j.stamp}", "3", message_type="CEB702")).receipt.fields["sumNo"]
    resp = await officer(stack, "POST", f"/summaries/{sum_no}/refuse", json={"reason": "declarant not authorised"},
                         headers={"X-Operator": "officer-sun"})
    assert resp.status_code == 200, resp.text
    refused = await enterprises.until(f"SM{j.stamp}", "100", message_type="CEB702")
    assert "declarant not authorised" in refused.receipt.fields["returnInfo"] and valid(refused)
    now = datetime.now(CHINA)
    period = {"startTime": f"{now - timedelta(hours=1):%Y%m%d%H%M%S}", "endTime": f"{now + timedelta(hours=1):%Y%m%d%H%M%S}"}
    await enterprises.send(AGENT, summary_message(j.stamp + "P", [], head=period))
    by_period = await enterprises.until(f"SM{j.stamp}P", "3", "100", message_type="CEB702")
    assert by_period.status == "3", by_period.receipt.fields
    view = (await officer(stack, "GET", f"/summaries/{by_period.receipt.fields['sumNo']}")).json()
    assert invt in {x["invt_no"] for x in view["lists"]}


@pytest.mark.parametrize("code, dxp, receipt", [
    ("CEB213", "DXPENT0000011351", "CEB214"), ("CEB215", "DXPLGS0000000001", "CEB216"),
    ("CEB701", "DXPENTCEB70101", "CEB702"),
])
async def test_the_customs_samples_are_answered(stack, enterprises, code, dxp, receipt):
    # the samples give one enterprise code three DXP ids: the admin moves the code to each in turn
    async with httpx.AsyncClient(base_url=stack.url("gateway"), headers=stack.admin) as http:
        (await http.post("/enterprises", params={"transfer": "true"},
                         json={**SAMPLE_SENDER, "dxpId": dxp})).raise_for_status()
    await enterprises.send(dxp, corrected_sample(code))
    answer = await enterprises.wait(lambda r: r.topic.endswith(dxp) and r.receipt.message_type == receipt)
    # the samples name lists this platform never saw: answered, with the reason, in the schema's shape
    assert answer.status == "100" and answer.receipt.fields["returnInfo"].startswith("[Code:")
    assert valid(answer), schema_problems(answer.raw)
