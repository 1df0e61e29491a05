"""The states of an export list and the transitions between them (handbook: receipt statuses).

The table ``TRANSITIONS`` is the whole machine: a list moves only along an edge named here, and
:func:`next_status` refuses anything else with a reason the enterprise can read. The diagram in
``docs/list-lifecycle.md`` is generated from this table (:func:`mermaid`) and a test compares them.
"""
from __future__ import annotations

from enum import Enum


class ListStatus(str, Enum):
    ACCEPTED = "2"        # accepted by the platform, being declared
    STORED = "120"        # stored by customs: logic checks passed; audit waits for order and waybill
    REVIEW = "300"        # manual review: the audit needs an officer
    AUDITED = "399"       # audit concluded: waiting for the goods to arrive
    INSPECTION = "500"    # goods held for inspection
    RELEASED = "800"      # released
    CLOSED = "899"        # goods have left the country
    REJECTED = "100"      # rejected by customs
    CANCELLED = "cancelled"
    RETURNING = "returning"  # a return (CEB213) is stored: the goods are on their way back
    RETURNED = "returned"    # the returned goods were tallied at the site (CEB215): the return is released


class Event(str, Enum):
    STORE = "store"                          # logic checks passed
    CONCLUDE_AUDIT = "conclude audit"        # order and waybill present and agree
    REFER_TO_REVIEW = "refer to review"      # a difference an officer must judge
    REJECT = "reject"                        # disagreement, refused review, failed inspection
    APPROVE_REVIEW = "approve review"
    RELEASE = "release"                      # risk decision on arrival
    INSPECT = "inspect"                      # risk decision on arrival
    PASS_INSPECTION = "pass inspection"
    FAIL_INSPECTION = "fail inspection"
    DEPART = "depart"                        # CEB509 for the list's bill
    CANCEL = "cancel"                        # CEB605 approved
    MODIFY = "modify"                        # CEB603 appType 2 that changes goods, value or weight
    APPLY_FOR_RETURN = "apply for return"    # CEB213 that passes the checks against the list
    TALLY_RETURN = "tally return"            # CEB215: the returned goods are at the site


S, E = ListStatus, Event

TRANSITIONS: dict[tuple[ListStatus, Event], ListStatus] = {
    (S.ACCEPTED, E.STORE): S.STORED,
    (S.STORED, E.CONCLUDE_AUDIT): S.AUDITED,
    (S.STORED, E.REFER_TO_REVIEW): S.REVIEW,
    (S.STORED, E.REJECT): S.REJECTED,
    (S.STORED, E.MODIFY): S.STORED,
    (S.STORED, E.CANCEL): S.CANCELLED,
    (S.REVIEW, E.APPROVE_REVIEW): S.AUDITED,
    (S.REVIEW, E.REJECT): S.REJECTED,
    (S.REVIEW, E.MODIFY): S.STORED,
    (S.REVIEW, E.CANCEL): S.CANCELLED,
    (S.AUDITED, E.RELEASE): S.RELEASED,
    (S.AUDITED, E.INSPECT): S.INSPECTION,
    (S.AUDITED, E.MODIFY): S.STORED,
    (S.AUDITED, E.CANCEL): S.CANCELLED,
    (S.INSPECTION, E.PASS_INSPECTION): S.RELEASED,
    (S.INSPECTION, E.FAIL_INSPECTION): S.REJECTED,
    (S.INSPECTION, E.MODIFY): S.STORED,
    (S.INSPECTION, E.CANCEL): S.CANCELLED,
    (S.RELEASED, E.DEPART): S.CLOSED,
    (S.RELEASED, E.MODIFY): S.STORED,
    (S.RELEASED, E.CANCEL): S.CANCELLED,
    (S.RELEASED, E.APPLY_FOR_RETURN): S.RETURNING,
    (S.CLOSED, E.APPLY_FOR_RETURN): S.RETURNING,
    (S.RETURNING, E.TALLY_RETURN): S.RETURNED,
    (S.RETURNED, E.APPLY_FOR_RETURN): S.RETURNING,  # a further return of what the first left abroad
}

