"""Building receipts (the platform's and customs' answers) for the notification service.

A receipt's fields are the official schema's (``RECEIPT_SPECS``), filled from the document
answered, and every value is fitted into the schema's bounds here, once, so that every receipt
the platform emits is schema-valid whatever the enterprise sent (see :func:`fitted`). Every
service puts a receipt on ``cbec.receipts`` the same way: :func:`receipt_message`.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from functools import cache

from shared import clock, sandbox
from shared.contracts import ReceiptIssued, Recipient
from shared.db.outbox import OutgoingMessage
from shared.ids import time_ordered_uuid
from shared.kafka.headers import TRACE_ID
from shared.messages.catalogue import MESSAGE_RECEIPT, ReceiptSpec, spec_for
from shared.messages.errors import return_info
from shared.messages.receipt_vocabulary import ORIGINAL_MESSAGE_CHARS
from shared.text import storable, storable_fields

CHINA = timezone(timedelta(hours=8))

RETURN_FIELDS = ("returnStatus", "returnTime", "returnInfo")
# what a receipt carries when the document answered gave no value that fits the schema:
# no platform number assigned yet (18 characters), no readable part number, no statistics flag
NO_PRE_NO = "0" * 18
NO_PART = "0"
NO_FLAG = "-"
UNKNOWN_TYPE = "Unknown"  # CEB900's oriMessageType when the type cannot be read
# characters neither XML nor the JSON reader accept: a quoted original carries U+FFFD instead
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
RETURN_INFO_MAX = 1000  # returnInfo is C..1000 in every receipt of the standard


@cache
def receipt_fields(answered_type: str) -> tuple[str, tuple[str, ...]]:
    """(receipt message type, its fields other than the return fields), from the catalogue."""
    spec = spec_for(answered_type).receipt
    return spec.message_type, tuple(f.name for f in spec.fields if f.name not in RETURN_FIELDS)


def return_time(at: datetime | None = None) -> str:
    """``yyyyMMddHHmmssSSS`` in China time, as the real platform writes it."""
    at = (at or clock.now()).astimezone(CHINA)
    return at.strftime("%Y%m%d%H%M%S") + f"{at.microsecond // 1000:03d}"


def business_key(message_type: str, head: dict[str, str]) -> str:
    """The Kafka key of a document's receipts: what the enterprise tracks the document by."""
    for name in ("copNo", "coElNo", "orderNo", "logisticsNo", "guid"):
        if head.get(name):
            return head[name]
    return ""


def info(code: str, desc: str) -> str:
    """``[Code:NNNN;Desc:...]`` (the one format, :func:`shared.messages.errors.return_info`)."""
    return return_info(code, desc)


def _cut_info(text: str, limit: int) -> str:
    """returnInfo cut to ``limit`` characters, after its last whole ``[...]`` when it has one."""
    if len(text) <= limit:
        return text
    end = text.rfind("][", 0, limit)  # between two problems (a "]" of a path like WayBill[1] is not one)
    return text[:end + 1] if end > 0 else text[:limit]


def fitted(spec: ReceiptSpec, values: dict[str, str], receipt_id: str) -> dict[str, str]:
    """Every field of ``spec``, in order, fitted into the schema's bounds.

    A value longer than its field is cut (``returnInfo`` after its last whole problem); a field of
    fixed length whose value does not have it takes a stand-in: the receipt's own id for a ``guid``
    that is not 36 characters, ``NO_PRE_NO``, ``NO_FLAG``; an optional one is left empty (and so
    out: CEB702's sumNo before customs assigned one); a ``msgSeqNo`` that is not a number of at
    most 9 digits reads ``NO_PART``.
    """
    out: dict[str, str] = {}
    for field in spec.fields:
        value = values.get(field.name) or ""
        if not isinstance(value, str):
            value = str(value)
        if field.name == "msgSeqNo":
            value = value if value.isascii() and value.isdigit() and len(value) <= 9 else NO_PART
        elif field.name == "returnInfo":
            value = _cut_info(value, field.max_length)
        elif len(value) > field.max_length and field.min_length < field.max_length:
            value = value[:field.max_length]
        if field.min_length and not field.min_length <= len(value) <= field.max_length:
            stand_ins = {"guid": receipt_id.upper(), "preNo": NO_PRE_NO, "statisticsFlag": NO_FLAG,
                         "returnTime": return_time()}
            value = stand_ins.get(field.name, value) if field.required else ""
        out[field.name] = value
    return out


