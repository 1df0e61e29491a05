"""The intake pipeline on a real database: variants accepted, format errors, dead letters,
retransmissions, and the world the logic checks see (parties, orders, waybills)."""
from __future__ import annotations

import pytest

from tests.fixtures.gateway import FILES, HERE, message, raw, sender
from tests.fixtures.gateway.make_variants import VARIANTS, dxp

from .conftest import record

pytestmark = pytest.mark.integration

MESSAGE_TYPES = sorted(FILES)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("message_type", MESSAGE_TYPES)
async def test_sample_variants_are_accepted(rig, message_type, variant):
    body = (HERE / "variants" / f"{message_type}_{variant}").read_bytes()
    out = await rig.send(sender(message_type).dxpId, body)
    assert out.receipts == [] and out.dead_letters == []
    (declaration,) = out.declarations
    assert declaration.message.message_type == message_type
    assert declaration.message.format == ("json" if variant.endswith("json") else "xml")
    assert [r.fields["returnStatus"] for r in declaration.acceptance] == ["2"]
    assert declaration.acceptance[0].recipients[0].format == declaration.message.format


async def test_missing_key_and_unregistered_sender_are_dead_lettered(rig):
    out = await rig.feed(record(None, raw("CEB603")), record("DXPNOBODY0000001", raw("CEB603")))
    assert out.receipts == [] and out.declarations == []
    reasons = [dict(m.headers)["dlq-reason"] for m in out.dead_letters]
    assert reasons[0].startswith("missing key")
    assert reasons[1].startswith("unregistered sender") and "DXPNOBODY0000001" in reasons[1]
    assert dict(out.dead_letters[0].headers)["dlq-source-topic"] == "ceb.inbound"


async def test_on_an_enterprise_inbound_topic_the_topic_names_the_sender(rig):
    """ceb.inbound.<DXP id> (only its principal may write it in the secure profile): no key is
    needed, the key if present must agree, and a key naming another enterprise is not believed."""
    agent = sender("CEB603").dxpId
    own = f"ceb.inbound.{agent}"
    out = await rig.feed(record(None, raw("CEB603"), topic=own))
    assert len(out.declarations) == 1 and out.dead_letters == []
    out = await rig.feed(record("DXPENT0000000002", raw("CEB603"), topic=own))
    assert out.declarations == [] and out.receipts == []
    reason = dict(out.dead_letters[0].headers)["dlq-reason"]
    assert reason.startswith("sender mismatch") and "DXPENT0000000002" in reason and own in reason


async def test_a_message_on_another_enterprises_inbound_is_answered_as_that_enterprise(rig):
    """Written to ceb.inbound.<B> (in the secure profile only B can), a list naming agent A is
    rejected as B's (2002/2003), never stored as A's."""
    other = "DXPENT0000000002"
    out = await rig.feed(record(None, raw("CEB603"), topic=f"ceb.inbound.{other}"))
    assert out.declarations == []
    (receipt,) = out.receipts
    assert receipt.fields["returnStatus"] == "100"
    assert [r.dxp_id for r in receipt.recipients] == [other]


