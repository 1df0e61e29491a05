"""The operators' and administrators' commands, over the services' authenticated HTTP APIs
(what the console does): the registry, credentials, webhooks, lists, inspections, applications,
dead letters, replays. Each prints a table, or the API's answer as it is with ``--json``."""
from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape

from shared.status_names import LIST_STATUSES

from .arguments import Json, Token, parse_time, read_file
from .http_api import call, page
from .output import guarded, out, print_json, show_rows, styled_status

Offset = Annotated[int, typer.Option(min=0, help="Skip this many (paging).")]
Limit = Annotated[int, typer.Option(min=1, max=1000, help="At most this many.")]

enterprise_app = typer.Typer(help="Register, list and show enterprises (gateway; admin).", no_args_is_help=True)
credential_app = typer.Typer(help="Issue and list credentials (gateway; admin).", no_args_is_help=True)
webhook_app = typer.Typer(help="An enterprise's webhook and its deliveries (notification).", no_args_is_help=True)
list_app = typer.Typer(help="Export lists: find by any business key, show one's history (management; officer).",
                       no_args_is_help=True)
inspection_app = typer.Typer(help="The inspection queue; record a result (management; officer).", no_args_is_help=True)
application_app = typer.Typer(help="Cancellations and modifications waiting: approve or refuse (management; officer).",
                              no_args_is_help=True)
dead_letter_app = typer.Typer(help="What a service could not apply: list, show, redrive, discard (officer).",
                              no_args_is_help=True)
replay_app = typer.Typer(help="Send an enterprise's receipts again (notification; officer).", no_args_is_help=True)

GROUPS = [("enterprise", enterprise_app), ("credential", credential_app), ("webhook", webhook_app),
          ("list", list_app), ("inspection", inspection_app), ("application", application_app),
          ("dead-letter", dead_letter_app), ("replay", replay_app)]


def command(app: typer.Typer, name: str):
    def register(func):
        return app.command(name)(guarded(func))
    return register


def _list_status(value: Any) -> str:
    return styled_status(str(value or ""), LIST_STATUSES.get(str(value or ""), ""))


def _show(answer: Any, json: bool, columns, **kw) -> None:
    if json:
        print_json(answer)
        return
    rows, total = page(answer)
    show_rows(rows, columns, total=total, **kw)


def _fields(answer: dict, json: bool, title: str, skip: tuple[str, ...] = ()) -> None:
    if json:
        print_json(answer)
        return
    rows = [{"field": k, "value": v} for k, v in answer.items() if k not in skip and not isinstance(v, (list, dict))]
    show_rows(rows, [("field", "field"), ("value", "value")], title=title)


# --- the registry and credentials (gateway, admin) ------------------------------------------------------

ENTERPRISE_COLUMNS = [("code", "code"), ("name", "name"), ("dxpId", "DXP id"), ("roles", "roles"),
                      ("certificateNumber", "certificate")]


@command(enterprise_app, "register")
def enterprise_register(
    code: Annotated[str, typer.Option(help="10-character customs code or 18-character USCC.")],
    name: Annotated[str, typer.Option()],
    dxp_id: Annotated[str, typer.Option(help="The DXP id its messages come from.")],
    roles: Annotated[str, typer.Option(help="Comma-separated: agent,ebc,ebp,logistics,operator.")],
    certificate: Annotated[str | None, typer.Option(metavar="FILE", help="PEM certificate it signs declared messages with.")] = None,
    transfer: Annotated[bool, typer.Option("--transfer", help="Move an already registered code to this (free) DXP id.")] = False,
    token: Token = None, json: Json = False,
) -> None:
    """Register or update an enterprise (the answer's kafka member says how its ERP connects)."""
    from pathlib import Path

    body: dict = {"code": code, "name": name, "dxpId": dxp_id, "roles": [r.strip() for r in roles.split(",") if r.strip()]}
    if certificate:
        body["certificate"] = read_file(Path(certificate), "certificate").decode("ascii", "replace")
    answer = call("gateway", "POST", "/enterprises", json=body, params={"transfer": "true"} if transfer else None,
                  token=token, admin=True)
    if json:
        print_json(answer)
        return
    _fields({**answer, "roles": ",".join(answer.get("roles", []))}, False, f"registered {code}")
    kafka = answer.get("kafka") or {}
    if kafka:
        show_rows([{"field": k, "value": v} for k, v in kafka.items()], [("field", "kafka"), ("value", "")])
        if kafka.get("password"):
            out().print("[yellow]the Kafka password is shown only now: give it to the enterprise over a channel you trust[/]")


