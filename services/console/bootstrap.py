"""The console's composition root: settings, one HTTP client for the services, the app."""
from __future__ import annotations

import httpx

from shared.service import Service

from .entrypoints.http import build_app
from .settings import ConsoleSettings


async def bootstrap(settings: ConsoleSettings | None = None) -> Service:
    settings = settings or ConsoleSettings.from_env()
    client = httpx.AsyncClient(timeout=settings.timeout_s)
    return Service("console", build_app(settings, client), http=(settings.http_host, settings.http_port),
                   closing=(client.aclose,))
