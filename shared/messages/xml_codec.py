"""CEB XML -> ``CebMessage``, strictly by the catalogue.

Any namespace prefix (or the default namespace) is accepted for ``http://www.chinaport.gov.cn/ceb``.
The root holds, in the schema's order, 1..100 documents, ``BaseTransfer``, up to five
``BaseSubscribe``, an optional xmldsig ``Signature`` (present -> ``signed=True``; verifying it is
not this module's job) and an optional ``ExtendMessage`` (its ``Message`` may hold any XML and is
not read). Fields must stand in the schema's order. Element text is stripped; an
empty element reads as ``""``; an element the catalogue does not know is a format error naming it.
The walk iterates children directly (no XPath) and builds the documents without re-validating
what it has just read.
"""
from __future__ import annotations

from typing import Any

from lxml import etree

from shared.messages.catalogue import (
    BASE_SUBSCRIBE,
    BASE_TRANSFER,
    CEB_NAMESPACE,
    EXTEND_MESSAGE,
    MAX_DOCUMENTS,
    MAX_SUBSCRIPTIONS,
    MESSAGE_SPECS,
    RECEIPT_SPECS,
    DocumentSpec,
    FieldSpec,
    MessageSpec,
    message_type_of,
    receipt_spec_for_root,
    spec_for_root,
)
from shared.messages.errors import (
    EMPTY_MESSAGE,
    MALFORMED_STRUCTURE,
    MISSING_REQUIRED,
    TOO_DEEP,
    UNKNOWN_MESSAGE_TYPE,
    WRONG_NAMESPACE,
    FormatError,
)
from shared.messages.limits import DEFAULT_MAX_BYTES, MAX_DEPTH, too_deep
from shared.messages.model import BaseTransfer, CebMessage, Document
from shared.messages.transport import DSIG_NAMESPACE, DxpTransInfo, is_envelope, open_envelope
from shared.messages.xml_reading import local_name, namespace_of, read_xml, subtree_depth

CEB = "{" + CEB_NAMESPACE + "}"
_CEB_LEN = len(CEB)
_SIGNATURE = "{" + DSIG_NAMESPACE + "}Signature"
_BASE_TRANSFER = CEB + "BaseTransfer"
_BASE_SUBSCRIBE = CEB + "BaseSubscribe"
_EXTEND_MESSAGE = CEB + "ExtendMessage"
_EXTENSION_BODY = CEB + "Message"


def field_tags(fields: tuple[FieldSpec, ...]) -> dict[str, str]:
    """Clark-notation tag -> field name, so the walk needs one dict lookup per element."""
    return {CEB + spec.name: spec.name for spec in fields}


def _all_field_tags() -> dict[str, dict[str, str]]:
    tags = {
        "BaseTransfer": field_tags(BASE_TRANSFER.head_fields),
        "BaseSubscribe": field_tags(BASE_SUBSCRIBE.head_fields),
        "ExtendMessage": field_tags(EXTEND_MESSAGE.head_fields),
    }
    for spec in MESSAGE_SPECS.values():
        doc = spec.document
        if doc.head is None or doc.item is None:  # flat
            tags[doc.name] = field_tags(doc.head_fields)
        else:
            tags[doc.head] = field_tags(doc.head_fields)
            tags[doc.item] = field_tags(doc.item_fields)
    for receipt in RECEIPT_SPECS.values():
        tags[receipt.element] = field_tags(receipt.fields)
    return tags


# per container element name: InventoryHead, InventoryList, InvtCancel, BaseTransfer, ...
FIELD_TAGS: dict[str, dict[str, str]] = _all_field_tags()
# per tags dict (by id): each tag's place in the schema's sequence
_PLACES: dict[int, dict[str, int]] = {
    id(tags): {tag: n for n, tag in enumerate(tags)} for tags in FIELD_TAGS.values()
}


