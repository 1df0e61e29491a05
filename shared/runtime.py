"""Running a service: its long-lived tasks, its HTTP API, and a clean stop on SIGTERM/SIGINT.

If any task dies the whole process exits non-zero (fail fast; the supervisor restarts it) —
a consumer that silently stopped would be worse than a restart.
"""
from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import Awaitable, Callable, Iterator
from typing import Protocol

import uvicorn

from shared.text import loggable

log = logging.getLogger(__name__)


class _QuietServer(uvicorn.Server):
    """uvicorn without its own signal handling: the service host owns the signals."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def http_server(app, host: str, port: int) -> _QuietServer:
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off",
                            access_log=False)
    return _QuietServer(config)


async def run_service(
    name: str,
    tasks: dict[str, Callable[[], Awaitable[None]]],
    server: _QuietServer | None,
    on_stop: Callable[[], Awaitable[None]],
) -> int:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    running = {asyncio.create_task(factory(), name=f"{name}:{task}"): task for task, factory in tasks.items()}
    if server is not None:
        running[asyncio.create_task(server.serve(), name=f"{name}:http")] = "http"
    stopper = asyncio.create_task(stop.wait())
    code = 0
    try:
        done, _ = await asyncio.wait([*running, stopper], return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            if task is stopper:
                log.info("%s: stopping on signal", name)
                continue
            exc = task.exception() if not task.cancelled() else None
            log.error("%s: task %s ended: %r", name, running[task], exc, exc_info=exc)
            code = 1
    finally:
        if server is not None:
            server.should_exit = True
        for task in running:
            if task.get_name().endswith(":http"):
                continue
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        stopper.cancel()
        await on_stop()
    return code


class OneLineFormatter(logging.Formatter):
    """A log line cannot be forged: control characters of the message (a newline in a sender's
    key, guid or reason) are written as ``\\uXXXX``; only a traceback spans lines, indented."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging's name
        record.message = loggable(record.message)
        return super().formatMessage(record)

    def formatException(self, ei) -> str:  # noqa: N802
        return "\n".join(f"    | {loggable(line)}" for line in super().formatException(ei).splitlines())


def configure_logging() -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(OneLineFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    logging.getLogger("aiokafka").setLevel(logging.WARNING)


class Runnable(Protocol):
    async def run(self) -> int: ...


def serve(bootstrap: Callable[[], Awaitable[Runnable]]) -> int:
    """The whole body of a service's ``__main__``: build it (``bootstrap()`` returns a
    :class:`shared.service.Service`), run it until a signal, exit."""
    configure_logging()

    async def main() -> int:
        service = await bootstrap()
        settle_heap()
        return await service.run()

    return asyncio.run(main())


def settle_heap() -> None:
    """Once the process is built, take what start-up made (modules, schemas, clients, the app) out
    of the cyclic garbage collector's walks: it lives as long as the process, and walking it on the
    older generations' collections cost notification's benchmark about 0.6 s of 2.5 s CPU per 20,000
    receipts (0.3 s after). Garbage made later is collected as before. Process-wide, so a
    ``bootstrap`` itself does not do it (tests build services inside pytest's process)."""
    gc.collect()
    gc.freeze()
