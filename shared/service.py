"""What every service's ``bootstrap()`` returns and every ``python -m services.<name>`` runs.

A :class:`Service` is a service put together but not yet running: its HTTP app, its
:class:`~shared.service_host.ServiceHost` (pool, migrations, topics, consumers, relay — the console
has none) and the long-lived tasks it runs besides the consumers and the relay. ``run()`` runs them
all until a signal (or until one of them dies: the process exits non-zero and its supervisor
restarts it); :func:`shared.runtime.serve` is the whole of a ``__main__``.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from typing import Any

from shared.runtime import http_server, run_service
from shared.service_host import ServiceHost

Task = Callable[[], Coroutine[Any, Any, None]]


async def _nothing() -> None:
    return None


@dataclass
class Service:
    name: str
    app: Any  # the HTTP API (a FastAPI app)
    host: ServiceHost | None = None
    tasks: dict[str, Task] = field(default_factory=dict)  # besides the host's consumers, relay and pruning
    # a service without a host (the console) serves its app here
    http: tuple[str, int] | None = None
    closing: tuple[Callable[[], Awaitable[None]], ...] = ()  # after every task has stopped
    # the service's own parts, by name, for tests and benchmarks that drive one of them
    parts: Mapping[str, object] = field(default_factory=dict)

    async def run(self, *, serve_http: bool = True) -> int:
        app = self.app if serve_http else None
        try:
            if self.host is not None:
                return await self.host.run(app, extra_tasks=self.tasks)
            server = http_server(app, *self.http) if app is not None and self.http is not None else None
            return await run_service(self.name, self.tasks, server, _nothing)
        finally:
            for close in self.closing:
                await close()
