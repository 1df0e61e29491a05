"""The AsyncAPI document of the product's topics, generated from the code.

``python -m shared.kafka.asyncapi > docs/asyncapi.json`` writes it; a test fails when the
committed document and the code disagree (topics in ``shared/kafka/topics.py``, payloads from the
pydantic contracts in ``shared/contracts.py``).
"""
from __future__ import annotations

import json
import sys

from shared.contracts import Declaration, EnterpriseRegistered, ReceiptIssued
from shared.kafka import topics

CEB_MESSAGE = {
    "type": "string",
    "description": "One CEB message as the enterprise wrote it: XML in the http://www.chinaport.gov.cn/ceb "
                   "namespace (optionally inside a DXP envelope) or its JSON form; see docs/verification.md.",
}
CEB_RECEIPT = {
    "type": "string",
    "description": "A CEB receipt message (CEB304, CEB404, CEB506, CEB604, CEB606, CEB608, CEB508, CEB510, "
                   "CEB900) in the format of the answered message, carrying the original guid, the business "
                   "key fields, returnStatus, returnTime and returnInfo.",
}


def _message(name: str, payload: dict, key: str, headers: dict[str, str] | None = None) -> dict:
    msg: dict = {"name": name, "payload": payload, "bindings": {"kafka": {"key": {"type": "string", "description": key}}}}
    if headers:
        msg["headers"] = {"type": "object", "properties": {h: {"type": "string", "description": d} for h, d in headers.items()}}
    return msg


COMMON_HEADERS = {
    "cbec-message-id": "the outbox id of the message; a consumer drops a message id it has seen",
    "cbec-trace-id": "trace of the inbound message this one descends from",
}


def build_document() -> dict:
    channels = {
        topics.INBOUND: {
            "description": "Enterprises send their CEB messages here.",
            "publish": {"summary": "ERP → gateway", "message": _message("CebMessage", CEB_MESSAGE, "the sender's DXP id")},
        },
        topics.INBOUND_DLQ: {
            "description": "Inbound messages whose sender cannot be named (no key, unregistered DXP id), as sent.",
            "subscribe": {"summary": "gateway → operators", "message": _message(
                "DeadLetter", CEB_MESSAGE, "the original key, if any",
                {"dlq-reason": "why the message was not processed", "dlq-source-topic": "", "dlq-source-partition": "",
                 "dlq-source-offset": ""})},
        },
        topics.RECEIPT_TOPIC_PREFIX + "{dxpId}": {
            "description": "One topic per registered enterprise: every receipt it is owed, once, in order per key.",
            "parameters": {"dxpId": {"description": "the enterprise's DXP id", "schema": {"type": "string"}}},
            "subscribe": {"summary": "notification → ERP", "message": _message(
                "CebReceipt", CEB_RECEIPT, "the business key of the answered document (e.g. the list's copNo)",
                {"cbec-receipt-id": "unique per receipt; replays keep it", "cbec-message-type": "e.g. CEB604",
                 "cbec-return-status": "e.g. 120", "cbec-replay": "true on receipts replayed by an operator",
                 **COMMON_HEADERS})},
        },
        topics.DECLARATIONS: {
            "description": "Internal: messages that passed the preliminary verification.",
            "publish": {"summary": "gateway → management", "message": _message(
                "Declaration", Declaration.model_json_schema(), "the document's business key", COMMON_HEADERS)},
        },
        topics.RECEIPTS: {
            "description": "Internal: receipts decided by the gateway or management, to be delivered.",
            "publish": {"summary": "gateway, management → notification", "message": _message(
                "ReceiptIssued", ReceiptIssued.model_json_schema(), "the business key", COMMON_HEADERS)},
        },
        topics.ENTERPRISES: {
            "description": "Internal, compacted: the enterprise registry as the other services see it.",
            "publish": {"summary": "gateway → notification", "message": _message(
                "EnterpriseRegistered", EnterpriseRegistered.model_json_schema(), "the enterprise code", COMMON_HEADERS)},
        },
        topics.DEAD_LETTERS: {
            "description": "Internal messages a service could not apply, with the reason in headers.",
            "subscribe": {"summary": "management, notification → operators", "message": _message(
                "InternalDeadLetter", {"type": "string"}, "the original key",
                {"dlq-reason": "why it could not be applied", "dlq-source-topic": "", "dlq-source-partition": "",
                 "dlq-source-offset": ""})},
        },
    }
    return {
        "asyncapi": "2.6.0",
        "info": {"title": "cbec-clearance topics", "version": "1.0.0",
                 "description": "Kafka topics of the cross-border e-commerce export clearance platform. "
                                "All names take the optional CBEC_TOPIC_PREFIX."},
        "servers": {"local": {"url": "127.0.0.1:9092", "protocol": "kafka"}},
        "channels": channels,
    }


def render() -> str:
    return json.dumps(build_document(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
