"""The gateway's composition root."""
from __future__ import annotations

import logging

from shared.auth import Authenticator
from shared.kafka import topics
from shared.messages.signature import sm2_engine
from shared.service import Service, Task
from shared.service_host import ServiceHost

from .domain.sender_quota import SenderQuota
from .entrypoints.http import build_app
from .service_layer.broker_access import EnterpriseBrokerAccess
from .service_layer.fair_intake import FairIntake
from .service_layer.inbound_flow import InboundFlow
from .service_layer.intake import Intake
from .service_layer.part_deadline import PartDeadline
from .settings import GatewaySettings

log = logging.getLogger(__name__)


async def bootstrap(settings: GatewaySettings | None = None) -> Service:
    settings = settings or GatewaySettings.from_env()
    log.info("SM2-SM3 signatures verified by %s", sm2_engine())  # found here, not at the first message
    Authenticator.from_settings(settings)  # a secure profile without its key stops here
    host = ServiceHost(settings, "services.gateway.migrations")
    await host.start()
    quota = (SenderQuota(settings.sender_rate, settings.sender_burst, settings.sender_quantum)
             if settings.sender_quantum > 0 else None)
    intake = Intake(settings, quota)
    # ceb.inbound and every enterprise's ceb.inbound.<DXP id>, new ones included, read as envelopes
    consumer = host.consumer("gateway-intake", [], intake.handle, topics.INBOUND_DLQ, decode=intake.read_envelope,
                             pattern=topics.inbound_pattern(settings.topic_prefix), external=True)
    if quota is not None:
        consumer.flow = InboundFlow(host.pool, settings.topic_prefix, quota, settings.sender_pause_backlog,
                                    intake.backed_up).turns
    deadline = PartDeadline(settings, host.unit_of_work)
    tasks: dict[str, Task] = {"part-deadline": deadline.run}
    if quota is not None:
        tasks["fair-intake"] = FairIntake(host.pool, intake, host.relay.wake).run
    app = build_app(host.pool, settings, host.health, host.unit_of_work,
                    EnterpriseBrokerAccess(settings, host.admin).open, host.auth)
    return Service("gateway", app, host, tasks, parts={"intake": intake})
