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

from shared.messages import RECEIPT_SPECS, encode_receipt
from shared.messages.catalogue import CEB_NAMESPACE
from shared.messages.model import Receipt
from shared.messages.xml_writing import DECLARATION

Signer = Callable[[bytes, str], bytes]  # (body, format) -> signed body

# characters shared.messages' writers would change: XML escapes & < > and replaces what XML cannot
# carry; JSON escapes " \ and control characters. A value with none of them is written as it is.
_XML_SPECIAL = re.compile("[&<>\"\r\n\t\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_JSON_SPECIAL = re.compile('[\x00-\x1f\\\\"\ud800-\udfff]')


@dataclass(frozen=True)
class _Template:
    """One receipt type's document, cut where the guid and the field values go."""

    names: tuple[str, ...]
    known: frozenset[str]
    xml_head: str  # declaration and root start tag up to the guid
    xml_open: str  # after the guid: rest of the root tag and the receipt element's start tag
    xml_tags: tuple[tuple[str, str, str], ...]  # per field: start tag, end tag, empty element
    xml_close: str
    json_head: str  # up to the guid
    json_open: str  # after the guid up to the first field value
    json_keys: tuple[str, ...]  # per field: what goes before its value
    json_close: str


@lru_cache(maxsize=None)
def _template(message_type: str) -> _Template | None:
    spec = RECEIPT_SPECS.get(message_type)
    if spec is None:
        return None
    names = tuple(f.name for f in spec.fields)
    if any(json.dumps(n) != f'"{n}"' or not re.fullmatch(r"[A-Za-z_][\w.-]*", n)
           for n in (spec.root, spec.element, *names)):
        return None  # a name that would need escaping: leave it to the encoder
    return _Template(
        names=names,
        known=frozenset(names),
        xml_head=f'{DECLARATION}\n<ceb:{spec.root} guid="',
        xml_open=f'" version="1.0" xmlns:ceb="{CEB_NAMESPACE}"><ceb:{spec.element}>',
        xml_tags=tuple((f"<ceb:{n}>", f"</ceb:{n}>", f"<ceb:{n}/>") for n in names),
        xml_close=f"</ceb:{spec.element}></ceb:{spec.root}>\n",
        json_head=f'{{"{spec.root}":{{"guid":"',
        json_open=f'","version":"1.0","{spec.element}":[{{',
        json_keys=tuple(("" if i == 0 else ",") + f'"{n}":' for i, n in enumerate(names)),
        json_close="}]}}",
    )


def render_unsigned(message_type: str, guid: str, fields: dict[str, str], fmt: str) -> bytes:
    """``encode_receipt(Receipt(message_type, guid, fields), fmt)``, byte for byte, faster."""
    t = _template(message_type)
    if t is not None and type(guid) is str and t.known.issuperset(fields):
        values = [fields.get(n, "") for n in t.names]
        try:
            text = guid + "".join(values)
        except TypeError:  # a value that is not a string: the encoder's validation says why
            text = None
        if text is not None:
            if fmt == "xml" and _XML_SPECIAL.search(text) is None:
                parts = [t.xml_head, guid, t.xml_open]
                for (start, end, empty), v in zip(t.xml_tags, values):
                    if v:
                        parts += (start, v, end)
                    else:
                        parts.append(empty)
                parts.append(t.xml_close)
                return "".join(parts).encode("utf-8")
            if fmt == "json" and _JSON_SPECIAL.search(text) is None:
                parts = [t.json_head, guid, t.json_open]
                for key, v in zip(t.json_keys, values):
                    parts += (key, '"', v, '"')
                parts.append(t.json_close)
                return "".join(parts).encode("utf-8")
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
