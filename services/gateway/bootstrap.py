"""The gateway's composition root."""
from __future__ import annotations

from shared.config import Settings, load_settings
from shared.kafka import topics
from shared.service_host import ServiceHost

from .entrypoints.http import build_app
from .service_layer.intake import Intake


async def bootstrap(settings: Settings | None = None) -> tuple[ServiceHost, object]:
    settings = settings or load_settings("gateway")
    host = ServiceHost(settings, "services.gateway.migrations")
    await host.start()
    intake = Intake(settings)
    host.consumer("gateway-intake", [topics.INBOUND], intake.handle, topics.INBOUND_DLQ)
    assert host.pool is not None and host.relay is not None
    app = build_app(host.pool, settings, host.health, host.relay.wake)
    return host, app
