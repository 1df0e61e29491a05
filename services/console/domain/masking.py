"""Personal data in what the console shows: masked unless the caller's role may see it.

Export declarations carry little about private persons, but what they carry — a contact's
telephone, a person's name, an identity document's number — is personal data under PIPL: an
officer working a list may see it, nobody else needs to. Masking is by field name (the CEB
vocabulary's ``…Telephone``, ``…IdNumber``, person-name fields) and by value (a resident identity
number or a mobile number written anywhere, e.g. in a note or a returnInfo).
"""
from __future__ import annotations

import re
from typing import Any

# roles that may see personal data (the others, and anonymous callers, see it masked)
SEES_PERSONAL_DATA = frozenset({"officer", "open"})

_PHONE_FIELD = re.compile(r"(telephone|phone|mobile|tel|fax)$", re.I)
_ID_FIELD = re.compile(r"(idnumber|idno|idcard|certno|passport)$", re.I)
_PERSON_FIELD = re.compile(r"^(buyer|consignee|consigner|payer|contact|person|receiver|sender)(name)?$|"
                           r"^(buyerName|consigneeName|payerName|contactName|personName|receiverName)$", re.I)
_RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{5}(?:19|20)[0-9]{2}[01][0-9][0-3][0-9][0-9]{3}[0-9Xx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9][0-9]{9}(?![0-9])")

MASK = "*"


def may_see_personal_data(role: str | None) -> bool:
    return role in SEES_PERSONAL_DATA


def mask_number(value: str, keep: int = 4) -> str:
    """Every digit and letter but the last ``keep`` becomes ``*`` (separators stay)."""
    chars = list(value)
    alnum = [i for i, c in enumerate(chars) if c.isalnum()]
    for i in alnum[:-keep] if keep else alnum:
        chars[i] = MASK
    return "".join(chars)


def mask_name(value: str) -> str:
    """A person's name: its first character only (王小明 → 王**, Li Wei → L*****)."""
    value = value.strip()
    return value[:1] + MASK * (len(value) - 1) if value else value


# a document quoted in a text (a dead letter's payload): its elements and JSON members by field name
_EMBEDDED_XML = re.compile(r"<((?:[\w.-]+:)?)([A-Za-z]+)>([^<]*)</\1\2>")
_EMBEDDED_JSON = re.compile(r'"([A-Za-z]+)"(\s*:\s*)"((?:[^"\\]|\\.)*)"')


def _by_field(field: str, value: str) -> str | None:
    if _PHONE_FIELD.search(field) or _ID_FIELD.search(field):
        return mask_number(value)
    if _PERSON_FIELD.search(field):
        return mask_name(value)
    return None


def _mask_embedded(value: str) -> str:
    if "<" in value:
        value = _EMBEDDED_XML.sub(lambda m: f"<{m[1]}{m[2]}>{_by_field(m[2], m[3]) or m[3]}</{m[1]}{m[2]}>", value)
    if '"' in value:
        value = _EMBEDDED_JSON.sub(lambda m: f'"{m[1]}"{m[2]}"{_by_field(m[1], m[3]) or m[3]}"', value)
    return value


def _mask_text(value: str) -> str:
    value = _mask_embedded(value)
    value = _RESIDENT_ID.sub(lambda m: mask_number(m.group(0)), value)
    return _MOBILE.sub(lambda m: mask_number(m.group(0)), value)


def mask_personal(payload: Any, role: str | None) -> Any:
    """``payload`` (decoded JSON) with personal data masked, unless ``role`` may see it."""
    if may_see_personal_data(role):
        return payload
    return _masked(payload, None)


def _masked(value: Any, field: str | None) -> Any:
    if isinstance(value, dict):
        return {k: _masked(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v, field) for v in value]
    if not isinstance(value, str) or not value:
        return value
    if field is not None and (masked := _by_field(field, value)) is not None:
        return masked
    return _mask_text(value)
