"""Who may do what on the broker in the secure profile: SCRAM credentials, ACLs and quotas.

One principal per service (``cbec-gateway``, ``cbec-management``, ``cbec-notification``,
``cbec-monitor``) and one per enterprise, named by its DXP id. The broker runs the
StandardAuthorizer with no ACL meaning no access (deploy/kafka/secure/server.properties), so an
enterprise may do exactly what :func:`enterprise_acls` grants:

- write its own inbound topic ``ceb.inbound.<DXP id>`` (the gateway takes the sender from it);
- read its own receipt topic ``ceb.receipts.<DXP id>``, in the consumer group ``<DXP id>`` or
  groups named ``<DXP id>.<anything>`` (the dot: no DXP id is a prefix of another's groups);
- nothing else: no ``cbec.*`` topic, no other enterprise's topics, no topic creation.

The services own the platform's topics (``cbec.*``, ``ceb.*``, faust's ``cbec-*``) and groups
(``cbec-*``); the gateway also provisions enterprises, so it may alter ACLs, SCRAM credentials and
quotas (it is the platform's administrator on the broker).

aiokafka 0.14's admin client has no AlterUserScramCredentials (KIP-554) or AlterClientQuotas
(KIP-546) and its CreateAcls sends one binding per request: the three requests are written here on
aiokafka's own protocol classes and sent over the admin client's authenticated connection. The
salted password is computed here (RFC 5802 Hi() = PBKDF2-HMAC), as Kafka's own Admin client does.

    python -m shared.kafka.access services    # set the services' credentials and ACLs (idempotent)
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import secrets
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeAlias

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import for_code
from aiokafka.protocol.api import Request, RequestStruct, Response
from aiokafka.protocol.types import (
    Array,
    Boolean,
    CompactArray,
    CompactBytes,
    CompactString,
    Float64,
    Int8,
    Int16,
    Int32,
    Schema,
    String,
    TaggedFields,
)

from shared.kafka import topics

SERVICES = ("gateway", "management", "notification", "monitor")
SCRAM_MECHANISMS = {"SCRAM-SHA-256": (1, "sha256"), "SCRAM-SHA-512": (2, "sha512")}
SCRAM_ITERATIONS = 8192

# what an enterprise's principal may use of the broker (bytes/s per broker; % of one I/O thread)
ENTERPRISE_QUOTAS: dict[str, float] = {
    "producer_byte_rate": 4 * 1024 * 1024,
    "consumer_byte_rate": 8 * 1024 * 1024,
    "request_percentage": 50.0,
}

# org.apache.kafka.common.resource.ResourceType / PatternType, acl.AclOperation / AclPermissionType
TOPIC, GROUP, CLUSTER, TRANSACTIONAL_ID = 2, 3, 4, 5
LITERAL, PREFIXED = 3, 4
ALL, READ, WRITE, CREATE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS = 2, 3, 4, 5, 7, 8, 10, 11
ALLOW = 3


@dataclass(frozen=True)
class Acl:
    resource_type: int
    name: str
    pattern: int
    principal: str
    operation: int

    def binding(self) -> tuple[object, ...]:
        return (self.resource_type, self.name, self.pattern, self.principal, "*", self.operation, ALLOW)


def service_principal(service: str) -> str:
    return f"cbec-{service}"


def consumer_group_prefix(dxp_id: str, prefix: str = "") -> str:
    """What an enterprise's consumer groups' names start with (DXP ids have no dot)."""
    return f"{prefix}{dxp_id}."


def enterprise_acls(dxp_id: str, prefix: str = "") -> list[Acl]:
    user = f"User:{dxp_id}"
    return [
        Acl(TOPIC, prefix + topics.inbound_topic(dxp_id), LITERAL, user, WRITE),
        Acl(TOPIC, prefix + topics.inbound_topic(dxp_id), LITERAL, user, DESCRIBE),
        Acl(TOPIC, prefix + topics.receipt_topic(dxp_id), LITERAL, user, READ),
        Acl(TOPIC, prefix + topics.receipt_topic(dxp_id), LITERAL, user, DESCRIBE),
        Acl(GROUP, prefix + dxp_id, LITERAL, user, READ),
        Acl(GROUP, prefix + dxp_id, LITERAL, user, DESCRIBE),
        Acl(GROUP, consumer_group_prefix(dxp_id, prefix), PREFIXED, user, READ),
        Acl(GROUP, consumer_group_prefix(dxp_id, prefix), PREFIXED, user, DESCRIBE),
    ]


def service_acls(service: str, prefix: str = "") -> list[Acl]:
    user = f"User:{service_principal(service)}"
    acls = [Acl(TOPIC, prefix + name, PREFIXED, user, ALL) for name in ("cbec.", "ceb.", "cbec-")]
    acls += [Acl(GROUP, prefix + "cbec-", PREFIXED, user, ALL), Acl(CLUSTER, "kafka-cluster", LITERAL, user, DESCRIBE)]
    # the outbox relay publishes in Kafka transactions under cbec-relay-<service> (shared/kafka/relay.py)
    acls.append(Acl(TRANSACTIONAL_ID, prefix + "cbec-", PREFIXED, user, ALL))
    if service == "gateway":  # registering an enterprise provisions its principal
        acls += [Acl(CLUSTER, "kafka-cluster", LITERAL, user, op) for op in (ALTER, ALTER_CONFIGS, DESCRIBE_CONFIGS)]
    return acls


# ---- the requests aiokafka lacks ------------------------------------------------------------------
class _AlterUserScramCredentialsResponse_v0(Response):
    API_KEY = 51
    API_VERSION = 0
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        ("results", CompactArray(("user", CompactString("utf-8")), ("error_code", Int16),
                                 ("error_message", CompactString("utf-8")), ("tags", TaggedFields))),
        ("tags", TaggedFields),
    )


class _AlterUserScramCredentialsRequest_v0(RequestStruct):
    API_KEY = 51
    API_VERSION = 0
    FLEXIBLE_VERSION = True
    RESPONSE_TYPE = _AlterUserScramCredentialsResponse_v0
    SCHEMA = Schema(
        ("deletions", CompactArray(("name", CompactString("utf-8")), ("mechanism", Int8), ("tags", TaggedFields))),
        ("upsertions", CompactArray(("name", CompactString("utf-8")), ("mechanism", Int8), ("iterations", Int32),
                                    ("salt", CompactBytes), ("salted_password", CompactBytes), ("tags", TaggedFields))),
        ("tags", TaggedFields),
    )


class AlterUserScramCredentials(Request[_AlterUserScramCredentialsRequest_v0]):
    API_KEY = 51

    def __init__(self, upsertions: list[tuple[str, int, int, bytes, bytes]]) -> None:
        self._upsertions = upsertions

    def build(self, request_struct_class: type[_AlterUserScramCredentialsRequest_v0]) -> _AlterUserScramCredentialsRequest_v0:
        return request_struct_class([], [(*u, {}) for u in self._upsertions], {})


class _AlterClientQuotasResponse_v0(Response):
    API_KEY = 49
    API_VERSION = 0
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        ("entries", Array(("error_code", Int16), ("error_message", String("utf-8")),
                          ("entity", Array(("entity_type", String("utf-8")), ("entity_name", String("utf-8")))))),
    )


class _AlterClientQuotasRequest_v0(RequestStruct):
    API_KEY = 49
    API_VERSION = 0
    RESPONSE_TYPE = _AlterClientQuotasResponse_v0
    SCHEMA = Schema(
        ("entries", Array(("entity", Array(("entity_type", String("utf-8")), ("entity_name", String("utf-8")))),
                          ("ops", Array(("key", String("utf-8")), ("value", Float64), ("remove", Boolean))))),
        ("validate_only", Boolean),
    )


class AlterClientQuotas(Request[_AlterClientQuotasRequest_v0]):
    API_KEY = 49

    def __init__(self, user: str, quotas: Mapping[str, float]) -> None:
        self._entry = ([("user", user)], [(k, float(v), False) for k, v in quotas.items()])

    def build(self, request_struct_class: type[_AlterClientQuotasRequest_v0]) -> _AlterClientQuotasRequest_v0:
        return request_struct_class([self._entry], False)


class _CreateAclsResponse_v1(Response):
    API_KEY = 30
    API_VERSION = 1
    SCHEMA = Schema(("throttle_time_ms", Int32),
                    ("creation_responses", Array(("error_code", Int16), ("error_message", String("utf-8")))))


class _CreateAclsRequest_v1(RequestStruct):
    API_KEY = 30
    API_VERSION = 1
    RESPONSE_TYPE = _CreateAclsResponse_v1
    SCHEMA = Schema(("creations", Array(
        ("resource_type", Int8), ("resource_name", String("utf-8")), ("resource_pattern_type", Int8),
        ("principal", String("utf-8")), ("host", String("utf-8")), ("operation", Int8), ("permission_type", Int8))))


CreateAclsStruct: TypeAlias = _CreateAclsRequest_v1


class CreateAcls(Request[CreateAclsStruct]):
    """Many bindings in one request (creating one that exists is a no-op)."""

    API_KEY = 30

    def __init__(self, acls: Iterable[Acl]) -> None:
        self._bindings = [a.binding() for a in acls]

    def build(self, request_struct_class: type[CreateAclsStruct]) -> CreateAclsStruct:
        return request_struct_class(self._bindings)


class AccessError(Exception):
    pass


def _raise_errors(what: str, errors: Iterable[tuple[int, str | None]]) -> None:
    bad = [f"{for_code(code).__name__}: {msg or ''}".strip() for code, msg in errors if code]
    if bad:
        raise AccessError(f"{what}: {'; '.join(bad)}")


# ---- provisioning -----------------------------------------------------------------------------------
def salted_password(password: str, salt: bytes, mechanism: str = "SCRAM-SHA-512",
                    iterations: int = SCRAM_ITERATIONS) -> bytes:
    return hashlib.pbkdf2_hmac(SCRAM_MECHANISMS[mechanism][1], password.encode("utf-8"), salt, iterations)


def new_password() -> str:
    return secrets.token_urlsafe(24)


class BrokerAccess:
    """Sets credentials, ACLs and quotas with an admin client that is allowed to (ALTER on the cluster)."""

    def __init__(self, admin: AIOKafkaAdminClient, mechanism: str = "SCRAM-SHA-512") -> None:
        self._admin = admin
        self._mechanism = mechanism

    async def _send(self, request: Request) -> Response:
        client = self._admin._client  # the admin client's connections, already authenticated
        node = client.get_random_node()
        if node is None:
            await client.force_metadata_update()
            node = client.get_random_node()
        return await client.send(node, request)

    async def set_password(self, user: str, password: str) -> None:
        salt = secrets.token_bytes(32)
        code = SCRAM_MECHANISMS[self._mechanism][0]
        resp = await self._send(AlterUserScramCredentials(
            [(user, code, SCRAM_ITERATIONS, salt, salted_password(password, salt, self._mechanism))]))
        _raise_errors(f"SCRAM credential of {user}", ((r[1], r[2]) for r in resp.results))

    async def allow(self, acls: list[Acl]) -> None:
        resp = await self._send(CreateAcls(acls))
        _raise_errors("ACLs", resp.creation_responses)

    async def set_quotas(self, user: str, quotas: Mapping[str, float]) -> None:
        resp = await self._send(AlterClientQuotas(user, quotas))
        _raise_errors(f"quotas of {user}", ((e[0], e[1]) for e in resp.entries))

    async def provision_enterprise(self, dxp_id: str, password: str, prefix: str = "") -> None:
        """The enterprise's principal (its DXP id): a new password, its ACLs, its quotas."""
        await self.set_password(dxp_id, password)
        await self.allow(enterprise_acls(dxp_id, prefix))
        await self.set_quotas(dxp_id, ENTERPRISE_QUOTAS)

    async def provision_service(self, service: str, password: str, prefix: str = "") -> None:
        await self.set_password(service_principal(service), password)
        await self.allow(service_acls(service, prefix))


