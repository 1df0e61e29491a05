"""A receipt as an enterprise receives it: a CEB receipt document in its format, signed when the
platform has a signing key.

The same receipt renders to the same bytes every time (its message guid is its receipt id, its
fields are stored), so a webhook retry, a redelivery or a replay carries what the topic carried.

Rendering is on the path of every receipt, so the document is put together from strings prepared
once per receipt type (tags, field order) instead of going through ``shared.messages``' writer
field by field. The output is byte for byte ``encode_receipt``'s (tested against it); anything the
prepared path does not handle itself (a value to escape, an unknown field, a non-string value, an
unknown type) goes to ``encode_receipt``, which escapes it or raises as before.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat

from shared.messages import RECEIPT_SPECS, encode_receipt
from shared.messages.catalogue import CEB_NAMESPACE
from shared.messages.receipt_codec import OMITTED_WHEN_EMPTY
from shared.messages.model import Receipt
from shared.messages.xml_writing import DECLARATION

Signer = Callable[[bytes, str], bytes]  # (body, format) -> signed body

# characters shared.messages' writers would change: XML escapes & < > and replaces what XML cannot
# carry; JSON escapes " \ and control characters. A value with none of them is written as it is.
_XML_SPECIAL = re.compile("[&<>\"\r\n\t\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_JSON_SPECIAL = re.compile('[\x00-\x1f\\\\"\ud800-\udfff]')


@dataclass(frozen=True)
class _Template:
    """One receipt type's document as %-format strings: the guid and the field values go in."""

    names: tuple[str, ...]
    known: frozenset[str]
    xml_tags: tuple[tuple[str, str], ...]  # per field: written with its value, written empty
    xml_head: str
    xml_tail: str
    json: str
    xml_by_filled: dict[tuple[bool, ...], str]  # which fields have a value -> the document's format

    def xml(self, filled: tuple[bool, ...]) -> str:
        form = self.xml_by_filled.get(filled)
        if form is None:
            body = "".join(full if f else empty for (full, empty), f in zip(self.xml_tags, filled))
            form = self.xml_head + body + self.xml_tail
            if len(self.xml_by_filled) < 256:  # receipts of a type fill the same few patterns
                self.xml_by_filled[filled] = form
        return form


def _pct(text: str) -> str:
    return text.replace("%", "%%")


@lru_cache(maxsize=None)
def _template(message_type: str) -> _Template | None:
    spec = RECEIPT_SPECS.get(message_type)
    if spec is None or spec.wrapper or message_type in OMITTED_WHEN_EMPTY:
        return None  # a headed receipt (CEB792), one with fields left out when empty: the encoder's
    names = tuple(f.name for f in spec.fields)
    if any(json.dumps(n) != f'"{n}"' or not re.fullmatch(r"[A-Za-z_][\w.-]*", n)
           for n in (spec.root, spec.element, *names)):
        return None  # a name that would need escaping: leave it to the encoder
    json_fields = ",".join(f'"{n}":"%s"' for n in names)
    return _Template(
        names=names,
        known=frozenset(names),
        xml_tags=tuple((f"<ceb:{n}>%s</ceb:{n}>", f"<ceb:{n}/>") for n in names),
        xml_head=_pct(f'{DECLARATION}\n<ceb:{spec.root} guid="') + "%s"
        + _pct(f'" version="1.0" xmlns:ceb="{CEB_NAMESPACE}"><ceb:{spec.element}>'),
        xml_tail=_pct(f"</ceb:{spec.element}></ceb:{spec.root}>\n"),
        json=_pct(f'{{"{spec.root}":{{"guid":"') + '%s","version":"1.0",'
        + _pct(f'"{spec.element}":[{{') + json_fields + "}]}}",
        xml_by_filled={},
    )


def render_unsigned(message_type: str, guid: str, fields: dict[str, str], fmt: str) -> bytes:
    """``encode_receipt(Receipt(message_type, guid, fields), fmt)``, byte for byte, faster."""
    t = _template(message_type)
    if t is not None and type(guid) is str and t.known.issuperset(fields):
        values = list(map(fields.get, t.names, repeat("")))
        try:
            text = guid + "".join(values)
        except TypeError:  # a value that is not a string: the encoder's validation says why
            text = None
        if text is not None:
            if fmt == "xml" and _XML_SPECIAL.search(text) is None:
                return (t.xml(tuple(map(bool, values))) % (guid, *filter(None, values))).encode("utf-8")
            if fmt == "json" and _JSON_SPECIAL.search(text) is None:
                return (t.json % (guid, *values)).encode("utf-8")
    return encode_receipt(Receipt(message_type=message_type, guid=guid, fields=fields), fmt)


@dataclass(frozen=True)
class ReceiptRenderer:
    """Renders receipts; ``signer`` (when the platform has a signing key) signs them."""

    signer: Signer | None = None

    def render(self, message_type: str, receipt_id: str, fields: dict[str, str], fmt: str) -> bytes:
        body = render_unsigned(message_type, str(receipt_id).upper(), fields, fmt)
        if self.signer is not None:
            body = self.signer(body, fmt)
        return body


CONTENT_TYPES = {"xml": "application/xml; charset=utf-8", "json": "application/json"}
