"""The prepared rendering path writes exactly what ``shared.messages.encode_receipt`` writes."""
from __future__ import annotations

import random

import pytest

from services.notification.domain.receipt_rendering import ReceiptRenderer, render_unsigned
from shared.messages import RECEIPT_SPECS, encode_receipt
from shared.messages.model import Receipt

RECEIPT_ID = "6f1c6e0e-8a5e-4c55-9a55-0d3c2b1a0f00"
AWKWARD = ["", "plain", "a&b", "<x>", "1 > 0", 'say "hi"', "tab\there", "line\nbreak", "cr\r", "back\\slash",
           "\x00nul", "\x1fus", "\x7fdel", "中文 收货人", "emoji 😀", "\ufffe", "'apos'", "]]>", "&amp;",
           " spaced ", "\u2028sep", "é"]


def _expected(message_type: str, guid: str, fields: dict, fmt: str) -> bytes:
    return encode_receipt(Receipt(message_type=message_type, guid=guid, fields=fields), fmt)


@pytest.mark.parametrize("message_type", sorted(RECEIPT_SPECS))
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_same_bytes_as_the_encoder_for_every_type(message_type, fmt):
    names = [f.name for f in RECEIPT_SPECS[message_type].fields]
    rng = random.Random(message_type + fmt)
    cases = [{}, {n: f"v{i}" for i, n in enumerate(names)}, {names[0]: "only"}, {n: "" for n in names}]
    for _ in range(200):
        cases.append({n: rng.choice(AWKWARD) for n in rng.sample(names, rng.randint(0, len(names)))})
    for fields in cases:
        for guid in (RECEIPT_ID.upper(), 'G"&<1>', "中"):
            assert render_unsigned(message_type, guid, fields, fmt) == _expected(message_type, guid, fields, fmt)


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_lone_surrogate_fails_as_the_encoder_does(fmt):
    fields = {"returnInfo": "\ud800"}
    try:
        expected = _expected("CEB604", "G", fields, fmt)
    except Exception as err:
        with pytest.raises(type(err)):
            render_unsigned("CEB604", "G", fields, fmt)
    else:
        assert render_unsigned("CEB604", "G", fields, fmt) == expected


def test_errors_are_the_encoders():
    with pytest.raises(ValueError, match="has no field"):
        render_unsigned("CEB604", "G", {"noSuchField": "x"}, "xml")
    with pytest.raises(KeyError):
        render_unsigned("CEB999", "G", {}, "xml")
    with pytest.raises(ValueError, match="unknown format"):
        render_unsigned("CEB604", "G", {"returnStatus": "1"}, "yaml")
    with pytest.raises(Exception) as caught:  # pydantic's validation of a non-string value, as before
        _expected("CEB604", "G", {"returnStatus": 120}, "xml")
    with pytest.raises(type(caught.value)):
        render_unsigned("CEB604", "G", {"returnStatus": 120}, "xml")


def test_renderer_uses_the_receipt_id_upper_case_as_guid():
    fields = {"returnStatus": "120"}
    assert ReceiptRenderer().receipt_body("CEB604", RECEIPT_ID, fields, "xml") == _expected(
        "CEB604", RECEIPT_ID.upper(), fields, "xml")


def test_a_receipt_stored_in_the_old_shape_renders_in_the_schemas():
    from shared.messages.official_schema import schema_problems

    old = {"guid": "4CDE1CFD-EDED-46B1-946C-B8022E42FC94", "customsCode": "2992", "ebpCode": "3301960009",
           "ebcCode": "3301960002", "agentCode": "3301960001", "copNo": "AG1", "preNo": "B20261128000000001",
           "invtNo": "", "returnStatus": "120", "returnTime": "20261128120000000", "returnInfo": "[Code:0000;Desc:ok]"}
    body = ReceiptRenderer().receipt_body("CEB604", RECEIPT_ID, old, "xml")
    assert schema_problems(body) == []
    assert b"customsCode" not in body and b"<ceb:copNo>AG1</ceb:copNo>" in body