@command(enterprise_app, "list")
def enterprise_list(token: Token = None, json: Json = False) -> None:
    """The registered enterprises."""
    answer = call("gateway", "GET", "/enterprises", token=token, admin=True)
    rows, total = page(answer)
    if json:
        print_json(answer)
    else:
        show_rows([{**r, "roles": ",".join(r.get("roles", []))} for r in rows], ENTERPRISE_COLUMNS, total=total)


@command(enterprise_app, "show")
def enterprise_show(code: str, token: Token = None, json: Json = False) -> None:
    """One enterprise."""
    answer = call("gateway", "GET", f"/enterprises/{code}", token=token, admin=True)
    _fields({**answer, "roles": ",".join(answer.get("roles", []))}, json, code, skip=("certificate",))


@command(credential_app, "issue")
def credential_issue(
    role: Annotated[str, typer.Option(help="admin, officer or enterprise.")],
    name: Annotated[str, typer.Option(help="Who holds it: recorded as the actor of what it does.")],
    dxp_id: Annotated[str | None, typer.Option(help="An enterprise credential's own DXP id.")] = None,
    ttl_days: Annotated[float, typer.Option(help="Days until it expires.")] = 90,
    token: Token = None, json: Json = False,
) -> None:
    """Issue a bearer token (printed once)."""
    answer = call("gateway", "POST", "/credentials", json={"role": role, "name": name, "dxpId": dxp_id,
                                                           "ttlDays": ttl_days}, token=token, admin=True)
    _fields(answer, json, f"credential for {name}")
    if not json:
        out().print("[yellow]the token is shown only now[/]")


@command(credential_app, "list")
def credential_list(token: Token = None, json: Json = False) -> None:
    """The credentials issued (never the tokens)."""
    answer = call("gateway", "GET", "/credentials", token=token, admin=True)
    rows, _ = page(answer)
    columns = [(k, k) for k in (rows[0].keys() if rows else ())]
    _show(answer, json, columns)


# --- webhooks (notification) ----------------------------------------------------------------------------

@command(webhook_app, "set")
def webhook_set(dxp_id: str, url: Annotated[str, typer.Option(help="The HTTPS endpoint.")],
                secret: Annotated[str | None, typer.Option(help="Shared secret for the signature (generated when absent).")] = None,
                token: Token = None, json: Json = False) -> None:
    """Subscribe an endpoint (prints the signing secret once)."""
    answer = call("notification", "PUT", f"/enterprises/{dxp_id}/webhook",
                  json={"url": url, **({"secret": secret} if secret else {})}, token=token)
    _fields(answer, json, f"webhook of {dxp_id}")


@command(webhook_app, "show")
def webhook_show(dxp_id: str, token: Token = None, json: Json = False) -> None:
    """The subscription and its delivery counts."""
    answer = call("notification", "GET", f"/enterprises/{dxp_id}/webhook", token=token)
    _fields({**answer, **{f"deliveries {k}": v for k, v in (answer.get("deliveries") or {}).items()}}
            if not json else answer, json, f"webhook of {dxp_id}")


