"""Receipt messages (CEB604 ... CEB900): ``Receipt`` <-> XML or JSON bytes.

XML::

    <?xml version="1.0" encoding="UTF-8"?>
    <ceb:CEB604Message guid="..." version="1.0" xmlns:ceb="http://www.chinaport.gov.cn/ceb">
      <ceb:InventoryReturn><ceb:guid>...</ceb:guid>...<ceb:returnInfo>...</ceb:returnInfo>
      </ceb:InventoryReturn>
    </ceb:CEB604Message>

JSON: ``{"CEB604Message": {"guid": ..., "version": "1.0", "InventoryReturn": [{...}]}}`` (an array:
the schema lets a message hold up to 100; CEB900's one ``MessageReturn`` is an object).

Fields are written in the catalogue's order, which is the official schema's; a field not given
is written empty; a field the receipt type does not have is a ``ValueError`` (receipts are ours:
a wrong field is a bug). ``decode_receipt`` reads either format back (ERP-side tests, the CLI, the
customs' own samples, which hold up to 100 receipt elements: the first is ``fields``, the others
``further``) with the same defences as inbound messages, and returns every catalogue field
(empty when absent).
"""
from __future__ import annotations

from typing import Any

from lxml import etree

from shared.messages.catalogue import (
    RECEIPT_SPECS,
    ReceiptSpec,
    message_type_of,
    receipt_spec_for,
    receipt_spec_for_root,
)
from shared.messages.decoding import detect_format
from shared.messages.errors import (
    EMPTY_MESSAGE,
    MALFORMED_STRUCTURE,
    UNKNOWN_MESSAGE_TYPE,
    FormatError,
)
from shared.messages.json_codec import load_json, single_object, single_root
from shared.messages.json_codec import read_fields as read_json_fields
from shared.messages.limits import DEFAULT_MAX_BYTES
from shared.messages.message_encoding import dump_json, encode_message
from shared.messages.model import Format, Receipt
from shared.messages.transport import is_envelope, open_envelope
from shared.messages.xml_codec import CEB, FIELD_TAGS, check_root_namespace, root_type, unexpected
from shared.messages.xml_codec import read_fields as read_xml_fields
from shared.messages.xml_reading import read_xml
from shared.messages.xml_writing import CebXmlWriter

__all__ = ["decode_receipt", "encode_message", "encode_receipt"]

_SIGNATURE = "{http://www.w3.org/2000/09/xmldsig#}Signature"
MAX_ELEMENTS = 100  # receipt elements one receipt message may hold (the schema's maxOccurs)


# optional fields of a fixed length (CEB702 sumNo, CEB792 decTmpNo ...): an empty one cannot be
# written (the schema wants 18 characters), so it is left out, as the schema allows
OMITTED_WHEN_EMPTY: dict[str, tuple[str, ...]] = {
    code: names for code, spec in RECEIPT_SPECS.items()
    if (names := tuple(f.name for f in spec.fields if not f.required and f.min_length))
}


def _written(spec: ReceiptSpec, fields: dict[str, str]) -> list[str]:
    """The fields written, in order, but those of ``OMITTED_WHEN_EMPTY`` that are empty."""
    omitted = OMITTED_WHEN_EMPTY.get(spec.message_type, ())
    return [f.name for f in spec.fields if f.name not in omitted or fields.get(f.name)]


def encode_receipt(receipt: Receipt, fmt: Format, *, pretty: bool = False) -> bytes:
    spec = receipt_spec_for(receipt.message_type)
    names = [field.name for field in spec.fields]
    elements = [receipt.fields, *receipt.further]
    unknown = {name for fields in elements for name in fields} - set(names)
    if unknown:
        raise ValueError(
            f"{spec.element} has no field(s) {', '.join(sorted(unknown))}; "
            f"its fields are {' '.join(names)}"
        )
    if fmt == "xml":
        out = CebXmlWriter(pretty=pretty)
        out.root(spec.root, receipt.guid, "1.0")
        for fields in elements:
            if spec.wrapper:
                out.start(spec.wrapper)
            out.start(spec.element)
            out.fields(_written(spec, fields), fields)
            out.end(spec.element)
            if spec.wrapper:
                out.end(spec.wrapper)
        out.end(spec.root)
        return out.to_bytes()
    if fmt == "json":
        objects: list[dict[str, Any]] = [
            {name: fields.get(name, "") for name in _written(spec, fields)} for fields in elements]
        if spec.wrapper:
            objects = [{spec.element: obj} for obj in objects]
        body = {"guid": receipt.guid, "version": "1.0",
                spec.wrapper or spec.element: objects if spec.repeated or len(objects) > 1 else objects[0]}
        return dump_json({spec.root: body}, pretty)
    raise ValueError(f"unknown format {fmt!r}; expected 'xml' or 'json'")


