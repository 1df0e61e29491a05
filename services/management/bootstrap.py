"""Management's composition root."""
from __future__ import annotations

import os

from shared.auth import Authenticator
from shared.config import Settings, load_settings
from shared.kafka import topics
from shared.service import Service
from shared.service_host import ServiceHost

from .domain.release_policy import ReleasePolicy
from .domain.risk import RiskEngine, RiskRules
from .entrypoints.http import build_app
from .service_layer.declarations import Declarations


def risk_rules(env: dict[str, str] | None = None) -> RiskRules:
    """The risk rules file: ``MANAGEMENT_RISK_RULES``, else ``config/risk_rules.json``."""
    path = (os.environ if env is None else env).get("MANAGEMENT_RISK_RULES") or None
    return RiskRules.load(path)


async def bootstrap(settings: Settings | None = None, policy: ReleasePolicy | None = None) -> Service:
    settings = settings or load_settings("management")
    Authenticator.from_settings(settings)  # a secure profile without its key stops here
    rules = risk_rules()
    sampling_key = os.environ.get("MANAGEMENT_RISK_KEY", "")
    if settings.profile == "secure" and len(sampling_key) < 16:
        raise ValueError("CBEC_PROFILE=secure needs MANAGEMENT_RISK_KEY (a secret of at least 16 characters): "
                         "the risk sampling draws must not be predictable from the rules file")
    host = ServiceHost(settings, "services.management.migrations")
    await host.start()
    declarations = Declarations(settings, policy or RiskEngine(rules, sampling_key), rules)
    host.consumer("management-declarations", [topics.DECLARATIONS], declarations.handle, topics.DEAD_LETTERS)
    app = build_app(host.pool, host.health, declarations, host.unit_of_work, host.auth)
    return Service("management", app, host, parts={"declarations": declarations})
