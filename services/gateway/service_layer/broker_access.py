"""What a registered enterprise gets on the broker: its two topics and, in the secure profile, its
own principal (named by its DXP id) with a new password, its ACLs and its quotas.

Called after the registry has accepted the registration (so a DXP id held by another enterprise
never gets its password changed). Every registration of the same enterprise sets a NEW password:
registering again is how an enterprise's Kafka password is rotated. The password is returned once,
in the answer to ``POST /enterprises``, and stored nowhere by the platform (the broker keeps only
its salted SCRAM keys).
"""
from __future__ import annotations

from pydantic import BaseModel, Field

from shared.kafka import topics
from shared.kafka.access import BrokerAccess, consumer_group_prefix, new_password
from shared.kafka.admin import TopicAdmin

from ..settings import GatewaySettings


class KafkaAccess(BaseModel):
    """How the enterprise's ERP connects: what it writes, what it reads, as whom."""

    inbound_topic: str = Field(description="write your messages here (only you may, in the secure profile)")
    receipt_topic: str = Field(description="read your receipts here (only you may, in the secure profile)")
    consumer_group_prefix: str = Field(description="your consumer groups: this prefix and any name (or the DXP id alone)")
    security_protocol: str
    sasl_mechanism: str | None = None
    username: str | None = Field(default=None, description="your principal: your DXP id")
    password: str | None = Field(default=None, description="shown once; registering again sets a new one")


class EnterpriseBrokerAccess:
    def __init__(self, settings: GatewaySettings, admin: TopicAdmin) -> None:
        self._settings = settings
        self._admin = admin

    async def open(self, dxp_id: str) -> KafkaAccess:
        s = self._settings
        inbound, receipts = s.topic(topics.inbound_topic(dxp_id)), s.topic(topics.receipt_topic(dxp_id))
        await self._admin.ensure({inbound: {}, receipts: {}})
        access = KafkaAccess(inbound_topic=inbound, receipt_topic=receipts, consumer_group_prefix=consumer_group_prefix(dxp_id, s.topic_prefix),
                             security_protocol=s.kafka_security_protocol)
        if s.kafka_secured:
            password = new_password()
            await BrokerAccess(self._admin.client, s.kafka_sasl_mechanism).provision_enterprise(
                dxp_id, password, s.topic_prefix)
            access.sasl_mechanism, access.username, access.password = s.kafka_sasl_mechanism, dxp_id, password
        return access
