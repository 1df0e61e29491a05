"""The gateway's settings: what :class:`shared.config.Settings` holds, and the gateway's own
limits, per-sender fairness and signature rule (README, Configuration)."""
from __future__ import annotations

from typing import ClassVar, Literal

from shared.config import Settings, env, own


class GatewaySettings(Settings):
    service: ClassVar[str] = "gateway"

    database_url: str = own("gateway", "database_url")
    db_schema: str = own("gateway", "db_schema")
    http_host: str = own("gateway", "http_host")
    http_port: int = own("gateway", "http_port", 8080)
    kafka_sasl_username: str = own("gateway", "kafka_sasl_username")
    kafka_sasl_password: str = own("gateway", "kafka_sasl_password")

    max_message_bytes: int = env(
        "CBEC_MAX_MESSAGE_BYTES", default=4 * 1024 * 1024,
        doc="largest message the gateway reads (else CEB900 9008); the limits in "
            "[docs/verification.md](docs/verification.md#limits)")
    max_parts: int = env("GATEWAY_MAX_PARTS", default=100, doc="a split bill's `msgCount` at most (else 2604)")
    parts_timeout_s: float = env("GATEWAY_PARTS_TIMEOUT_S", default=600.0,
                                 doc="how long the gateway waits for the missing parts of a split CEB607/507/509")
    # per-sender fairness (services/gateway/domain/sender_quota.py)
    sender_quantum: int = env(
        "GATEWAY_SENDER_QUANTUM", default=20,
        doc="per-sender fairness: the senders take turns, each at most this many messages worked on per batch and "
            "per round; more wait their turn in the gateway (0 turns fairness off) — see "
            "[docs/architecture.md](docs/architecture.md#per-sender-fairness)")
    sender_rate: float = env(
        "GATEWAY_SENDER_RATE", default=100.0,
        doc="... and each sender's messages enter the pipeline at most this many a second, the buckets shared by "
            "every gateway instance (0: turns only, no rate)")
    sender_burst: float = env("GATEWAY_SENDER_BURST", default=200.0, doc="... and at once")
    sender_pause_backlog: int = env(
        "GATEWAY_SENDER_PAUSE_BACKLOG", default=100,
        doc="a sender with this many messages deferred has nothing more read of its own inbound topic "
            "`ceb.inbound.<DXP id>` (its flood waits in Kafka), nor of a shared `ceb.inbound` partition it flooded, "
            "until they are worked off; below it, a batch reads a quarter of a turn of its topic while its bucket "
            "holds a whole turn")
    signature_mode: Literal["required", "optional"] = env(
        "CBEC_SIGNATURE_MODE", default="required", shown="`required` (`optional` in `make up`/`make demo`)",
        doc="whether messages that change customs state (all but appStatus 1 drafts) must carry a valid "
            "signature (one that is present is always verified); see [docs/verification.md](docs/verification.md)")
