"""Delivering receipts: each receipt once to each enterprise it concerns, in its format.

A receipt is recorded by its ``receipt_id`` (so a re-sent copy is dropped, even across restarts)
and rendered for each recipient onto ``ceb.receipts.<DXP id>`` through the outbox, keyed by the
business key; a partition of ``cbec.receipts`` is consumed in order and the outbox publishes in
order, so a document's receipts reach the enterprise in the order they were issued. In the same
transaction a webhook delivery is queued for every recipient with an active subscription; the
webhook dispatcher POSTs it later, so a slow endpoint never holds up the topic.

A whole consumer batch is written with a handful of statements (receipts, recipients,
subscriptions, deliveries), whatever its size.
"""
from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from shared.contracts import EnterpriseRegistered, ReceiptIssued, Recipient
from shared.db.outbox import OutgoingMessage
from shared.kafka import topics
from shared.kafka.consumer import Batch
from shared.kafka.headers import MESSAGE_TYPE as MESSAGE_TYPE_HEADER
from shared.kafka.headers import RECEIPT_ID as RECEIPT_ID_HEADER
from shared.kafka.headers import REPLAY as REPLAY_HEADER
from shared.kafka.headers import RETURN_STATUS as RETURN_STATUS_HEADER
from shared.kafka.headers import TRACE_ID as TRACE_ID_HEADER
from shared.kafka.received import Received
from shared.sandbox.delivery import delivery_route

from ..adapters import receipt_store, webhook_store
from ..adapters.receipt_store import KafkaDelivery
from ..domain.receipt_rendering import ReceiptRenderer
from ..settings import NotificationSettings


def receipt_headers(receipt_id: str, trace_id: str, message_type: str, return_status: str) -> dict[str, str]:
    return {RECEIPT_ID_HEADER: receipt_id, TRACE_ID_HEADER: trace_id, MESSAGE_TYPE_HEADER: message_type,
            RETURN_STATUS_HEADER: return_status}


class Delivery:
    def __init__(self, settings: NotificationSettings, renderer: ReceiptRenderer | None = None,
                 wake_dispatcher: Callable[[], None] | None = None) -> None:
        self.settings = settings
        self.renderer = renderer or ReceiptRenderer()
        self._wake_dispatcher = wake_dispatcher or (lambda: None)
        self.delivered = 0
        self._topic_of: dict[str, str] = {}  # DXP id -> its receipt topic

    async def handle_receipts(self, messages: list[Received[ReceiptIssued]], batch: Batch) -> None:
        issued: list[ReceiptIssued] = []
        for message in messages:
            receipt = message.model
            receipt_id = _canonical(receipt.receipt_id)
            if receipt_id is not receipt.receipt_id:
                receipt.receipt_id = receipt_id  # the instance is this consumer's own (decoded for it)
            issued.append(receipt)
        first = _first_of_each(issued)
        fresh = await receipt_store.record_receipts(batch.conn, first)
        todo = [r for r in first if r.receipt_id in fresh]
        if not todo:
            return
        known = await receipt_store.enterprises_by_code(batch.conn, {c for r in todo for c in r.concerns})
        plan = [(r, recipients_of(r, known)) for r in todo]
        with_webhook = await webhook_store.subscribed(batch.conn, {p.dxp_id for _, ps in plan for p in ps})
        kafka: list[KafkaDelivery] = []
        webhooks: list[tuple[str, str, str, str]] = []
        topic_of = self._topic_of
        receipt_body = self.renderer.receipt_body
        per_recipient = self.renderer.per_recipient
        route = delivery_route(self.settings.service, batch.emit)  # the sandbox's, or batch.emit
        for receipt, recipients in plan:
            receipt_id, business_key = receipt.receipt_id, receipt.business_key
            key = business_key.encode()
            headers = list(receipt_headers(receipt_id, receipt.trace_id, receipt.message_type,
                                           receipt.fields.get("returnStatus", "")).items())
            # a receipt renders to the same bytes for each recipient of a format (a signed XML one: per
            # recipient, its envelope names them)
            bodies: dict[tuple[str, str], bytes] = {}
            for recipient in recipients:
                dxp_id, fmt = recipient.dxp_id, recipient.format
                who = dxp_id if per_recipient and fmt == "xml" else ""
                body = bodies.get((fmt, who))
                if body is None:
                    body = bodies[fmt, who] = receipt_body(receipt.message_type, receipt_id, receipt.fields, fmt, dxp_id)
                topic = topic_of.get(dxp_id)
                if topic is None:
                    topic = topic_of[dxp_id] = self.settings.topic(topics.receipt_topic(dxp_id))
                message = OutgoingMessage(topic, key, body, headers.copy())
                route.send(receipt.sandbox, message)
                kafka.append(KafkaDelivery(receipt_id, dxp_id, fmt, message.message_id))
                if dxp_id in with_webhook:
                    webhooks.append((receipt_id, dxp_id, business_key, fmt))
        await route.flush(batch.conn)
        await receipt_store.record_kafka_deliveries(batch.conn, kafka)
        await webhook_store.queue(batch.conn, webhooks)
        self.delivered += len(kafka)
        if webhooks:
            self._wake_dispatcher()

    async def handle_enterprises(self, messages: list[Received[EnterpriseRegistered]], batch: Batch) -> None:
        for message in messages:  # tombstones are left out by the consumer loop
            await receipt_store.project_enterprise(batch.conn, message.model)


def recipients_of(receipt: ReceiptIssued, known: dict[str, receipt_store.KnownEnterprise]) -> list[Recipient]:
    """The receipt's named recipients, then the registered enterprises it concerns, each once.

    An enterprise reached through ``concerns`` gets the format it registered, else the format of
    the answered message (the first recipient's)."""
    out = {r.dxp_id: r for r in receipt.recipients}
    fallback = receipt.recipients[0].format if receipt.recipients else "xml"
    for code in receipt.concerns:
        e = known.get(code)
        if e is not None and e.dxp_id not in out:
            out[e.dxp_id] = Recipient(dxp_id=e.dxp_id, format=e.receipt_format or fallback)
    return list(out.values())


_CANONICAL_UUID = re.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _canonical(receipt_id: str) -> str:
    """The receipt id as ``str(uuid.UUID(...))`` writes it (already so, as services send it, or made so)."""
    if _CANONICAL_UUID.fullmatch(receipt_id) is not None:
        return receipt_id
    return str(uuid.UUID(receipt_id))


def _first_of_each(receipts: list[ReceiptIssued]) -> list[ReceiptIssued]:
    seen: set[str] = set()
    out = []
    for r in receipts:
        if r.receipt_id not in seen:
            seen.add(r.receipt_id)
            out.append(r)
    return out


__all__ = ["Delivery", "RECEIPT_ID_HEADER", "REPLAY_HEADER", "receipt_headers", "recipients_of"]
