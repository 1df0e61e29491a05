"""The vocabulary of the preliminary logical verification: what a check is given and what it answers.

A check is a pure function of a message and a :class:`Context` (what the platform knows about the
world when the message arrives) returning the :class:`~shared.return_codes.Problem`s it finds;
its code, meaning and scope are in the one table of return codes, :mod:`shared.return_codes`.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import cache

from shared import clock
from shared.messages.catalogue import spec_for
from shared.messages.model import CebMessage, Document
from shared.return_codes import Problem, ReturnCode

from .enterprise import Enterprise

__all__ = ["Check", "Context", "Problem", "Run", "dec", "documents", "head_path", "item_path", "places",
           "problems_by_document"]


@dataclass(frozen=True)
class Context:
    """What the checks know about the world when a message arrives."""

    sender: Enterprise
    kafka_key: str = ""
    transport_sender: str | None = None  # DxpMsg/TransInfo/SenderId when the message had one
    parties: Mapping[str, Enterprise] = field(default_factory=dict)  # registered, by code
    orders: Mapping[tuple[str, str], Document] = field(default_factory=dict)  # (ebpCode, orderNo)
    now: datetime = field(default_factory=clock.now)  # shared.clock: the sandbox may move it


Run = Callable[[CebMessage, Context], list[Problem]]


@dataclass(frozen=True)
class Check:
    """A code of the table of return codes and the function that makes its check.

    ``run`` is None for checks made elsewhere in the pipeline (signature, parts, guid) or by
    management (``by`` = "management"); they are listed so the published table is complete.
    """

    return_code: ReturnCode
    run: Run | None = None

    @property
    def code(self) -> str:
        return self.return_code.code

    @property
    def meaning(self) -> str:
        return self.return_code.meaning

    @property
    def applies_to(self) -> frozenset[str]:
        return self.return_code.applies_to

    @property
    def example(self) -> str:
        return self.return_code.example

    @property
    def by(self) -> str:
        return self.return_code.by

    @property
    def stage(self) -> str:
        return self.return_code.stage


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
