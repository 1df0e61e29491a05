"""Writing CEB XML: the ``ceb`` prefix, a UTF-8 declaration, empty fields as ``<ceb:x/>``.

Strings are escaped by hand (faster than building an lxml tree for a flat message) and any
character XML cannot carry is replaced by U+FFFD so the output is always well-formed.
"""
from __future__ import annotations

import re

from shared.messages.catalogue import CEB_NAMESPACE

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape_text(value: str) -> str:
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _NOT_XML.sub("\ufffd", value)


def escape_attribute(value: str) -> str:
    return escape_text(value).replace('"', "&quot;").replace("\r", "&#13;").replace(
        "\n", "&#10;"
    ).replace("\t", "&#9;")


class CebXmlWriter:
    """Accumulates one CEB XML document, compact or indented by two spaces."""

    def __init__(self, *, pretty: bool = False) -> None:
        self._parts: list[str] = []
        self._pretty = pretty
        self._level = 0

    def root(self, name: str, guid: str, version: str) -> None:
        self.start(
            f'{name} guid="{escape_attribute(guid)}" version="{escape_attribute(version)}" '
            f'xmlns:ceb="{CEB_NAMESPACE}"'
        )

    def start(self, name: str) -> None:
        self._add(f"<ceb:{name}>")
        self._level += 1

    def end(self, name: str) -> None:
        self._level -= 1
        self._add(f"</ceb:{name}>")

    def field(self, name: str, value: str) -> None:
        if value:
            self._add(f"<ceb:{name}>{escape_text(value)}</ceb:{name}>")
        else:
            self._add(f"<ceb:{name}/>")

    def fields(self, names: list[str], values: dict[str, str]) -> None:
        for name in names:
            self.field(name, values.get(name, ""))

    def to_bytes(self) -> bytes:
        joiner = "\n" if self._pretty else ""
        return (DECLARATION + "\n" + joiner.join(self._parts) + "\n").encode("utf-8")

    def _add(self, text: str) -> None:
        self._parts.append("  " * self._level + text if self._pretty else text)
