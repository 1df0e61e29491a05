"""Moving a list along its life: every move is guarded by the state machine, recorded in the
history and told to the enterprise.

- :func:`audit` — a stored list against its order and waybill: wait, review, reject or conclude;
- :func:`decide` — the risk decision for an audited list whose goods have arrived;
- :func:`move` — one guarded transition.

A set-based pass over a batch (``new_documents``) gives :func:`move` and :func:`audit` a
:class:`Later`: the orders and waybills it has already read, and a place for the writes it makes
at its end with one statement each (status and waiting_for of the lists it changed, review
applications), instead of one round trip per list.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from shared import return_codes as codes
from shared.receipts import info
from shared.sandbox import scripted_decision

from ..adapters import applications, inspections
from ..adapters import lists as repo
from ..adapters import trade_documents as documents
from ..domain.applications import Kind
from ..domain.audit import TradeDocument, Verdict, audit_list
from ..domain.list_lifecycle import Event, ListStatus, next_status
from ..domain.risk import RiskContext
from .clearance import Clearance


@dataclass
class Later:
    """What a set-based pass knows (orders and waybills by key; None: there is none) and the list
    writes it makes at its end."""

    orders: dict[tuple[str, str], TradeDocument | None]
    waybills: dict[tuple[str, str], TradeDocument | None]
    changed: dict[int, repo.StoredList] = field(default_factory=dict)
    applications: list[dict] = field(default_factory=list)


async def move(cl: Clearance, stored: repo.StoredList, event: Event, detail: dict | None = None,
               later: Later | None = None) -> ListStatus:
    """One transition; raises ``TransitionRefused`` (nothing changed) if the machine has no such edge."""
    target = next_status(stored.status, event)
    if later is None:
        await repo.set_status(cl.conn, stored.id, target.value)
    else:
        later.changed[stored.id] = stored
    await cl.history(stored, event.value, target.value, {"from": stored.status, **(detail or {})})
    stored.status = target.value
    stored.waiting_for = ""
    return target


async def audit(cl: Clearance, stored: repo.StoredList, later: Later | None = None) -> None:
    """Audit a stored (120) list; concludes, waits, refers to review or rejects."""
    if stored.status != ListStatus.STORED.value:
        return
    if later is None:
        order = await documents.order(cl.conn, stored.ebp_code, stored.order_no)
        waybill = await documents.waybill(cl.conn, stored.logistics_code, stored.logistics_no)
    else:
        order = later.orders[(stored.ebp_code, stored.order_no)]
        waybill = later.waybills[(stored.logistics_code, stored.logistics_no)]
    outcome = audit_list(stored.head, stored.items, order, waybill)
    if outcome.verdict is Verdict.WAITING:
        waiting = "; ".join(outcome.waiting_for)
        if waiting != stored.waiting_for:
            if later is None:
                await repo.set_waiting(cl.conn, stored.id, waiting)
            else:
                later.changed[stored.id] = stored
            stored.waiting_for = waiting
            await cl.history(stored, "audit waiting", stored.status, {"waitingFor": outcome.waiting_for})
        return
    if outcome.verdict is Verdict.REJECTED:
        await move(cl, stored, Event.REJECT, {"findings": outcome.text()}, later)
        await cl.tell_list(stored, ListStatus.REJECTED.value, outcome.text())
        return
    if outcome.verdict is Verdict.REVIEW:
        await move(cl, stored, Event.REFER_TO_REVIEW, {"findings": outcome.text()}, later)
        review = {"list_id": stored.id, "kind": Kind.REVIEW.value, "reason": outcome.text(), "trace_id": cl.trace_id}
        if later is None:
            await applications.submit(cl.conn, **review)
        else:
            later.applications.append(review)
        await cl.tell_list(stored, ListStatus.REVIEW.value, outcome.text())
        return
    await move(cl, stored, Event.CONCLUDE_AUDIT, later=later)
    await cl.tell_list(stored, ListStatus.AUDITED.value, outcome.text())
    if later is None:
        await decide_if_arrived(cl, stored)
    elif stored.arrived_at is not None:  # the set-based pass leaves arrived lists to the one-by-one path
        raise AssertionError(f"list {stored.id} has arrived: its decision cannot wait for the end of the pass")


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
        rejections[stored.ebc_code] = await repo.recent_rejections(cl.conn, stored.ebc_code, days)
    context = RiskContext(recent_rejections=rejections[stored.ebc_code], decision_round=stored.decision_round + 1)
    decision = scripted_decision("CEB603", stored.numbered_head) or cl.policy.decide(stored.numbered_head, stored.items, context)
    record = {"release": decision.release, "rulesFired": decision.rules_fired, "reason": decision.reason,
              "round": context.decision_round}
    await repo.record_decision(cl.conn, stored.id, record)
    stored.decision_round += 1
    if decision.release:
        await move(cl, stored, Event.RELEASE, {"decision": record})
        await cl.tell_list(stored, ListStatus.RELEASED.value, info(codes.OK, decision.reason))
        return
    await move(cl, stored, Event.INSPECT, {"decision": record})
    task = await inspections.open_task(cl.conn, stored.id, cl.rules.inspection_priority(stored.trade_mode),
                                       decision.rules_fired)
    await cl.history(stored, "inspection task opened", stored.status, {"task": task})
    await cl.tell_list(stored, ListStatus.INSPECTION.value, info(codes.OK, decision.reason))
