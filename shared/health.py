"""Health for every service, one implementation.

- ``GET /health`` (kept for the callers that know it: ``deploy/stack.sh``, the tests' stack): 200
  while the service's consumers and relay poll, else 503, with their counters.
- ``GET /health/live``: liveness — the process answers. A supervisor restarts it when this fails.
- ``GET /health/ready``: readiness — the pipes move (``shared.pipes``): 503 with the problems when
  a consumer is stuck or lags past its threshold, or the relay is stuck; with lag per partition,
  outbox depth and age, parked rows and (notification) webhook deliveries.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Response


def add_health_route(app: FastAPI, health: Callable[[], dict[str, Any]]) -> None:
    @app.get("/health", tags=["service"], summary="200 while the consumers and the relay poll, else 503")
    async def get_health(response: Response) -> dict[str, Any]:
        state = health()
        if not state["ok"]:
            response.status_code = 503
        return state


def add_probe_routes(app: FastAPI, service: str, pipes: Any = None) -> None:
    """``/health/live`` and, given the service's ``shared.pipes.Pipes``, ``/health/ready``."""

    @app.get("/health/live", tags=["service"], summary="Liveness: the process answers")
    async def get_live() -> dict[str, Any]:
        return {"alive": True, "service": service}

    if pipes is None:
        return

    @app.get("/health/ready", tags=["service"],
             summary="Readiness: 503 when a consumer is stuck or lags past its threshold, or the relay is stuck")
    async def get_ready(response: Response) -> dict[str, Any]:
        state: dict[str, Any] = await pipes.snapshot()
        if not state["ready"]:
            response.status_code = 503
        return state
