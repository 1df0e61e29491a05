"""What ``cbec`` prints: tables and colour for people, JSON for scripts (``--json``), and one line
on stderr for an error, with an exit code a script can act on (never a traceback).

| code | meaning |
|------|---------|
| 0 | done; every message valid, every signature verified, every document answered and accepted |
| 1 | the check failed: a message is invalid, a signature does not verify, a document sent was rejected or not answered in time |
| 2 | the command line is wrong (unknown option, missing argument) |
| 3 | a file is missing, unreadable, or not what it should be (not a key, not a certificate) |
| 4 | a service or Kafka cannot be reached (refused connection, time-out) |
| 5 | the credential is refused: no or a bad token (401), a role that may not (403), a Kafka principal refused |
| 6 | the service refused the request: not found (404), conflict (409), invalid request (422) |
| 7 | the service failed (5xx) |
| 70 | a fault in cbec itself (``CBEC_DEBUG=1`` shows the traceback) |
| 130 | interrupted (Ctrl-C) |
"""
from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

OK, FAILED, USAGE, FILE, CONNECTION, AUTH, REFUSED, SERVER, INTERNAL, INTERRUPTED = 0, 1, 2, 3, 4, 5, 6, 7, 70, 130

EXIT_CODES: dict[int, str] = {
    OK: "done",
    FAILED: "the check failed (invalid message, bad signature, rejected or unanswered document)",
    USAGE: "wrong command line",
    FILE: "file missing, unreadable or not what it should be",
    CONNECTION: "service or Kafka unreachable",
    AUTH: "credential refused",
    REFUSED: "request refused (not found, conflict, invalid)",
    SERVER: "the service failed",
    INTERNAL: "a fault in cbec",
    INTERRUPTED: "interrupted",
}

# how the states a person reads are coloured
STATUS_STYLE = {"100": "bold red", "-1": "bold red", "500": "yellow", "300": "yellow", "1": "cyan", "2": "blue",
                "120": "green", "399": "green", "800": "bold green", "899": "green"}


class CliError(Exception):
    """An error the user can act on: printed as one line, then ``cbec`` exits with ``code``."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def out() -> Console:
    return Console(highlight=False, soft_wrap=False)


def err() -> Console:
    return Console(stderr=True, highlight=False)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def print_json_line(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def warn(text: str) -> None:
    err().print(f"[yellow]warning:[/] {escape(text)}", markup=True)


def styled_status(status: str, name: str = "") -> str:
    style = STATUS_STYLE.get(status, "")
    text = escape(f"{status} {name}".strip())
    return f"[{style}]{text}[/]" if style else text


def table(rows: Iterable[dict], columns: Sequence[tuple[str, str]], title: str | None = None,
          styles: dict[str, Callable[[Any], str]] | None = None) -> Table:
    """A Rich table of ``rows``: ``columns`` are (key, heading); ``styles`` render a column's value."""
    t = Table(title=title, header_style="bold", title_justify="left")
    for _, heading in columns:
        t.add_column(heading, overflow="fold")
    for row in rows:
        cells = []
        for key, _ in columns:
            value = row.get(key)
            style = (styles or {}).get(key)
            cells.append(style(value) if style else ("" if value is None else escape(str(value))))
        t.add_row(*cells)
    return t


def show_rows(rows: list[dict], columns: Sequence[tuple[str, str]], *, title: str | None = None, total: int | None = None,
              offset: int = 0, styles: dict[str, Callable[[Any], str]] | None = None, empty: str = "nothing") -> None:
    console = out()
    if not rows:
        console.print(f"[dim]{empty}[/]" + (f" (total {total})" if total else ""))
        return
    console.print(table(rows, columns, title, styles))
    if total is not None and total > len(rows):
        console.print(f"[dim]{offset + 1}–{offset + len(rows)} of {total}; --offset {offset + len(rows)} for more[/]")


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def guarded(func: Callable) -> Callable:
    """Run a command: its errors become one line on stderr and the exit code of the table above."""

    @functools.wraps(func)
    def run(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except CliError as e:
            _fail(e.code, e.message)
        except KeyboardInterrupt:
            _fail(INTERRUPTED, "interrupted")
        except Exception as e:
            code, text = classify(e)
            if code == INTERNAL and os.environ.get("CBEC_DEBUG"):
                raise
            _fail(code, text)

    return run


def _fail(code: int, message: str) -> None:
    err().print(f"[bold red]error:[/] {escape(_one_line(message))}", markup=True, soft_wrap=True)
    raise typer.Exit(code)


def classify(e: BaseException) -> tuple[int, str]:
    """The exit code and the line for an exception a command did not name itself."""
    import httpx
    from aiokafka import errors as kafka_errors

    if isinstance(e, FileNotFoundError):
        return FILE, f"no such file: {e.filename}"
    if isinstance(e, IsADirectoryError):
        return FILE, f"{e.filename} is a directory"
    if isinstance(e, PermissionError):
        return FILE, f"cannot read {e.filename}: permission denied"
    if isinstance(e, (httpx.ConnectError, httpx.ConnectTimeout)):
        return CONNECTION, f"cannot connect: {e}"
    if isinstance(e, httpx.TimeoutException):
        return CONNECTION, f"no answer in time: {e}"
    auth_errors = tuple(getattr(kafka_errors, n) for n in (
        "SaslAuthenticationFailedError", "TopicAuthorizationFailedError", "GroupAuthorizationFailedError",
        "ClusterAuthorizationFailedError", "TransactionalIdAuthorizationFailedError") if hasattr(kafka_errors, n))
    if isinstance(e, auth_errors):
        return AUTH, f"Kafka refused the principal: {type(e).__name__}: {e} (KAFKA_SASL_USERNAME/PASSWORD)"
    if isinstance(e, (kafka_errors.KafkaConnectionError, kafka_errors.KafkaTimeoutError, kafka_errors.NoBrokersAvailable)):
        return CONNECTION, f"cannot reach Kafka at {os.environ.get('KAFKA_BOOTSTRAP_SERVERS', '127.0.0.1:9092')}: {e}"
    if isinstance(e, kafka_errors.KafkaError):
        return CONNECTION, f"Kafka: {type(e).__name__}: {e}"
    return INTERNAL, f"internal error: {type(e).__name__}: {e} (CBEC_DEBUG=1 shows where)"
