"""Signed declarations: verified against the registered certificate, failures name the step."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from lxml import etree
from signxml import XMLSigner, methods

from services.gateway.adapters import registry
from shared.messages import encode_message
from shared.messages.signature import (
    EXC_C14N,
    certificate_number,
    load_certificate,
    sign_json,
    sign_message,
    sign_xml,
)
from tests.fixtures.gateway import ENTERPRISES, message, raw
from tests.fixtures.gateway.make_variants import dxp
from tests.unit.gateway.certificates import make_key_and_certificate, make_sm2_key_and_certificate

pytestmark = pytest.mark.integration

AGENT = "DXPENT0000000001"


@pytest.fixture(scope="module")
def agent_keys():
    key, cert = make_key_and_certificate("3301960001")
    return key, cert, certificate_number(load_certificate(cert))


@pytest.fixture
async def signing(gateway_pool, rig_factory, agent_keys):
    key, cert, number = agent_keys
    async with gateway_pool.pool.acquire() as conn:
        await registry.upsert(conn, ENTERPRISES["agent"].model_copy(update={"certificate": cert.decode()}))
    return rig_factory(CBEC_SIGNATURE_MODE="required"), key, number


def signed_list(key: bytes, number: str, **kw) -> bytes:
    return sign_xml(raw("CEB603"), key, key_name=number, **kw)


async def accepted(rig, body: bytes) -> bool:
    out = await rig.send(AGENT, body)
    assert out.receipts == [], out.infos
    return len(out.declarations) == 1


async def code_of(rig, body: bytes) -> str:
    out = await rig.send(AGENT, body)
    assert out.declarations == []
    (code,) = out.codes()
    return code


async def test_unsigned_declared_message_is_rejected_when_required(signing):
    rig, key, number = signing
    assert await code_of(rig, raw("CEB603")) == "2501"


async def test_unsigned_draft_is_kept(signing):
    rig, key, number = signing
    out = await rig.send(AGENT, raw("CEB603").replace(b"<ceb:appStatus>2</ceb:appStatus>",
                                                      b"<ceb:appStatus>1</ceb:appStatus>"))
    assert out.declarations == [] and [r.fields["returnStatus"] for r in out.receipts] == ["1"]


@pytest.mark.parametrize("fmt", ["xml", "json"])
async def test_sm2_signed_list_is_accepted_and_a_tampered_one_names_the_digest(signing, gateway_pool, fmt):
    rig, _, _ = signing
    key, cert = make_sm2_key_and_certificate("3301960001")
    async with gateway_pool.pool.acquire() as conn:
        await registry.upsert(conn, ENTERPRISES["agent"].model_copy(update={"certificate": cert.decode()}))
    body = raw("CEB603") if fmt == "xml" else encode_message(message("CEB603"), "json")
    assert await accepted(rig, sign_message(body, key, cert))
    m = message("CEB603")
    m.guid = "4CDE1CFD-EDED-46B1-946C-B8022E42FC95"
    m.document.head["copNo"] = "AG20261128000003"
    signed = sign_message(encode_message(m, fmt), key, cert).replace(b"Silk tie", b"Silk tye")
    assert await code_of(rig, signed) == "2503"


@pytest.mark.parametrize("algorithm", ["rsa-sha256", "rsa-sha1"])
@pytest.mark.parametrize("c14n", ["inclusive", "exclusive"])
async def test_signed_list_is_accepted(signing, algorithm, c14n):
    rig, key, number = signing
    kw = {"c14n": EXC_C14N} if c14n == "exclusive" else {}
    assert await accepted(rig, signed_list(key, number, algorithm=algorithm, **kw))


async def test_signed_by_another_xmldsig_library_is_accepted(signing):
    rig, key, number = signing
    root = etree.fromstring(raw("CEB603"))
    signer = XMLSigner(method=methods.enveloped, signature_algorithm="rsa-sha256", digest_algorithm="sha256",
                       c14n_algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315")
    body = etree.tostring(signer.sign(root, key=key, key_name=number), xml_declaration=True, encoding="UTF-8")
    assert await accepted(rig, body)


async def test_signed_list_in_a_dxp_envelope_is_accepted(signing):
    rig, key, number = signing
    assert await accepted(rig, dxp(signed_list(key, number), AGENT, "CEB603"))


async def test_signed_json_is_accepted(signing):
    rig, key, number = signing
    body = sign_json(encode_message(message("CEB603"), "json"), key, key_name=number)
    assert await accepted(rig, body)


async def test_tampered_xml_fails_at_the_digest(signing):
    rig, key, number = signing
    body = signed_list(key, number).replace(b"<ceb:qty>200</ceb:qty>", b"<ceb:qty>201</ceb:qty>").replace(
        b"<ceb:totalPrice>17100.00</ceb:totalPrice>", b"<ceb:totalPrice>17185.50</ceb:totalPrice>")
    out = await rig.send(AGENT, body)
    assert out.codes() == ["2503"]
    assert "digest mismatch" in out.infos[0] and "Signature/SignedInfo/Reference/DigestValue" in out.infos[0]


async def test_reindented_xml_fails_at_the_digest(signing):
    rig, key, number = signing
    body = signed_list(key, number).replace(b"\n  <ceb:Inventory>", b"\n    <ceb:Inventory>")
    assert await code_of(rig, body) == "2503"


async def test_tampered_json_fails_at_the_digest(signing):
    rig, key, number = signing
    signed = json.loads(sign_json(encode_message(message("CEB603"), "json"), key, key_name=number))
    signed["CEB603Message"]["Inventory"][0]["InventoryHead"]["note"] = "changed"
    assert await code_of(rig, json.dumps(signed).encode()) == "2503"


async def test_json_with_numbers_cannot_be_canonicalised(signing):
    rig, key, number = signing
    signed = json.loads(sign_json(encode_message(message("CEB603"), "json"), key, key_name=number))
    signed["CEB603Message"]["Inventory"][0]["InventoryHead"]["packNo"] = 3
    assert await code_of(rig, json.dumps(signed).encode()) == "2502"


async def test_signed_with_another_key_fails_at_the_signature_value(signing):
    rig, key, number = signing
    other_key, _ = make_key_and_certificate("3301960001")
    out = await rig.send(AGENT, signed_list(other_key, number))
    assert out.codes() == ["2504"]
    assert "Signature/SignatureValue" in out.infos[0]


async def test_edited_signed_info_fails_at_the_signature_value(signing):
    rig, key, number = signing
    body = signed_list(key, number)
    tree = etree.fromstring(body)
    ns = {"ds": "http://www.w3.org/2000/09/xmldsig#"}
    tree.find(".//ds:Reference", ns).set("Id", "r1")
    assert await code_of(rig, etree.tostring(tree, xml_declaration=True, encoding="UTF-8")) == "2504"


async def test_unknown_certificate(signing):
    rig, key, number = signing
    out = await rig.send(AGENT, signed_list(key, "abcdef0123"))
    assert out.codes() == ["2505"]
    assert number in out.infos[0]


async def test_no_certificate_registered(rig_factory, agent_keys):
    key, cert, number = agent_keys
    rig = rig_factory(CBEC_SIGNATURE_MODE="required")
    out = await rig.send(AGENT, signed_list(key, number))
    assert out.codes() == ["2505"]


async def test_expired_certificate(gateway_pool, rig_factory):
    key, cert = make_key_and_certificate("3301960001", not_before=datetime.now(UTC) - timedelta(days=400),
                                         days=30)
    async with gateway_pool.pool.acquire() as conn:
        await registry.upsert(conn, ENTERPRISES["agent"].model_copy(update={"certificate": cert.decode()}))
    rig = rig_factory(CBEC_SIGNATURE_MODE="required")
    out = await rig.send(AGENT, signed_list(key, certificate_number(load_certificate(cert))))
    assert out.codes() == ["2506"]
    assert "expired" in out.infos[0]


async def test_an_unknown_signature_method_is_named(signing):
    rig, key, number = signing
    body = signed_list(key, number).replace(b"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                                            b"http://www.chinaport.gov.cn/xmldsig#sm2-sm3")  # not the 2022/04 URI
    out = await rig.send(AGENT, body)
    assert out.codes() == ["2507"]
    assert "SignatureMethod" in out.infos[0]


async def test_unsupported_canonicalisation(signing):
    rig, key, number = signing
    body = signed_list(key, number).replace(b'Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"',
                                            b'Algorithm="http://www.w3.org/2006/12/xml-c14n11"')
    assert await code_of(rig, body) == "2502"


async def test_reference_to_part_of_the_message(signing):
    rig, key, number = signing
    assert await code_of(rig, signed_list(key, number).replace(b'URI=""', b'URI="#part"')) == "2502"


async def test_bad_signature_is_rejected_even_when_signatures_are_optional(gateway_pool, rig_factory, agent_keys):
    key, cert, number = agent_keys
    async with gateway_pool.pool.acquire() as conn:
        await registry.upsert(conn, ENTERPRISES["agent"].model_copy(update={"certificate": cert.decode()}))
    rig = rig_factory(CBEC_SIGNATURE_MODE="optional")
    assert len((await rig.send(AGENT, raw("CEB605"))).declarations) == 1  # unsigned: fine
    body = signed_list(key, number).replace(b"Silk tie</ceb:gname>", b"Silk tye</ceb:gname>")
    out = await rig.send(AGENT, body)
    assert out.codes() == ["2503"]


async def test_certificate_in_x509data_instead_of_keyname(signing, agent_keys):
    rig, key, number = signing
    _, cert, _ = agent_keys
    root = etree.fromstring(raw("CEB603"))
    signer = XMLSigner(method=methods.enveloped, signature_algorithm="rsa-sha256", digest_algorithm="sha256",
                       c14n_algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315")
    body = etree.tostring(signer.sign(root, key=key, cert=cert.decode()), xml_declaration=True, encoding="UTF-8")
    assert await accepted(rig, body)