@command(webhook_app, "remove")
def webhook_remove(dxp_id: str, token: Token = None, json: Json = False) -> None:
    """Unsubscribe; pending deliveries are cancelled."""
    _fields(call("notification", "DELETE", f"/enterprises/{dxp_id}/webhook", token=token), json, f"webhook of {dxp_id}")


@command(webhook_app, "deliveries")
def webhook_deliveries(dxp_id: str, status: Annotated[str | None, typer.Option(
        help="pending, delivered, parked or cancelled.")] = None, token: Token = None, json: Json = False) -> None:
    """The webhook's deliveries."""
    answer = call("notification", "GET", f"/enterprises/{dxp_id}/webhook/deliveries", params={"status": status},
                  token=token)
    rows, _ = page(answer)
    _show(answer, json, [(k, k) for k in ("id", "status", "attempts", "businessKey", "messageType", "returnStatus",
                                          "lastError", "deliveredAt") if not rows or k in rows[0]])


@command(webhook_app, "redeliver")
def webhook_redeliver(dxp_id: str, id: Annotated[int | None, typer.Option(
        help="One delivery (default: every parked one).")] = None, token: Token = None, json: Json = False) -> None:
    """Send again one delivery, or every parked one."""
    path = f"/enterprises/{dxp_id}/webhook/deliveries/{id}/redeliver" if id else \
        f"/enterprises/{dxp_id}/webhook/deliveries/redeliver"
    answer = call("notification", "POST", path, token=token)
    _fields({**answer, "redelivered": ",".join(map(str, answer.get("redelivered", [])))} if not json else answer,
            json, "redelivered")


# --- lists, inspections, applications (management, officer) ---------------------------------------------

LIST_COLUMNS = [("agent_code", "agent"), ("cop_no", "copNo"), ("invt_no", "invtNo"), ("status", "status"),
                ("waiting_for", "waiting for"), ("customs_code", "customs"), ("ebc_code", "ebc")]


@command(list_app, "find")
def list_find(
    invt_no: Annotated[str | None, typer.Option("--invt-no")] = None,
    logistics_no: Annotated[str | None, typer.Option("--logistics-no")] = None,
    order_no: Annotated[str | None, typer.Option("--order-no")] = None,
    cop_no: Annotated[str | None, typer.Option("--cop-no")] = None,
    bill_no: Annotated[str | None, typer.Option("--bill-no")] = None,
    guid: Annotated[str | None, typer.Option(help="Of any message about the list.")] = None,
    status: Annotated[str | None, typer.Option(help="The list's status (120, 399, 500, 800 …).")] = None,
    offset: Offset = 0, limit: Limit = 100, token: Token = None, json: Json = False,
) -> None:
    """Find lists by any business key."""
    answer = call("management", "GET", "/lists", token=token, params={
        "invtNo": invt_no, "logisticsNo": logistics_no, "orderNo": order_no, "copNo": cop_no, "billNo": bill_no,
        "guid": guid, "status": status, "offset": offset, "limit": limit})
    _show(answer, json, LIST_COLUMNS, offset=offset, styles={"status": _list_status}, empty="no list found")


@command(list_app, "show")
def list_show(agent_code: str, cop_no: str, token: Token = None, json: Json = False) -> None:
    """A list's state, versions and whole history (messages, decisions, receipts)."""
    answer = call("management", "GET", f"/lists/{agent_code}/{cop_no}", token=token)
    if json:
        print_json(answer)
        return
    _fields({k: v for k, v in answer.items() if k not in ("head", "items")}, False, f"list {cop_no} of {agent_code}")
    history = answer.get("history") or []
    if history:
        columns = [(k, k) for k in history[0].keys() if k not in ("id", "list_id", "detail")][:7]
        show_rows(history, columns, title="history")


INSPECTION_COLUMNS = [("id", "id"), ("priority", "priority"), ("agent_code", "agent"), ("cop_no", "copNo"),
                      ("invt_no", "invtNo"), ("trade_mode", "trade"), ("bill_no", "bill"), ("rules", "rules"),
                      ("opened_at", "opened")]


