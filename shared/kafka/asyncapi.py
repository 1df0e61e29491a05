"""The AsyncAPI 3.0 document of the product's topics, generated from the code.

``python -m shared.kafka.asyncapi > docs/asyncapi.json`` writes it; tests fail when the committed
document and the code disagree, and when the official parser (``@asyncapi/parser``, run by
``tests/contract/test_asyncapi_parser.py``) finds an error in it. Topics come from
``shared/kafka/topics.py``; the CEB messages and receipts are described by the JSON Schemas of
their JSON twin, derived from the official XSD (``shared.messages.json_schema``), and their XML
form by the XSD itself; the internal events by their pydantic contracts (``shared/contracts.py``).
The document is written from the platform's side: it *receives* what enterprises send and *sends*
their receipts.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from shared.contracts import CredentialRevoked, Declaration, EnterpriseRegistered, FlowCounts, ReceiptIssued
from shared.kafka import access, topics
from shared.kafka import headers as H
from shared.messages.catalogue import MESSAGE_SPECS, RECEIPT_SPECS
from shared.messages.json_schema import EDITION, schema_for

XSD_DOCS = f"docs/schemas/{EDITION}/xsd/"
# where the local stack serves the schemas (the gateway's /schemas/ route)
SCHEMAS_URL = f"http://127.0.0.1:8080/schemas/{EDITION}/"
_SCHEMA_REF = "#/components/schemas/{model}"

INBOUND_HEADERS = {
    H.TRACEPARENT: "optional: the ERP's W3C Trace Context (00-<trace id>-<span id>-<flags>); every receipt of "
                   "this message carries its trace id back (cbec-trace-id, traceparent)",
    H.TRACE_ID: "optional: the ERP's own trace id, when it sends no traceparent; every receipt carries it back",
}
INTERNAL_HEADERS = {
    H.MESSAGE_ID: "the outbox id of the message; a consumer drops a message id it has seen",
    H.TRACE_ID: "trace of the inbound message this one descends from",
    H.TRACEPARENT: "W3C Trace Context of that trace: its 32-hex trace id, the span that sent this message",
}
RECEIPT_HEADERS = {
    H.RECEIPT_ID: "unique per receipt; a replay keeps it, so an ERP drops a receipt id it has seen",
    H.MESSAGE_TYPE: "the receipt's type, e.g. CEB604",
    H.RETURN_STATUS: "the receipt's returnStatus, e.g. 120",
    H.REPLAY: "true on receipts replayed by an operator",
    H.TRACE_ID: "the trace id of the message answered (the ERP's own, when it sent one)",
    H.TRACEPARENT: "W3C Trace Context: the trace id of the message answered (the ERP's traceparent's, when it "
                   "sent one; a cbec-trace-id that is not 32 hex digits as the first 32 of its SHA-256)",
    H.MESSAGE_ID: "the outbox id of the delivery",
}
DEAD_LETTER_HEADERS = {
    H.DLQ_REASON: "why the message was not processed",
    H.DLQ_SOURCE_TOPIC: "where it was read",
    H.DLQ_SOURCE_PARTITION: "",
    H.DLQ_SOURCE_OFFSET: "",
}


def _headers(described: dict[str, str]) -> dict[str, Any]:
    return {"type": "object",
            "properties": {h: {"type": "string", "description": d} for h, d in described.items()}}


def _key(description: str) -> dict[str, Any]:
    return {"kafka": {"key": {"type": "string", "description": description}}}


def _contract(model: type[BaseModel], schemas: dict[str, Any]) -> dict[str, Any]:
    """The pydantic model's schema with its definitions hoisted into components/schemas."""
    schema = model.model_json_schema(ref_template=_SCHEMA_REF)
    schemas.update(schema.pop("$defs", {}))
    schemas[model.__name__] = schema
    return {"$ref": _SCHEMA_REF.format(model=model.__name__)}


def _ceb_schema(root: str, schemas: dict[str, Any]) -> dict[str, Any]:
    schema = schema_for(root)
    schema.pop("$schema")
    schema.pop("$id")
    schemas[root] = schema
    return {"$ref": _SCHEMA_REF.format(model=root)}


def _ceb_pair(root: str, title: str, key: str, headers: dict[str, Any], messages: dict[str, Any], schemas: dict[str, Any]) -> list[str]:
    """The XML and JSON messages of one CEB type: their ids in components/messages."""
    xsd = "ceb-import-202205.xsd" if root == "CEB900Message" else "ceb-export-202205.xsd"
    messages[f"{root}.xml"] = {
        "name": f"{root}.xml", "title": f"{title} (XML)", "contentType": "application/xml",
        "summary": f"{root} in XML, namespace http://www.chinaport.gov.cn/ceb; it validates against {XSD_DOCS}{xsd}.",
        "payload": {"type": "string", "description": f"the XML document; schema: {XSD_DOCS}{xsd}"},
        "headers": _headers(headers), "bindings": _key(key),
        "externalDocs": {"url": f"{SCHEMAS_URL}xsd/{xsd}", "description": "the official XSD"},
    }
    messages[f"{root}.json"] = {
        "name": f"{root}.json", "title": f"{title} (JSON)", "contentType": "application/json",
        "summary": f"{root} as its JSON twin (docs/schemas/{EDITION}/json/{root}.schema.json).",
        "payload": _ceb_schema(root, schemas), "headers": _headers(headers), "bindings": _key(key),
    }
    return [f"{root}.xml", f"{root}.json"]


