"""``cbec`` as a person and a script run it: answers, exit codes, one-line errors (typer's CliRunner)."""
from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from services.cli.fresh import Renumbering
from services.cli.journey import Journey
from services.cli.main import app
from shared.messages import decode_message
from shared.samples import sample_path
from tests.unit.gateway.certificates import make_key_and_certificate, make_sm2_key_and_certificate

runner = CliRunner()


def cbec(*args: str, **env: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "200", **env})


def one_line_error(result) -> str:
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_version_and_a_valid_sample_in_both_formats():
    assert cbec("--version").stdout.startswith("cbec ")
    result = cbec("validate", str(sample_path("CEB603_list.xml")), str(sample_path("CEB603_list.json")), "--json")
    assert result.exit_code == 0, result.output
    answers = json.loads(result.stdout)
    assert answers["valid"] and [f["gatewayAnswer"] for f in answers["files"]] == ["CEB604 2", "CEB604 2"]


def test_validate_answers_the_gateways_codes_and_field_paths(tmp_path):
    from services.gateway.domain.checking import Context
    from services.gateway.domain.verification import verify

    wrong = Journey().list_document(item_changes={1: {"totalPrice": "1.00"}})
    (tmp_path / "list.xml").write_bytes(Journey().list_message(item_changes={1: {"totalPrice": "1.00"}}))
    (tmp_path / "broken.json").write_text('{"CEB603Message": {')
    result = cbec("validate", str(tmp_path), "--json")
    assert result.exit_code == 1
    files = {Path(f["file"]).name: f for f in json.loads(result.stdout)["files"]}
    assert files["broken.json"]["gatewayAnswer"] == "CEB900 -1"
    assert files["broken.json"]["findings"][0]["code"] == "9001"
    listed = files["list.xml"]
    assert listed["gatewayAnswer"] == "CEB604 100"
    assert [(f["code"], f["path"]) for f in listed["findings"]] == [("2102", "Inventory[1]/InventoryList[1]/totalPrice")]
    from services.cli.journey import DEMO_ENTERPRISES
    from services.gateway.domain.enterprise import Enterprise

    registry = {e["code"]: Enterprise(**e) for e in DEMO_ENTERPRISES}  # the gateway's, with the parties registered
    sender = registry[wrong.document.get("agentCode")]
    gateway = [p.return_info() for p in verify(wrong, Context(sender=sender, kafka_key=sender.dxpId, parties=registry))]
    assert [f["returnInfo"] for f in listed["findings"]] == gateway


def test_a_missing_file_is_one_line_and_exit_3():
    result = cbec("validate", "no-such-message.xml")
    assert result.exit_code == 3 and "no-such-message.xml" in one_line_error(result)


@pytest.mark.parametrize("make", [make_key_and_certificate, make_sm2_key_and_certificate], ids=["rsa", "sm2"])
def test_sign_then_verify_and_each_failure_names_the_gateways_step(tmp_path, make):
    key, cert = make()
    _, other = make_key_and_certificate()
    for name, pem in (("k.pem", key), ("c.pem", cert), ("other.pem", other)):
        (tmp_path / name).write_bytes(pem)
    signed = tmp_path / "signed.xml"
    assert cbec("sign", str(sample_path("CEB603_list.xml")), "--key", str(tmp_path / "k.pem"),
                "--cert", str(tmp_path / "c.pem"), "-o", str(signed)).exit_code == 0
    ok = cbec("verify", str(signed), "--cert", str(tmp_path / "c.pem"), "--json")
    assert ok.exit_code == 0 and json.loads(ok.stdout)["verified"] is True

    (tmp_path / "tampered.xml").write_bytes(signed.read_bytes().replace(b"<ceb:qty>200<", b"<ceb:qty>201<"))
    for path, cert_name, code, step in ((tmp_path / "tampered.xml", "c.pem", "2503", "digest"),
                                        (signed, "other.pem", "2505", "unknown certificate"),
                                        (sample_path("CEB603_list.xml"), "c.pem", "2501", "unsigned")):
        bad = cbec("verify", str(path), "--cert", str(tmp_path / cert_name), "--json")
        assert bad.exit_code == 1
        assert (json.loads(bad.stdout)["code"], json.loads(bad.stdout)["step"]) == (code, step)
    not_a_key = cbec("sign", str(sample_path("CEB603_list.xml")), "--key", str(tmp_path / "c.pem"),
                     "--cert", str(tmp_path / "c.pem"))
    assert not_a_key.exit_code == 3 and one_line_error(not_a_key)


def test_unreachable_service_refused_credential_and_refused_request_have_their_codes(monkeypatch):
    refused = cbec("enterprise", "list", CBEC_GATEWAY_URL="http://127.0.0.1:9")
    assert refused.exit_code == 4 and "cannot reach gateway" in one_line_error(refused)

    answers = iter([httpx.Response(401, json={"detail": "invalid or expired token"}),
                    httpx.Response(409, json={"detail": "the list is closed"})])
    monkeypatch.setattr(httpx, "request", lambda *a, **kw: next(answers))
    denied = cbec("inspection", "list", "--token", "not-a-token")
    assert denied.exit_code == 5 and "401" in one_line_error(denied)
    conflict = cbec("application", "approve", "7")
    assert conflict.exit_code == 6 and "the list is closed" in one_line_error(conflict)
    assert cbec("inspection", "result", "1").exit_code == 2  # --pass/--fail is required


def test_fresh_numbers_are_new_and_agree_across_the_files_of_a_journey():
    renumbering = Renumbering()
    fresh = {name: decode_message(renumbering.renew_bytes(sample_path(name).read_bytes()))[0]
             for name in ("CEB505_waybill.xml", "CEB603_list.xml", "CEB607_master_bill.xml")}
    waybill, listed, bill = (m.document for m in fresh.values())
    assert waybill.get("logisticsNo") == listed.get("logisticsNo") == bill.items[0]["logisticsNo"] != "QT2026112800001"
    assert listed.get("copNo") != "AG20261128000001"
    original = decode_message((sample_path("CEB603_list.xml")).read_bytes())[0]
    assert fresh["CEB603_list.xml"].guid != original.guid and listed.get("guid") != original.document.get("guid")
    assert cbec("validate", str(sample_path("CEB603_list.xml"))).exit_code == 0
