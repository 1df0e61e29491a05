"""The console's composition root: settings, one HTTP client for the services, the app."""
from __future__ import annotations

from dataclasses import dataclass

import httpx

from shared.runtime import http_server, run_service

from .entrypoints.http import build_app
from .settings import ConsoleSettings, load_console_settings


@dataclass
class ConsoleService:
    settings: ConsoleSettings
    client: httpx.AsyncClient

    async def run(self, app) -> int:
        return await run_service("console", {}, http_server(app, self.settings.http_host, self.settings.http_port),
                                 self.client.aclose)


async def bootstrap(settings: ConsoleSettings | None = None):
    settings = settings or load_console_settings()
    client = httpx.AsyncClient(timeout=settings.timeout_s)
    return ConsoleService(settings, client), build_app(settings, client)
