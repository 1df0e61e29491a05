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

from shared.messages.catalogue import ReceiptSpec, message_type_of, receipt_spec_for
from shared.messages.catalogue import receipt_spec_for_root
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
from shared.messages.transport import is_envelope, open_envelope
from shared.messages.xml_reading import read_xml
from shared.messages.xml_writing import CebXmlWriter

__all__ = ["decode_receipt", "encode_message", "encode_receipt"]

_SIGNATURE = "{http://www.w3.org/2000/09/xmldsig#}Signature"
MAX_ELEMENTS = 100  # receipt elements one receipt message may hold (the schema's maxOccurs)


def encode_receipt(receipt: Receipt, fmt: Format, *, pretty: bool = False) -> bytes:
    spec = receipt_spec_for(receipt.message_type)
    names = [field.name for field in spec.fields]
    unknown = set().union(receipt.fields.keys(), *(f.keys() for f in receipt.further)) - set(names)
    if unknown:
        raise ValueError(
            f"{spec.element} has no field(s) {', '.join(sorted(unknown))}; "
            f"its fields are {' '.join(names)}"
        )
    elements = [receipt.fields, *receipt.further]
    if fmt == "xml":
        out = CebXmlWriter(pretty=pretty)
        out.root(spec.root, receipt.guid, "1.0")
        for fields in elements:
            out.start(spec.element)
            out.fields(names, fields)
            out.end(spec.element)
        out.end(spec.root)
        return out.to_bytes()
    if fmt == "json":
        objects = [{name: fields.get(name, "") for name in names} for fields in elements]
        body = {"guid": receipt.guid, "version": "1.0",
                spec.element: objects if spec.repeated or len(objects) > 1 else objects[0]}
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
            if child.tag == CEB + spec.element and len(elements) < MAX_ELEMENTS:
                elements.append(read_xml_fields(child, FIELD_TAGS[spec.element], spec.element))
            elif child.tag != _SIGNATURE:
                raise unexpected(child, spec.root, 2, f"1 to {MAX_ELEMENTS} {spec.element}")
        return _receipt(spec, guid, elements)
    except FormatError as err:
        raise err.in_context(message_type=message_type, guid=guid, format="xml") from None


def _from_json(raw: bytes, max_bytes: int) -> Receipt:
    root_name, body = single_root(load_json(raw, max_bytes=max_bytes))
    guid = body.get("guid") if isinstance(body.get("guid"), str) else ""
    try:
        spec = _spec(root_name)
        elements: list[dict[str, str]] = []
        index = {field.name: field for field in spec.fields}
        for key, value in body.items():
            if key == spec.element:
                elements = [read_json_fields(obj, index, key) for obj in _objects(value, key)]
            elif key not in ("guid", "version", "Signature"):
                reason = f"{spec.root}/{key} is not expected there; expected one {spec.element}"
                raise FormatError(MALFORMED_STRUCTURE, reason)
        return _receipt(spec, guid.strip(), elements)
    except FormatError as err:
        message_type = message_type_of(root_name)
        raise err.in_context(message_type=message_type, guid=guid, format="json") from None


def _spec(root_name: str) -> ReceiptSpec:
    spec = receipt_spec_for_root(root_name)
    if spec is None:
        raise FormatError(UNKNOWN_MESSAGE_TYPE, f"{root_name} is not a receipt message type")
    return spec


def _objects(value: object, key: str) -> list[dict]:
    if isinstance(value, list) and 1 < len(value) <= MAX_ELEMENTS:
        return [single_object([obj], key) for obj in value]
    return [single_object(value, key)]


def _receipt(spec: ReceiptSpec, guid: str, elements: list[dict[str, str]]) -> Receipt:
    if not elements:
        raise FormatError(EMPTY_MESSAGE, f"{spec.root} holds no {spec.element}")
    ordered = [{field.name: fields.get(field.name, "") for field in spec.fields} for fields in elements]
    return Receipt(message_type=spec.message_type, guid=guid, fields=ordered[0], further=ordered[1:])
