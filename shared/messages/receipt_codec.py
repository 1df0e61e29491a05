"""Receipt messages (CEB604 ... CEB900): ``Receipt`` <-> XML or JSON bytes.

XML::

    <?xml version="1.0" encoding="UTF-8"?>
    <ceb:CEB604Message guid="..." version="1.0" xmlns:ceb="http://www.chinaport.gov.cn/ceb">
      <ceb:InventoryReturn><ceb:guid>...</ceb:guid>...<ceb:returnInfo>...</ceb:returnInfo>
      </ceb:InventoryReturn>
    </ceb:CEB604Message>

JSON: ``{"CEB604Message": {"guid": ..., "version": "1.0", "InventoryReturn": [{...}]}}``.

Fields are written in the catalogue's order; a field not given is written empty; a field the
receipt type does not have is a ``ValueError`` (receipts are ours: a wrong field is a bug).
``decode_receipt`` reads either format back (ERP-side tests, the CLI) with the same defences as
inbound messages, and returns every catalogue field (empty when absent).
"""
from __future__ import annotations

from shared.messages.catalogue import ReceiptSpec, message_type_of, receipt_spec_for
from shared.messages.catalogue import RECEIPT_SPECS, receipt_spec_for_root
from shared.messages.field_formats import NUMBER18
from shared.messages.decoding import detect_format
from shared.messages.errors import (
    EMPTY_MESSAGE,
    MALFORMED_STRUCTURE,
    UNKNOWN_MESSAGE_TYPE,
    FormatError,
)
from shared.messages.json_codec import load_json, read_fields as read_json_fields
from shared.messages.json_codec import single_object, single_root
from shared.messages.limits import DEFAULT_MAX_BYTES
from shared.messages.message_encoding import dump_json, encode_message
from shared.messages.model import Format, Receipt
from shared.messages.xml_codec import CEB, FIELD_TAGS, check_root_namespace, root_type
from shared.messages.xml_codec import read_fields as read_xml_fields
from shared.messages.xml_codec import unexpected
from shared.messages.xml_reading import read_xml
from shared.messages.xml_writing import CebXmlWriter

__all__ = ["decode_receipt", "encode_message", "encode_receipt"]

_SIGNATURE = "{http://www.w3.org/2000/09/xmldsig#}Signature"


def _fixed_length_optional(spec: ReceiptSpec) -> tuple[str, ...]:
    return tuple(f.name for f in spec.fields if not f.required and f.format is NUMBER18)


# optional fields of a fixed length (CEB702 sumNo, CEB792 decTmpNo ...): an empty one cannot be
# written (the schema wants 18 characters), so it is left out, as the schema allows
OMITTED_WHEN_EMPTY: dict[str, tuple[str, ...]] = {
    code: names for code, spec in RECEIPT_SPECS.items() if (names := _fixed_length_optional(spec))}


def encode_receipt(receipt: Receipt, fmt: Format, *, pretty: bool = False) -> bytes:
    spec = receipt_spec_for(receipt.message_type)
    names = [field.name for field in spec.fields]
    unknown = receipt.fields.keys() - set(names)
    if unknown:
        raise ValueError(
            f"{spec.element} has no field(s) {', '.join(sorted(unknown))}; "
            f"its fields are {' '.join(names)}"
        )
    blank = {f.name for f in spec.fields if f.name in OMITTED_WHEN_EMPTY.get(spec.message_type, ())
             and not receipt.fields.get(f.name)}
    names = [name for name in names if name not in blank]
    if fmt == "xml":
        out = CebXmlWriter(pretty=pretty)
        out.root(spec.root, receipt.guid, "1.0")
        if spec.wrapper:
            out.start(spec.wrapper)
        out.start(spec.element)
        out.fields(names, receipt.fields)
        out.end(spec.element)
        if spec.wrapper:
            out.end(spec.wrapper)
        out.end(spec.root)
        return out.to_bytes()
    if fmt == "json":
        element = {name: receipt.fields.get(name, "") for name in names}
        top = {spec.element: element} if spec.wrapper else element
        body = {"guid": receipt.guid, "version": "1.0", spec.wrapper or spec.element: [top]}
        return dump_json({spec.root: body}, pretty)
    raise ValueError(f"unknown format {fmt!r}; expected 'xml' or 'json'")


def decode_receipt(raw: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Receipt:
    """Read a receipt message back; FormatError if it is not one."""
    if detect_format(raw, max_bytes=max_bytes) == "xml":
        return _from_xml(raw, max_bytes)
    return _from_json(raw, max_bytes)


def _from_xml(raw: bytes, max_bytes: int) -> Receipt:
    root = read_xml(raw, max_bytes=max_bytes)
    message_type, guid = root_type(root)
    try:
        check_root_namespace(root)
        spec = _spec(root.tag[len(CEB):])
        fields: dict[str, str] | None = None
        for child in root:
            if child.tag == CEB + (spec.wrapper or spec.element) and fields is None:
                fields = _xml_element(child, spec)
            elif child.tag != _SIGNATURE:
                raise unexpected(child, spec.root, 2, f"one {spec.wrapper or spec.element}")
        return _receipt(spec, guid, fields)
    except FormatError as err:
        raise err.in_context(message_type=message_type, guid=guid, format="xml") from None


def _xml_element(child, spec: ReceiptSpec) -> dict[str, str]:
    if not spec.wrapper:
        return read_xml_fields(child, FIELD_TAGS[spec.element], spec.element)
    parts = list(child)
    if len(parts) != 1 or parts[0].tag != CEB + spec.element:
        raise FormatError(MALFORMED_STRUCTURE, f"{spec.wrapper} must hold one {spec.element}")
    return read_xml_fields(parts[0], FIELD_TAGS[spec.element], f"{spec.wrapper}/{spec.element}")


def _from_json(raw: bytes, max_bytes: int) -> Receipt:
    root_name, body = single_root(load_json(raw, max_bytes=max_bytes))
    guid = body.get("guid") if isinstance(body.get("guid"), str) else ""
    try:
        spec = _spec(root_name)
        fields = None
        index = {field.name: field for field in spec.fields}
        for key, value in body.items():
            if key == spec.wrapper:
                inner = single_object(value, key)
                if set(inner) != {spec.element}:
                    raise FormatError(MALFORMED_STRUCTURE, f"{key} must hold one {spec.element}")
                fields = read_json_fields(single_object(inner[spec.element], spec.element), index, spec.element)
            elif key == spec.element and not spec.wrapper:
                fields = read_json_fields(single_object(value, key), index, key)
            elif key not in ("guid", "version", "Signature"):
                reason = f"{spec.root}/{key} is not expected there; expected one {spec.element}"
                raise FormatError(MALFORMED_STRUCTURE, reason)
        return _receipt(spec, guid.strip(), fields)
    except FormatError as err:
        message_type = message_type_of(root_name)
        raise err.in_context(message_type=message_type, guid=guid, format="json") from None


def _spec(root_name: str) -> ReceiptSpec:
    spec = receipt_spec_for_root(root_name)
    if spec is None:
        raise FormatError(UNKNOWN_MESSAGE_TYPE, f"{root_name} is not a receipt message type")
    return spec


def _receipt(spec: ReceiptSpec, guid: str, fields: dict[str, str] | None) -> Receipt:
    if fields is None:
        raise FormatError(EMPTY_MESSAGE, f"{spec.root} holds no {spec.element}")
    ordered = {field.name: fields.get(field.name, "") for field in spec.fields}
    return Receipt(message_type=spec.message_type, guid=guid, fields=ordered)
