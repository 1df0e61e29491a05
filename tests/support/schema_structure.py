"""What the official export schema says each message holds, read from the XSD itself.

``message_structure("CEB603")`` walks ``ceb-export-202205.xsd`` (with lxml) from the root element
``CEB603Message`` down to its documents' fields, so tests compare the catalogue with the schema and
build messages from it without anyone copying the schema by hand.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

from lxml import etree

XS = "{http://www.w3.org/2001/XMLSchema}"
CEB_NAMESPACE = "http://www.chinaport.gov.cn/ceb"


@dataclass(frozen=True)
class SchemaField:
    name: str
    min_occurs: int
    base: str  # "string", "decimal", "int"
    facets: dict  # facet name -> value: length, maxLength, minLength, totalDigits, fractionDigits

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


@functools.cache
def _elements() -> dict[str, etree._Element]:
    folder = resources.files("shared.messages") / "xsd"
    with resources.as_file(folder) as path:
        root = etree.parse(str(path / "ceb-export-202205.xsd")).getroot()
    return {e.get("name"): e for e in root.findall(XS + "element")}


def _sequence(name: str) -> list[etree._Element]:
    seq = _elements()[name].find(f"{XS}complexType/{XS}sequence")
    return [child for child in seq if isinstance(child.tag, str)]


def _occurs(element: etree._Element) -> tuple[int, int | None]:
    top = element.get("maxOccurs", "1")
    return int(element.get("minOccurs", "1")), None if top == "unbounded" else int(top)


def parts(name: str) -> list[SchemaPart]:
    """The element references of ``name``'s sequence (``CEB603Message``: Inventory, BaseTransfer...)."""
    found = []
    for child in _sequence(name):
        low, high = _occurs(child)
        found.append(SchemaPart(child.get("ref").split(":")[1], low, high))
    return found


def fields(name: str) -> list[SchemaField]:
    """The simple fields of ``name`` (``InventoryHead``, ``InvtCancel``, ``BaseTransfer``)."""
    found = []
    for child in _sequence(name):
        if child.get("type"):  # ExtendMessage/Message: any XML
            continue
        restriction = child.find(f"{XS}simpleType/{XS}restriction")
        facets = {
            etree.QName(f).localname: f.get("value")
            for f in restriction if isinstance(f.tag, str)
        }
        found.append(
            SchemaField(child.get("name"), int(child.get("minOccurs", "1")),
                        restriction.get("base").split(":")[1], facets)
        )
    return found


def is_headed(document: str) -> bool:
    return all(child.get("ref") for child in _sequence(document))
