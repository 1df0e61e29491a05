"""The shapes of the catalogue's entries: fields, documents, messages and their receipts."""
from __future__ import annotations

from dataclasses import dataclass, field

from shared.messages.field_formats import FieldFormat


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    format: FieldFormat
    max_length: int
    required: bool
    min_length: int = 0  # the schema's length/minLength: a shorter non-empty value is refused, a receipt pads to it


@dataclass(frozen=True, slots=True)
class DocumentSpec:
    """A business document: headed (``<name>Head`` + repeated ``<name>List``) or flat."""

    name: str  # "Inventory"
    head: str | None  # "InventoryHead"; None for a flat document
    item: str | None  # "InventoryList"; None for a flat document
    head_fields: tuple[FieldSpec, ...]  # a flat document's own fields
    item_fields: tuple[FieldSpec, ...] = ()
    items_min: int = 1  # list items a headed document must have (ArrivalList, a CEB701 by period: 0)
    items_max: int | None = None  # and may have (OrderList, InventoryList: 100); None: unbounded
    head_index: dict[str, FieldSpec] = field(init=False, repr=False, compare=False)
    item_index: dict[str, FieldSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "head_index", {f.name: f for f in self.head_fields})
        object.__setattr__(self, "item_index", {f.name: f for f in self.item_fields})

    @property
    def flat(self) -> bool:
        return self.head is None


@dataclass(frozen=True, slots=True)
class ReceiptSpec:
    message_type: str  # "CEB604"
    root: str  # "CEB604Message"
    element: str  # "InventoryReturn"
    fields: tuple[FieldSpec, ...]
    answers: str | None  # the message type it answers; None for CEB900
    repeated: bool = True  # the message may hold several (JSON: an array); CEB900 holds one (an object)
    # the element around ``element`` when the receipt is headed (CEB792: SummaryResult holding
    # SummaryResultHead); None for the flat receipts
    wrapper: str | None = None


@dataclass(frozen=True, slots=True)
class MessageSpec:
    message_type: str  # "CEB603"
    root: str  # "CEB603Message"
    title: str
    document: DocumentSpec
    business_key: tuple[str, ...]  # head fields; duplicates are rejected
    sender_field: str  # the head field naming the party that sends it
    split: bool  # may be sent in parts numbered by msgCount / msgSeqNo
    receipt: ReceiptSpec

    def key_values(self, head: dict[str, str]) -> tuple[str, ...]:
        return tuple(head.get(name, "") for name in self.business_key)