@pytest.mark.parametrize("body,code", [
    (None, "9012"),
    (b"", "9012"),
    (b"   \n", "9012"),
    (b"hello", "9001"),
    (b"<ceb:CEB603Message", "9001"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>', "9007"),
    (b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://127.0.0.1:1/evil.dtd"><x/>', "9007"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>', "9007"),
    (b"<a>" * 300 + b"</a>" * 300, "9009"),
    (b"<ceb:CEB603Message xmlns:ceb='http://www.chinaport.gov.cn/ceb' guid='x'>\xff\xfe</ceb:CEB603Message>", "9010"),
    (b'{"CEB999Message": {"guid": "x"}}', "9002"),
    (b'<CEB603Message xmlns="urn:other" guid="A"/>', "9003"),
    (b'{"CEB603Message": ' + b"[" * 100000 + b"]" * 100000 + b"}", "9009"),
    (b'{"CEB603Message": {"guid": "A", "guid": "B"}}', "9011"),
    (b'{"CEB603Message": {"Inventory": [{"InventoryHead": {"freight": 1e999999}}]}}', "9006"),
    (b'\xef\xbb\xbf{"CEB603Message": "\xff"}', "9010"),
])
async def test_unreadable_messages_get_ceb900(rig, body, code):
    out = await rig.send("DXPENT0000000001", body)
    (receipt,) = out.receipts
    assert receipt.message_type == "CEB900"
    assert receipt.fields["returnStatus"] == "-1"
    assert receipt.fields["returnInfo"].startswith(f"[Code:{code};")
    assert out.declarations == []


async def test_ceb900_names_the_original_type_guid_and_field(rig):
    m = message("CEB603")
    body = raw("CEB603").replace(b"<ceb:gcode>6214100090</ceb:gcode>", b"<ceb:gcode>62141</ceb:gcode>")
    out = await rig.send("DXPENT0000000001", body)
    (receipt,) = out.receipts
    assert receipt.fields["oriMessageType"] == "CEB603Message"
    assert receipt.fields["guid"] == m.guid
    assert receipt.fields["oriBizMessage"] == body.decode()  # the message received, quoted back
    assert "Inventory[1]/InventoryList[1]/gcode" in receipt.fields["returnInfo"]
    assert receipt.fields["returnInfo"].startswith("[Code:9006;")


async def test_ceb900_of_an_enveloped_message_names_its_copmsgid(rig):
    broken = raw("CEB603").replace(b"<ceb:gcode>6214100090</ceb:gcode>", b"<ceb:gcode>62141</ceb:gcode>")
    out = await rig.send("DXPENT0000000001", dxp(broken, "DXPENT0000000001", "CEB603", "MSG-CEB900-1"))
    (receipt,) = out.receipts
    assert (receipt.fields["oriCopMsgId"], receipt.fields["oriMessageType"]) == ("MSG-CEB900-1", "CEB603Message")
    unreadable = dxp(b"<ceb:CEB603Message", "DXPENT0000000001", "CEB603", "MSG-CEB900-2")
    (receipt,) = (await rig.send("DXPENT0000000001", unreadable)).receipts
    assert receipt.fields["oriCopMsgId"] == "MSG-CEB900-2" and receipt.fields["returnStatus"] == "-1"


async def test_oversized_message_is_answered_without_parsing(rig_factory):
    rig = rig_factory(CBEC_MAX_MESSAGE_BYTES="1024")
    out = await rig.send("DXPENT0000000001", raw("CEB603"))
    assert out.receipts[0].fields["returnInfo"].startswith("[Code:9008;")


async def test_retransmission_is_answered_once(rig):
    first = await rig.send("DXPENT0000000001", raw("CEB603"))
    again = await rig.send("DXPENT0000000001", raw("CEB603"))
    assert len(first.declarations) == 1
    assert again.declarations == [] and again.receipts == []


async def test_retransmission_in_one_batch_is_answered_once(rig):
    out = await rig.feed(record("DXPENT0000000001", raw("CEB603")), record("DXPENT0000000001", raw("CEB603")))
    assert len(out.declarations) == 1 and out.receipts == []


async def test_a_guid_used_again_for_other_content_is_rejected(rig):
    await rig.send("DXPENT0000000001", raw("CEB603"))
    out = await rig.send("DXPENT0000000001", raw("CEB603").replace(b"Silk scarf</ceb:gname>", b"Silk shawl</ceb:gname>"))
    assert out.declarations == []
    assert out.codes() == ["2201"]
    assert out.receipts[0].fields["returnStatus"] == "100"


async def test_a_guid_of_an_unreadable_message_may_be_used_again(rig):
    bad = raw("CEB603").replace(b"<ceb:gcode>6214100090</ceb:gcode>", b"<ceb:gcode>62141</ceb:gcode>")
    assert (await rig.send("DXPENT0000000001", bad)).codes() == ["9006"]
    assert len((await rig.send("DXPENT0000000001", raw("CEB603"))).declarations) == 1


async def test_dxp_sender_must_be_the_kafka_key(rig):
    body = dxp(raw("CEB603"), "DXPENT0000000009", "CEB603")
    out = await rig.send("DXPENT0000000001", body)
    assert out.codes() == ["2004"]


async def test_sender_role_and_own_codes(rig):
    out = await rig.send("DXPENT0000000004", raw("CEB603"))  # the operator sends a list
    assert "2001" in out.codes() and "2002" in out.codes() and "2003" in out.codes()


async def test_payment_is_checked_against_the_order_seen_before(rig):
    assert len((await rig.send("DXPENT0000000002", raw("CEB303"))).declarations) == 1
    out = await rig.send("DXPENT0000000002", raw("CEB403").replace(b"29820.00", b"29700.00"))
    assert out.codes() == ["2123"]
    assert "Receipts[1]/charge" in out.infos[0]


async def test_order_and_payment_in_one_batch(rig):
    bad = raw("CEB403").replace(b"29820.00", b"29700.00")
    out = await rig.feed(record("DXPENT0000000002", raw("CEB303")), record("DXPENT0000000002", bad))
    assert len(out.declarations) == 1
    assert out.codes() == ["2123"]


async def test_payment_before_its_order_passes(rig):
    out = await rig.send("DXPENT0000000002", raw("CEB403").replace(b"29820.00", b"29700.00"))
    assert len(out.declarations) == 1


async def test_unregistered_ebc_is_named(rig):
    out = await rig.send("DXPENT0000000001", raw("CEB603").replace(b"3301960002", b"3301969999"))
    assert set(out.codes()) == {"2005"}


async def test_several_lists_in_one_message(rig):
    m = message("CEB603")
    second = m.documents[0].model_copy(deep=True)
    second.head.update(copNo="AG20261128000002", guid="7A6B9E2C-1F0D-4E55-9C1B-3D2E8F6A0B12")
    m.documents.append(second)
    from shared.messages import encode_message

    out = await rig.send("DXPENT0000000001", encode_message(m, "xml"))
    (declaration,) = out.declarations
    assert [r.business_key for r in declaration.acceptance] == ["AG20261128000001", "AG20261128000002"]
    assert len(set(declaration.pre_nos)) == 2


async def test_a_problem_in_the_second_list_names_it(rig):
    m = message("CEB603")
    second = m.documents[0].model_copy(deep=True)
    second.head.update(copNo="AG20261128000002", netWeight="99.000")
    m.documents.append(second)
    from shared.messages import encode_message

    out = await rig.send("DXPENT0000000001", encode_message(m, "xml"))
    assert out.codes() == ["2103"]  # the second list is rejected, the first goes on
    assert out.receipts[0].business_key == "AG20261128000002"
    assert "Inventory[2]/InventoryHead/netWeight" in out.infos[0]
    (declaration,) = out.declarations
    assert [d.head["copNo"] for d in declaration.message.documents] == ["AG20261128000001"]


async def test_a_problem_of_the_whole_message_rejects_every_list(rig):
    m = message("CEB603")
    second = m.documents[0].model_copy(deep=True)
    second.head.update(copNo="AG20261128000002", netWeight="99.000")
    m.documents.append(second)
    m.base_transfer.dxpId = "DXPENT0000000009"
    from shared.messages import encode_message

    out = await rig.send("DXPENT0000000001", encode_message(m, "xml"))
    assert out.declarations == []
    assert [r.business_key for r in out.receipts] == ["AG20261128000001", "AG20261128000002"]
    assert set(out.codes()) == {"2003", "2103"}


async def test_gbk_encoded_xml_from_an_older_erp_is_accepted(rig):
    text = raw("CEB603").decode().replace('encoding="UTF-8"', 'encoding="GBK"').replace(
        "Westlake Trade Platform Co.", "西湖贸易平台有限公司")
    out = await rig.send("DXPENT0000000001", text.encode("gbk"))
    (declaration,) = out.declarations
    assert declaration.message.document.head["ebpName"] == "西湖贸易平台有限公司"


async def test_erp_quirks_bom_crlf_comments_cdata_schema_location(rig):
    text = raw("CEB603").decode()
    text = text.replace('version="1.0" xmlns:ceb=', 'version="1.0" xsi:schemaLocation="http://www.chinaport.gov.cn/ceb CEB603Message.xsd" xmlns:ceb=')
    text = text.replace("<ceb:Inventory>", "<!-- generated by ERP v7 --><ceb:Inventory>")
    text = text.replace("<ceb:itemName>Silk scarf</ceb:itemName>", "<ceb:itemName><![CDATA[Silk scarf]]></ceb:itemName>")
    body = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()
    out = await rig.send("DXPENT0000000001", body)
    assert out.receipts == [], out.infos
    (declaration,) = out.declarations
    assert declaration.message.document.items[0]["itemName"] == "Silk scarf"
