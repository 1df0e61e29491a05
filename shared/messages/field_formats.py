"""The formats a CEB field value may have: the "code formats" of the preliminary verification.

A ``FieldFormat`` says what a non-empty value must look like; emptiness and length are the
field's own business (``catalogue.FieldSpec``). Formats are values, so the catalogue can name them.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class FieldFormat:
    """What a value of a field must look like."""

    kind: str  # short name, e.g. "party_code", "enum"
    expected: str  # how a reason names it, e.g. "4 digits"
    pattern: re.Pattern[str] | None = None
    values: tuple[str, ...] = ()  # for enums
    calendar: Callable[[str], bool] | None = None  # for dates: is it a real moment?
    digits: tuple[int, int] | None = None  # xs:decimal / xs:int: (totalDigits, fractionDigits)

    def accepts(self, value: str) -> bool:
        if self.values:
            return value in self.values
        if self.pattern is not None and self.pattern.fullmatch(value) is None:
            return False
        if self.calendar is not None:
            return self.calendar(value)
        return True


# the fixed width of each strptime directive the layouts use
_WIDTHS = {"%Y": 4, "%m": 2, "%d": 2, "%H": 2, "%M": 2, "%S": 2, "%f": 3}


def _moment(layout: str) -> Callable[[str], bool]:
    """Is ``value`` a real moment in ``layout`` (digits only, e.g. ``%Y%m%d%H%M%S``)?

    ``strptime`` is the judge, but it is slow; a value whose fixed-width fields make a valid
    ``datetime`` is one ``strptime`` accepts too (each of its directives tries two digits first),
    so only values that fail that quick reading are handed to it.
    """
    directives = [layout[i:i + 2] for i in range(0, len(layout), 2)]
    slices, start = [], 0
    for directive in directives:
        slices.append((start, start + _WIDTHS[directive]))
        start += _WIDTHS[directive]
    width = start
    has_fraction = directives[-1] == "%f"
    fields = slices[:-1] if has_fraction else slices

    def is_real(value: str) -> bool:
        if len(value) == width and value.isascii() and value.isdigit():
            try:
                parts = [int(value[a:b]) for a, b in fields] + [0, 0, 0]
                datetime(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5])
                return True
            except ValueError:
                pass
        try:
            datetime.strptime(value, layout)
        except ValueError:
            return False
        return True

    return is_real


def enum(*values: str) -> FieldFormat:
    """A field whose value is one of a few codes."""
    return FieldFormat("enum", "one of " + ", ".join(values), values=tuple(values))


TEXT = FieldFormat("text", "text")
# USCC (GB 32100): 18 characters from digits and upper-case letters without I, O, S, V, Z
_PARTY_CODE_RE = re.compile(r"[0-9A-Z]{10}|[0-9A-HJ-NP-RTUWXY]{18}")
PARTY_CODE = FieldFormat(
    "party_code",
    "a 10-character customs registration code or an 18-character unified social credit code "
    "(digits and upper-case letters)",
    _PARTY_CODE_RE,
)
# the text: an overseas platform that has no code fills ebpCode with 无 ("none")
EBP_CODE = FieldFormat(
    "ebp_code", PARTY_CODE.expected + ", or 无 for an overseas platform without one",
    re.compile(_PARTY_CODE_RE.pattern + "|无"),
)
# the text: a producer not registered with customs fills ownerCode with NO
OWNER_CODE = FieldFormat(
    "owner_code", PARTY_CODE.expected + ", or NO for a producer not registered with customs",
    re.compile(_PARTY_CODE_RE.pattern + "|NO"),
)
CUSTOMS_CODE = FieldFormat(
    "customs_code", "a 4-digit customs or port code", re.compile(r"[0-9]{4}")
)
HS_CODE = FieldFormat("hs_code", "a 10-digit HS code", re.compile(r"[0-9]{10}"))
CODE3 = FieldFormat(
    "code3", "a 3-digit code (currency, country or unit, e.g. 142)", re.compile(r"[0-9]{3}")
)
CODE = FieldFormat("code", "a code of digits and letters", re.compile(r"[0-9A-Za-z]+"))
# the text asks for upper case; the schema takes any 36 characters and the customs' own samples
# send lower case, so both cases are accepted
GUID = FieldFormat(
    "guid",
    "a 36-character UUID such as 4CDE1CFD-EDED-46B1-946C-B8022E42FC94",
    re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"),
)
DATETIME14 = FieldFormat(
    "datetime14",
    "a date-time yyyyMMddHHmmss",
    re.compile(r"[0-9]{14}"),
    calendar=_moment("%Y%m%d%H%M%S"),
)
DATETIME17 = FieldFormat(
    "datetime17",
    "a date-time yyyyMMddHHmmssSSS",
    re.compile(r"[0-9]{17}"),
    calendar=_moment("%Y%m%d%H%M%S%f"),
)
DATE8 = FieldFormat("date8", "a date yyyyMMdd", re.compile(r"[0-9]{8}"), calendar=_moment("%Y%m%d"))
def decimal(total: int, fraction: int) -> FieldFormat:
    """The standard's ``N<total>,<fraction>`` (xs:decimal totalDigits/fractionDigits), not negative.

    With the field's maximum length ``total + 1`` the pattern admits exactly the numbers of at most
    ``total`` digits, ``fraction`` of them after the point.
    """
    return FieldFormat(
        "decimal",
        f"a non-negative decimal number of at most {total} digits, {fraction} after the point, "
        "such as 120.50",
        re.compile(rf"[0-9]{{1,{total}}}(?:\.[0-9]{{1,{fraction}}})?"),
        digits=(total, fraction),
    )


def integer(total: int) -> FieldFormat:
    """The standard's ``N<total>`` (xs:int totalDigits), not negative."""
    return FieldFormat(
        "integer", f"a non-negative whole number of at most {total} digits",
        re.compile(r"[0-9]+"), digits=(total, 0),
    )


INTEGER = FieldFormat("integer", "a non-negative whole number", re.compile(r"[0-9]+"))
DECIMAL = decimal(19, 5)  # N19,5: every amount, quantity and weight of the export messages
SIGNED_INTEGER = FieldFormat("signed_integer", "a whole number", re.compile(r"-?[0-9]+"))
NUMBER18 = FieldFormat(
    "number18", "an 18-character number (letters and digits) customs or the platform assigned",
    re.compile(r"[0-9A-Za-z]{18}"),
)
MESSAGE_TYPE = FieldFormat(
    "message_type", "a message type such as CEB603", re.compile(r"CEB[0-9]{3}")
)

IE_FLAG = enum("E")
APP_TYPE = enum("1", "2", "3")
APP_STATUS = enum("1", "2")
TRADE_MODE = enum("9610", "9710", "9810", "1210", "1239")  # 1210/1239: bonded (special zone)
ORDER_TYPE = enum("E", "B", "W")
STATISTICS_FLAG = enum("A", "B")
FEE_MARK = enum("1", "2", "3")  # fFlag / iFlag: 1 rate, 2 unit price, 3 total
DXP_MODE = enum("DXP")
SUMMARY_FLAG = enum("1", "2")  # CEB701: 1 by consignor, 2 by consignor and producer
