"""The preliminary logical verification: what a readable message must pass before it is forwarded.

Each check has a 4-digit code and is listed once, in :mod:`.check_catalogue`; a failure is
answered with a 100 receipt whose ``returnInfo`` reads ``[Code:NNNN;Desc:<field path>: <what is
wrong>]``. Format-level checks (required fields, lengths, code formats) are in
:mod:`shared.messages` and answered with CEB900. Checks are pure: what they need to know about the
world (the sender, the registered parties, orders seen before) comes in a
:class:`Context` the service layer fills.
"""
from __future__ import annotations

from functools import cache

from shared.messages.model import CebMessage

from .check_catalogue import CATALOGUE
from .checking import Context, Problem, Run


def verify(message: CebMessage, context: Context, *, skip: frozenset[str] = frozenset()) -> list[Problem]:
    """Every logic problem of ``message``, in catalogue order; empty when it passes."""
    problems: list[Problem] = []
    for code, run in _checks_of(message.message_type):
        if code not in skip:
            problems.extend(run(message, context))
    return problems


@cache
def _checks_of(message_type: str) -> tuple[tuple[str, Run], ...]:
    """(code, run) of the catalogue's checks that the gateway runs on a message type, in order."""
    return tuple((c.code, c.run) for c in CATALOGUE if c.run is not None and message_type in c.applies_to)
