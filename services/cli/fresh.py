"""``cbec send --fresh``: new guids and business numbers, so a sample can be sent again.

The gateway answers a guid used before with 2201 and management a business key already declared
with 2202; a fresh copy has a new guid (the message's and each document's) and new numbers for the
keys documents refer to each other by (``copNo``, ``orderNo``, ``logisticsNo``, ``billNo``,
``payNo``). One :class:`Renumbering` maps each old number to the same new one in every file it
renews, so a folder that makes a journey (order, waybill, list, bill naming the list's
logisticsNo, arrival naming the bill) still makes one. A number keeps its start and ends with a
run-unique serial of digits, within the field's length. ``invtNo`` is customs' and stays.
"""
from __future__ import annotations

import secrets
import uuid
from functools import cache

from shared.messages import decode_message, encode_message
from shared.messages.catalogue import MESSAGE_SPECS
from shared.messages.model import CebMessage

RENUMBERED = ("copNo", "orderNo", "logisticsNo", "billNo", "payNo")


@cache
def _max_length(name: str) -> int:
    """The shortest maximum length the field has in any message (a number fits everywhere it goes)."""
    lengths = [f.max_length for spec in MESSAGE_SPECS.values()
               for f in (*spec.document.head_fields, *spec.document.item_fields) if f.name == name and f.max_length]
    return min(lengths) if lengths else 30


class Renumbering:
    def __init__(self, run: str | None = None) -> None:
        self.run = run or f"{secrets.randbelow(10**7):07d}"
        self.numbers: dict[tuple[str, str], str] = {}

    def number(self, name: str, old: str) -> str:
        if not old:
            return old
        key = (name, old)
        if key not in self.numbers:
            serial = f"{self.run}{len(self.numbers) + 1:03d}"
            keep = min(len(old) - 4, _max_length(name) - len(serial))  # the start of the old number
            self.numbers[key] = old[:max(0, keep)] + serial
        return self.numbers[key]

    def renew(self, message: CebMessage) -> CebMessage:
        message = message.model_copy(deep=True)
        message.guid = str(uuid.uuid4()).upper()
        message.signed = False
        for doc in message.documents:
            if "guid" in doc.head:
                doc.head["guid"] = str(uuid.uuid4()).upper()
            for place in (doc.head, *doc.items):
                for name in RENUMBERED:
                    if place.get(name):
                        place[name] = self.number(name, place[name])
        return message

    def renew_bytes(self, raw: bytes) -> bytes:
        """The message with new numbers, in its format (unsigned, outside any DXP envelope)."""
        message, _ = decode_message(raw)
        return encode_message(self.renew(message), message.format)
