"""``CebMessage`` -> XML or JSON bytes, in the catalogue's field order.

Used by tests, the CLI and the demo to produce messages and variants of them. Fields a document
does not hold are left out (so decoding the output gives back the same message); fields the
catalogue does not know are written after the known ones, which lets a test build an invalid
variant on purpose. A signature cannot be reproduced: the output is unsigned.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from shared.messages.catalogue import (
    BASE_SUBSCRIBE,
    BASE_TRANSFER,
    EXTEND_MESSAGE,
    DocumentSpec,
    FieldSpec,
    spec_for,
)
from shared.messages.model import CebMessage, Document, Format
from shared.messages.xml_writing import CebXmlWriter


def encode_message(message: CebMessage, fmt: Format, *, pretty: bool = False) -> bytes:
    """Render ``message`` as CEB XML (``ceb:`` prefix) or as the JSON mapping."""
    spec = spec_for(message.message_type)
    if fmt == "xml":
        return _xml(message, spec.root, spec.document, pretty)
    if fmt == "json":
        return _json(message, spec.root, spec.document, pretty)
    raise ValueError(f"unknown format {fmt!r}; expected 'xml' or 'json'")


def ordered(names: tuple[str, ...] | list[str], values: dict[str, str]) -> list[str]:
    """The names of ``values`` in catalogue order, unknown names last (in their own order)."""
    known = [name for name in names if name in values]
    if len(known) == len(values):
        return known
    listed = set(names)
    return known + [name for name in values if name not in listed]


def _names(fields: Iterable[FieldSpec]) -> tuple[str, ...]:
    return tuple(spec.name for spec in fields)


def _xml(message: CebMessage, root: str, doc_spec: DocumentSpec, pretty: bool) -> bytes:
    head_names, item_names = _names(doc_spec.head_fields), _names(doc_spec.item_fields)
    out = CebXmlWriter(pretty=pretty)
    out.root(root, message.guid, message.version)
    for document in message.documents:
        out.start(document.name)
        if doc_spec.head is None or doc_spec.item is None:  # flat
            out.fields(ordered(head_names, document.head), document.head)
        else:
            out.start(doc_spec.head)
            out.fields(ordered(head_names, document.head), document.head)
            out.end(doc_spec.head)
            for item in document.items:
                out.start(doc_spec.item)
                out.fields(ordered(item_names, item), item)
                out.end(doc_spec.item)
        out.end(document.name)
    out.start("BaseTransfer")
    out.fields(list(_names(BASE_TRANSFER.head_fields)), message.base_transfer.model_dump())
    out.end("BaseTransfer")
    for subscription in message.subscriptions:
        out.start("BaseSubscribe")
        out.fields(ordered(_names(BASE_SUBSCRIBE.head_fields), subscription), subscription)
        out.end("BaseSubscribe")
    if message.extension is not None:
        out.start("ExtendMessage")
        out.fields(ordered(_names(EXTEND_MESSAGE.head_fields), message.extension), message.extension)
        out.start("Message")
        out.end("Message")
        out.end("ExtendMessage")
    out.end(root)
    return out.to_bytes()


def _json(message: CebMessage, root: str, doc_spec: DocumentSpec, pretty: bool) -> bytes:
    body: dict[str, object] = {"guid": message.guid, "version": message.version}
    documents: dict[str, list[dict[str, Any]]] = {}
    for document in message.documents:
        documents.setdefault(document.name, []).append(_json_document(document, doc_spec))
    body.update(documents)
    body["BaseTransfer"] = message.base_transfer.model_dump()
    if message.subscriptions:
        body["BaseSubscribe"] = message.subscriptions
    if message.extension is not None:
        body["ExtendMessage"] = {**message.extension, "Message": {}}
    return dump_json({root: body}, pretty)


def _json_document(document: Document, doc_spec: DocumentSpec) -> dict[str, Any]:
    head_names = _names(doc_spec.head_fields)
    head = {name: document.head[name] for name in ordered(head_names, document.head)}
    if doc_spec.head is None or doc_spec.item is None:  # flat
        return head
    item_names = _names(doc_spec.item_fields)
    items = [{name: item[name] for name in ordered(item_names, item)} for item in document.items]
    return {doc_spec.head: head, doc_spec.item: items}


def dump_json(obj: object, pretty: bool) -> bytes:
    if pretty:
        return json.dumps(obj, ensure_ascii=False, indent=2).encode("utf-8")
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
