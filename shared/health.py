"""``GET /health`` for every service: 200 while its consumers and relay make progress, else 503."""
from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI, Response


def add_health_route(app: FastAPI, health: Callable[[], dict]) -> None:
    @app.get("/health", tags=["service"])
    async def get_health(response: Response) -> dict:
        state = health()
        if not state["ok"]:
            response.status_code = 503
        return state
