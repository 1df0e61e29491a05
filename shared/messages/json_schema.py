"""JSON Schemas (draft 2020-12) of the JSON twin of every CEB message and receipt, from the XSD.

The JSON twin (``shared/samples/README.md``): the root element's name is the only top-level key,
its attributes (``guid``, ``version``) are fields, elements that may repeat are arrays, values
are strings (numbers are accepted for decimal and integer fields), ``Signature`` is any value.
The schemas are derived from the official XSD by ``xsd_structure``, never written by hand, and
published under ``docs/schemas/<edition>/json/`` (``python -m shared.messages.json_schema``
rewrites them; a test fails when they are stale).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from shared.messages.xsd_structure import UNBOUNDED, Element, Facets, element, root_names

EDITION = "202205"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
ID_BASE = f"urn:cbec-clearance:schemas:{EDITION}:json:"


def _value(facets: Facets, title: str) -> dict[str, Any]:
    schema: dict[str, Any] = {"title": title} if title else {}
    if facets.base in ("decimal", "int"):
        integer = facets.total_digits - (facets.fraction_digits or 0) if facets.total_digits else None
        whole = f"[0-9]{{1,{integer}}}" if integer else "[0-9]+"
        fraction = f"(\\.[0-9]{{1,{facets.fraction_digits}}})?" if facets.fraction_digits else ""
        if facets.base == "int":
            whole, fraction = "[0-9]+", ""
        schema["anyOf"] = [{"type": "string", "pattern": f"^-?{whole}{fraction}$"},
                           {"type": "integer" if facets.base == "int" else "number"}]
        return schema
    schema["type"] = "string"
    if facets.length is not None:
        schema["minLength"] = schema["maxLength"] = facets.length
    if facets.min_length:
        schema["minLength"] = facets.min_length
    if facets.max_length is not None:
        schema["maxLength"] = facets.max_length
    return schema


def _node(e: Element) -> dict[str, Any]:
    if e.namespace == "ds" or e.any_content:
        return {"title": e.title, "description": "any content (XML-DSig signature, or custom data)"}
    if e.facets is not None:  # simple
        return _value(e.facets, e.title)
    properties = {a.name: _value(a.facets, a.title) for a in e.attributes}
    properties.update({c.name: _occurrence(c) for c in e.children})
    required = [a.name for a in e.attributes if a.required] + [c.name for c in e.children if c.required]
    schema = {"title": e.title, "type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = required
    return schema


def _occurrence(e: Element) -> dict[str, Any]:
    node = _node(e)
    if not e.repeated:
        return node
    array: dict[str, Any] = {"type": "array", "items": node, "minItems": max(e.min_occurs, 1 if e.required else 0)}
    if e.max_occurs != UNBOUNDED:
        array["maxItems"] = e.max_occurs
    return array


def schema_for(root: str) -> dict[str, Any]:
    """The JSON Schema of the JSON twin of ``root`` (``"CEB603Message"``, ``"CEB900Message"`` …)."""
    decl = element(root, "import" if root == "CEB900Message" else "export")
    return {
        "$schema": DRAFT,
        "$id": f"{ID_BASE}{root}",
        "title": f"{root} ({decl.title})" if decl.title else root,
        "description": f"The JSON form of {root} as the official CEB {EDITION} XSD declares it "
                       "(derived from the XSD by cbec-clearance).",
        "type": "object",
        "properties": {root: _node(decl)},
        "required": [root],
        "additionalProperties": False,
    }


def all_roots() -> list[str]:
    return [*root_names("export"), "CEB900Message"]


def render(root: str) -> str:
    return json.dumps(schema_for(root), indent=2, ensure_ascii=False) + "\n"


def write(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for root in all_roots():
        (folder / f"{root}.schema.json").write_text(render(root), encoding="utf-8")


if __name__ == "__main__":
    write(Path(sys.argv[1] if len(sys.argv) > 1 else f"docs/schemas/{EDITION}/json"))
