"""Where documents about the same goods meet, named from the documents alone.

Two instances of management may handle an order and the list that waits for it at the same
moment (they come on different partitions). Each transaction reads what it needs *before* the
other commits: the list sees no order, the order sees no waiting list, and the list waits forever
(write skew). Rows that exist are locked by the reads (``SELECT … FOR UPDATE``); what cannot be
locked that way is a row that is not there yet. So every document names its *meeting points* —
the business keys by which another document finds it or it finds another — and the transaction
that handles it locks them all, in one sorted statement, before it reads anything
(``adapters.meeting_points.lock``). Whoever comes second waits and then sees the first one's rows.

A new kind of document adds its entry to ``POINTS``; a document of a kind not listed meets nothing
that does not exist yet.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from shared.messages.model import Document


def _order(h: dict[str, Any]) -> str:
    return f"order|{h.get('ebpCode', '')}|{h.get('orderNo', '')}"


def _waybill(h: dict[str, Any]) -> str:
    return f"waybill|{h.get('logisticsCode', '')}|{h.get('logisticsNo', '')}"


def _list(h: dict[str, Any]) -> str:
    return f"list|{h.get('agentCode', '')}|{h.get('copNo', '')}"


def _bill(h: dict[str, Any]) -> str:
    return f"bill|{h.get('billNo', '')}"


def _package(no: str) -> str:
    return f"package|{no}"


def _refund(no: str) -> str:
    return f"refund|{no}"


POINTS: dict[str, Callable[[Document], list[str]]] = {
    # a list meets its order, its waybill, a second list with its copNo, and bills by package number
    "CEB603": lambda d: [_list(d.head), _order(d.head), _waybill(d.head), _package(d.head.get("logisticsNo", ""))],
    "CEB303": lambda d: [_order(d.head)],
    "CEB505": lambda d: [_waybill(d.head)],
    "CEB403": lambda d: [f"payment|{d.head.get('ebcCode', '')}|{d.head.get('orderNo', '')}"],
    "CEB605": lambda d: [_list(d.head)],
    # a bill binds lists (by invtNo or package number); its arrival and departure meet it by billNo
    "CEB607": lambda d: [_bill(d.head)] + [_package(i["logisticsNo"]) for i in d.items if i.get("logisticsNo")],
    "CEB507": lambda d: [_bill(d.head)],
    "CEB509": lambda d: [_bill(d.head)],
    # a return (CEB213) and its tally (CEB215) meet by the returned package; the list they concern
    # exists already (its row is locked by the read), as do the closed lists a summary (CEB701) names
    "CEB213": lambda d: [_refund(d.head.get("logisticsNo", ""))],
    "CEB215": lambda d: [_refund(d.head.get("logisticsNo", ""))],
}


def point_id(name: str) -> int:
    """A stable signed 64-bit number for a meeting point (the same in every process)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


def meeting_points(documents: Iterable[tuple[str, Document]]) -> list[int]:
    """The points of (message type, document) pairs, deduplicated and sorted: the lock order."""
    return sorted({point_id(p) for kind, doc in documents if kind in POINTS for p in POINTS[kind](doc)})
