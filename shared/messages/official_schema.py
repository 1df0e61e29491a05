"""The official CEB 202205 schemas (``xsd/``, copied from the customs' standard), for validation.

The export schema defines every export message and its receipt; the import schema is the one that
defines CEB900 (``MessageReturn``); the transfer schema the DXP envelope (``DxpMsg``), whose
``Data`` (the CEB message it carries) is validated too. Schemas are compiled on first use and kept
(no I/O at import).

    problems = schema_problems(xml_bytes)        # [] when valid
    assert_valid(xml_bytes)                      # raises SchemaInvalid naming every problem
"""
from __future__ import annotations

import base64
import functools
from importlib import resources
from typing import Literal

from lxml import etree

SchemaName = Literal["export", "import", "transfer"]

_FILES: dict[str, str] = {"export": "ceb-export-202205.xsd", "import": "ceb-import-202205.xsd",
                          "transfer": "ceb-transfer-202205.xsd"}
# CEB900 MessageReturn lives only in the import schema
_IMPORT_ONLY_ROOTS = frozenset({"CEB900Message"})


class SchemaInvalid(ValueError):
    pass


@functools.cache
def official_schema(name: SchemaName = "export") -> etree.XMLSchema:
    """The compiled XSD: ``"export"`` (CEB303 … CEB792, 213–216) or ``"import"`` (CEB900)."""
    folder = resources.files("shared.messages") / "xsd"
    with resources.as_file(folder) as path:
        return etree.XMLSchema(etree.parse(str(path / _FILES[name])))


def schema_for_root(root_local_name: str) -> etree.XMLSchema:
    if root_local_name == "DxpMsg":
        return official_schema("transfer")
    return official_schema("import" if root_local_name in _IMPORT_ONLY_ROOTS else "export")


def schema_problems(xml: bytes | etree._Element) -> list[str]:
    """Every way ``xml`` breaks the official schema of its root ([] when it is valid)."""
    root = etree.fromstring(xml) if isinstance(xml, bytes) else xml
    name = etree.QName(root).localname
    schema = schema_for_root(name)
    if not schema.validate(root):
        return [f"line {e.line}: {e.message}" for e in schema.error_log]
    if name == "DxpMsg":
        data = root.find("{http://www.chinaport.gov.cn/dxp}Data")
        return [f"DxpMsg/Data: {p}" for p in schema_problems(base64.b64decode("".join((data.text or "").split())))]
    return []


def assert_valid(xml: bytes | etree._Element) -> None:
    problems = schema_problems(xml)
    if problems:
        raise SchemaInvalid("; ".join(problems))
