"""The console's HTTP face: its pages, one origin for the services' APIs, and its own small API.

``/api/<service>/<path>`` is forwarded to the service with the caller's ``Authorization`` and
``X-Operator`` headers as they came (the service decides what the caller may do); JSON answers
come back with personal data masked unless the caller's role may see it. ``/console/*`` is the
console's own: who the caller is, the names of statuses, the flows with their names.
"""
from __future__ import annotations

import asyncio
from importlib import resources

import httpx
from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.responses import FileResponse, JSONResponse

from shared.auth import MIN_KEY_CHARS, Authenticator, Principal
from shared.health import add_probe_routes
from shared.http_app import service_app
from shared.metrics import add_metrics_route
from shared.status_names import kind_name, names_table

from ..domain.masking import mask_personal, may_see_personal_data
from ..domain.pipes import pipe_rows
from ..settings import ConsoleSettings

STATIC = resources.files("services.console") / "static"
FORWARDED_REQUEST_HEADERS = ("authorization", "x-operator", "content-type", "accept")
FORWARDED_RESPONSE_HEADERS = ("content-type", "www-authenticate", "location")
PAGES = ("flows", "find", "queues", "stuck", "deadletters", "pipes")
PIPE_SERVICES = ("gateway", "management", "notification")  # the services with consumers, an outbox and a relay


def build_app(settings: ConsoleSettings, client: httpx.AsyncClient) -> FastAPI:
    app = service_app(title="cbec operators' console", version="1.0",
                      description="The operators' web console: flows, find and follow, work queues.")
    auth = caller_checker(settings)

    def caller_of(request: Request) -> Principal | None:
        """Who calls, as the services' own check (shared/auth.py) reads the token; None when the
        console cannot tell (no credential, or nothing to check it with): the services decide what
        the call may do, the console masks everything personal."""
        authorization = request.headers.get("authorization")
        if auth is None or (not authorization and not auth.is_open):
            return None
        try:
            return auth.authenticate(authorization, request.headers.get("x-operator"))
        except HTTPException as err:
            raise HTTPException(401, f"the token was refused: {err.detail}",
                                headers={"WWW-Authenticate": "Bearer"}) from err

    @app.get("/health", tags=["service"])
    async def health() -> dict:
        return {"ok": True, "service": "console", "upstreams": settings.upstreams}

    add_probe_routes(app, "console")
    add_metrics_route(app)

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(str(STATIC / "index.html"))

    @app.get("/static/{name}", include_in_schema=False)
    async def static(name: str) -> FileResponse:
        asset = STATIC / name
        if "/" in name or name.startswith(".") or not asset.is_file():
            raise HTTPException(404, "no such asset")
        return FileResponse(str(asset))

    @app.get("/console/session", tags=["console"], summary="Who the console takes the caller to be")
    async def session(request: Request) -> dict:
        caller = caller_of(request)
        role = caller.role if caller else None
        return {"role": role, "name": (caller.name if caller else "") or request.headers.get("x-operator", ""),
                "dxpId": caller.dxp_id if caller else None, "seesPersonalData": may_see_personal_data(role),
                "verified": caller is not None}

    @app.get("/console/names", tags=["console"], summary="What receipt and list statuses mean")
    async def names() -> dict:
        return names_table()

    @app.get("/console/flows", tags=["console"], summary="The monitor's flows, each kind with its name")
    async def flows(request: Request) -> dict:
        caller_of(request)
        resp = await _forward(client, "GET", f"{settings.upstreams['monitor']}/flows/", request, b"")
        if resp.status_code != 200:
            raise HTTPException(502, f"the flow monitor answered {resp.status_code}")
        return named_flows(resp.json())

    @app.get("/console/pipes", tags=["console"],
             summary="Consumer lag per service and partition, outboxes, parked rows, webhook deliveries; red past "
                     "each service's thresholds")
    async def pipes(request: Request) -> dict:
        caller = caller_of(request)
        if caller is None:
            raise HTTPException(401, "sign in as an officer or admin to see the pipes",
                                headers={"WWW-Authenticate": "Bearer"})
        if caller.role == "enterprise":
            raise HTTPException(403, "the pipes are the operators' to see")

        async def ready(service: str) -> dict | None:
            try:
                resp = await client.get(f"{settings.upstreams[service]}/health/ready")
                return resp.json() if resp.status_code in (200, 503) else None
            except (httpx.HTTPError, ValueError):
                return None

        answers = await asyncio.gather(*(ready(s) for s in PIPE_SERVICES))
        return pipe_rows(dict(zip(PIPE_SERVICES, answers)))

    @app.api_route("/api/{service}/{path:path}", methods=["GET", "POST", "PUT", "DELETE"], tags=["console"],
                   summary="Forwarded to the service (gateway, management, notification, monitor)")
    async def proxy(service: str, path: str, request: Request) -> Response:
        base = settings.upstreams.get(service)
        if base is None:
            raise HTTPException(404, f"no service {service!r}: one of {', '.join(settings.upstreams)}")
        caller = caller_of(request)
        resp = await _forward(client, request.method, f"{base}/{path}", request, await request.body())
        headers = {k: v for k, v in resp.headers.items() if k.lower() in FORWARDED_RESPONSE_HEADERS}
        if resp.headers.get("content-type", "").startswith("application/json") and resp.content:
            headers.pop("content-type", None)
            return JSONResponse(mask_personal(resp.json(), caller.role if caller else None), status_code=resp.status_code,
                                headers=headers)
        return Response(resp.content, status_code=resp.status_code, headers=headers)

    return app


def caller_checker(settings: ConsoleSettings) -> Authenticator | None:
    """The services' token check with the stack's key; None when the console has nothing to check
    a token with (no CBEC_AUTH_KEY in the secure profile)."""
    if settings.profile != "open" and len(settings.auth_key) < MIN_KEY_CHARS:
        return None
    return Authenticator(settings.profile, settings.auth_key, settings.admin_token)


async def _forward(client: httpx.AsyncClient, method: str, url: str, request: Request, body: bytes) -> httpx.Response:
    headers = {k: v for k, v in request.headers.items() if k.lower() in FORWARDED_REQUEST_HEADERS}
    try:
        return await client.request(method, url, params=request.query_params, headers=headers, content=body)
    except httpx.HTTPError as err:
        raise HTTPException(502, f"{url.split('/')[2]} did not answer: {type(err).__name__}") from err


def named_flows(snapshot: dict) -> dict:
    """The monitor's ``/flows/`` as rows: each receipt kind with its name, this minute and in all."""
    totals = snapshot.get("receipts_total", {})
    minute = snapshot.get("receipts_this_minute", {})
    receipts = []
    for kind in sorted(set(totals) | set(minute)):
        message_type, _, status = kind.partition(":")
        receipts.append({"kind": kind, "type": message_type, "status": status, "name": kind_name(kind),
                         "thisMinute": minute.get(kind, 0), "total": totals.get(kind, 0)})
    dead = snapshot.get("dead_letters_this_minute", {})
    return {"receipts": receipts,
            "deadLetters": [{"reason": reason, "thisMinute": n} for reason, n in sorted(dead.items())]}
