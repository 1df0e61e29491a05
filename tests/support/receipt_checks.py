"""Every receipt a test reads is checked against the official schema: a receipt that breaks it
fails the test that read it.

``check_receipt(raw)`` takes the bytes an enterprise receives (XML: validated against the official
XSD, a signed receipt's DXP envelope too; JSON: the XML twin's names in the same order);
``check_issued(receipt)`` takes a ``ReceiptIssued`` as a service emits it (rendered as XML, then
checked). The readers tests use call them on every record: ``ReceiptReader`` here (the e2e
tests), ``TopicReader``, and the gateway's and management's integration rigs.
"""
from __future__ import annotations

import json

from services.cli import kafka_io
from shared.contracts import ReceiptIssued
from shared.messages import RECEIPT_SPECS, decode_receipt, encode_receipt
from shared.messages.model import Receipt
from shared.messages.official_schema import assert_valid


def check_receipt(raw: bytes) -> Receipt:
    """The receipt in ``raw``, after checking it is what the standard says; AssertionError if not."""
    receipt = decode_receipt(raw)
    body = raw.lstrip(b"\xef\xbb\xbf \t\r\n")
    if body.startswith(b"<"):
        assert_valid(raw)
    else:
        spec = RECEIPT_SPECS[receipt.message_type]
        names = [f.name for f in spec.fields]
        for element in json.loads(raw)[spec.root][spec.element]:
            assert list(element) == names, f"{spec.root} JSON: {list(element)} is not the XSD's {names}"
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
