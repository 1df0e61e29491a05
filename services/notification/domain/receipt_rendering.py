"""A receipt as an enterprise receives it: a CEB receipt document in its format, signed when the
platform has a signing key. The official schemas allow no signature inside a receipt message, so
a signed XML receipt comes as the customs' DXP delivers one: in a ``DxpMsg`` envelope (the
receipt, base64, in ``Data``; ``CopMsgId`` the receipt's guid; ``SenderId`` the platform's DXP id,
``ReceiverId`` the enterprise's; ``MsgType`` e.g. ``CEB604Message``; ``CreatTime`` its
returnTime), and the signature is the envelope's. A signed JSON receipt carries its
``Signature`` member.

The same receipt renders to the same bytes every time (its message guid is its receipt id, its
fields are stored), so a webhook retry, a redelivery or a replay carries what the topic carried.

Rendering is on the path of every receipt, so the document is put together from strings prepared
once per receipt type (tags, field order) instead of going through ``shared.messages``' writer
field by field. The output is byte for byte ``encode_receipt``'s (tested against it); anything the
prepared path does not handle itself (a value to escape, an unknown field, a non-string value, an
unknown type) goes to ``encode_receipt``, which escapes it or raises as before. A receipt stored
with fields its type no longer has (the shapes before they were the official schema's) is fitted
to the type's fields first (``shared.receipts.fitted``), so history, replays and redeliveries of
old receipts are schema-valid too.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from itertools import repeat

from shared.messages import RECEIPT_SPECS, encode_receipt
from shared.messages.catalogue import CEB_NAMESPACE
from shared.messages.model import Format, Receipt
from shared.messages.receipt_codec import OMITTED_WHEN_EMPTY
from shared.messages.transport import DxpTransInfo, envelope
from shared.messages.xml_writing import DECLARATION
from shared.receipts import fitted

Signer = Callable[[bytes, str], bytes]  # (body, format) -> signed body
# the DXP id the platform sends from (the export clearance platform's, as the customs' samples name it)
PLATFORM_DXP_ID = "DXPEDCCEB0000002"

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


@cache
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
        + _pct(f'"{spec.element}":' + ("[{" if spec.repeated else "{")) + json_fields
        + ("}]}}" if spec.repeated else "}}}"),
        xml_by_filled={},
    )


def render_unsigned(message_type: str, guid: str, fields: dict[str, str], fmt: Format) -> bytes:
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


def creat_time(return_time: str) -> str:
    """A DXP envelope's ``CreatTime`` (xs:dateTime) from a returnTime ``yyyyMMddHHmmssSSS`` (China time)."""
    t = return_time
    if len(t) != 17 or not t.isdigit():
        return "1970-01-01T08:00:00.000+08:00"
    return f"{t[0:4]}-{t[4:6]}-{t[6:8]}T{t[8:10]}:{t[10:12]}:{t[12:14]}.{t[14:17]}+08:00"


def enveloped(body: bytes, message_type: str, guid: str, fields: dict[str, str], recipient: str,
              platform_dxp_id: str) -> bytes:
    """The XML receipt ``body`` in the DXP envelope it is signed in."""
    return envelope(body, DxpTransInfo(CopMsgId=guid, SenderId=platform_dxp_id[:16],
                                       ReceiverIds=[(recipient or "unknown")[:16]],
                                       CreatTime=creat_time(str(fields.get("returnTime", ""))),
                                       MsgType=f"{message_type}Message"))


@dataclass(frozen=True)
class ReceiptRenderer:
    """Renders receipts; ``signer`` (when the platform has a signing key) signs them, an XML one in
    its DXP envelope addressed to ``recipient``."""

    signer: Signer | None = None
    platform_dxp_id: str = PLATFORM_DXP_ID

    @property
    def per_recipient(self) -> bool:
        """Whether an XML receipt's bytes depend on its recipient (its envelope names it)."""
        return self.signer is not None

    def receipt_body(self, message_type: str, receipt_id: str, fields: dict[str, str], fmt: Format,
               recipient: str = "") -> bytes:
        guid = str(receipt_id).upper()
        t = _template(message_type)
        if t is not None and not t.known.issuperset(fields):
            # stored before receipts took the official schema's shape: fitted to it as they are now
            fields = fitted(RECEIPT_SPECS[message_type], fields, guid)
        body = render_unsigned(message_type, guid, fields, fmt)
        if self.signer is not None:
            if fmt == "xml":
                body = enveloped(body, message_type, guid, fields, recipient, self.platform_dxp_id)
            body = self.signer(body, fmt)
        return body


CONTENT_TYPES = {"xml": "application/xml; charset=utf-8", "json": "application/json"}