def receipt_for(
    answered_type: str,
    head: dict[str, str],
    *,
    status: str,
    return_info: str,
    recipients: list[Recipient],
    issued_by: str,
    overrides: dict[str, str] | None = None,
    concerns: list[str] | None = None,
    trace_id: str = "",
    at: datetime | None = None,
    receipt_id: str | None = None,
) -> ReceiptIssued:
    """The receipt answering one document (its head), e.g. the CEB604 of a list.

    Every field the receipt type has is taken from ``head`` (then ``overrides``): a CEB604 carries
    the list's orderNo and statisticsFlag, a CEB608/508/510 the part's msgSeqNo.
    """
    spec = spec_for(answered_type).receipt
    receipt_id = receipt_id or str(time_ordered_uuid())
    values = {**head, **(overrides or {})}
    values.update(returnStatus=status, returnTime=return_time(at), returnInfo=return_info)
    values = storable_fields(values)  # before fitting: an escape takes room too
    now = at or clock.now()
    return ReceiptIssued(
        receipt_id=receipt_id,
        message_type=spec.message_type,
        business_key=business_key(answered_type, values),
        fields=fitted(spec, values, receipt_id),
        recipients=recipients,
        concerns=concerns or [],
        issued_at=now,
        issued_by=issued_by,
        trace_id=trace_id,
        sandbox=sandbox.delivery_of(answered_type, head, status),
    )


def receipt_message(topic: str, receipt: ReceiptIssued, trace_id: str = "") -> OutgoingMessage:
    """The outbox message that hands ``receipt`` to notification on ``topic`` (``cbec.receipts``,
    prefixed): keyed by its business key, so a document's receipts keep their order on one
    partition, and naming its trace (the receipt's own, else ``trace_id``)."""
    return OutgoingMessage.of(topic, receipt.business_key, receipt, {TRACE_ID: receipt.trace_id or trace_id})


def original_message_type(message_type: str) -> str:
    """CEB900's oriMessageType: ``"CEB605"`` -> ``"CEB605Message"``; ``Unknown`` when unread."""
    return f"{message_type}Message" if message_type else UNKNOWN_TYPE


def format_error_receipt(
    *, original_type: str, guid: str, return_info: str, recipients: list[Recipient],
    business_key: str = "", trace_id: str = "", original: bytes = b"", cop_msg_id: str = "",
) -> ReceiptIssued:
    """A CEB900 (MessageReturn): the message could not be read or is malformed.

    ``original_type`` is the message type read (``"CEB605"``, or ``""``), ``original`` the bytes
    received (quoted back as ``oriBizMessage``, as text, at most ``ORIGINAL_MESSAGE_CHARS``),
    ``cop_msg_id`` the DXP envelope's ``CopMsgId`` when it came in one.
    """
    receipt_id = str(time_ordered_uuid())
    values = {
        "guid": guid,
        "returnStatus": "-1",
        "returnInfo": return_info,
        "returnTime": return_time(),
        "oriCopMsgId": cop_msg_id,
        "oriMessageType": original_message_type(original_type),
        "oriBizMessage": _UNWRITABLE.sub("\ufffd", original[:4 * ORIGINAL_MESSAGE_CHARS].decode("utf-8", "replace")),
    }
    values = storable_fields(values)  # a NUL in a key the reason names, written \u0000
    return ReceiptIssued(
        receipt_id=receipt_id,
        message_type=MESSAGE_RECEIPT.message_type,
        business_key=storable(business_key or guid or "unknown"),
        fields=fitted(MESSAGE_RECEIPT, values, receipt_id),
        recipients=recipients,
        issued_at=clock.now(),
        issued_by="gateway",
        trace_id=trace_id,
    )
