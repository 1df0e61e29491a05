"""Moving a list along its life: every move is guarded by the state machine, recorded in the
history and told to the enterprise.

- :func:`audit` — a stored list against its order and waybill: wait, review, reject or conclude;
- :func:`decide` — the risk decision for an audited list whose goods have arrived;
- :func:`move` — one guarded transition.
"""
from __future__ import annotations

from shared.receipts import info

from ..adapters import applications, inspections
from ..adapters import lists as repo
from ..adapters import trade_documents as documents
from ..domain.applications import Kind
from ..domain.audit import Verdict, audit_list
from ..domain.list_lifecycle import Event, ListStatus, next_status
from ..domain.risk import RiskContext
from .clearance import Clearance


async def move(cl: Clearance, stored: repo.StoredList, event: Event, detail: dict | None = None) -> ListStatus:
    """One transition; raises ``TransitionRefused`` (nothing changed) if the machine has no such edge."""
    target = next_status(stored.status, event)
    await repo.set_status(cl.conn, stored.id, target.value)
    await cl.history(stored, event.value, target.value, {"from": stored.status, **(detail or {})})
    stored.status = target.value
    stored.waiting_for = ""
    return target


async def audit(cl: Clearance, stored: repo.StoredList) -> None:
    """Audit a stored (120) list; concludes, waits, refers to review or rejects."""
    if stored.status != ListStatus.STORED.value:
        return
    order = await documents.order(cl.conn, stored.ebp_code, stored.order_no)
    waybill = await documents.waybill(cl.conn, stored.logistics_code, stored.logistics_no)
    outcome = audit_list(stored.head, stored.items, order, waybill)
    if outcome.verdict is Verdict.WAITING:
        waiting = "; ".join(outcome.waiting_for)
        if waiting != stored.waiting_for:
            await repo.set_waiting(cl.conn, stored.id, waiting)
            stored.waiting_for = waiting
            await cl.history(stored, "audit waiting", stored.status, {"waitingFor": outcome.waiting_for})
        return
    if outcome.verdict is Verdict.REJECTED:
        await move(cl, stored, Event.REJECT, {"findings": outcome.text()})
        await cl.tell_list(stored, ListStatus.REJECTED.value, outcome.text())
        return
    if outcome.verdict is Verdict.REVIEW:
        await move(cl, stored, Event.REFER_TO_REVIEW, {"findings": outcome.text()})
        await applications.submit(cl.conn, list_id=stored.id, kind=Kind.REVIEW.value, reason=outcome.text(),
                                  trace_id=cl.trace_id)
        await cl.tell_list(stored, ListStatus.REVIEW.value, outcome.text())
        return
    await move(cl, stored, Event.CONCLUDE_AUDIT)
    await cl.tell_list(stored, ListStatus.AUDITED.value, outcome.text())
    await decide_if_arrived(cl, stored)


async def decide_if_arrived(cl: Clearance, stored: repo.StoredList) -> None:
    if stored.status == ListStatus.AUDITED.value and stored.arrived_at is not None:
        await decide(cl, stored)


async def decide(cl: Clearance, stored: repo.StoredList) -> None:
    """Release or inspection for an audited list whose goods are at the supervised site."""
    days = cl.rules.rejection_window_days
    context = RiskContext(recent_rejections=await repo.recent_rejections(cl.conn, stored.ebc_code, days),
                          decision_round=stored.decision_round + 1)
    decision = cl.policy.decide(stored.numbered_head, stored.items, context)
    record = {"release": decision.release, "rulesFired": decision.rules_fired, "reason": decision.reason,
              "round": context.decision_round}
    await repo.record_decision(cl.conn, stored.id, record)
    stored.decision_round += 1
    if decision.release:
        await move(cl, stored, Event.RELEASE, {"decision": record})
        await cl.tell_list(stored, ListStatus.RELEASED.value, info("0000", decision.reason))
        return
    await move(cl, stored, Event.INSPECT, {"decision": record})
    task = await inspections.open_task(cl.conn, stored.id, cl.rules.inspection_priority(stored.trade_mode),
                                       decision.rules_fired)
    await cl.history(stored, "inspection task opened", stored.status, {"task": task})
    await cl.tell_list(stored, ListStatus.INSPECTION.value, info("0000", decision.reason))
