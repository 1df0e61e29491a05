"""CEB JSON -> ``CebMessage`` (the mapping of ``shared/samples/README.md``).

``{"CEB603Message": {"guid": ..., "version": "1.0", "Inventory": [{"InventoryHead": {...},
"InventoryList": [{...}]}], "BaseTransfer": {...}}}``: the root element's name is the only
top-level key, its attributes are fields, repeated elements are arrays (a single object is taken
as an array of one), values are strings; numbers are accepted and kept as written (``120.00``
stays ``"120.00"``), ``null`` reads as ``""``. Duplicate keys, non-object roots and nesting deeper
than ``MAX_DEPTH`` are rejected. ``Signature`` (any value) marks the message signed;
``BaseSubscribe`` (up to five) and ``ExtendMessage`` (``name``, ``version``, and a ``Message`` of
any value, not read) are taken as the XML form's.
"""
from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from shared.messages.catalogue import (
    BASE_SUBSCRIBE,
    BASE_TRANSFER,
    EXTEND_MESSAGE,
    MAX_DOCUMENTS,
    MAX_SUBSCRIPTIONS,
    DocumentSpec,
    MessageSpec,
    message_type_of,
    receipt_spec_for_root,
    spec_for_root,
)
from shared.messages.errors import (
    BAD_FORMAT,
    EMPTY_MESSAGE,
    INVALID_ENCODING,
    MALFORMED_STRUCTURE,
    MISSING_REQUIRED,
    NOT_WELL_FORMED,
    TOO_DEEP,
    UNKNOWN_MESSAGE_TYPE,
    FormatError,
)
from shared.messages.limits import DEFAULT_MAX_BYTES, MAX_DEPTH, UTF8_BOM, check_bounds, too_deep
from shared.messages.model import BaseTransfer, CebMessage, Document

# characters XML 1.0 cannot carry; JSON can smuggle them in as \u escapes
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_MAX_EXPONENT = 40  # a number like 1e999999 would expand to a million digits


