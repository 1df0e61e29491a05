"""How a webhook delivery proves it came from the platform: HMAC-SHA256 over timestamp and body.

The enterprise's endpoint gets ``X-CBEC-Timestamp: <unix seconds>`` and
``X-CBEC-Signature: sha256=<hex>`` where ``<hex>`` is HMAC-SHA256 keyed with the subscription's
secret over ``<timestamp>.<body bytes>``. The receiver recomputes it, compares in constant time and
rejects timestamps too far from its clock (replayed requests).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "X-CBEC-Signature"
TIMESTAMP_HEADER = "X-CBEC-Timestamp"
RECEIPT_ID_HEADER = "X-CBEC-Receipt-Id"
ATTEMPT_HEADER = "X-CBEC-Delivery-Attempt"
DELIVERY_ID_HEADER = "X-CBEC-Delivery-Id"
# what the receipt is, without reading its body (with the trace headers of shared.kafka.headers)
MESSAGE_TYPE_HEADER = "X-CBEC-Message-Type"
BUSINESS_KEY_HEADER = "X-CBEC-Business-Key"
RETURN_STATUS_HEADER = "X-CBEC-Return-Status"
SCHEME = "sha256="


def new_secret() -> str:
    """A fresh shared secret for a subscription (256 bits, URL-safe)."""
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int | str, body: bytes) -> str:
    """The ``X-CBEC-Signature`` value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return SCHEME + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature_header: str, *,
           now: float | None = None, tolerance_s: float = 300.0) -> bool:
    """What a receiver does: check the signature and that the timestamp is recent."""
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        return False
    if now is not None and abs(now - sent) > tolerance_s:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), signature_header or "")
