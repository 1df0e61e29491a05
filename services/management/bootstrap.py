"""Management's composition root."""
from __future__ import annotations

from shared.config import Settings, load_settings
from shared.kafka import topics
from shared.service_host import ServiceHost

from .domain.release_policy import ReleaseEverything, ReleasePolicy
from .entrypoints.http import build_app
from .service_layer.declarations import Declarations


async def bootstrap(settings: Settings | None = None, policy: ReleasePolicy | None = None):
    settings = settings or load_settings("management")
    host = ServiceHost(settings, "services.management.migrations")
    await host.start()
    declarations = Declarations(settings, policy or ReleaseEverything())
    host.consumer("management-declarations", [topics.DECLARATIONS], declarations.handle, topics.DEAD_LETTERS)
    assert host.pool is not None
    return host, build_app(host.pool, host.health)
