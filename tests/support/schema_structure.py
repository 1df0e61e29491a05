"""What the official export schema says each message holds, in the shape the catalogue tests compare.

A view of :mod:`shared.messages.xsd_structure` (the one reader of the XSD): ``parts("CEB603Message")``
are the element references of a sequence, ``fields("InventoryHead")`` the simple fields with their
facets, so tests compare the catalogue with the schema and build messages from it without anyone
copying the schema by hand.
"""
from __future__ import annotations

from dataclasses import dataclass

from shared.messages.catalogue import CEB_NAMESPACE
from shared.messages.xsd_structure import UNBOUNDED, element

__all__ = ["CEB_NAMESPACE", "SchemaField", "SchemaPart", "fields", "is_headed", "parts"]


@dataclass(frozen=True)
class SchemaField:
    name: str
    min_occurs: int
    base: str  # "string", "decimal", "int"
    facets: dict[str, str]  # facet name -> value: length, maxLength, minLength, totalDigits, fractionDigits

    @property
    def max_length(self) -> int:
        """The longest text the schema admits (a decimal: its digits and the point)."""
        f = self.facets
        if self.base == "decimal":
            return int(f["totalDigits"]) + (1 if int(f.get("fractionDigits", 0)) else 0)
        if self.base == "int":
            return int(f["totalDigits"])
        return int(f.get("length") or f["maxLength"])

    @property
    def min_length(self) -> int:
        f = self.facets
        return int(f.get("length") or f.get("minLength") or 0)


@dataclass(frozen=True)
class SchemaPart:
    """An element reference in a sequence: a document, a head, a list item, BaseTransfer..."""

    name: str
    min_occurs: int
    max_occurs: int | None  # None: unbounded


def parts(name: str) -> list[SchemaPart]:
    """The element references of ``name``'s sequence (``CEB603Message``: Inventory, BaseTransfer...)."""
    return [SchemaPart(c.name, c.min_occurs, None if c.max_occurs == UNBOUNDED else c.max_occurs)
            for c in element(name).children]


_FACET_NAMES = {"length": "length", "max_length": "maxLength", "min_length": "minLength",
                "total_digits": "totalDigits", "fraction_digits": "fractionDigits"}


def fields(name: str) -> list[SchemaField]:
    """The simple fields of ``name`` (``InventoryHead``, ``InvtCancel``, ``BaseTransfer``)."""
    found = []
    for child in element(name).children:
        if child.facets is None:  # ExtendMessage/Message: any XML
            continue
        facets = {xsd_name: str(getattr(child.facets, attr)) for attr, xsd_name in _FACET_NAMES.items()
                  if getattr(child.facets, attr) is not None}
        found.append(SchemaField(child.name, child.min_occurs, child.facets.base, facets))
    return found


def is_headed(document: str) -> bool:
    return all(child.facets is None for child in element(document).children)
