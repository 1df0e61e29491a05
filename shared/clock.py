"""The platform's one clock: what time it is for deadlines, summary periods, numbers and receipts.

Real time, unless the sandbox (``shared/sandbox``) has moved it: ``POST /sandbox/clock`` on any
service advances one offset kept in the database, which every service reads (``shared.sandbox.clock``)
and sets here. Outside the sandbox the offset stays 0 and :func:`now` is ``datetime.now(UTC)``.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

_offset = timedelta(0)


def now() -> datetime:
    """The current time (UTC, aware), moved by the sandbox's offset."""
    return datetime.now(UTC) + _offset


def offset_s() -> float:
    return _offset.total_seconds()


def set_offset(seconds: float) -> None:
    """Only the sandbox calls this (its clock follower and its HTTP route)."""
    global _offset
    _offset = timedelta(seconds=seconds)


def wall(at: datetime) -> datetime:
    """The wall-clock moment of a moment on this clock, to compare with times PostgreSQL wrote with
    its own ``now()`` (a list's ``created_at``): a summary's period is read on the sandbox's clock."""
    return at - _offset
