"""Notification's composition root: consumers, relay, webhook dispatcher and HTTP API."""
from __future__ import annotations

import logging
from pathlib import Path

from shared.auth import Authenticator
from shared.db.pool import create_pool
from shared.db.retention import Prunable
from shared.kafka import topics
from shared.messages.signature import load_certificate
from shared.sealing import Sealer
from shared.service import Service
from shared.service_host import ServiceHost

from .adapters.webhook_endpoint import WebhookEndpoint
from .domain.receipt_rendering import ReceiptRenderer
from .domain.receipt_signing import PlatformSigner
from .domain.webhook_targets import TargetPolicy
from .entrypoints.http import build_app
from .service_layer.delivery import Delivery
from .service_layer.webhook_dispatch import WebhookDispatcher
from .service_layer.webhook_health import webhook_check
from .settings import NotificationSettings

WEBHOOK_POOL = 4


def renderer_for(settings: NotificationSettings) -> ReceiptRenderer:
    """Receipts are signed when ``CBEC_PLATFORM_SIGNING_KEY`` names the platform's PEM key."""
    if not settings.signing_key_path:
        return ReceiptRenderer()
    key = Path(settings.signing_key_path).read_bytes()
    cert = load_certificate(Path(settings.signing_cert_path).read_bytes()) if settings.signing_cert_path else None
    return ReceiptRenderer(signer=PlatformSigner.of(key, cert))


# webhook deliveries that ended (parked ones wait for an operator's redelivery)
FINISHED_WEBHOOK_DELIVERIES = Prunable("webhook_deliveries", "coalesce(delivered_at, created_at)",
                                       "status IN ('delivered', 'cancelled')")


async def bootstrap(settings: NotificationSettings | None = None) -> Service:
    settings = settings or NotificationSettings.from_env()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per webhook POST
    renderer = renderer_for(settings)
    Authenticator.from_settings(settings)  # a secure profile without its keys stops here
    sealer = Sealer.from_settings(settings)
    host = ServiceHost(settings, "services.notification.migrations")
    await host.start()
    host.prunable = (*host.prunable, FINISHED_WEBHOOK_DELIVERIES)
    w = settings.webhooks
    # webhooks get connections of their own: however busy they are, the Kafka path never waits for one
    webhook_pool = await create_pool(settings.database_url, settings.db_schema, min_size=1, max_size=WEBHOOK_POOL)
    targets = TargetPolicy(w.allow)
    endpoint = WebhookEndpoint(w.timeout_s, w.concurrency, policy=targets)
    dispatcher = WebhookDispatcher(webhook_pool, w, renderer, endpoint, sealer=sealer)
    host.pipes.checks.append(webhook_check(webhook_pool, dispatcher))
    delivery = Delivery(settings, renderer, wake_dispatcher=dispatcher.wake)
    host.consumer("notification-enterprises", [topics.ENTERPRISES], delivery.handle_enterprises, topics.DEAD_LETTERS,
                  quiet=True)
    host.consumer("notification-receipts", [topics.RECEIPTS], delivery.handle_receipts, topics.DEAD_LETTERS)

    def health() -> dict[str, object]:
        state = host.health()
        state["webhooks"] = dispatcher.stats()
        state["ok"] = state["ok"] and not dispatcher.stalled()
        return state

    app = build_app(host.pool, health, settings, renderer, units=host.unit_of_work,
                    wake_dispatcher=dispatcher.wake, auth=host.auth, targets=targets, sealer=sealer)
    return Service("notification", app, host, {"webhooks": dispatcher.run}, closing=(webhook_pool.close,),
                   parts={"delivery": delivery, "dispatcher": dispatcher})
