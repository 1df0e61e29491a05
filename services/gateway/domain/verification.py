"""The preliminary logical verification: what a readable message must pass before it is forwarded.

Each check has a 4-digit code and is listed once, in :mod:`.check_catalogue`; a failure is
answered with a 100 receipt whose ``returnInfo`` reads ``[Code:NNNN;Desc:<field path>: <what is
wrong>]``. Format-level checks (required fields, lengths, code formats) are in
:mod:`shared.messages` and answered with CEB900. Checks are pure: what they need to know about the
world (the sender, the registered parties, orders seen before) comes in a
:class:`Context` the service layer fills.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from functools import cache

from shared.messages.catalogue import spec_for
from shared.messages.model import CebMessage, Document
from shared.messages.errors import return_info

from .enterprise import Enterprise


@dataclass(frozen=True)
class Problem:
    code: str
    path: str
    desc: str

    def render(self) -> str:
        return return_info(self.code, f"{self.path}: {self.desc}")


@dataclass(frozen=True)
class Context:
    """What the checks know about the world when a message arrives."""

    sender: Enterprise
    kafka_key: str = ""
    transport_sender: str | None = None  # DxpMsg/TransInfo/SenderId when the message had one
    parties: Mapping[str, Enterprise] = field(default_factory=dict)  # registered, by code
    orders: Mapping[tuple[str, str], Document] = field(default_factory=dict)  # (ebpCode, orderNo)
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc))


Run = Callable[[CebMessage, Context], list[Problem]]


@dataclass(frozen=True)
class Check:
    """One entry of the catalogue.

    ``run`` is None for checks made elsewhere in the pipeline (signature, parts, guid) or by
    management (``by`` = "management"); they are listed so the published table is complete.
    """

    code: str
    meaning: str
    applies_to: frozenset[str]
    example: str  # a returnInfo this check produces
    run: Run | None = None
    by: str = "gateway"  # who answers it: "gateway" or "management"
    stage: str = "logic"  # logic | sender | signature | parts | duplicates | references


def dec(value: str) -> Decimal | None:
    if not value:
        return None
    try:
        number = Decimal(value)
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


@cache
def _path_parts(message_type: str) -> tuple[str, str, str]:
    """(document name, "/<head>" or "" for a flat document, "/<item>[") of a message type."""
    doc = spec_for(message_type).document
    return doc.name, f"/{doc.head}" if doc.head else "", f"/{doc.item}["


def head_path(message: CebMessage, number: int) -> str:
    """``Inventory[1]/InventoryHead`` (or ``InvtCancel[1]`` for a flat document)."""
    name, head, _ = _path_parts(message.message_type)
    return f"{name}[{number}]{head}"


def item_path(message: CebMessage, number: int, item: int) -> str:
    name, _, items = _path_parts(message.message_type)
    return f"{name}[{number}]{items}{item}]"


def documents(message: CebMessage) -> Iterator[tuple[int, str, Document]]:
    """(number, head path, document) for each business document of the message."""
    name, head, _ = _path_parts(message.message_type)
    for number, doc in enumerate(message.documents, start=1):
        yield number, f"{name}[{number}]{head}", doc


def places(doc: Document) -> Iterator[tuple[int, dict[str, str]]]:
    """(0, the head), then (n, item n) for each item: where a field may stand in a document."""
    yield 0, doc.head
    yield from enumerate(doc.items, start=1)


def problems_by_document(message: CebMessage, problems: list[Problem]) -> tuple[list[Problem], dict[int, list[Problem]]]:
    """(problems of the message as a whole, problems by 0-based document index) — from their paths."""
    name = spec_for(message.message_type).document.name
    general: list[Problem] = []
    by_document: dict[int, list[Problem]] = {}
    for problem in problems:
        head, _, rest = problem.path.partition("]")
        number = head[len(name) + 1:] if head.startswith(f"{name}[") else ""
        if number.isdigit() and 1 <= int(number) <= len(message.documents):
            by_document.setdefault(int(number) - 1, []).append(problem)
        else:
            general.append(problem)
    return general, by_document


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
    from .check_catalogue import CATALOGUE

    return tuple((c.code, c.run) for c in CATALOGUE if c.run is not None and message_type in c.applies_to)
