"""Notification's composition root."""
from __future__ import annotations

from shared.config import Settings, load_settings
from shared.kafka import topics
from shared.service_host import ServiceHost

from .entrypoints.http import build_app
from .service_layer.delivery import Delivery


async def bootstrap(settings: Settings | None = None):
    settings = settings or load_settings("notification")
    host = ServiceHost(settings, "services.notification.migrations")
    await host.start()
    delivery = Delivery(settings)
    host.consumer("notification-enterprises", [topics.ENTERPRISES], delivery.handle_enterprises, topics.DEAD_LETTERS)
    host.consumer("notification-receipts", [topics.RECEIPTS], delivery.handle_receipts, topics.DEAD_LETTERS)
    assert host.pool is not None
    return host, build_app(host.pool, host.health)