def _refs(ids: list[str]) -> dict[str, Any]:
    return {i.replace(".", "_"): {"$ref": f"#/components/messages/{i}"} for i in ids}


def _operation(action: str, channel: str, summary: str, message_refs: Iterable[str] | dict[str, Any], *, secured: bool = False) -> dict[str, Any]:
    op = {"action": action, "channel": {"$ref": f"#/channels/{channel}"}, "summary": summary,
          "messages": [{"$ref": f"#/channels/{channel}/messages/{name}"} for name in message_refs]}
    if secured:
        op["security"] = [{"$ref": _SCRAM_REF}]
    return op


_SCRAM_REF = "#/components/securitySchemes/enterpriseScram"
SENDER_FROM_TOPIC = (
    "The sender is the enterprise the topic names: in the secure profile only the principal {dxpId} "
    "(SASL/SCRAM-SHA-512, the password POST /enterprises answers) may write it. The key is optional; "
    "one naming another DXP id sends the message to ceb.inbound.dlq (reason 'sender mismatch').")


def build_document() -> dict[str, Any]:
    quotas = ", ".join(f"{k}={v:g}" for k, v in access.ENTERPRISE_QUOTAS.items())
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    inbound = []
    for spec in MESSAGE_SPECS.values():
        inbound += _ceb_pair(spec.root, f"{spec.message_type} {spec.title}", "the sender's DXP id",
                             INBOUND_HEADERS, messages, schemas)
    receipts = []
    for receipt in RECEIPT_SPECS.values():
        answers = f" (answers {receipt.answers})" if receipt.answers else " (the message could not be read)"
        receipts += _ceb_pair(receipt.root, f"{receipt.message_type} receipt{answers}",
                              "the business key of the answered document (e.g. the list's copNo)",
                              RECEIPT_HEADERS, messages, schemas)
    messages["DeadLetter"] = {"name": "DeadLetter", "title": "Inbound message not processed",
                              "payload": {"type": "string", "description": "the original bytes, as sent"},
                              "headers": _headers(DEAD_LETTER_HEADERS), "bindings": _key("the original key, if any")}
    messages["InternalDeadLetter"] = {"name": "InternalDeadLetter", "title": "Internal message not applied",
                                      "payload": {"type": "string", "description": "the original bytes"},
                                      "headers": _headers(DEAD_LETTER_HEADERS), "bindings": _key("the original key")}
    for model, key in ((Declaration, "the document's business key"), (ReceiptIssued, "the business key"),
                       (EnterpriseRegistered, "the enterprise code"), (CredentialRevoked, "the token id (jti)"),
                       (FlowCounts, "the publishing service")):
        messages[model.__name__] = {"name": model.__name__, "title": model.__name__, "contentType": "application/json",
                                    "payload": _contract(model, schemas), "headers": _headers(INTERNAL_HEADERS),
                                    "bindings": _key(key)}

    channels = {
        "enterpriseInbound": {"address": topics.INBOUND_TOPIC_PREFIX + "{dxpId}", "title": "An enterprise's messages in",
                              "description": "One inbound topic per registered enterprise (created when it is "
                                             "registered), value = one message in XML (optionally inside a DXP "
                                             "envelope) or its JSON twin. " + SENDER_FROM_TOPIC,
                              "parameters": {"dxpId": {"description": "the enterprise's DXP id"}},
                              "messages": _refs(inbound)},
        "inbound": {"address": topics.INBOUND, "title": "Enterprise messages in (open demo profile)",
                    "description": "The open local demo profile only: enterprises send their CEB messages here, "
                                   "key = their DXP id, which anyone can set. No enterprise may write it in the "
                                   "secure profile.",
                    "messages": _refs(inbound)},
        "inboundDeadLetters": {"address": topics.INBOUND_DLQ, "title": "Inbound dead letters",
                               "description": "Inbound messages whose sender cannot be named (no key, unregistered "
                                              "DXP id, a key naming another DXP id than the enterprise inbound "
                                              "topic), as sent.", "messages": _refs(["DeadLetter"])},
        "enterpriseReceipts": {"address": topics.RECEIPT_TOPIC_PREFIX + "{dxpId}", "title": "An enterprise's receipts",
                               "description": "One topic per registered enterprise: every receipt it is owed, once, "
                                              "in order per key, in the format of the message answered. In the "
                                              "secure profile only the principal {dxpId} may read it, in consumer "
                                              "groups named {dxpId} or {dxpId}.<anything>. Receipts are published in "
                                              "Kafka transactions: read with isolation.level=read_committed, or an "
                                              "aborted copy may be seen.",
                               "parameters": {"dxpId": {"description": "the enterprise's DXP id"}},
                               "messages": _refs(receipts)},
        "declarations": {"address": topics.DECLARATIONS, "title": "Internal: verified declarations",
                         "description": "Messages that passed the preliminary verification (gateway → management).",
                         "messages": _refs(["Declaration"])},
        "receipts": {"address": topics.RECEIPTS, "title": "Internal: receipts to deliver",
                     "description": "Receipts decided by the gateway or management, to be delivered by notification.",
                     "messages": _refs(["ReceiptIssued"])},
        "enterprises": {"address": topics.ENTERPRISES, "title": "Internal: the enterprise registry",
                        "description": "Compacted: the registry as the other services see it.",
                        "messages": _refs(["EnterpriseRegistered"])},
        "credentials": {"address": topics.CREDENTIALS, "title": "Internal: revoked credentials",
                        "description": "Compacted by token id: the credentials an admin revoked, which every "
                                       "service refuses from then on.",
                        "messages": _refs(["CredentialRevoked"])},
        "deadLetters": {"address": topics.DEAD_LETTERS, "title": "Internal dead letters",
                        "description": "Internal messages a service could not apply, with the reason in headers.",
                        "messages": _refs(["InternalDeadLetter"])},
        "flows": {"address": topics.FLOWS, "title": "Internal: flow counts for the flow monitor",
                  "description": "One record per relay round that published receipts or inbound dead letters: how "
                                 "many of each kind, and how long each kind waited from decision to publication; "
                                 "written in the round's Kafka transaction (read_committed: each counted once).",
                  "messages": _refs(["FlowCounts"])},
    }
    operations = {
        "receiveEnterpriseInbound": _operation("receive", "enterpriseInbound", "ERP → gateway",
                                               channels["enterpriseInbound"]["messages"], secured=True),
        "receiveEnterpriseMessages": _operation("receive", "inbound", "ERP → gateway (open demo profile)",
                                                channels["inbound"]["messages"]),
        "sendInboundDeadLetters": _operation("send", "inboundDeadLetters", "gateway → operators",
                                             channels["inboundDeadLetters"]["messages"]),
        "sendReceipts": _operation("send", "enterpriseReceipts", "notification → ERP",
                                   channels["enterpriseReceipts"]["messages"], secured=True),
        "sendDeclarations": _operation("send", "declarations", "gateway → management", channels["declarations"]["messages"]),
        "sendInternalReceipts": _operation("send", "receipts", "gateway, management → notification",
                                           channels["receipts"]["messages"]),
        "sendRegistry": _operation("send", "enterprises", "gateway → notification", channels["enterprises"]["messages"]),
        "sendRevocations": _operation("send", "credentials", "gateway → every service",
                                      channels["credentials"]["messages"]),
        "sendDeadLetters": _operation("send", "deadLetters", "management, notification → operators",
                                      channels["deadLetters"]["messages"]),
        "sendFlowCounts": _operation("send", "flows", "every service's relay → the flow monitor",
                                     channels["flows"]["messages"]),
    }
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "cbec-clearance topics", "version": "1.0.0",
                 "description": "Kafka topics of the cross-border e-commerce export clearance platform, from the "
                                "platform's side. All names take the optional CBEC_TOPIC_PREFIX. The CEB messages "
                                f"follow the official {EDITION} standard (docs/schemas/)."},
        "defaultContentType": "application/json",
        "servers": {
            "local": {"host": "127.0.0.1:9092", "protocol": "kafka",
                      "description": "the open local demo profile of `make up`: PLAINTEXT, no ACLs, anyone may read "
                                     "and write every topic; never expose it"},
            "secure": {"host": "127.0.0.1:9092", "protocol": "kafka", "security": [{"$ref": _SCRAM_REF}],
                       "description": "the secure profile (`make up PROFILE=secure`): SASL_PLAINTEXT with "
                                      "SCRAM-SHA-512 (SASL_SSL across a network), ACLs, no topic auto-creation; an "
                                      f"enterprise's principal is its DXP id, with the quotas {quotas}"},
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas, "securitySchemes": {"enterpriseScram": {
            "type": "scramSha512",
            "description": "username: the enterprise's DXP id; password: answered by POST /enterprises (the "
                           "gateway's admin API), shown once, set anew by every registration"}}},
    }


def addresses(document: dict[str, Any]) -> set[str]:
    return {channel["address"] for channel in document["channels"].values()}


def render() -> str:
    return json.dumps(build_document(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
