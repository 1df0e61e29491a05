"""Management's composition root."""
from __future__ import annotations

import os

from shared.config import Settings, load_settings
from shared.kafka import topics
from shared.service_host import ServiceHost

from .domain.release_policy import ReleasePolicy
from .domain.risk import RiskEngine, RiskRules
from .entrypoints.http import build_app
from .service_layer.declarations import Declarations


def risk_rules(env: dict[str, str] | None = None) -> RiskRules:
    """The risk rules file: ``MANAGEMENT_RISK_RULES``, else ``config/risk_rules.json``."""
    path = (os.environ if env is None else env).get("MANAGEMENT_RISK_RULES") or None
    return RiskRules.load(path)


async def bootstrap(settings: Settings | None = None, policy: ReleasePolicy | None = None):
    settings = settings or load_settings("management")
    rules = risk_rules()
    host = ServiceHost(settings, "services.management.migrations")
    await host.start()
    declarations = Declarations(settings, policy or RiskEngine(rules), rules)
    host.consumer("management-declarations", [topics.DECLARATIONS], declarations.handle, topics.DEAD_LETTERS)
    assert host.pool is not None and host.relay is not None
    return host, build_app(host.pool, host.health, declarations, host.relay.wake)
