"""The states of an export list and the transitions between them (handbook: receipt statuses)."""
from __future__ import annotations

from enum import Enum


class ListStatus(str, Enum):
    STORED = "120"        # stored by customs: logic checks passed
    INSPECTION = "500"    # goods held for inspection
    RELEASED = "800"      # released
    CLOSED = "899"        # goods have left the country
    REJECTED = "100"      # rejected by customs
    CANCELLED = "cancelled"


TRANSITIONS: dict[ListStatus, frozenset[ListStatus]] = {
    ListStatus.STORED: frozenset({ListStatus.RELEASED, ListStatus.INSPECTION, ListStatus.CANCELLED, ListStatus.REJECTED}),
    ListStatus.INSPECTION: frozenset({ListStatus.RELEASED, ListStatus.REJECTED, ListStatus.CANCELLED}),
    ListStatus.RELEASED: frozenset({ListStatus.CLOSED, ListStatus.CANCELLED}),
    ListStatus.CLOSED: frozenset(),
    ListStatus.REJECTED: frozenset(),
    ListStatus.CANCELLED: frozenset(),
}


class TransitionRefused(Exception):
    pass


def guard(current: ListStatus, target: ListStatus) -> None:
    if target not in TRANSITIONS[current]:
        raise TransitionRefused(f"a list in status {current.value} cannot become {target.value}")


def invt_no(customs_code: str, year: int, serial: int) -> str:
    """Customs list number: 4-digit customs code + year + "E" + 9-digit serial."""
    return f"{customs_code}{year:04d}E{serial % 10**9:09d}"
