"""Text from senders, made safe where it is stored or logged.

PostgreSQL refuses NUL in ``text`` and ``jsonb`` and asyncpg cannot encode lone surrogates: such
characters in a reason, a field or a key would make the store fail and the sender go unanswered.
:func:`storable` writes them as visible ``\\uXXXX`` escapes. :func:`loggable` does the same for
every control character (a newline in a sender's value cannot start a forged log line).
"""
from __future__ import annotations

import re
from typing import Any

_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")
_UNLOGGABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def storable(text: str) -> str:
    return _UNSTORABLE.sub(_escape, text) if _UNSTORABLE.search(text) else text


def storable_fields(fields: dict[str, Any]) -> dict[str, Any]:
    return {storable(k): storable(v) if isinstance(v, str) else v for k, v in fields.items()}


def loggable(value: object) -> str:
    text = value if isinstance(value, str) else str(value)
    return _UNLOGGABLE.sub(_escape, text)


def truncated(text: str, limit: int, marker: str = "...") -> str:
    """At most ``limit`` characters, ending with ``marker`` when cut."""
    return text if len(text) <= limit else text[: max(0, limit - len(marker))] + marker
