"""What the official XSD declares, as plain data: elements, their order, occurrences and facets.

The CEB schemas use a small part of XML Schema — global elements referenced from sequences,
local elements with an inline ``xs:restriction`` of ``xs:string``/``xs:decimal``/``xs:int``
(``length``, ``minLength``, ``maxLength``, ``totalDigits``, ``fractionDigits``), attributes on
the message roots, and one ``xs:any`` (``ExtendMessage/Message``). This module reads exactly
that, so anything derived from the standard (the JSON Schemas of the JSON twin, the agreement
tests of the catalogue) reads it one way.

    root = element("CEB603Message")          # the declaration, references resolved
    [c.name for c in root.children]          # ['Inventory', 'BaseTransfer', 'BaseSubscribe', ...]
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources

from lxml import etree

XS = "{http://www.w3.org/2001/XMLSchema}"
_FILES = {"export": "ceb-export-202205.xsd", "import": "ceb-import-202205.xsd"}
UNBOUNDED = -1


@dataclass(frozen=True)
class Facets:
    """The restriction of a simple value."""

    base: str = "string"  # string | decimal | int
    length: int | None = None
    min_length: int | None = None
    max_length: int | None = None
    total_digits: int | None = None
    fraction_digits: int | None = None


@dataclass(frozen=True)
class Attribute:
    name: str
    required: bool
    facets: Facets
    title: str = ""


@dataclass(frozen=True)
class Element:
    """One element declaration in context: how often it may occur there and what it holds."""

    name: str
    min_occurs: int = 1
    max_occurs: int = 1  # UNBOUNDED for "unbounded"
    title: str = ""  # the schema's documentation (the Chinese name)
    facets: Facets | None = None  # a simple element
    children: tuple[Element, ...] = ()  # a complex element's sequence
    attributes: tuple[Attribute, ...] = ()
    namespace: str = "ceb"  # "ceb", "ds" (ds:Signature) or "any" (xs:any)
    any_content: bool = False  # holds any XML (ExtendMessage/Message)

    @property
    def simple(self) -> bool:
        return self.facets is not None

    @property
    def repeated(self) -> bool:
        return self.max_occurs != 1

    @property
    def required(self) -> bool:
        return self.min_occurs > 0

    def child(self, name: str) -> Element:
        for c in self.children:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no element {name!r}")


@dataclass
class _Schema:
    tree: etree._ElementTree
    globals: dict[str, etree._Element] = field(default_factory=dict)
    types: dict[str, etree._Element] = field(default_factory=dict)


@functools.cache
def _schema(name: str) -> _Schema:
    path = resources.files("shared.messages") / "xsd" / _FILES[name]
    tree = etree.parse(path.open("rb"))
    schema = _Schema(tree)
    for node in tree.getroot():
        if node.tag == f"{XS}element":
            schema.globals[node.get("name")] = node
        elif node.tag == f"{XS}complexType":
            schema.types[node.get("name")] = node
    return schema


def root_names(schema: str = "export") -> list[str]:
    """The message roots a schema declares (``CEB303Message`` …), in the schema's order."""
    return [n for n in _schema(schema).globals if n.startswith("CEB") and n.endswith("Message")]


@functools.cache
def element(name: str, schema: str = "export") -> Element:
    """The global element ``name`` of a schema (``"export"``, or ``"import"`` for CEB900)."""
    s = _schema(schema)
    return _read(s, s.globals[name], min_occurs=1, max_occurs=1)


def _occurs(node: etree._Element, attr: str) -> int:
    value = node.get(attr, "1")
    return UNBOUNDED if value == "unbounded" else int(value)


def _title(node: etree._Element) -> str:
    doc = node.find(f"{XS}annotation/{XS}documentation")
    return (doc.text or "").strip() if doc is not None else ""


def _facets(simple_type: etree._Element | None, type_name: str | None = None) -> Facets:
    if simple_type is None:
        return Facets(base=(type_name or "xs:string").split(":")[-1])
    restriction = simple_type.find(f"{XS}restriction")
    values: dict[str, int] = {}
    for facet, key in (("length", "length"), ("minLength", "min_length"), ("maxLength", "max_length"),
                       ("totalDigits", "total_digits"), ("fractionDigits", "fraction_digits")):
        node = restriction.find(f"{XS}{facet}")
        if node is not None:
            values[key] = int(node.get("value"))
    return Facets(base=restriction.get("base", "xs:string").split(":")[-1], **values)


def _read(s: _Schema, node: etree._Element, *, min_occurs: int, max_occurs: int) -> Element:
    name = node.get("name")
    title = _title(node)
    complex_type = node.find(f"{XS}complexType")
    type_name = node.get("type")
    if complex_type is None and type_name and type_name.startswith("ceb:"):
        complex_type = s.types[type_name.split(":")[1]]
    if complex_type is None:
        return Element(name, min_occurs, max_occurs, title, facets=_facets(node.find(f"{XS}simpleType"), type_name))
    children: list[Element] = []
    any_content = False
    sequence = complex_type.find(f"{XS}sequence")
    for part in sequence if sequence is not None else ():
        low, high = _occurs(part, "minOccurs"), _occurs(part, "maxOccurs")
        if part.tag == f"{XS}any":
            any_content = True
        elif part.tag != f"{XS}element":
            continue
        elif part.get("ref", "").startswith("ds:"):
            children.append(Element(part.get("ref").split(":")[1], low, high, "XML-DSig signature", namespace="ds",
                                    any_content=True))
        elif part.get("ref"):
            target = s.globals[part.get("ref").split(":")[1]]
            children.append(_read(s, target, min_occurs=low, max_occurs=high))
        else:
            children.append(_read(s, part, min_occurs=low, max_occurs=high))
    attributes = tuple(
        Attribute(a.get("name"), a.get("use") == "required", _facets(a.find(f"{XS}simpleType"), a.get("type")), _title(a))
        for a in complex_type.findall(f"{XS}attribute")
    )
    return Element(name, min_occurs, max_occurs, title, children=tuple(children), attributes=attributes,
                   any_content=any_content)
