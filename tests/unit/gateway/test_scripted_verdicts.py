"""The sandbox's verdicts at the gateway: answered as the gateway answers its own checks."""
from __future__ import annotations

import pytest

from services.gateway.domain.scripted_verdicts import scripted_rejections, scripted_signature_problem
from shared import sandbox
from shared.messages import decode_message
from shared.samples import sample_bytes
from shared.sandbox.rules import parse_rules


@pytest.fixture
def list_noted():
    sandbox.install_rules(parse_rules({"rules": [{"match": {"copNo": "NOBODY"}, "outcome": "inspect"}]}))

    def noted(note: str):
        message = decode_message(sample_bytes("CEB603_list.xml"))[0]
        message.document.head["note"] = note
        return message

    yield noted
    sandbox.install_rules(None)


def test_a_scripted_rejection_names_the_note_and_the_code(list_noted):
    [problem] = scripted_rejections(list_noted("SANDBOX:REJECT:2603"))
    assert (problem.code, problem.path) == ("2603", "Inventory[1]/InventoryHead/note")
    assert scripted_signature_problem(list_noted("SANDBOX:REJECT:2603")) is None
    assert scripted_rejections(list_noted("SANDBOX:REJECT"))[0].code == "2999"
    assert "not understood" in scripted_rejections(list_noted("SANDBOX:NOPE"))[0].return_info()


def test_a_scripted_signature_failure_names_the_signature_step(list_noted):
    problem = scripted_signature_problem(list_noted("SANDBOX:SIGNATURE_FAILURE:2503"))
    assert problem.return_info().startswith("[Code:2503;Desc:Signature/SignatureValue: sandbox:")
    assert scripted_signature_problem(list_noted("SANDBOX:SIGNATURE_FAILURE")).code == "2504"


def test_without_the_sandbox_a_marker_is_a_note():
    message = decode_message(sample_bytes("CEB603_list.xml"))[0]
    message.document.head["note"] = "SANDBOX:REJECT:2603"
    assert scripted_rejections(message) == [] and scripted_signature_problem(message) is None