@command(inspection_app, "list")
def inspection_list(offset: Offset = 0, limit: Limit = 100, token: Token = None, json: Json = False) -> None:
    """The open inspection queue, B2B exports (9710, 9810) first."""
    answer = call("management", "GET", "/inspections", params={"offset": offset, "limit": limit}, token=token)
    _show(answer, json, INSPECTION_COLUMNS, offset=offset, empty="no open inspection")


def _outcome(answer: dict, json: bool, title: str) -> None:
    if json:
        print_json(answer)
    else:
        out().print(f"{title}: {escape(str(answer.get('outcome', '')))} — list {_list_status(answer.get('list_status'))}"
                    + (f" ({escape(str(answer['detail']))})" if answer.get("detail") else ""))


@command(inspection_app, "result")
def inspection_result(
    task_id: Annotated[int, typer.Argument(help="The inspection's id (cbec inspection list).")],
    passed: Annotated[bool, typer.Option("--pass/--fail", help="Passed: released (800); failed: rejected (100).")],
    finding: Annotated[str, typer.Option(help="What the inspection found (required to fail).")] = "",
    token: Token = None, json: Json = False,
) -> None:
    """Record an inspection's result."""
    answer = call("management", "POST", f"/inspections/{task_id}/result", token=token,
                  json={"result": "pass" if passed else "fail", "finding": finding})
    _outcome(answer, json, f"inspection {task_id}")


APPLICATION_COLUMNS = [("id", "id"), ("kind", "kind"), ("agent_code", "agent"), ("cop_no", "copNo"),
                       ("invt_no", "invtNo"), ("list_status", "list"), ("reason", "reason"), ("submitted_at", "submitted")]


@command(application_app, "list")
def application_list(offset: Offset = 0, limit: Limit = 100, token: Token = None, json: Json = False) -> None:
    """Applications waiting for an officer: cancellations, modifications, manual reviews."""
    answer = call("management", "GET", "/applications", params={"offset": offset, "limit": limit}, token=token)
    _show(answer, json, APPLICATION_COLUMNS, offset=offset, styles={"list_status": _list_status},
          empty="no application waiting")


@command(application_app, "approve")
def application_approve(application_id: int, note: Annotated[str, typer.Option()] = "", token: Token = None,
                        json: Json = False) -> None:
    """Approve a cancellation or modification."""
    answer = call("management", "POST", f"/applications/{application_id}/approve", json={"note": note}, token=token)
    _outcome(answer, json, f"application {application_id}")


@command(application_app, "refuse")
def application_refuse(application_id: int, reason: Annotated[str, typer.Option(help="Why (sent to the agent).")],
                       token: Token = None, json: Json = False) -> None:
    """Refuse a cancellation or modification."""
    answer = call("management", "POST", f"/applications/{application_id}/refuse", json={"reason": reason}, token=token)
    _outcome(answer, json, f"application {application_id}")


# --- dead letters (every service) -------------------------------------------------------------------------

Service = Annotated[str, typer.Option(help="gateway, management or notification.")]
DEAD_LETTER_COLUMNS = [("id", "id"), ("state", "state"), ("consumer", "consumer"), ("topic", "topic"),
                       ("key", "key"), ("reason", "reason"), ("redrives", "redrives"), ("createdAt", "at")]


@command(dead_letter_app, "list")
def dead_letter_list(
    service: Service = "gateway",
    reason: Annotated[str | None, typer.Option(help="A part of the reason.")] = None,
    topic: Annotated[str | None, typer.Option()] = None,
    state: Annotated[str | None, typer.Option(help="open, redriven or discarded (default: all).")] = None,
    offset: Offset = 0, limit: Limit = 50, token: Token = None, json: Json = False,
) -> None:
    """Dead letters by topic and reason, newest first."""
    answer = call(service, "GET", "/dead-letters", token=token, params={
        "reason": reason, "topic": topic, "state": state, "offset": offset, "limit": limit})
    _show(answer, json, DEAD_LETTER_COLUMNS, offset=offset, empty="no dead letter")


