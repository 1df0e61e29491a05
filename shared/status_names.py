"""What a receipt's status and a list's status mean, in words: the one table the operators read.

The flow monitor counts receipts by ``CEB604:500`` (type and ``returnStatus``); the console shows
them as "CEB604 500 held for inspection". The meanings are those of README's returnStatus table
and docs/list-lifecycle.md; a receipt type may say more precisely what one status means for it
(CEB606 399 is a cancellation done).
"""
from __future__ import annotations

from shared.messages.catalogue import MESSAGE_SPECS, RECEIPT_SPECS

RETURN_STATUSES: dict[str, str] = {
    "1": "kept as a draft",
    "2": "accepted by the platform",
    "120": "stored by customs",
    "100": "rejected",
    "300": "waiting for an officer",
    "399": "audit concluded",
    "500": "held for inspection",
    "800": "released",
    "899": "closed",
    "-1": "unreadable message",
}

# what a status means for one receipt type, where it says more than the general meaning
RECEIPT_STATUSES: dict[str, dict[str, str]] = {
    "CEB604": {"300": "manual review by an officer"},
    "CEB606": {"300": "cancellation waiting for an officer", "399": "cancelled", "100": "cancellation refused"},
    "CEB900": {"-1": "format error: the message could not be read"},
}

# a list's state (the management service's ``lists.status``), docs/list-lifecycle.md
LIST_STATUSES: dict[str, str] = {
    "2": "accepted by the platform",
    "120": "stored, audit waiting",
    "300": "manual review",
    "399": "audit concluded",
    "500": "held for inspection",
    "800": "released",
    "899": "closed: the goods have left",
    "100": "rejected",
    "cancelled": "cancelled",
}


def receipt_type_name(message_type: str) -> str:
    """``CEB604`` → "export list receipt"; CEB900 is the platform's format-error receipt."""
    spec = RECEIPT_SPECS.get(message_type)
    if spec is None:
        return message_type
    if spec.answers is None:
        return "message receipt"
    return f"{MESSAGE_SPECS[spec.answers].title} receipt"


def status_name(message_type: str, status: str) -> str:
    """What ``status`` means on a ``message_type`` receipt ("" when the table does not know it)."""
    return RECEIPT_STATUSES.get(message_type, {}).get(status) or RETURN_STATUSES.get(status, "")


def kind_name(kind: str) -> str:
    """The monitor's kind ``CEB604:500`` → "CEB604 500 held for inspection"."""
    if ":" not in kind:
        return "unreadable receipt" if kind == "unreadable" else kind
    message_type, status = kind.split(":", 1)
    return " ".join(part for part in (message_type, status, status_name(message_type, status)) if part)


def names_table() -> dict[str, object]:
    """The whole table as the console serves it to the browser."""
    return {
        "receiptTypes": {code: receipt_type_name(code) for code in RECEIPT_SPECS},
        "returnStatuses": RETURN_STATUSES,
        "receiptStatuses": RECEIPT_STATUSES,
        "listStatuses": LIST_STATUSES,
    }
