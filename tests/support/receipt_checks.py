"""Every receipt a test reads is checked against the official schema: a receipt that breaks it
fails the test that read it.

``check_receipt(raw)`` takes the bytes an enterprise receives (XML: validated against the official
XSD, a signed receipt's DXP envelope too; JSON: against the JSON Schema derived from the XSD, with
the names in the XSD's order);
``check_issued(receipt)`` takes a ``ReceiptIssued`` as a service emits it (rendered as XML, then
checked). The readers tests use call them on every record: ``ReceiptReader`` here (the e2e
tests), ``TopicReader``, and the gateway's and management's integration rigs.
"""
from __future__ import annotations

import json

import jsonschema

from services.cli import kafka_io
from shared.contracts import ReceiptIssued
from shared.messages import RECEIPT_SPECS, decode_receipt, encode_receipt
from shared.messages.json_schema import schema_for
from shared.messages.model import Receipt
from shared.messages.official_schema import assert_valid


def check_receipt(raw: bytes) -> Receipt:
    """The receipt in ``raw``, after checking it is what the standard says; AssertionError if not."""
    receipt = decode_receipt(raw)
    body = raw.lstrip(b"\xef\xbb\xbf \t\r\n")
    if body.startswith(b"<"):
        assert_valid(raw)
        return receipt
    document = json.loads(raw)
    (root,) = document
    # the platform's JSON signature member (the JSON twin's own convention; the XSD has no place
    # for a signature in a receipt) is all a signed JSON receipt adds
    document[root].pop("Signature", None)
    problems = [f"{list(e.path)}: {e.message}"
                for e in jsonschema.Draft202012Validator(schema_for(root)).iter_errors(document)]
    assert not problems, f"{root} breaks its JSON Schema (from the official XSD): {problems[:5]}"
    spec = RECEIPT_SPECS[receipt.message_type]
    elements = document[root][spec.element]
    for element in elements if isinstance(elements, list) else [elements]:
        assert list(element) == [f.name for f in spec.fields], f"{root} JSON: {list(element)} not in the XSD's order"
    return receipt


def check_issued(receipt: ReceiptIssued) -> ReceiptIssued:
    """A receipt as a service emits it renders to a schema-valid XML receipt."""
    check_receipt(encode_receipt(Receipt(message_type=receipt.message_type, guid=receipt.receipt_id.upper(),
                                         fields=receipt.fields), "xml"))
    return receipt


class ReceiptReader(kafka_io.ReceiptReader):
    """The CLI's reader of receipt topics, checking every receipt it reads."""

    def decode(self, raw: bytes) -> Receipt:
        return check_receipt(raw)
