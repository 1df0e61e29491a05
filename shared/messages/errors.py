"""Format errors: why an enterprise message could not be read, as a CEB900 receipt would say it.

Every rejection carries a 4-digit code from the table below, a reason a developer can act on
(naming the field path, e.g. ``Inventory[1]/InventoryHead/copNo``, and what was expected) and,
when they could be read, the message type and the root ``guid``. ``str(error)`` is the
``returnInfo`` text of the receipt: ``[Code:NNNN;Desc:...]``.

| code | constant | meaning |
|------|----------|---------|
| 9001 | NOT_WELL_FORMED | neither well-formed XML nor well-formed JSON |
| 9002 | UNKNOWN_MESSAGE_TYPE | the root is not an export message the platform accepts |
| 9003 | WRONG_NAMESPACE | an element outside ``http://www.chinaport.gov.cn/ceb`` (DXP, xmldsig) |
| 9004 | MISSING_REQUIRED | a required field is absent or empty |
| 9005 | TOO_LONG | a field value exceeds its maximum length |
| 9006 | BAD_FORMAT | a value does not match its format (code, number, date, allowed values) |
| 9007 | DTD_FORBIDDEN | a DOCTYPE, DTD or entity declaration is present |
| 9008 | TOO_LARGE | the message exceeds the size limit |
| 9009 | TOO_DEEP | elements/objects are nested deeper than the limit |
| 9010 | INVALID_ENCODING | not UTF-8 (or a declared GBK), or characters XML cannot carry |
| 9011 | MALFORMED_STRUCTURE | unknown/misplaced element or key, repeated singleton, wrong type |
| 9012 | EMPTY_MESSAGE | no bytes, only whitespace, or no business document |

Decoding raises 9001-9003 and 9007-9012; the field checks (``field_checks.check_fields``) report
9004-9006.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

NOT_WELL_FORMED = "9001"
UNKNOWN_MESSAGE_TYPE = "9002"
WRONG_NAMESPACE = "9003"
MISSING_REQUIRED = "9004"
TOO_LONG = "9005"
BAD_FORMAT = "9006"
DTD_FORBIDDEN = "9007"
TOO_LARGE = "9008"
TOO_DEEP = "9009"
INVALID_ENCODING = "9010"
MALFORMED_STRUCTURE = "9011"
EMPTY_MESSAGE = "9012"

ERROR_CODES: dict[str, str] = {
    NOT_WELL_FORMED: "not well-formed XML or JSON",
    UNKNOWN_MESSAGE_TYPE: "unknown message type",
    WRONG_NAMESPACE: "wrong or missing namespace",
    MISSING_REQUIRED: "required field missing or empty",
    TOO_LONG: "field value too long",
    BAD_FORMAT: "field value does not match its format",
    DTD_FORBIDDEN: "DTD and entity declarations are forbidden",
    TOO_LARGE: "message too large",
    TOO_DEEP: "message nested too deeply",
    INVALID_ENCODING: "invalid encoding or character",
    MALFORMED_STRUCTURE: "malformed message structure",
    EMPTY_MESSAGE: "empty message",
}

WireFormat = Literal["xml", "json", ""]


def return_info(code: str, description: str) -> str:
    """The ``returnInfo`` text of a receipt: ``[Code:NNNN;Desc:...]``."""
    return f"[Code:{code};Desc:{description}]"


class FormatError(ValueError):
    """A message that cannot be read; the gateway answers it with a CEB900 receipt."""

    def __init__(
        self,
        code: str,
        reason: str,
        *,
        message_type: str = "",
        guid: str = "",
        format: WireFormat = "",
    ) -> None:
        if code not in ERROR_CODES:
            raise ValueError(f"unknown format error code {code!r}")
        super().__init__(code, reason)
        self.code = code
        self.reason = reason
        self.message_type = message_type
        self.guid = guid
        self.format: WireFormat = format

    def __str__(self) -> str:
        return return_info(self.code, self.reason)

    def __repr__(self) -> str:
        return (
            f"FormatError(code={self.code!r}, reason={self.reason!r}, "
            f"message_type={self.message_type!r}, guid={self.guid!r}, format={self.format!r})"
        )

    def in_context(self, *, message_type: str = "", guid: str = "", format: WireFormat = "") -> FormatError:
        """Fill in what the raiser could not know; keeps what it already set. Returns self."""
        self.message_type = self.message_type or message_type
        self.guid = self.guid or guid
        self.format = self.format or format
        return self


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """A format-level problem with one field (or one missing part) of a decoded message."""

    code: str
    path: str  # e.g. "Inventory[1]/InventoryList[2]/gcode"
    description: str

    def __str__(self) -> str:
        return return_info(self.code, f"{self.path}: {self.description}")
