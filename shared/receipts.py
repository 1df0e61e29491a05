"""Building receipts (the platform's and customs' answers) for the notification service."""
from __future__ import annotations

import uuid
from functools import lru_cache
from datetime import datetime, timezone, timedelta

from shared.contracts import ReceiptIssued, Recipient
from shared.messages.catalogue import spec_for
from shared.messages.errors import return_info
from shared.messages.field_formats import NUMBER18

CHINA = timezone(timedelta(hours=8))

RETURN_FIELDS = ("returnStatus", "returnTime", "returnInfo")
# a required platform number (CEB702 preNo, 18 characters) of a document refused before one was assigned
NO_PRE_NO = "0" * 18


@lru_cache(maxsize=None)
def receipt_fields(answered_type: str) -> tuple[str, tuple[str, ...]]:
    """(receipt message type, its fields before the return fields), from the catalogue."""
    spec = spec_for(answered_type).receipt
    return spec.message_type, tuple(f.name for f in spec.fields if f.name not in RETURN_FIELDS)


@lru_cache(maxsize=None)
def _fixed_length_required(answered_type: str) -> tuple[str, ...]:
    spec = spec_for(answered_type).receipt
    return tuple(f.name for f in spec.fields if f.required and f.format is NUMBER18)


def return_time(at: datetime | None = None) -> str:
    """``yyyyMMddHHmmssSSS`` in China time, as the real platform writes it."""
    at = (at or datetime.now(timezone.utc)).astimezone(CHINA)
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
    receipt_type, names = receipt_fields(answered_type)
    values = {**head, **(overrides or {})}
    fields = {n: values.get(n, "") or "" for n in names}
    for name in _fixed_length_required(answered_type):
        fields[name] = fields[name] or NO_PRE_NO
    fields["returnStatus"] = status
    fields["returnTime"] = return_time(at)
    fields["returnInfo"] = return_info
    now = at or datetime.now(timezone.utc)
    return ReceiptIssued(
        receipt_id=receipt_id or str(uuid.uuid4()),
        message_type=receipt_type,
        business_key=business_key(answered_type, values),
        fields=fields,
        recipients=recipients,
        concerns=concerns or [],
        issued_at=now,
        issued_by=issued_by,
        trace_id=trace_id,
    )


def format_error_receipt(
    *, original_type: str, guid: str, return_info: str, recipients: list[Recipient],
    business_key: str = "", trace_id: str = "",
) -> ReceiptIssued:
    """A CEB900: the message could not be read or is malformed."""
    return ReceiptIssued(
        receipt_id=str(uuid.uuid4()),
        message_type="CEB900",
        business_key=business_key or guid or "unknown",
        fields={
            "guid": guid,
            "oriMessageType": original_type,
            "returnStatus": "-1",
            "returnTime": return_time(),
            "returnInfo": return_info,
        },
        recipients=recipients,
        issued_at=datetime.now(timezone.utc),
        issued_by="gateway",
        trace_id=trace_id,
    )