def load_json(raw: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> object:
    """Parse untrusted JSON bytes: UTF-8 only, no duplicate keys, decimals kept exact."""
    data, text = _parse(raw, max_bytes)
    _check_depth(data)
    if "\\u" in text:
        _check_characters(data)
    return data


def _parse(raw: bytes, max_bytes: int) -> tuple[object, str]:
    """``load_json`` without its depth and character checks: (data, the text it was read from)."""
    check_bounds(raw, max_bytes, "json")
    if raw.startswith(UTF8_BOM):
        raw = raw[len(UTF8_BOM):]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError(
            INVALID_ENCODING, f"the message is not valid UTF-8 (byte {exc.start})", format="json"
        ) from None
    try:
        if text.startswith("\ufeff"):  # what json.loads says of a second BOM
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
        data = _DECODER.decode(text)
    except RecursionError:
        raise FormatError(TOO_DEEP, too_deep(MAX_DEPTH + 1), format="json") from None
    except json.JSONDecodeError as exc:
        reason = f"not well-formed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        raise FormatError(NOT_WELL_FORMED, reason, format="json") from None
    except FormatError:  # from the hooks: a duplicate key, NaN
        raise
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise FormatError(NOT_WELL_FORMED, f"not readable JSON: {exc}", format="json") from None
    return data, text


def decode_json(raw: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> CebMessage:
    data, text = _parse(raw, max_bytes)
    if "\\u" in text:  # rare: every check of load_json first, in its order
        _check_depth(data)
        _check_characters(data)
        return _decode(data)
    # The walk takes only strings (or numbers) where fields are and objects or arrays of objects
    # where documents are, so a message it reads nests 6 levels at most, except inside Signature,
    # which it does not read: the depth check ``load_json`` makes first is made only when it could
    # fail, with the same outcome (9009 before any error the walk would find).
    try:
        message = _decode(data)
    except Exception:
        deep = _depth_error(data)
        if deep is not None:
            raise deep from None
        raise
    if message.signed:
        _check_depth(data)
    return message


def _decode(data: object) -> CebMessage:
    root_name, body = single_root(data)
    message_type = message_type_of(root_name)
    guid = body.get("guid") if isinstance(body, dict) else None
    guid = guid.strip() if isinstance(guid, str) else ""
    try:
        spec = spec_for_root(root_name)
        if spec is None:
            kind = "a receipt" if receipt_spec_for_root(root_name) else "not an export message"
            raise FormatError(UNKNOWN_MESSAGE_TYPE, f"{root_name} is {kind} the platform accepts")
        return _message(spec, body)
    except FormatError as err:
        raise err.in_context(message_type=message_type, guid=guid, format="json") from None


def single_root(data: object) -> tuple[str, dict[str, Any]]:
    """The root element's name and body: ``{"CEB603Message": {...}}``."""
    if not isinstance(data, dict) or len(data) != 1:
        raise FormatError(
            MALFORMED_STRUCTURE,
            "the JSON message must be an object with one key, the root element name "
            "(e.g. CEB603Message)",
            format="json",
        )
    ((name, body),) = data.items()
    if not isinstance(body, dict):
        raise FormatError(MALFORMED_STRUCTURE, f"{name} must be an object", format="json")
    return name, body


def _message(spec: MessageSpec, body: dict[str, Any]) -> CebMessage:
    doc_spec = spec.document
    documents: list[Document] = []
    base: dict[str, str] = {}
    subscriptions: list[dict[str, str]] = []
    extension: dict[str, str] | None = None
    signed = False
    for key, value in body.items():
        if key == doc_spec.name:
            for number, part in enumerate(as_objects(value, key), start=1):
                documents.append(_document(part, doc_spec, number))
            if len(documents) > MAX_DOCUMENTS:
                raise FormatError(
                    MALFORMED_STRUCTURE, f"{spec.root}/{key}: at most {MAX_DOCUMENTS} documents"
                )
        elif key == "BaseTransfer":
            base = read_fields(single_object(value, key), BASE_TRANSFER.head_index, key)
        elif key == "BaseSubscribe":
            parts = as_objects(value, key)
            if len(parts) > MAX_SUBSCRIPTIONS:
                raise FormatError(
                    MALFORMED_STRUCTURE, f"{spec.root}/{key}: at most {MAX_SUBSCRIPTIONS} of them"
                )
            subscriptions = [
                read_fields(part, BASE_SUBSCRIBE.head_index, f"{key}[{n}]")
                for n, part in enumerate(parts, start=1)
            ]
        elif key == "ExtendMessage":
            extension = _extension(single_object(value, key))
        elif key == "Signature":
            signed = True
        elif key not in ("guid", "version"):
            raise FormatError(
                MALFORMED_STRUCTURE,
                f"{spec.root}/{key} is not expected there; expected guid, version, "
                f"{doc_spec.name}, BaseTransfer, BaseSubscribe, Signature or ExtendMessage",
            )
    if not documents:
        raise FormatError(EMPTY_MESSAGE, f"{spec.root} holds no {doc_spec.name} document")
    # pydantic-core's validator builds these small models faster than model_construct; documents
    # are constructed (validating would copy every field dict)
    return CebMessage(
        message_type=spec.message_type,
        guid=scalar(body.get("guid"), f"{spec.root}/guid"),
        version=scalar(body.get("version"), f"{spec.root}/version") or "1.0",
        format="json",
        documents=documents,
        base_transfer=BaseTransfer(**base),
        subscriptions=subscriptions,
        extension=extension,
        signed=signed,
    )


def _extension(obj: dict[str, Any]) -> dict[str, str]:
    fields = {key: value for key, value in obj.items() if key != "Message"}
    if "Message" not in obj:
        raise FormatError(MISSING_REQUIRED, "ExtendMessage/Message is required")
    return read_fields(fields, EXTEND_MESSAGE.head_index, "ExtendMessage")


def _document(part: dict[str, Any], spec: DocumentSpec, number: int) -> Document:
    path = f"{spec.name}[{number}]"
    if spec.head is None:
        flat = read_fields(part, spec.head_index, path)
        return Document.model_construct(name=spec.name, head=flat, items=[])
    head: dict[str, str] | None = None
    items: list[dict[str, str]] = []
    for key, value in part.items():
        if key == spec.head:
            where = f"{path}/{key}"
            head = read_fields(single_object(value, where), spec.head_index, where)
        elif key == spec.item:
            for n, item in enumerate(as_objects(value, f"{path}/{key}"), start=1):
                items.append(read_fields(item, spec.item_index, f"{path}/{key}[{n}]"))
        else:
            raise FormatError(
                MALFORMED_STRUCTURE,
                f"{path}/{key} is not expected there; expected {spec.head} and {spec.item}",
            )
    if head is None and items:
        raise FormatError(MALFORMED_STRUCTURE, f"{path}/{spec.head} is missing")
    return Document.model_construct(name=spec.name, head=head or {}, items=items)


def read_fields(obj: dict[str, Any], index: dict[str, Any], path: str) -> dict[str, str]:
    """Field values of one JSON object, as strings; strict about names (``index``: spec index)."""
    values = {}
    for key, value in obj.items():
        if key not in index:
            raise FormatError(
                MALFORMED_STRUCTURE, f"{path}/{key} is not a field the catalogue lists for it"
            )
        values[key] = value.strip() if type(value) is str else scalar(value, f"{path}/{key}")
    return values


def scalar(value: object, path: str) -> str:
    """A field value as the string the XML form would hold."""
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        raise FormatError(MALFORMED_STRUCTURE, f"{path} is true/false; expected a string")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if abs(value.adjusted()) > _MAX_EXPONENT:
            raise FormatError(BAD_FORMAT, f"{path}: the number {value} is out of range")
        return format(value, "f")
    raise FormatError(MALFORMED_STRUCTURE, f"{path} is an object or array; expected a string")


def as_objects(value: object, path: str) -> list[dict[str, Any]]:
    """A repeated element: an array of objects, or a single object standing for one."""
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        return value
    raise FormatError(MALFORMED_STRUCTURE, f"{path} must be an object or an array of objects")


def single_object(value: object, path: str) -> dict[str, Any]:
    """A singleton element: an object (or an array holding exactly one)."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, dict):
        return value
    raise FormatError(MALFORMED_STRUCTURE, f"{path} must be one object")


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                reason = f"the key {key!r} appears twice in one object"
                raise FormatError(MALFORMED_STRUCTURE, reason, format="json")
            seen.add(key)
    return obj


def _no_constant(name: str) -> object:
    raise FormatError(NOT_WELL_FORMED, f"{name} is not a JSON number", format="json")


# what ``json.loads(text, **options)`` would build on every call; it keeps no state between calls
_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_no_constant, object_pairs_hook=_unique_keys)


def _check_depth(data: object) -> None:
    error = _depth_error(data)
    if error is not None:
        raise error


def _depth_error(data: object) -> FormatError | None:
    stack = [(data, 1)] if isinstance(data, (dict, list)) else []
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return FormatError(TOO_DEEP, too_deep(depth), format="json")
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return None


def _check_characters(data: object) -> None:
    stack = [data] if isinstance(data, (dict, list)) else []
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key in node:
                if _NOT_XML.search(key):
                    raise FormatError(INVALID_ENCODING, f"the key {key[:40]!r} holds a control character or "
                                                        "lone surrogate", format="json")
        for child in node.values() if isinstance(node, dict) else node:
            if isinstance(child, (dict, list)):
                stack.append(child)
            elif isinstance(child, str) and _NOT_XML.search(child):
                raise FormatError(
                    INVALID_ENCODING,
                    f"the value {child[:40]!r} holds a control character or lone surrogate",
                    format="json",
                )