@command(dead_letter_app, "show")
def dead_letter_show(dead_letter_id: int, service: Service = "gateway", token: Token = None, json: Json = False) -> None:
    """One dead letter whole: headers, payload, audit."""
    answer = call(service, "GET", f"/dead-letters/{dead_letter_id}", token=token)
    if json:
        print_json(answer)
        return
    _fields(answer, False, f"dead letter {dead_letter_id} ({service})", skip=("payload",))
    if answer.get("headers"):
        show_rows(answer["headers"], [("name", "header"), ("value", "value")])
    out().print(answer.get("payload", ""), markup=False, highlight=False)


@command(dead_letter_app, "redrive")
def dead_letter_redrive(
    ids: Annotated[list[int] | None, typer.Argument(help="The dead letters to send again.")] = None,
    service: Service = "gateway",
    reason: Annotated[str | None, typer.Option(help="Instead of ids: the open ones whose reason has this.")] = None,
    topic: Annotated[str | None, typer.Option(help="Instead of ids: the open ones of this topic.")] = None,
    limit: Limit = 100, token: Token = None, json: Json = False,
) -> None:
    """Send dead letters again to the topic they were read from (one, several, or by a filter)."""
    from .output import USAGE, CliError

    if ids and len(ids) == 1 and not (reason or topic):
        answer = call(service, "POST", f"/dead-letters/{ids[0]}/redrive", token=token)
        answer = {"redriven": [answer], "refused": []}
    elif ids or reason or topic:
        body = {"ids": ids} if ids else {"reason": reason, "topic": topic, "limit": limit}
        answer = call(service, "POST", "/dead-letters/redrive", json=body, token=token)
    else:
        raise CliError(USAGE, "name the dead letters: ids, or --reason/--topic")
    if json:
        print_json(answer)
        return
    show_rows(answer.get("redriven", []), [("id", "redriven"), ("topic", "to"), ("messageId", "message id")],
              empty="nothing redriven")
    if answer.get("refused"):
        show_rows(answer["refused"], [("id", "refused"), ("why", "why")])


@command(dead_letter_app, "discard")
def dead_letter_discard(dead_letter_id: int, reason: Annotated[str, typer.Option(help="Why it is set aside (audited).")],
                        service: Service = "gateway", token: Token = None, json: Json = False) -> None:
    """Set a dead letter aside, with the reason (kept in the audit)."""
    answer = call(service, "POST", f"/dead-letters/{dead_letter_id}/discard", json={"reason": reason}, token=token)
    _fields(answer, json, f"dead letter {dead_letter_id} ({service})", skip=("payload",))


# --- replays (notification) ---------------------------------------------------------------------------------

@command(replay_app, "start")
def replay_start(dxp_id: str, since: Annotated[str, typer.Option(help="From when: 2h, 1d, or a time.")],
                 until: Annotated[str | None, typer.Option(help="Until when (default: now).")] = None,
                 token: Token = None, json: Json = False) -> None:
    """Publish an enterprise's receipts of a period again (same receipt ids: ERPs drop repeats)."""
    body = {"since": parse_time(since).isoformat(), "until": parse_time(until).isoformat() if until else None}
    _fields(call("notification", "POST", f"/enterprises/{dxp_id}/replay", json=body, token=token), json,
            f"replay for {dxp_id}")


@command(replay_app, "list")
def replay_list(dxp_id: str, token: Token = None, json: Json = False) -> None:
    """The replays asked for an enterprise."""
    answer = call("notification", "GET", f"/enterprises/{dxp_id}/replays", token=token)
    _show(answer, json, [("replayId", "id"), ("since", "since"), ("until", "until"), ("receipts", "receipts"),
                         ("operator", "by"), ("requestedAt", "at")], empty="no replay")
