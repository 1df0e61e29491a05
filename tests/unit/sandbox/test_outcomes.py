"""What a document's note marker or a rule file asks the sandbox for, and what it changes."""
from __future__ import annotations

import pytest

from shared import sandbox
from shared.contracts import Recipient
from shared.messages.official_schema import schema_problems
from shared.receipts import receipt_for
from shared.sandbox.outcomes import Outcome, OutcomeError, from_marker
from shared.sandbox.rules import load_rules, parse_rules


@pytest.fixture
def rules():
    yield lambda data: sandbox.install_rules(parse_rules(data))
    sandbox.install_rules(None)


def test_markers_name_the_outcome_and_its_argument():
    assert from_marker("SANDBOX:REJECT:2603") == Outcome("reject", code="2603")
    assert from_marker("sandbox:inspect") == Outcome("inspect")
    assert from_marker("SANDBOX:DELAY:3600:120") == Outcome("delay", delay_s=3600, status="120")
    assert from_marker("SANDBOX:NO_RECEIPT:120") == Outcome("no_receipt", status="120")
    assert from_marker("SANDBOX:SIGNATURE_FAILURE").return_code == "2504"
    assert from_marker("a gift for grandma") is None
    with pytest.raises(OutcomeError, match="unknown sandbox outcome 'explode'"):
        from_marker("SANDBOX:EXPLODE")
    with pytest.raises(OutcomeError, match="not 4 digits"):
        from_marker("SANDBOX:REJECT:26")


def test_nothing_is_scripted_when_the_sandbox_is_off():
    assert not sandbox.active()
    assert sandbox.outcome_for("CEB603", {"note": "SANDBOX:REJECT:2603"}) is None


def test_the_first_matching_rule_wins_and_a_marker_wins_over_rules(rules):
    rules({"rules": [{"match": {"messageType": "CEB603", "copNo": "AG-I-*"}, "outcome": "inspect"},
                     {"match": {"copNo": "AG-*"}, "outcome": "reject", "code": "2603"}]})
    assert sandbox.scripted_decision("CEB603", {"copNo": "AG-I-1"}).release is False
    assert sandbox.scripted_decision("CEB603", {"copNo": "AG-R-1"}) is None  # a rejection is the gateway's
    assert sandbox.gateway_outcome("CEB603", {"copNo": "AG-R-1"}).code == "2603"
    assert sandbox.gateway_outcome("CEB603", {"copNo": "AG-I-1", "note": "SANDBOX:REJECT:2777"}).code == "2777"
    assert sandbox.outcome_for("CEB603", {"copNo": "ZZ-1"}) is None


def test_a_marker_not_understood_is_a_rejection_that_says_why(rules):
    rules({"rules": []})
    got = sandbox.gateway_outcome("CEB603", {"note": "SANDBOX:EXPLODE"})
    assert got.kind == "reject" and "not understood" in got.reason


def test_a_bad_rule_file_is_named_when_the_service_starts(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n  - match: {copNo: X}\n    outcome: vanish\n")
    with pytest.raises(OutcomeError, match="rule 1: unknown sandbox outcome 'vanish'"):
        load_rules(str(path))
    with pytest.raises(OutcomeError, match="CBEC_SANDBOX_RULES="):
        load_rules(str(tmp_path / "absent.yaml"))


def test_a_receipt_carries_its_delivery_outcome_and_stays_schema_valid(rules):
    rules({"rules": [{"match": {"copNo": "AG-*"}, "outcome": "delay", "seconds": 30, "status": "120"}]})
    head = {"guid": "A" * 36, "agentCode": "3301960001", "copNo": "AG-1", "ebcCode": "3301960002",
            "ebpCode": "3301900005", "orderNo": "O1", "preNo": "P" * 18, "invtNo": "I" * 18}
    to = [Recipient(dxp_id="DXPENT0000000001", format="xml")]
    late = receipt_for("CEB603", head, status="120", return_info="[Code:0000;Desc:ok]", recipients=to, issued_by="t")
    now = receipt_for("CEB603", head, status="2", return_info="[Code:0000;Desc:ok]", recipients=to, issued_by="t")
    assert Outcome.of_delivery(late.sandbox) == Outcome("delay", status="120", delay_s=30)
    assert now.sandbox is None

    from services.notification.domain.receipt_rendering import ReceiptRenderer

    xml = ReceiptRenderer().receipt_body(late.message_type, late.receipt_id, late.fields, "xml", "DXPENT0000000001")
    assert schema_problems(xml) == []


async def test_a_service_refuses_to_start_in_the_sandbox_with_the_secure_profile():
    from services.gateway.settings import GatewaySettings
    from shared.service_host import ServiceHost

    settings = GatewaySettings.from_env({"CBEC_SANDBOX": "1", "CBEC_PROFILE": "secure"})
    with pytest.raises(RuntimeError, match="refused in the secure profile"):
        await ServiceHost(settings, "services.gateway.migrations").start()
    assert not sandbox.active()
    assert GatewaySettings.from_env({}).sandbox is False
