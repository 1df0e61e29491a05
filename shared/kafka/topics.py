"""Every topic the product uses, declared once. See docs/architecture.md."""
from __future__ import annotations

INBOUND = "ceb.inbound"
INBOUND_DLQ = "ceb.inbound.dlq"
DECLARATIONS = "cbec.declarations"
RECEIPTS = "cbec.receipts"
ENTERPRISES = "cbec.enterprises"
DEAD_LETTERS = "cbec.deadletters"
RECEIPT_TOPIC_PREFIX = "ceb.receipts."

# topics created at start-up (name -> extra config)
FIXED_TOPICS: dict[str, dict[str, str]] = {
    INBOUND: {},
    INBOUND_DLQ: {},
    DECLARATIONS: {},
    RECEIPTS: {},
    ENTERPRISES: {"cleanup.policy": "compact"},
    DEAD_LETTERS: {},
}


def receipt_topic(dxp_id: str) -> str:
    """The topic an enterprise reads its receipts from."""
    return f"{RECEIPT_TOPIC_PREFIX}{dxp_id}"
