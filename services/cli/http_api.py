"""The services' authenticated HTTP APIs as ``cbec`` calls them.

Where each service answers: ``CBEC_<SERVICE>_URL``, else ``http://127.0.0.1:<SERVICE>_HTTP_PORT``
(as the console reads them). The credential: ``--token``, else ``CBEC_TOKEN``; for an admin's act
(the registry, credentials) else ``CBEC_ADMIN_TOKEN``. Without one (the open demo profile) the
action is recorded under ``X-Operator`` (``$USER``).
"""
from __future__ import annotations

import os
from typing import Any

import httpx

from services.console.settings import ConsoleSettings

from .output import AUTH, CONNECTION, REFUSED, SERVER, CliError


def service_url(service: str) -> str:
    return ConsoleSettings.from_env().upstreams[service]


def credentials(admin: bool = False, token: str | None = None) -> dict[str, str]:
    """The caller's Authorization header: ``token``, CBEC_TOKEN; for an admin's act else CBEC_ADMIN_TOKEN."""
    token = token or os.environ.get("CBEC_TOKEN") or (os.environ.get("CBEC_ADMIN_TOKEN") if admin else None)
    if token:
        return {"Authorization": f"Bearer {token}"}
    return {"X-Operator": os.environ.get("USER", "cbec")}


def _detail(resp: httpx.Response) -> str:
    try:
        body = resp.json()
    except ValueError:
        return resp.text[:300] or resp.reason_phrase
    detail = body.get("detail", body) if isinstance(body, dict) else body
    if isinstance(detail, list):  # FastAPI's validation errors
        return "; ".join(f"{'.'.join(str(p) for p in d.get('loc', ())[1:])}: {d.get('msg')}" if isinstance(d, dict)
                         else str(d) for d in detail)
    return str(detail)


def call(service: str, method: str, path: str, *, token: str | None = None, admin: bool = False,
         json: Any = None, params: dict | None = None, timeout: float = 30.0) -> Any:
    """The JSON answer of ``method path`` on ``service``; a :class:`CliError` (exit 4–7) otherwise."""
    base = service_url(service)
    params = {k: v for k, v in (params or {}).items() if v is not None}
    try:
        resp = httpx.request(method, f"{base}{path}", json=json, params=params,
                             headers=credentials(admin, token), timeout=timeout)
    except (httpx.ConnectError, httpx.ConnectTimeout) as e:
        raise CliError(CONNECTION, f"cannot reach {service} at {base}: {e or type(e).__name__} "
                                   f"(is the stack up? `make status`; CBEC_{service.upper()}_URL)") from None
    except httpx.TimeoutException:
        raise CliError(CONNECTION, f"{service} at {base} did not answer {method} {path} within {timeout:g} s") from None
    if resp.status_code in (401, 403):
        hint = "set CBEC_TOKEN or --token" if resp.status_code == 401 else "this credential's role may not do this"
        raise CliError(AUTH, f"{service} refused the credential ({resp.status_code}): {_detail(resp)}; {hint}")
    if resp.status_code >= 500:
        raise CliError(SERVER, f"{service} failed ({resp.status_code}) on {method} {path}: {_detail(resp)}")
    if resp.status_code >= 400:
        raise CliError(REFUSED, f"{service} refused {method} {path} ({resp.status_code}): {_detail(resp)}")
    try:
        return resp.json()
    except ValueError:
        return resp.text


def page(answer: Any) -> tuple[list[dict], int]:
    """(items, total) of a list answer: ``{"total", "items"}`` or a bare list."""
    if isinstance(answer, dict) and "items" in answer:
        return list(answer["items"]), int(answer.get("total", len(answer["items"])))
    rows = list(answer) if isinstance(answer, list) else [answer]
    return rows, len(rows)
