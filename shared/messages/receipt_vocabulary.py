"""Every field the receipts carry, with its format and length as the official schema gives them.

Receipt fields have their own table because the schema gives them their own lengths: a receipt's
``copNo`` may be 30 characters, ``preNo`` is exactly 18, the receipt's ``guid`` exactly 36. Values
are (format, min length, max length); ``returnInfo`` of CEB900 is longer (the catalogue says so).
``shared.receipts`` fits every value into these bounds before a receipt leaves.
"""
from __future__ import annotations

from shared.messages.field_formats import DATETIME17, INTEGER, NUMBER18, SIGNED_INTEGER, TEXT, FieldFormat

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
    "msgCount": (INTEGER, 1, 9),
    # returns and summaries (CEB214/216/702, CEB792): numbers customs assigns are 18 characters
    "coElNo": (TEXT, 0, 30),
    "sumNo": (NUMBER18, 18, 18),
    "declSeqNo": (NUMBER18, 18, 18),
    "decTmpNo": (NUMBER18, 18, 18),
    "decPreNo": (NUMBER18, 18, 18),
    "entryId": (NUMBER18, 18, 18),
    "opDate": (DATETIME17, 17, 17),
    "decState": (TEXT, 1, 3),
    "returnStatus": (SIGNED_INTEGER, 1, 10),
    "returnTime": (DATETIME17, 17, 17),
    "returnInfo": (TEXT, 0, 1000),
    # CEB900 (MessageReturn)
    "oriCopMsgId": (TEXT, 0, 255),
    "oriMessageType": (TEXT, 0, 15),
    "oriBizMessage": (TEXT, 0, ORIGINAL_MESSAGE_CHARS),
}
