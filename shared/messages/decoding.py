"""One entry point for whatever an enterprise sent: XML (bare or in a DXP envelope) or JSON.

The format is recognised from the content, not from a header: after an optional UTF-8 BOM and
whitespace, ``<`` means XML and ``{`` means JSON. Field format checks are *not* run here; the
gateway calls ``field_checks.check_fields`` on the decoded message.
"""
from __future__ import annotations

from shared.messages.errors import INVALID_ENCODING, NOT_WELL_FORMED, FormatError, WireFormat
from shared.messages.json_codec import decode_json
from shared.messages.limits import DEFAULT_MAX_BYTES, check_bounds, first_significant
from shared.messages.model import CebMessage
from shared.messages.transport import DxpTransInfo
from shared.messages.xml_codec import decode_transport

_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


def detect_format(raw: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> WireFormat:
    """``"xml"`` or ``"json"`` from the first significant byte; FormatError if neither."""
    start = first_significant(raw)
    first = raw[start : start + 1]
    fmt: WireFormat = "xml" if first == b"<" else "json" if first == b"{" else ""
    check_bounds(raw, max_bytes, fmt)  # a too large message is still answered in its format
    if fmt:
        return fmt
    if raw.startswith(_UTF16_32_BOMS) or b"\x00" in raw[:4]:
        raise FormatError(INVALID_ENCODING, "the message is not UTF-8 (UTF-16/32 bytes found)")
    raise FormatError(
        NOT_WELL_FORMED,
        f"the message starts with {first!r}; expected XML ('<') or a JSON object ('{{')",
    )


def decode_message(
    raw: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[CebMessage, DxpTransInfo | None]:
    """Decode an enterprise message; the second item is the DXP ``TransInfo`` if it had one.

    Raises ``FormatError`` (``code``, ``reason``, ``message_type``, ``guid``, ``format``).
    """
    if not isinstance(raw, bytes):
        raw = bytes(raw)
    if detect_format(raw, max_bytes=max_bytes) == "xml":
        return decode_transport(raw, max_bytes=max_bytes)
    return decode_json(raw, max_bytes=max_bytes), None
