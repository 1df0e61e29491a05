"""Every topic the product uses, declared once. See docs/architecture.md."""
from __future__ import annotations

import re

INBOUND = "ceb.inbound"
INBOUND_DLQ = "ceb.inbound.dlq"
DECLARATIONS = "cbec.declarations"
RECEIPTS = "cbec.receipts"
ENTERPRISES = "cbec.enterprises"
CREDENTIALS = "cbec.credentials"  # revoked credentials (shared/credential_revocations.py)
DEAD_LETTERS = "cbec.deadletters"
FLOWS = "cbec.flows"  # per relay round: what it published, counted (shared/flow_counts.py; the flow monitor)
RECEIPT_TOPIC_PREFIX = "ceb.receipts."
# one inbound topic per enterprise, ceb.inbound.<DXP id>: in the secure profile only that
# enterprise's principal may write it, so the topic names the sender (docs: README, "Identity")
INBOUND_TOPIC_PREFIX = "ceb.inbound."
_DXP_ID = "[A-Z0-9]{4,32}"  # services/gateway/domain/enterprise.py; never "dlq"

# topics enterprises produce to (with their per-enterprise ceb.inbound.<dxp> twins, which the
# gateway reads by pattern: external=True): their records' headers are never trusted
EXTERNAL_TOPICS = frozenset({INBOUND})

# topics created at start-up (name -> extra config)
FIXED_TOPICS: dict[str, dict[str, str]] = {
    INBOUND: {},
    INBOUND_DLQ: {},
    DECLARATIONS: {},
    RECEIPTS: {},
    ENTERPRISES: {"cleanup.policy": "compact"},
    CREDENTIALS: {"cleanup.policy": "compact"},
    DEAD_LETTERS: {},
    FLOWS: {"retention.ms": str(7 * 24 * 3600 * 1000)},
}


def receipt_topic(dxp_id: str) -> str:
    """The topic an enterprise reads its receipts from."""
    return f"{RECEIPT_TOPIC_PREFIX}{dxp_id}"


def inbound_topic(dxp_id: str) -> str:
    """The topic an enterprise writes its messages to (only it may, in the secure profile)."""
    return f"{INBOUND_TOPIC_PREFIX}{dxp_id}"


def inbound_pattern(prefix: str = "") -> str:
    """What the gateway subscribes to: the shared ``ceb.inbound`` and every ``ceb.inbound.<DXP id>``."""
    return f"^{re.escape(prefix + INBOUND)}(?:\\.{_DXP_ID})?$"


def inbound_sender(topic: str, prefix: str = "") -> str | None:
    """The DXP id an enterprise inbound topic names; None for the shared ``ceb.inbound``."""
    name = topic[len(prefix):] if topic.startswith(prefix) else topic
    if name.startswith(INBOUND_TOPIC_PREFIX) and re.fullmatch(_DXP_ID, name[len(INBOUND_TOPIC_PREFIX):]):
        return name[len(INBOUND_TOPIC_PREFIX):]
    return None
