"""Signed declarations through the running stack with CBEC_SIGNATURE_MODE=required: the
certificate registered over HTTP and the CLI, a signed list accepted, unsigned and forged ones
rejected with the step that failed; SM2-SM3; a draft (appStatus 1) kept by the platform and never
seen by customs until it is declared."""
from __future__ import annotations

import json
import os

import httpx
import pytest

from services.cli import main as cli
from services.cli.journey import DEMO_ENTERPRISES, Journey
from services.cli.kafka_io import send
from shared.kafka import topics
from shared.messages.signature import certificate_number, load_certificate, sign_json, sign_message, sign_xml
from tests.support.receipt_checks import ReceiptReader
from tests.support.records import read_all
from tests.support.stack import running_stack
from tests.unit.gateway.certificates import make_key_and_certificate, make_sm2_key_and_certificate

pytestmark = pytest.mark.e2e

AGENT = "DXPENT0000000001"


@pytest.fixture(scope="module")
def keys():
    key, cert = make_key_and_certificate("3301960001")
    return key, cert, certificate_number(load_certificate(cert))


@pytest.fixture(scope="module")
async def stack(kafka_bootstrap, admin_database_url, tmp_path_factory, keys):
    key, cert, number = keys
    async with running_stack(kafka_bootstrap, admin_database_url, tmp_path_factory.mktemp("gateway-signatures"),
                             enterprises=DEMO_ENTERPRISES, extra_env={"CBEC_SIGNATURE_MODE": "required"}) as s:
        agent = {**DEMO_ENTERPRISES[0], "certificate": cert.decode()}
        async with httpx.AsyncClient(base_url=s.url("gateway"), headers=s.admin) as http:
            resp = await http.post("/enterprises", json=agent)
            assert resp.status_code == 200, resp.text
            assert resp.json()["certificateNumber"] == number
        yield s


async def answer(stack, body: bytes, cop_no: str):
    async with ReceiptReader(stack.kafka, [AGENT], stack.prefix) as reader:
        await send(stack.kafka, AGENT, body, stack.prefix)
        return await reader.wait_for(lambda r: r.key == cop_no, 60)


async def test_signed_list_is_accepted(stack, keys):
    key, _, number = keys
    j = Journey()
    r = await answer(stack, sign_xml(j.list_message("xml"), key, key_name=number), j.cop_no)
    assert r.status == "2", r.receipt.fields


async def test_signed_json_list_is_accepted(stack, keys):
    key, _, number = keys
    j = Journey()
    r = await answer(stack, sign_json(j.list_message("json"), key, key_name=number), j.cop_no)
    assert r.status == "2", r.receipt.fields
    assert r.raw_format == "json"


async def test_unsigned_declared_list_is_rejected(stack):
    j = Journey()
    r = await answer(stack, j.list_message("xml"), j.cop_no)
    assert r.status == "100"
    assert r.receipt.fields["returnInfo"].startswith("[Code:2501;")


async def test_forged_list_names_the_digest_step(stack, keys):
    key, _, number = keys
    j = Journey()
    body = sign_xml(j.list_message("xml"), key, key_name=number).replace(b"Silk tie</ceb:gname>", b"Silk tye</ceb:gname>")
    r = await answer(stack, body, j.cop_no)
    assert r.status == "100"
    assert r.receipt.fields["returnInfo"].startswith("[Code:2503;Desc:Signature/SignedInfo/Reference/DigestValue: digest")


async def test_list_signed_with_a_stranger_key_names_the_signature_value(stack, keys):
    _, _, number = keys
    stranger, _ = make_key_and_certificate("3301960001")
    j = Journey()
    r = await answer(stack, sign_xml(j.list_message("xml"), stranger, key_name=number), j.cop_no)
    assert r.receipt.fields["returnInfo"].startswith("[Code:2504;")


async def test_cli_registers_a_renewed_certificate(stack, keys, tmp_path, monkeypatch, capsys):
    """After renewal the old certificate is unknown (stale) and the new one signs."""
    old_key, _, old_number = keys
    new_key, new_cert = make_key_and_certificate("3301960001")
    path = tmp_path / "agent.pem"
    path.write_bytes(new_cert)
    monkeypatch.setenv("CBEC_GATEWAY_URL", stack.url("gateway"))
    agent = DEMO_ENTERPRISES[0]
    code = cli.main(["enterprise", "register", "--code", agent["code"], "--name", agent["name"],
                     "--dxp-id", agent["dxpId"], "--roles", ",".join(agent["roles"]), "--certificate", str(path), "--json"])
    assert code == 0
    shown = json.loads(capsys.readouterr().out)
    new_number = certificate_number(load_certificate(new_cert))
    assert shown["certificateNumber"] == new_number
    j = Journey()
    r = await answer(stack, sign_xml(j.list_message("xml"), old_key, key_name=old_number), j.cop_no)
    assert r.receipt.fields["returnInfo"].startswith("[Code:2505;")
    j = Journey()
    r = await answer(stack, sign_xml(j.list_message("xml"), new_key, key_name=new_number), j.cop_no)
    assert r.status == "2", r.receipt.fields
    assert os.environ["CBEC_GATEWAY_URL"] == stack.url("gateway")


async def test_sm2_draft_then_signed_declaration(stack):
    """An unsigned draft is answered 1 and reaches neither management nor the declarations topic;
    the SM2-signed declaration of the same list gets 2 then 120; a tampered one names the digest."""
    key, cert = make_sm2_key_and_certificate("3301960001")
    agent = {**DEMO_ENTERPRISES[0], "certificate": cert.decode()}
    async with httpx.AsyncClient(base_url=stack.url("gateway")) as http:
        assert (await http.post("/enterprises", json=agent)).status_code == 200
    j = Journey()
    draft = j.list_message("xml").replace(b"<ceb:appStatus>2</ceb:appStatus>", b"<ceb:appStatus>1</ceb:appStatus>")
    async with ReceiptReader(stack.kafka, [AGENT], stack.prefix) as reader:
        await send(stack.kafka, AGENT, draft, stack.prefix)
        r = await reader.wait_for(lambda r: r.key == j.cop_no, 60)
        assert r.status == "1" and "电子口岸已暂存" in r.receipt.fields["returnInfo"], r.receipt.fields
        async with httpx.AsyncClient(base_url=stack.url("management")) as http:
            assert (await http.get(f"/lists/{agent['code']}/{j.cop_no}")).status_code == 404
        await send(stack.kafka, AGENT, sign_message(j.list_message("xml"), key, cert), stack.prefix)
        seen: list = []
        await reader.wait_for(lambda r: r.key == j.cop_no and r.status == "120", 60, seen)
        assert [x.status for x in seen if x.key == j.cop_no] == ["2", "120"]
        j2 = Journey()
        tampered = sign_message(j2.list_message("xml"), key, cert).replace(b"Silk tie</ceb:gname>",
                                                                           b"Silk tye</ceb:gname>")
        await send(stack.kafka, AGENT, tampered, stack.prefix)
        r = await reader.wait_for(lambda r: r.key == j2.cop_no, 60)
        assert r.receipt.fields["returnInfo"].startswith("[Code:2503;Desc:Signature/SignedInfo/Reference/DigestValue")
    keys = [rec.key.decode() for rec in await read_all(stack.kafka, stack.prefix + topics.DECLARATIONS)]
    assert keys.count(j.cop_no) == 1  # the declaration, never the draft
    assert j2.cop_no not in keys
