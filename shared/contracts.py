"""Events the services exchange on internal topics (JSON, pydantic v2).

These are the project's own contracts, versioned by field addition only.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from shared.kafka import topics
from shared.kafka.received import Decoder, json_contract
from shared.messages.model import CebMessage, Format


class Recipient(BaseModel):
    dxp_id: str
    format: Format = "xml"


class ReceiptIssued(BaseModel):
    """A receipt decided by a service, to be delivered by notification (topic ``cbec.receipts``)."""

    receipt_id: str  # stable UUID: the same receipt re-sent keeps its id
    message_type: str  # CEB604, CEB608, CEB508, CEB510, CEB606, CEB900, ...
    business_key: str  # Kafka key on the enterprise's topic, e.g. the list's copNo
    fields: dict[str, str]  # guid, business key fields, returnStatus, returnTime, returnInfo
    recipients: list[Recipient]
    # party codes the receipt also concerns (e.g. the list's ebcCode); notification resolves
    # them to registered enterprises (issue 5)
    concerns: list[str] = Field(default_factory=list)
    issued_at: datetime
    issued_by: str  # "gateway" | "management"
    trace_id: str = ""
    # the sandbox only (CBEC_SANDBOX=1, shared/sandbox): what notification does on delivery
    # (no_receipt, duplicate, reorder, delay), decided where the receipt was issued
    sandbox: str | None = None


class Declaration(BaseModel):
    """A message that passed the preliminary verification (topic ``cbec.declarations``)."""

    message: CebMessage
    sender_dxp_id: str
    sender_code: str
    received_at: datetime
    # the platform's acceptance receipts (returnStatus 2), one per document (a split bill: one per
    # part, in ``parts`` order), emitted by management before its own decision so that a
    # document's receipts leave one outbox in order
    acceptance: list[ReceiptIssued] = Field(default_factory=list)
    # a split bill's parts as they came: the fields each part's own receipts carry (its guid and
    # msgSeqNo), in msgSeqNo order; empty for a whole message
    parts: list[dict[str, str]] = Field(default_factory=list)
    pre_nos: list[str] = Field(default_factory=list)  # platform numbers, one per document
    trace_id: str = ""


class EnterpriseRegistered(BaseModel):
    """The registry's view of an enterprise (topic ``cbec.enterprises``, compacted by code)."""

    code: str
    name: str
    dxp_id: str
    roles: list[str]
    receipt_format: Format | None = None


class CredentialRevoked(BaseModel):
    """An admin revoked one issued credential (topic ``cbec.credentials``, compacted by token id):
    every service refuses the token from then on (``shared/credential_revocations.py``)."""

    token_id: str = Field(description="the token's jti")
    revoked_at: datetime
    revoked_by: str
    expires_at: datetime = Field(description="when the token would have expired (the revocation may be forgotten after)")


class FlowCounts(BaseModel):
    """What one relay round published of what operators watch (topic ``cbec.flows``, read by the flow
    monitor; ``shared/flow_counts.py``): written in the round's own Kafka transaction, so every
    receipt and dead letter is counted exactly once, in one small record per round."""

    source: str  # the service whose relay published the round
    published_at: datetime
    receipts: dict[str, int] = Field(default_factory=dict)  # "CEB604:120" -> how many
    dead_letters: dict[str, int] = Field(default_factory=dict)  # reason (up to its first colon) -> how many
    # "CEB604:120" -> receipts per latency bucket (decided → published, ms; bounds LATENCY_BOUNDS_MS, the
    # last bucket unbounded)
    latency_ms: dict[str, list[int]] = Field(default_factory=dict)


# what each internal topic carries: the consumer loop decodes its records into it
# (``shared.kafka.received``); a compacted topic's record without a value is a tombstone
TOPIC_CONTRACTS: dict[str, type[BaseModel]] = {
    topics.DECLARATIONS: Declaration,
    topics.RECEIPTS: ReceiptIssued,
    topics.ENTERPRISES: EnterpriseRegistered,
    topics.CREDENTIALS: CredentialRevoked,
    topics.FLOWS: FlowCounts,
}


def contract_decoder(logical_topics: list[str]) -> Decoder[Any]:
    """The decoder of a consumer of internal topics: their one contract, as JSON."""
    models = {TOPIC_CONTRACTS.get(t) for t in logical_topics}
    if len(models) != 1 or None in models:
        raise ValueError(f"topics {logical_topics} do not carry one contract of shared.contracts.TOPIC_CONTRACTS: "
                         "give the consumer its decoder")
    compacted = all(topics.FIXED_TOPICS.get(t, {}).get("cleanup.policy") == "compact" for t in logical_topics)
    return json_contract(TOPIC_CONTRACTS[logical_topics[0]], tombstones=compacted)
