"""Moving a list along its life: every move is guarded by the state machine, recorded in the
history and told to the enterprise.

- :func:`audit` — a stored list against its order and waybill: wait, review, reject or conclude
  (and, if its goods have arrived, decide);
- :func:`decide` — the risk decision for an audited list whose goods have arrived;
- :func:`move` — one guarded transition.

The same steps serve a list handled on its own and a wave of a batch handled as a set
(``new_documents``): the list's new status, its history and a review application go to the unit of
work's buffer (``deferred_writes``), written with one statement per kind when they are next read or
at the commit; the order and waybill come from what the unit of work knows (``KnownDocuments``).
"""
from __future__ import annotations

from shared import return_codes as codes
from shared.receipts import info
from shared.sandbox import scripted_decision

from ..adapters import inspections
from ..adapters import lists as repo
from ..domain.applications import Kind
from ..domain.audit import Verdict, audit_list
from ..domain.list_lifecycle import Event, ListStatus, next_status
from ..domain.risk import RiskContext
from .clearance import Clearance
from .deferred_writes import REVIEWS, list_changed


def move(cl: Clearance, stored: repo.StoredList, event: Event, detail: dict | None = None) -> ListStatus:
    """One transition; raises ``TransitionRefused`` (nothing changed) if the machine has no such edge."""
    target = next_status(stored.status, event)
    list_changed(cl.uow, stored)
    cl.history(stored, event.value, target.value, {"from": stored.status, **(detail or {})})
    stored.status = target.value
    stored.waiting_for = ""
    return target


async def audit(cl: Clearance, stored: repo.StoredList) -> None:
    """Audit a stored (120) list; concludes, waits, refers to review or rejects."""
    if stored.status != ListStatus.STORED.value:
        return
    order = await cl.documents.order(cl.conn, (stored.ebp_code, stored.order_no))
    waybill = await cl.documents.waybill(cl.conn, (stored.logistics_code, stored.logistics_no))
    outcome = audit_list(stored.head, stored.items, order, waybill)
    if outcome.verdict is Verdict.WAITING:
        waiting = "; ".join(outcome.waiting_for)
        if waiting != stored.waiting_for:
            list_changed(cl.uow, stored)
            stored.waiting_for = waiting
            cl.history(stored, "audit waiting", stored.status, {"waitingFor": outcome.waiting_for})
        return
    if outcome.verdict is Verdict.REJECTED:
        move(cl, stored, Event.REJECT, {"findings": outcome.text()})
        cl.tell_list(stored, ListStatus.REJECTED.value, outcome.text())
        return
    if outcome.verdict is Verdict.REVIEW:
        move(cl, stored, Event.REFER_TO_REVIEW, {"findings": outcome.text()})
        cl.uow.defer(REVIEWS, {"list_id": stored.id, "kind": Kind.REVIEW.value, "reason": outcome.text(),
                               "trace_id": cl.trace_id})
        cl.tell_list(stored, ListStatus.REVIEW.value, outcome.text())
        return
    move(cl, stored, Event.CONCLUDE_AUDIT)
    cl.tell_list(stored, ListStatus.AUDITED.value, outcome.text())
    await decide_if_arrived(cl, stored)


async def decide_if_arrived(cl: Clearance, stored: repo.StoredList) -> None:
    if stored.status == ListStatus.AUDITED.value and stored.arrived_at is not None:
        await decide(cl, stored)


async def decide(cl: Clearance, stored: repo.StoredList, rejections: dict[str, int] | None = None) -> None:
    """Release or inspection for an audited list whose goods are at the supervised site.

    ``rejections``: the seller's recent rejections counted so far in this transaction (deciding
    rejects nothing, and ``now()`` is the transaction's: the count cannot change within it), so
    an arrival of a hundred lists asks once per seller."""
    days = cl.rules.rejection_window_days
    if rejections is None:
        rejections = {}
    if stored.ebc_code not in rejections:
        await cl.uow.flush()  # the lists rejected earlier in this unit of work count
        rejections[stored.ebc_code] = await repo.recent_rejections(cl.conn, stored.ebc_code, days)
    context = RiskContext(recent_rejections=rejections[stored.ebc_code], decision_round=stored.decision_round + 1)
    decision = scripted_decision("CEB603", stored.numbered_head) or cl.policy.decide(stored.numbered_head, stored.items, context)
    record = {"release": decision.release, "rulesFired": decision.rules_fired, "reason": decision.reason,
              "round": context.decision_round}
    await repo.record_decision(cl.conn, stored.id, record)
    stored.decision_round += 1
    if decision.release:
        move(cl, stored, Event.RELEASE, {"decision": record})
        cl.tell_list(stored, ListStatus.RELEASED.value, info(codes.OK, decision.reason))
        return
    move(cl, stored, Event.INSPECT, {"decision": record})
    task = await inspections.open_task(cl.conn, stored.id, cl.rules.inspection_priority(stored.trade_mode),
                                       decision.rules_fired)
    cl.history(stored, "inspection task opened", stored.status, {"task": task})
    cl.tell_list(stored, ListStatus.INSPECTION.value, info(codes.OK, decision.reason))
