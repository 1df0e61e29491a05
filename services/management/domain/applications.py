"""Applications an enterprise makes about a stored list, and who decides them.

- Cancellation (CEB605) of a list that is not closed: approved at once while the goods have not
  been released; after release an officer approves or refuses it.
- Modification (CEB603 appType 2) of a list that is not closed: applied at once before the audit
  is concluded; after that an officer approves or refuses it.
- Manual review (300): an audit difference an officer judges (approve → 399, refuse → 100).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .list_lifecycle import BEFORE_AUDIT_CONCLUSION, MEANING, RELEASED_OR_LATER, TERMINAL, ListStatus


class Kind(str, Enum):
    CANCELLATION = "cancellation"
    MODIFICATION = "modification"
    REVIEW = "review"


class Route(str, Enum):
    AT_ONCE = "at once"
    OFFICER = "officer"
    REFUSED = "refused"


@dataclass(frozen=True)
class Routing:
    route: Route
    reason: str = ""


def _closed_reason(status: ListStatus, what: str) -> str:
    return f"the list is {MEANING[status]} (status {status.value}); it cannot be {what}"


def cancellation_route(status: ListStatus | str) -> Routing:
    status = ListStatus(status)
    if status in TERMINAL:
        return Routing(Route.REFUSED, _closed_reason(status, "cancelled"))
    if status in RELEASED_OR_LATER:
        return Routing(Route.OFFICER, "the goods are released: an officer decides the cancellation")
    return Routing(Route.AT_ONCE)


def modification_route(status: ListStatus | str) -> Routing:
    status = ListStatus(status)
    if status in TERMINAL:
        return Routing(Route.REFUSED, _closed_reason(status, "modified"))
    if status in BEFORE_AUDIT_CONCLUSION:
        return Routing(Route.AT_ONCE)
    return Routing(Route.OFFICER, f"the audit is concluded (status {status.value}): an officer decides the modification")
