"""A receipt as an enterprise receives it: a CEB receipt document in its format, signed when the
platform has a signing key.

The same receipt renders to the same bytes every time (its message guid is its receipt id, its
fields are stored), so a webhook retry, a redelivery or a replay carries what the topic carried.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from shared.messages import encode_receipt
from shared.messages.model import Receipt

Signer = Callable[[bytes, str], bytes]  # (body, format) -> signed body


@dataclass(frozen=True)
class ReceiptRenderer:
    """Renders receipts; ``signer`` (when the platform has a signing key) signs them."""

    signer: Signer | None = None

    def render(self, message_type: str, receipt_id: str, fields: dict[str, str], fmt: str) -> bytes:
        body = encode_receipt(Receipt(message_type=message_type, guid=str(receipt_id).upper(), fields=fields), fmt)
        if self.signer is not None:
            body = self.signer(body, fmt)
        return body


CONTENT_TYPES = {"xml": "application/xml; charset=utf-8", "json": "application/json"}
