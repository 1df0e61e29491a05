"""Reading untrusted XML safely: bytes in, an lxml root element out, or a FormatError.

Defences, in the order they apply:

* size and emptiness (``limits.check_bounds``);
* the prolog is scanned before parsing: any ``<!DOCTYPE``/``<!ENTITY`` markup declaration is
  rejected outright (9007), so no entity is ever declared, let alone expanded;
* the declared encoding must be UTF-8 (or absent, meaning UTF-8) and the bytes valid UTF-8 (9010);
  GBK/GB2312/GB18030 declarations, still met in older ERPs, are left to libxml2 to decode;
* the parser itself resolves no entities, loads no DTD, never touches the network, keeps libxml2's
  own size/depth limits (no ``huge_tree``) and drops comments and processing instructions;
* after parsing, a document that still carries a DTD is rejected (defence in depth);
* ``MAX_DEPTH`` is enforced by the structure walkers via ``subtree_depth`` on every subtree they
  do not descend into themselves; libxml2's own depth limit (256) maps to 9009 too.
"""
from __future__ import annotations

import re
import threading

from lxml import etree

from shared.messages.errors import (
    DTD_FORBIDDEN,
    INVALID_ENCODING,
    NOT_WELL_FORMED,
    TOO_DEEP,
    FormatError,
)
from shared.messages.limits import DEFAULT_MAX_BYTES, check_bounds, too_deep

_SPACE = re.compile(rb"[ \t\r\n]*")
_DECLARED_ENCODING = re.compile(rb"""\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_UTF8 = {b"utf-8", b"utf8"}
_GB = {b"gbk", b"gb2312", b"gb18030"}

_local = threading.local()


def _parser() -> etree.XMLParser:
    """One hardened parser per thread (lxml parsers are not thread-safe); built on first use."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
            collect_ids=False,
        )
    return parser


def read_xml(raw: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> etree._Element:
    """Parse ``raw`` as XML under the defences above and return its root element."""
    start = check_bounds(raw, max_bytes, "xml")
    encoding = _scan_prolog(raw, start)
    if encoding is None or encoding.lower() in _UTF8:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FormatError(
                INVALID_ENCODING,
                f"the message is not valid UTF-8 (byte {exc.start}: "
                f"{raw[exc.start:exc.start + 1]!r})",
                format="xml",
            ) from None
    elif encoding.lower() not in _GB:
        raise FormatError(
            INVALID_ENCODING,
            f"the XML declaration names encoding {encoding.decode('ascii')}; send UTF-8",
            format="xml",
        )
    try:
        root = etree.fromstring(raw, _parser())
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc) from None
    if root.getroottree().docinfo.doctype:
        raise FormatError(DTD_FORBIDDEN, "a DOCTYPE declaration is not accepted", format="xml")
    return root


def _scan_prolog(raw: bytes, pos: int) -> bytes | None:
    """Walk the prolog (declaration, comments, PIs); reject markup declarations.

    Returns the declared encoding, or None when there is no XML declaration or it names none.
    """
    encoding = None
    first = True
    while True:
        space = _SPACE.match(raw, pos)
        assert space is not None  # the pattern matches the empty string
        pos = space.end()
        if raw.startswith(b"<?", pos):
            end = raw.find(b"?>", pos)
            if end < 0:
                return encoding  # unterminated: the parser reports it
            if first and raw.startswith(b"<?xml", pos):
                declared = _DECLARED_ENCODING.search(raw, pos, end)
                encoding = declared.group(1) if declared else None
            pos = end + 2
        elif raw.startswith(b"<!--", pos):
            end = raw.find(b"-->", pos + 4)
            if end < 0:
                return encoding
            pos = end + 3
        elif raw.startswith(b"<!", pos):
            raise FormatError(
                DTD_FORBIDDEN,
                "DOCTYPE, DTD and entity declarations are not accepted; send the message without"
                " them",
                format="xml",
            )
        else:
            return encoding
        first = False


def _syntax_error(exc: etree.XMLSyntaxError) -> FormatError:
    text = str(exc)
    if "Excessive depth" in text:
        return FormatError(TOO_DEEP, too_deep(256), format="xml")
    if "encoding" in text or "Char 0x" in text or "invalid Char" in text.lower():
        return FormatError(INVALID_ENCODING, f"not readable as XML text: {text}", format="xml")
    return FormatError(NOT_WELL_FORMED, f"not well-formed XML: {text}", format="xml")


def subtree_depth(element: etree._Element, limit: int) -> int:
    """Depth of ``element``'s subtree (1 for a leaf), counting no further than ``limit + 1``."""
    deepest = 1
    stack = [(element, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                return deepest
        stack.extend((child, depth + 1) for child in node)
    return deepest


def local_name(tag: object) -> str:
    """``{ns}name`` -> ``name`` (for messages)."""
    text = str(tag)
    return text.rsplit("}", 1)[-1]


def namespace_of(tag: object) -> str:
    text = str(tag)
    return text[1:].split("}", 1)[0] if text.startswith("{") else ""
