"""What a customs officer does through the operator API: decide applications and record
inspection results. Each action runs in one transaction with the receipts it causes, and the
history records who did it.
"""
from __future__ import annotations

from dataclasses import dataclass

from shared import return_codes as codes
from shared.contracts import Recipient
from shared.receipts import info

from ..adapters import applications, inspections
from ..adapters import lists as repo
from ..domain.applications import Kind, Route, cancellation_route, modification_route
from ..domain.list_lifecycle import Event, ListStatus, TransitionRefused, allowed
from .cancellation import cancel, tell
from .clearance import Clearance
from .list_flow import decide_if_arrived, move
from .listing import apply_modification


class NotFound(LookupError):
    pass


class ActionRefused(Exception):
    """The action is impossible in the current state; nothing changed."""


@dataclass
class Outcome:
    outcome: str
    list_status: str
    detail: str = ""


async def _application(cl: Clearance, application_id: int) -> tuple[applications.Application, repo.StoredList]:
    app = await applications.by_id(cl.conn, application_id)
    if app is None:
        raise NotFound(f"no application {application_id}")
    if app.status != "pending":
        raise ActionRefused(f"application {application_id} is {app.status}, not pending")
    stored = await repo.by_id(cl.conn, app.list_id)
    assert stored is not None
    cl.trace_id = app.trace_id or cl.trace_id
    return app, stored


def _applicant(app: applications.Application, stored: repo.StoredList) -> Recipient:
    if app.applicant_dxp:
        return Recipient(dxp_id=app.applicant_dxp, format=app.receipt_format)
    return Recipient(dxp_id=stored.declarant_dxp, format=stored.receipt_format)


async def approve(cl: Clearance, application_id: int, note: str = "") -> Outcome:
    app, stored = await _application(cl, application_id)
    who = f"officer {cl.actor}"
    if app.kind == Kind.CANCELLATION.value:
        routing = cancellation_route(stored.status)
        if routing.route is Route.REFUSED:
            return await _refuse(cl, app, stored, routing.reason, by_rule=True)
        await applications.decide(cl.conn, app.id, "approved", cl.actor, note)
        await cancel(cl, stored, app.head, _applicant(app, stored), f"approved by {who}" + (f": {note}" if note else ""))
    elif app.kind == Kind.MODIFICATION.value:
        routing = modification_route(stored.status)
        if routing.route is Route.REFUSED:
            return await _refuse(cl, app, stored, routing.reason, by_rule=True)
        await applications.decide(cl.conn, app.id, "approved", cl.actor, note)
        cl.history(stored, "modification approved", stored.status, {"application": app.id, "note": note})
        await apply_modification(cl, stored, app.head, app.items, by=app.guid)
    else:
        if not allowed(stored.status, Event.APPROVE_REVIEW):
            raise ActionRefused(f"list {stored.cop_no} is not under manual review (status {stored.status})")
        await applications.decide(cl.conn, app.id, "approved", cl.actor, note)
        move(cl, stored, Event.APPROVE_REVIEW, {"application": app.id, "note": note})
        cl.tell_list(stored, ListStatus.AUDITED.value,
                     info(codes.OK, f"audit concluded after manual review by {who}" + (f": {note}" if note else "")))
        await decide_if_arrived(cl, stored)
    return Outcome("approved", stored.status)


async def refuse(cl: Clearance, application_id: int, reason: str) -> Outcome:
    app, stored = await _application(cl, application_id)
    return await _refuse(cl, app, stored, reason)


async def _refuse(cl: Clearance, app: applications.Application, stored: repo.StoredList, reason: str,
                  by_rule: bool = False) -> Outcome:
    who = "refused" if by_rule else f"refused by officer {cl.actor}"
    await applications.decide(cl.conn, app.id, "refused", cl.actor, reason)
    if app.kind == Kind.CANCELLATION.value:
        tell(cl, stored, app.head, _applicant(app, stored), "100",
             info(codes.CANCELLATION_REFUSED, f"cancellation {who}: {reason}"), "cancellation refused")
    elif app.kind == Kind.MODIFICATION.value:
        cl.tell_list(stored, "100", info(codes.MODIFICATION_REFUSED, f"modification {who}: {reason}; the list is unchanged "
                                                 f"(status {stored.status})"),
                     event="modification refused", recipient=_applicant(app, stored))
    else:
        try:
            move(cl, stored, Event.REJECT, {"application": app.id, "reason": reason})
        except TransitionRefused as refused:
            raise ActionRefused(refused.reason) from refused
        cl.tell_list(stored, ListStatus.REJECTED.value, info(codes.REJECTED_AFTER_REVIEW, f"manual review {who}: {reason}"))
    return Outcome("refused", stored.status, reason)


async def record_inspection(cl: Clearance, task_id: int, passed: bool, finding: str) -> Outcome:
    task = await inspections.task(cl.conn, task_id)
    if task is None:
        raise NotFound(f"no inspection task {task_id}")
    if task["status"] != "open":
        raise ActionRefused(f"inspection task {task_id} is {task['status']}, not open")
    stored = await repo.by_id(cl.conn, task["list_id"])
    assert stored is not None
    event = Event.PASS_INSPECTION if passed else Event.FAIL_INSPECTION
    try:
        move(cl, stored, event, {"task": task_id, "finding": finding})
    except TransitionRefused as refused:
        raise ActionRefused(refused.reason) from refused
    await inspections.close(cl.conn, task_id, "passed" if passed else "failed", finding, cl.actor)
    if passed:
        cl.tell_list(stored, ListStatus.RELEASED.value, info(
            codes.OK, f"released after inspection by officer {cl.actor}" + (f": {finding}" if finding else "")))
    else:
        cl.tell_list(stored, ListStatus.REJECTED.value, info(
            codes.REJECTED_AFTER_INSPECTION, f"rejected after inspection by officer {cl.actor}: {finding or 'inspection failed'}"))
    return Outcome("passed" if passed else "failed", stored.status, finding)