def decode_receipt(raw: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Receipt:
    """Read a receipt message back; FormatError if it is not one."""
    if detect_format(raw, max_bytes=max_bytes) == "xml":
        return _from_xml(raw, max_bytes)
    return _from_json(raw, max_bytes)


def _from_xml(raw: bytes, max_bytes: int, *, enveloped: bool = False) -> Receipt:
    root = read_xml(raw, max_bytes=max_bytes)
    if is_envelope(root) and not enveloped:  # a signed receipt: the receipt is the envelope's Data
        return _from_xml(open_envelope(root)[1], max_bytes, enveloped=True)
    message_type, guid = root_type(root)
    try:
        check_root_namespace(root)
        spec = _spec(root.tag[len(CEB):])
        elements: list[dict[str, str]] = []
        for child in root:
            if child.tag == CEB + (spec.wrapper or spec.element) and len(elements) < MAX_ELEMENTS:
                elements.append(_xml_element(child, spec))
            elif child.tag != _SIGNATURE:
                raise unexpected(child, spec.root, 2, f"1 to {MAX_ELEMENTS} {spec.wrapper or spec.element}")
        return _receipt(spec, guid, elements)
    except FormatError as err:
        raise err.in_context(message_type=message_type, guid=guid, format="xml") from None


def _xml_element(child: etree._Element, spec: ReceiptSpec) -> dict[str, str]:
    if not spec.wrapper:
        return read_xml_fields(child, FIELD_TAGS[spec.element], spec.element)
    # a headed receipt (CEB792): its head, then the list items the platform does not read
    parts = list(child)
    if not parts or parts[0].tag != CEB + spec.element or any(
            p.tag != CEB + f"{spec.wrapper}List" for p in parts[1:]):
        raise FormatError(MALFORMED_STRUCTURE, f"{spec.wrapper} must hold one {spec.element}")
    return read_xml_fields(parts[0], FIELD_TAGS[spec.element], f"{spec.wrapper}/{spec.element}")


def _from_json(raw: bytes, max_bytes: int) -> Receipt:
    root_name, body = single_root(load_json(raw, max_bytes=max_bytes))
    guid = body["guid"] if isinstance(body.get("guid"), str) else ""
    try:
        spec = _spec(root_name)
        elements: list[dict[str, str]] = []
        index = {field.name: field for field in spec.fields}
        for key, value in body.items():
            if key == spec.wrapper:
                elements = [_json_wrapped(obj, spec, index) for obj in _objects(value, key)]
            elif key == spec.element and not spec.wrapper:
                elements = [read_json_fields(obj, index, key) for obj in _objects(value, key)]
            elif key not in ("guid", "version", "Signature"):
                reason = f"{spec.root}/{key} is not expected there; expected one {spec.element}"
                raise FormatError(MALFORMED_STRUCTURE, reason)
        return _receipt(spec, guid.strip(), elements)
    except FormatError as err:
        message_type = message_type_of(root_name)
        raise err.in_context(message_type=message_type, guid=guid, format="json") from None


def _json_wrapped(obj: dict[str, Any], spec: ReceiptSpec, index: dict[str, Any]) -> dict[str, str]:
    if spec.element not in obj or set(obj) - {spec.element, f"{spec.wrapper}List"}:
        raise FormatError(MALFORMED_STRUCTURE, f"{spec.wrapper} must hold one {spec.element}")
    return read_json_fields(single_object(obj[spec.element], spec.element), index, spec.element)


def _spec(root_name: str) -> ReceiptSpec:
    spec = receipt_spec_for_root(root_name)
    if spec is None:
        raise FormatError(UNKNOWN_MESSAGE_TYPE, f"{root_name} is not a receipt message type")
    return spec


def _objects(value: object, key: str) -> list[dict[str, Any]]:
    if isinstance(value, list) and 1 < len(value) <= MAX_ELEMENTS:
        return [single_object([obj], key) for obj in value]
    return [single_object(value, key)]


def _receipt(spec: ReceiptSpec, guid: str, elements: list[dict[str, str]]) -> Receipt:
    if not elements:
        raise FormatError(EMPTY_MESSAGE, f"{spec.root} holds no {spec.element}")
    ordered = [{field.name: fields.get(field.name, "") for field in spec.fields} for fields in elements]
    return Receipt(message_type=spec.message_type, guid=guid, fields=ordered[0], further=ordered[1:])
