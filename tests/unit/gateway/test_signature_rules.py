"""Which messages must be signed, how the registry takes a certificate, the canonical JSON form."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from services.gateway.domain.enterprise import Enterprise
from services.gateway.domain.signature_check import signature_problem
from shared.messages import encode_message
from shared.messages.signature import (
    SignatureError,
    Step,
    canonical_json,
    certificate_number,
    load_certificate,
    sign_json,
    sign_xml,
)
from tests.fixtures.gateway import ENTERPRISES, message, raw

from .certificates import make_key_and_certificate

NOW = datetime.now(UTC)


@pytest.fixture(scope="module")
def keys():
    key, cert = make_key_and_certificate()
    return key, cert.decode(), certificate_number(load_certificate(cert))


def test_unsigned_declared_message_needs_a_signature_only_when_required():
    m = message("CEB603")
    assert signature_problem(m, b"", None, "required", NOW).code == "2501"
    assert signature_problem(m, b"", None, "optional", NOW) is None


def test_unsigned_draft_never_needs_one():
    m = message("CEB603")
    m.document.head["appStatus"] = "1"
    assert signature_problem(m, b"", None, "required", NOW) is None


def test_signed_message_verifies_against_the_certificate(keys):
    key, cert, number = keys
    from shared.messages import decode_message

    body = sign_xml(raw("CEB505"), key.encode() if isinstance(key, str) else key, key_name=number)
    m = decode_message(body)[0]
    assert m.signed
    assert signature_problem(m, body, cert, "required", NOW) is None
    assert signature_problem(m, body, None, "optional", NOW).code == "2505"


def test_registry_takes_a_pem_certificate_and_shows_its_number(keys):
    _, cert, number = keys
    e = ENTERPRISES["agent"].model_copy(update={"certificate": cert})
    e = Enterprise.model_validate(e.model_dump(exclude={"certificateNumber"}))
    assert e.certificateNumber == number
    assert e.model_dump()["certificateNumber"] == number


def test_registry_refuses_what_is_not_a_certificate():
    with pytest.raises(ValidationError, match="certificate must be one PEM X.509 certificate"):
        Enterprise(code="3301960001", name="x", dxpId="DXPENT0000000001", roles=["agent"], certificate="hello")


def test_canonical_json_sorts_keys_and_drops_whitespace():
    assert canonical_json({"b": "2", "a": {"d": "x", "c": "é"}}) == '{"a":{"c":"é","d":"x"},"b":"2"}'.encode()


def test_canonical_json_refuses_numbers():
    with pytest.raises(SignatureError) as info:
        canonical_json({"a": {"qty": 3}})
    assert info.value.step is Step.CANONICALISATION and info.value.path == "a/qty"


def test_json_signature_is_outside_what_it_signs(keys):
    key, cert, number = keys
    body = sign_json(encode_message(message("CEB603"), "json"), key, key_name=number)
    import json

    signature = json.loads(body)["CEB603Message"]["Signature"]
    assert set(signature) == {"algorithm", "keyName", "digestValue", "signatureValue"}
    assert signature["keyName"] == number
