"""What several commands take: ``--json``, ``--token``, times (``--since``), the files of a folder."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Annotated

import typer

from .output import FILE, USAGE, CliError

Json = Annotated[bool, typer.Option("--json", help="Print JSON (for scripts) instead of tables.")]
Token = Annotated[str | None, typer.Option(
    "--token", envvar="CBEC_TOKEN", show_envvar=True, show_default=False,
    help="Bearer token (an admin's, officer's or enterprise's credential).")]

CHINA = timezone(timedelta(hours=8))
_RELATIVE = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhd])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MESSAGE_SUFFIXES = (".xml", ".json")


def parse_time(text: str, *, now: datetime | None = None) -> datetime:
    """``30s``/``10m``/``2h``/``1d`` ago, ``beginning``, or an ISO 8601 time (without a zone: China time,
    the standard's; ``yyyyMMddHHmmss`` as in the messages)."""
    now = now or datetime.now(UTC)
    value = text.strip()
    if value.lower() in ("beginning", "all", "0"):
        return datetime.fromtimestamp(0, UTC)
    relative = _RELATIVE.match(value.lower())
    if relative:
        return now - timedelta(seconds=float(relative.group(1)) * _UNITS[relative.group(2)])
    try:
        at = datetime.strptime(value, "%Y%m%d%H%M%S") if value.isdigit() and len(value) == 14 \
            else datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise CliError(USAGE, f"{text!r} is not a time: give e.g. 10m, 2h, 1d, beginning, "
                              "2026-12-01T08:00 or 20261201080000 (China time without a zone)") from None
    return at if at.tzinfo else at.replace(tzinfo=CHINA)


def message_files(paths: list[Path]) -> list[Path]:
    """Each file named, and each ``.xml``/``.json`` file in a folder named (in name order, recursively)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in MESSAGE_SUFFIXES)
            if not found:
                raise CliError(FILE, f"{path}: no .xml or .json file in this folder")
            files += found
        elif path.is_file():
            files.append(path)
        else:
            raise CliError(FILE, f"no such file or folder: {path}")
    return files


def read_file(path: Path, what: str = "file") -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CliError(FILE, f"no such {what}: {path}") from None
    except IsADirectoryError:
        raise CliError(FILE, f"{path} is a folder, not a {what}") from None
    except OSError as e:
        raise CliError(FILE, f"cannot read {path}: {e.strerror}") from None