# the export is over (only a return may follow): no bill, departure, cancellation or modification
TERMINAL = frozenset({S.CLOSED, S.REJECTED, S.CANCELLED, S.RETURNING, S.RETURNED})
# the states a return (CEB213) may start from
RETURNABLE = frozenset({S.RELEASED, S.CLOSED, S.RETURNED})
# before release the goods are still under customs' control: cancellation needs no officer
RELEASED_OR_LATER = frozenset({S.RELEASED, S.CLOSED})
# before audit conclusion a modification is applied at once
BEFORE_AUDIT_CONCLUSION = frozenset({S.ACCEPTED, S.STORED, S.REVIEW})

MEANING = {
    S.ACCEPTED: "accepted by the platform",
    S.STORED: "stored, audit waiting",
    S.REVIEW: "manual review",
    S.AUDITED: "audit concluded, waiting for arrival",
    S.INSPECTION: "held for inspection",
    S.RELEASED: "released",
    S.CLOSED: "closed: goods left the country",
    S.REJECTED: "rejected",
    S.CANCELLED: "cancelled",
    S.RETURNING: "return stored, goods on their way back",
    S.RETURNED: "returned: goods tallied back at the site",
}


class TransitionRefused(Exception):
    """A message or action asked for a move the machine does not have; nothing changes."""

    def __init__(self, current: ListStatus, event: Event, reason: str) -> None:
        super().__init__(reason)
        self.current = current
        self.event = event
        self.reason = reason


def _why_not(current: ListStatus, event: Event) -> str:
    name = f"{current.value} ({MEANING[current]})"
    if event is E.APPLY_FOR_RETURN:
        return f"only a released (800) or closed (899) list can be returned; this one is {name}"
    if event is E.TALLY_RETURN:
        return f"the list has no return waiting for its goods (status {name})"
    if current in TERMINAL:
        return f"the list is {MEANING[current]}; nothing can happen to it any more (asked: {event.value})"
    if event is E.DEPART:
        return f"the list was never released (status {name}); it cannot depart"
    if event in (E.RELEASE, E.INSPECT):
        return f"the list's audit is not concluded (status {name}); no release or inspection decision yet"
    if event in (E.PASS_INSPECTION, E.FAIL_INSPECTION):
        return f"the list is not held for inspection (status {name})"
    return f"a list in status {name} cannot {event.value}"


def next_status(current: ListStatus | str, event: Event) -> ListStatus:
    current = ListStatus(current)
    target = TRANSITIONS.get((current, event))
    if target is None:
        raise TransitionRefused(current, event, _why_not(current, event))
    return target


def allowed(current: ListStatus | str, event: Event) -> bool:
    return (ListStatus(current), event) in TRANSITIONS


def _node(status: ListStatus) -> str:
    return status.value if not status.value.isdigit() else f"s{status.value}"


def mermaid() -> str:
    """The machine as a Mermaid state diagram (what docs/list-lifecycle.md must contain)."""
    lines = ["stateDiagram-v2"]
    for status in ListStatus:
        label = MEANING[status] if not status.value.isdigit() else f"{status.value} {MEANING[status]}"
        lines.append(f'    state "{label}" as {_node(status)}')
    lines.append(f"    [*] --> {_node(S.ACCEPTED)}: CEB603 passes the platform")
    for (source, event), target in TRANSITIONS.items():
        lines.append(f"    {_node(source)} --> {_node(target)}: {event.value}")
    ends = {source for source, _ in TRANSITIONS}
    for status in sorted(TERMINAL - ends, key=lambda s: s.value):  # states nothing leaves
        lines.append(f"    {_node(status)} --> [*]")
    return "\n".join(lines)


def invt_no(customs_code: str, year: int, serial: int) -> str:
    """Customs list number: 4-digit customs code + year + "E" + 9-digit serial."""
    return f"{customs_code}{year:04d}E{serial % 10**9:09d}"
