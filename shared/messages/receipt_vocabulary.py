"""Every field the receipts carry, with its format and length as the official schema gives them.

Receipt fields have their own table because the schema gives them their own lengths: a receipt's
``copNo`` may be 30 characters, ``preNo`` is exactly 18, the receipt's ``guid`` exactly 36. Values
are (format, min length, max length); ``returnInfo`` of CEB900 is longer (the catalogue says so).
``shared.receipts`` fits every value into these bounds before a receipt leaves.
"""
from __future__ import annotations

from shared.messages.field_formats import DATETIME17, INTEGER, SIGNED_INTEGER, TEXT, FieldFormat

_PARTY = (TEXT, 0, 18)

# the largest part of an unreadable message a CEB900 quotes back (the schema sets no limit)
ORIGINAL_MESSAGE_CHARS = 65536

RECEIPT_VOCABULARY: dict[str, tuple[FieldFormat, int, int]] = {
    "guid": (TEXT, 36, 36),
    "agentCode": _PARTY,
    "ebpCode": _PARTY,
    "ebcCode": _PARTY,
    "logisticsCode": _PARTY,
    "operatorCode": _PARTY,
    "orderNo": (TEXT, 0, 60),
    "payNo": (TEXT, 0, 60),
    "logisticsNo": (TEXT, 0, 32),
    "copNo": (TEXT, 0, 30),
    "preNo": (TEXT, 18, 18),
    "invtNo": (TEXT, 0, 20),
    "billNo": (TEXT, 0, 37),
    "statisticsFlag": (TEXT, 1, 1),
    "msgSeqNo": (INTEGER, 1, 9),  # xs:int, at most 9 digits
    "returnStatus": (SIGNED_INTEGER, 1, 10),
    "returnTime": (DATETIME17, 17, 17),
    "returnInfo": (TEXT, 0, 1000),
    # CEB900 (MessageReturn)
    "oriCopMsgId": (TEXT, 0, 255),
    "oriMessageType": (TEXT, 0, 15),
    "oriBizMessage": (TEXT, 0, ORIGINAL_MESSAGE_CHARS),
}