async def provision_services(env: Mapping[str, str]) -> list[str]:
    """Credentials and ACLs of every service whose ``<SVC>_KAFKA_SASL_PASSWORD`` is set, with the
    admin principal ``KAFKA_SASL_USERNAME``/``KAFKA_SASL_PASSWORD`` (a super user; its mechanism
    ``KAFKA_SASL_MECHANISM``: SCRAM-SHA-512 natively, PLAIN on docker-compose's broker listener)."""
    admin = AIOKafkaAdminClient(
        bootstrap_servers=env.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
        security_protocol=env.get("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT"),
        sasl_mechanism=env.get("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512"),
        sasl_plain_username=env["KAFKA_SASL_USERNAME"], sasl_plain_password=env["KAFKA_SASL_PASSWORD"])
    await admin.start()
    done = []
    try:
        access = BrokerAccess(admin)  # the services log in with SCRAM-SHA-512 (the admin may use PLAIN)
        for svc in SERVICES:
            password = env.get(f"{svc.upper()}_KAFKA_SASL_PASSWORD")
            if password:
                await access.provision_service(svc, password, env.get("CBEC_TOPIC_PREFIX", ""))
                done.append(service_principal(svc))
    finally:
        await admin.close()
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.kafka.access", description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=["services"])
    parser.parse_args(argv)
    done = asyncio.run(provision_services(os.environ))
    print(f"kafka access: credentials and ACLs set for {', '.join(done) or 'no service'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
