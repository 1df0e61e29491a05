"""Management's composition root."""
from __future__ import annotations

from shared.auth import Authenticator
from shared.kafka import topics
from shared.service import Service
from shared.service_host import ServiceHost

from .domain.release_policy import ReleasePolicy
from .domain.risk import RiskEngine
from .entrypoints.http import build_app
from .service_layer.declarations import Declarations
from .settings import ManagementSettings


async def bootstrap(settings: ManagementSettings | None = None, policy: ReleasePolicy | None = None) -> Service:
    settings = settings or ManagementSettings.from_env()
    Authenticator.from_settings(settings)  # a secure profile without its key stops here
    rules = settings.risk_rules()
    sampling_key = settings.risk_key
    if settings.profile == "secure" and len(sampling_key) < 16:
        raise ValueError("CBEC_PROFILE=secure needs MANAGEMENT_RISK_KEY (a secret of at least 16 characters): "
                         "the risk sampling draws must not be predictable from the rules file")
    host = ServiceHost(settings, "services.management.migrations")
    await host.start()
    declarations = Declarations(settings, policy or RiskEngine(rules, sampling_key), rules)
    host.consumer("management-declarations", [topics.DECLARATIONS], declarations.handle, topics.DEAD_LETTERS)
    app = build_app(host.pool, host.health, declarations, host.unit_of_work, host.auth)
    return Service("management", app, host, parts={"declarations": declarations})
