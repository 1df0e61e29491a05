"""Running a service: its long-lived tasks, its HTTP API, and a clean stop on SIGTERM/SIGINT.

If any task dies the whole process exits non-zero (fail fast; the supervisor restarts it) —
a consumer that silently stopped would be worse than a restart.
"""
from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Mapping
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Protocol

import uvicorn
from starlette.types import ASGIApp

from shared import tracing
from shared.config import ProcessSettings, SettingsError
from shared.text import loggable

log = logging.getLogger(__name__)


class _QuietServer(uvicorn.Server):
    """uvicorn without its own signal handling: the service host owns the signals."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


def http_server(app: ASGIApp, host: str, port: int) -> _QuietServer:
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off",
                            access_log=False)
    return _QuietServer(config)


async def run_service(
    name: str,
    tasks: Mapping[str, Callable[[], Coroutine[Any, Any, None]]],
    server: _QuietServer | None,
    on_stop: Callable[[], Awaitable[None]],
) -> int:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    running: dict[asyncio.Task[Any], str] = {asyncio.create_task(factory(), name=f"{name}:{task}"): task for task, factory in tasks.items()}
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

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = loggable(record.message)
        return super().formatMessage(record)

    def formatException(self, ei: ExcInfo) -> str:
        return "\n".join(f"    | {loggable(line)}" for line in super().formatException(ei).splitlines())


class JsonLineFormatter(logging.Formatter):
    """One JSON object per line: ``time`` (UTC, ISO 8601), ``level``, ``service``, ``logger``,
    ``message``, ``trace_id`` (of the message being handled, ``shared.tracing``; empty outside one)
    and, for an exception, ``error`` (its traceback)."""

    def __init__(self, service: str = "") -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
            "trace_id": tracing.current(),
        }
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TraceIdFilter(logging.Filter):
    """Gives every record the trace id of the message being handled (``%(trace_id)s``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.trace_id = tracing.current() or "-"
        return True


def log_format(env: Mapping[str, str] | None = None) -> str:
    """``CBEC_LOG_FORMAT`` (json or text); by default JSON, text in the open local demo profile."""
    settings = ProcessSettings.from_env(env)
    if settings.log_format is not None:
        return settings.log_format
    return "text" if settings.profile == "open" else "json"


def configure_logging(service: str = "", env: Mapping[str, str] | None = None) -> None:
    """The process's log lines, on stderr: JSON or text (``log_format``), at ``CBEC_LOG_LEVEL``
    (INFO; DEBUG also writes a line per message consumed, with its trace id)."""
    settings = ProcessSettings.from_env(env)
    handler = logging.StreamHandler()
    handler.addFilter(TraceIdFilter())
    if log_format(env) == "json":
        handler.setFormatter(JsonLineFormatter(service))
    else:
        handler.setFormatter(OneLineFormatter("%(asctime)s %(levelname)s %(name)s [%(trace_id)s]: %(message)s"))
    logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)
    for noisy in ("aiokafka", "asyncio", "httpcore", "httpx"):  # not a line per fetch or request at DEBUG
        logging.getLogger(noisy).setLevel(logging.WARNING)


class Runnable(Protocol):
    async def run(self) -> int: ...


def start_process(service: str) -> None:
    """What every service's process does first: its logs, and span export when configured."""
    configure_logging(service)
    tracing.configure(service)


def serve(bootstrap: Callable[[], Awaitable[Runnable]], service: str = "") -> int:
    """The whole body of a service's ``__main__``: build it (``bootstrap()`` returns a
    :class:`shared.service.Service`), run it until a signal, exit. ``service`` names its log lines.
    A setting that cannot be used stops it with one line naming the variable (exit status 2)."""
    try:
        start_process(service)
    except SettingsError as exc:
        print(f"{service or 'service'}: {exc}", file=sys.stderr)
        return 2

    async def main() -> int:
        built = await bootstrap()
        settle_heap()
        return await built.run()

    try:
        return asyncio.run(main())
    except SettingsError as exc:
        log.error("%s", exc)
        return 2


def settle_heap() -> None:
    """Once the process is built, take what start-up made (modules, schemas, clients, the app) out
    of the cyclic garbage collector's walks: it lives as long as the process, and walking it on the
    older generations' collections cost notification's benchmark about 0.6 s of 2.5 s CPU per 20,000
    receipts (0.3 s after). Garbage made later is collected as before. Process-wide, so a
    ``bootstrap`` itself does not do it (tests build services inside pytest's process)."""
    gc.collect()
    gc.freeze()
