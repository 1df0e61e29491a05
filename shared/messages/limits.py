"""The bounds every inbound message is held to before anything parses it."""
from __future__ import annotations

import re

from shared.messages.errors import EMPTY_MESSAGE, TOO_LARGE, FormatError, WireFormat

DEFAULT_MAX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 32  # elements (XML) or objects/arrays (JSON), the root counting as 1

UTF8_BOM = b"\xef\xbb\xbf"
_LEADING = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\r\n]*")


def first_significant(raw: bytes) -> int:
    """Offset of the first byte after an optional UTF-8 BOM and whitespace."""
    leading = _LEADING.match(raw)
    assert leading is not None  # the pattern matches the empty string
    return leading.end()


def check_bounds(raw: bytes, max_bytes: int, fmt: WireFormat) -> int:
    """Reject oversized or empty input; return the offset of its first significant byte."""
    if len(raw) > max_bytes:
        raise FormatError(
            TOO_LARGE,
            f"the message is {len(raw)} bytes; at most {max_bytes} bytes are accepted",
            format=fmt,
        )
    start = first_significant(raw)
    if start == len(raw):
        raise FormatError(
            EMPTY_MESSAGE, "the message is empty (no bytes other than whitespace)", format=fmt
        )
    return start


def too_deep(depth: int) -> str:
    return f"the message nests {depth} levels or more; at most {MAX_DEPTH} are accepted"
