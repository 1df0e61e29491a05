"""Configuration from the environment, with local defaults that match deploy/stack.sh.

Nothing here reads the environment at import time: call :func:`load_settings`.
"""
from __future__ import annotations

import os
from collections.abc import Mapping

from pydantic import BaseModel, Field

DEFAULT_KAFKA = "127.0.0.1:9092"
DEFAULT_HTTP_PORTS = {"gateway": 8080, "management": 8081, "notification": 8082}


class Settings(BaseModel):
    service: str
    kafka_bootstrap_servers: str = DEFAULT_KAFKA
    database_url: str
    db_schema: str
    http_host: str = "127.0.0.1"
    http_port: int
    topic_prefix: str = ""
    topic_partitions: int = 6
    topic_replication: int | None = None  # None: derived from the cluster's size (shared.kafka.admin)
    consumer_batch: int = 500
    relay_batch: int = 1000
    # how long a fetch may wait for data to gather, and how much it waits for: fewer, fuller fetches
    # cost the broker and the consumer far less per record (a hop waits at most fetch_max_wait_ms)
    fetch_max_wait_ms: int = 25
    fetch_min_bytes: int = 32 * 1024
    max_message_bytes: int = 4 * 1024 * 1024  # the largest enterprise message read (else 9008)
    max_record_bytes: int = 5 * 1024 * 1024  # the broker's record limit (message.max.bytes)
    max_parts: int = 100  # a split bill's msgCount at most (else 2604)
    # per-sender fairness at the gateway (services/gateway/domain/sender_quota.py)
    sender_rate: float = 100.0  # messages a second one sender's messages enter the pipeline at (0: no rate, turns only)
    sender_burst: float = 200.0  # ... and at once
    sender_quantum: int = 20  # one sender's messages worked on per batch and per turn (0: no fairness)
    sender_pause_backlog: int = 100  # deferred messages at which a sender's own inbound topic is paused
    # "required": a declared message (appStatus 2) must be signed; "optional": unsigned ones pass
    # (a signature that is present is always verified). The local demo runs with "optional".
    signature_mode: str = "required"
    parts_timeout_s: float = 600.0  # a split bill's parts must all arrive within this time
    # How the services authenticate to Kafka: PLAINTEXT (the open local demo) or SASL_PLAINTEXT /
    # SASL_SSL with SCRAM (the secure profile, deploy/kafka/secure/); one principal per service.
    kafka_security_protocol: str = "PLAINTEXT"
    kafka_sasl_mechanism: str = "SCRAM-SHA-512"
    kafka_sasl_username: str = ""
    kafka_sasl_password: str = Field(default="", repr=False)
    # who may call the HTTP APIs (shared/auth.py): "secure" needs bearer tokens, "open" is the local demo
    profile: str = "secure"
    auth_key: str = Field("", repr=False)  # CBEC_AUTH_KEY: signs the issued tokens (the same in every service)
    admin_token: str = Field("", repr=False)  # CBEC_ADMIN_TOKEN: the bootstrap admin's token
    data_key: str = Field("", repr=False)  # CBEC_DATA_KEY: Fernet key encrypting secrets at rest (webhook secrets)
    retention_days: float = 30.0  # inbox, dead letters and finished deliveries older than this are pruned
    # CBEC_SANDBOX=1: scripted outcomes and a movable clock (shared/sandbox; refused in the secure profile)
    sandbox: bool = False
    sandbox_rules: str = ""  # CBEC_SANDBOX_RULES: the rule file (YAML) of the sandbox
    redrive_limit: int = 3  # a dead letter redriven this many times (and dead-lettered again) is not redriven

    def topic(self, name: str) -> str:
        """The real topic name of a logical one (a prefix isolates tenants and test runs)."""
        return f"{self.topic_prefix}{name}"

    def group(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"

    @property
    def kafka_secured(self) -> bool:
        return self.kafka_security_protocol.startswith("SASL")

    def kafka_auth(self) -> dict[str, str]:
        """What every aiokafka client of this service is given besides the bootstrap servers."""
        if not self.kafka_secured:
            return {"security_protocol": self.kafka_security_protocol}
        return {
            "security_protocol": self.kafka_security_protocol,
            "sasl_mechanism": self.kafka_sasl_mechanism,
            "sasl_plain_username": self.kafka_sasl_username,
            "sasl_plain_password": self.kafka_sasl_password,
        }


def load_settings(service: str, env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    up = service.upper()
    url = (
        env.get(f"{up}_DATABASE_URL")
        or env.get("DATABASE_URL")
        or f"postgresql://cbec_{service}@127.0.0.1:5432/cbec"
    )
    return Settings(
        service=service,
        kafka_bootstrap_servers=env.get("KAFKA_BOOTSTRAP_SERVERS", DEFAULT_KAFKA),
        database_url=url,
        db_schema=env.get(f"{up}_DB_SCHEMA", service),
        http_host=env.get(f"{up}_HTTP_HOST", env.get("CBEC_HTTP_HOST", "127.0.0.1")),
        http_port=int(env.get(f"{up}_HTTP_PORT", DEFAULT_HTTP_PORTS.get(service, 8080))),
        topic_prefix=env.get("CBEC_TOPIC_PREFIX", ""),
        topic_partitions=int(env.get("CBEC_TOPIC_PARTITIONS", "6")),
        topic_replication=int(env["CBEC_TOPIC_REPLICATION"]) if env.get("CBEC_TOPIC_REPLICATION") else None,
        consumer_batch=int(env.get("CBEC_CONSUMER_BATCH", "500")),
        relay_batch=int(env.get("CBEC_RELAY_BATCH", "1000")),
        fetch_max_wait_ms=int(env.get("CBEC_FETCH_MAX_WAIT_MS", "25")),
        fetch_min_bytes=int(env.get("CBEC_FETCH_MIN_BYTES", str(32 * 1024))),
        max_message_bytes=int(env.get("CBEC_MAX_MESSAGE_BYTES", str(4 * 1024 * 1024))),
        max_record_bytes=int(env.get("CBEC_MAX_RECORD_BYTES", str(5 * 1024 * 1024))),
        max_parts=int(env.get("GATEWAY_MAX_PARTS", "100")),
        sender_rate=float(env.get("GATEWAY_SENDER_RATE", "100")),
        sender_burst=float(env.get("GATEWAY_SENDER_BURST", "200")),
        sender_quantum=int(env.get("GATEWAY_SENDER_QUANTUM", "20")),
        sender_pause_backlog=int(env.get("GATEWAY_SENDER_PAUSE_BACKLOG", "100")),
        signature_mode=env.get("CBEC_SIGNATURE_MODE", "required"),
        parts_timeout_s=float(env.get("GATEWAY_PARTS_TIMEOUT_S", "600")),
        kafka_security_protocol=env.get("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT"),
        kafka_sasl_mechanism=env.get("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512"),
        # per service (deploy/stack.sh exports all of them) or one pair for a process of its own
        kafka_sasl_username=env.get(f"{up}_KAFKA_SASL_USERNAME") or env.get("KAFKA_SASL_USERNAME", ""),
        kafka_sasl_password=env.get(f"{up}_KAFKA_SASL_PASSWORD") or env.get("KAFKA_SASL_PASSWORD", ""),
        profile=env.get("CBEC_PROFILE", "secure"),
        auth_key=env.get("CBEC_AUTH_KEY", ""),
        admin_token=env.get("CBEC_ADMIN_TOKEN", ""),
        data_key=env.get("CBEC_DATA_KEY", ""),
        retention_days=float(env.get("CBEC_RETENTION_DAYS", "30")),
        sandbox=env.get("CBEC_SANDBOX", "").strip().lower() in ("1", "true", "yes", "on"),
        sandbox_rules=env.get("CBEC_SANDBOX_RULES", ""),
        redrive_limit=int(env.get("CBEC_REDRIVE_LIMIT", "3")),
    )
