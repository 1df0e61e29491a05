"""CEB messages: the catalogue of export message types, decoding (XML, DXP, JSON), field format
checks, and encoding of messages and receipts.

    message, transport = decode_message(raw)      # FormatError -> CEB900
    problems = check_fields(message)              # FieldProblem list -> CEB900
    body = encode_receipt(receipt, "xml")         # CEB604 ... CEB900 bytes
"""
from shared.messages.catalogue import (
    MESSAGE_SPECS,
    RECEIPT_SPECS,
    receipt_spec_for,
    spec_for,
    spec_for_root,
)
from shared.messages.decoding import decode_message, detect_format
from shared.messages.errors import ERROR_CODES, FieldProblem, FormatError
from shared.messages.field_checks import check_fields
from shared.messages.json_codec import decode_json
from shared.messages.message_encoding import encode_message
from shared.messages.receipt_codec import decode_receipt, encode_receipt
from shared.messages.transport import DxpTransInfo
from shared.messages.xml_codec import decode_transport, decode_xml

__all__ = [
    "ERROR_CODES",
    "MESSAGE_SPECS",
    "RECEIPT_SPECS",
    "DxpTransInfo",
    "FieldProblem",
    "FormatError",
    "check_fields",
    "decode_json",
    "decode_message",
    "decode_receipt",
    "decode_transport",
    "decode_xml",
    "detect_format",
    "encode_message",
    "encode_receipt",
    "receipt_spec_for",
    "spec_for",
    "spec_for_root",
]