def decode_xml(raw: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> CebMessage:
    """Decode CEB XML (a DXP envelope is opened too; its TransInfo is dropped)."""
    return decode_transport(raw, max_bytes=max_bytes)[0]


def decode_transport(
    raw: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[CebMessage, DxpTransInfo | None]:
    """Decode CEB XML, bare or inside a DXP envelope (then also return its ``TransInfo``)."""
    root = read_xml(raw, max_bytes=max_bytes)
    if not is_envelope(root):
        return message_from_root(root), None
    info, data = open_envelope(root)
    inner = read_xml(data, max_bytes=max_bytes)
    message = message_from_root(inner)
    sent_as = (f"{message.message_type}Message", message.message_type)
    if info.MsgType and info.MsgType not in sent_as:
        raise FormatError(
            MALFORMED_STRUCTURE,
            f"DxpMsg/TransInfo/MsgType is {info.MsgType} but Data holds a "
            f"{message.message_type}Message",
            message_type=message.message_type,
            guid=message.guid,
            format="xml",
        )
    return message, info


def root_type(root: etree._Element) -> tuple[str, str]:
    """(message type if the root name reads as one, root guid) — for error context."""
    return message_type_of(local_name(root.tag)), (root.get("guid") or "").strip()


def check_root_namespace(root: etree._Element) -> None:
    if namespace_of(root.tag) != CEB_NAMESPACE:
        check_depth(root, 1, local_name(root.tag))  # a deep foreign document: say so first
        raise FormatError(
            WRONG_NAMESPACE,
            f"the root element {local_name(root.tag)} is in namespace "
            f"'{namespace_of(root.tag)}'; expected {CEB_NAMESPACE}",
        )


def message_from_root(root: etree._Element) -> CebMessage:
    message_type, guid = root_type(root)
    try:
        check_root_namespace(root)
        name = root.tag[_CEB_LEN:]
        spec = spec_for_root(name)
        if spec is None:
            check_depth(root, 1, name)
            raise FormatError(UNKNOWN_MESSAGE_TYPE, _unknown_type(name))
        return _message(root, spec, guid)
    except FormatError as err:
        raise err.in_context(message_type=message_type, guid=guid, format="xml") from None


def _unknown_type(name: str) -> str:
    if receipt_spec_for_root(name) is not None:
        return f"{name} is a receipt; enterprises send declarations (CEB303 ... CEB607)"
    return f"{name} is not an export message type the platform accepts"


def _message(root: etree._Element, spec: MessageSpec, guid: str) -> CebMessage:
    _no_text(root.text, spec.root)
    doc_spec = spec.document
    doc_tag = CEB + doc_spec.name
    documents: list[Document] = []
    base: dict[str, str] | None = None
    subscriptions: list[dict[str, str]] = []
    extension: dict[str, str] | None = None
    signed = False
    # the schema's sequence: documents, BaseTransfer, BaseSubscribe*, Signature?, ExtendMessage?
    stage = 0  # 0 documents, 1 after BaseTransfer, 2 after Signature, 3 after ExtendMessage
    for child in root:
        tag = child.tag
        if tag == doc_tag and stage == 0 and len(documents) < MAX_DOCUMENTS:
            documents.append(_document(child, doc_spec, len(documents) + 1))
        elif tag == _BASE_TRANSFER and stage == 0:
            base = read_fields(child, FIELD_TAGS["BaseTransfer"], "BaseTransfer")
            stage = 1
        elif tag == _BASE_SUBSCRIBE and stage == 1 and len(subscriptions) < MAX_SUBSCRIPTIONS:
            path = f"BaseSubscribe[{len(subscriptions) + 1}]"
            subscriptions.append(read_fields(child, FIELD_TAGS["BaseSubscribe"], path))
        elif tag == _SIGNATURE and stage == 1:
            check_depth(child, 2, "Signature")
            signed = True
            stage = 2
        elif tag == _EXTEND_MESSAGE and stage in (1, 2):
            extension = _extension(child)
            stage = 3
        else:
            raise unexpected(child, spec.root, 2, _ROOT_SEQUENCE.format(doc=doc_spec.name))
        _no_text(child.tail, spec.root)
    if not documents:
        raise FormatError(EMPTY_MESSAGE, f"{spec.root} holds no {doc_spec.name} document")
    # pydantic-core's validator builds these small models faster than model_construct; documents
    # are constructed (validating would copy every field dict)
    return CebMessage(
        message_type=spec.message_type,
        guid=guid,
        version=(root.get("version") or "1.0").strip(),
        format="xml",
        documents=documents,
        base_transfer=BaseTransfer(**(base or {})),
        subscriptions=subscriptions,
        extension=extension,
        signed=signed,
    )


_ROOT_SEQUENCE = (
    "1..100 {doc} documents, then BaseTransfer, up to 5 BaseSubscribe, Signature, ExtendMessage"
)


def _extension(element: etree._Element) -> dict[str, str]:
    """ExtendMessage: its name and version; its Message may hold anything (the schema skips it)."""
    _no_text(element.text, "ExtendMessage")
    values: dict[str, str] = {}
    tags = FIELD_TAGS["ExtendMessage"]
    remaining = list(tags)  # name, version: each at most once, in this order, before Message
    body = False
    for part in element:
        if part.tag == _EXTENSION_BODY and not body:
            check_depth(part, 3, "ExtendMessage/Message")
            body = True
        elif not body and part.tag in remaining and not len(part):
            values[tags[part.tag]] = (part.text or "").strip()
            remaining = remaining[remaining.index(part.tag) + 1:]
        else:
            raise unexpected(part, "ExtendMessage", 3, "name, version, then Message")
        _no_text(part.tail, "ExtendMessage")
    if not body:
        raise FormatError(MISSING_REQUIRED, "ExtendMessage/Message is required")
    return values


def _document(element: etree._Element, spec: DocumentSpec, number: int) -> Document:
    path = f"{spec.name}[{number}]"
    if spec.head is None or spec.item is None:  # flat
        flat = read_fields(element, FIELD_TAGS[spec.name], path)
        return Document.model_construct(name=spec.name, head=flat, items=[])
    _no_text(element.text, path)
    head_tag, item_tag = CEB + spec.head, CEB + spec.item
    head_tags, item_tags = FIELD_TAGS[spec.head], FIELD_TAGS[spec.item]
    head: dict[str, str] | None = None
    items: list[dict[str, str]] = []
    for part in element:
        tag = part.tag
        if tag == item_tag and head is not None:
            items.append(read_fields(part, item_tags, f"{path}/{spec.item}[{len(items) + 1}]"))
        elif tag == head_tag and head is None:
            head = read_fields(part, head_tags, f"{path}/{spec.head}")
        else:
            raise unexpected(part, path, 3, f"one {spec.head}, then {spec.item} items")
        tail = part.tail
        if tail and not tail.isspace():
            _no_text(tail, path)
    return Document.model_construct(name=spec.name, head=head or {}, items=items)


def read_fields(element: etree._Element, tags: dict[str, str], path: str) -> dict[str, str]:
    """The stripped text of each field element under ``element`` (``tags``: ``FIELD_TAGS[...]``).

    Strict: an unknown, repeated, nested or misplaced field (out of the schema's order) is a
    format error naming its path.
    """
    _no_text(element.text, path)
    values: dict[str, str] = {}
    places = _PLACES.get(id(tags))
    last = -1
    for field in element:
        name = tags.get(field.tag)
        if name is None or name in values or len(field):
            raise _bad_field(field, name, values, path)
        if places is not None:
            place = places[field.tag]
            if place < last:
                raise _misplaced(name, values, tags, path)
            last = place
        text = field.text
        values[name] = text.strip() if text else ""
        tail = field.tail
        if tail and not tail.isspace():
            _no_text(tail, path)
    return values


def _misplaced(name: str, seen: dict[str, Any], tags: dict[str, str], path: str) -> FormatError:
    order = list(tags.values())
    after = next(other for other in seen if order.index(other) > order.index(name))
    return FormatError(
        MALFORMED_STRUCTURE,
        f"{path}/{name} must come before {after} (the fields stand in the schema's order)",
    )


def _bad_field(field: etree._Element, name: str | None, seen: dict[str, Any], path: str) -> FormatError:
    depth = path.count("/") + 3  # of the field elements; the root is 1
    if name is None:
        return unexpected(field, path, depth, "a field the catalogue lists for it")
    if name in seen:
        return FormatError(MALFORMED_STRUCTURE, f"{path}/{name} appears more than once")
    check_depth(field, depth, f"{path}/{name}")
    return FormatError(MALFORMED_STRUCTURE, f"{path}/{name} must hold text, not elements")


def unexpected(element: etree._Element, parent: str, depth: int, expected: str) -> FormatError:
    """The error for an element standing at ``depth`` (root = 1) where it may not."""
    tag = element.tag
    if not isinstance(tag, str):
        return FormatError(MALFORMED_STRUCTURE, f"{parent} holds unexpected markup")
    where = f"{parent}/{local_name(tag)}"
    check_depth(element, depth, where)
    if namespace_of(tag) != CEB_NAMESPACE:
        return FormatError(
            WRONG_NAMESPACE,
            f"{where} is in namespace '{namespace_of(tag)}'; expected {CEB_NAMESPACE}",
        )
    return FormatError(MALFORMED_STRUCTURE, f"{where} is not expected there; expected {expected}")


def check_depth(element: etree._Element, depth: int, where: str) -> None:
    """Raise 9009 if ``element``, standing at ``depth`` (root = 1), nests past ``MAX_DEPTH``."""
    room = MAX_DEPTH - depth + 1
    if subtree_depth(element, room) > room:
        raise FormatError(TOO_DEEP, f"{where}: {too_deep(MAX_DEPTH + 1)}")


def _no_text(text: str | None, path: str) -> None:
    if text and not text.isspace():
        raise FormatError(
            MALFORMED_STRUCTURE,
            f"{path} holds stray text {text.strip()[:40]!r} between elements",
        )
