"""What every service is made of: a database pool with its migrations, topics, an outbox relay,
batch consumers and an HTTP API. Each service's ``bootstrap`` composes one of these."""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Coroutine, Mapping
from typing import Any, TypeVar

import asyncpg

from shared import credential_revocations, sandbox
from shared.auth import Authenticator
from shared.config import Settings
from shared.contracts import contract_decoder
from shared.credential_revocations import RevocationList
from shared.db.migrator import apply_migrations
from shared.db.pool import create_pool
from shared.db.retention import COMMON, Prunable, Retention
from shared.db.unit_of_work import UnitOfWork
from shared.dead_letters_api import add_dead_letter_routes
from shared.flow_counts import FlowTally
from shared.health import add_probe_routes
from shared.kafka import topics
from shared.kafka.admin import TopicAdmin
from shared.kafka.consumer import BatchConsumer, Handler, dead_letter_to
from shared.kafka.received import Decoder
from shared.kafka.relay import OutboxRelay
from shared.metrics import add_metrics_route
from shared.outbox_api import add_outbox_routes
from shared.pipes import Pipes, Thresholds
from shared.runtime import http_server, run_service
from shared.sandbox.service import SandboxService

log = logging.getLogger(__name__)

STALL_SECONDS = 60.0
M = TypeVar("M")


class ServiceHost:
    def __init__(self, settings: Settings, migrations_package: str) -> None:
        self.settings = settings
        self._migrations = migrations_package
        self._pool: asyncpg.Pool | None = None
        self._admin: TopicAdmin | None = None
        self._relay: OutboxRelay | None = None
        self._pipes: Pipes | None = None  # lag, outbox, relay: /health/ready and /metrics
        self.consumers: list[BatchConsumer[Any]] = []
        # the HTTP APIs' authenticator: it refuses revoked credentials (set by start)
        self.auth: Authenticator | None = None
        self.started_at = time.monotonic()
        # what the periodic prune removes after CBEC_RETENTION_DAYS; a service may add its own
        self.prunable: tuple[Prunable, ...] = COMMON
        self.sandbox: SandboxService | None = None  # CBEC_SANDBOX=1 (docs/sandbox.md)

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("the service host is not started")
        return self._pool

    @property
    def admin(self) -> TopicAdmin:
        if self._admin is None:
            raise RuntimeError("the service host is not started")
        return self._admin

    @property
    def relay(self) -> OutboxRelay:
        if self._relay is None:
            raise RuntimeError("the service host is not started")
        return self._relay

    @property
    def pipes(self) -> Pipes:
        if self._pipes is None:
            raise RuntimeError("the service host is not started")
        return self._pipes

    def unit_of_work(self) -> UnitOfWork:
        """A transaction for an HTTP or timer path, with its outbox rows and deferred writes; the
        relay is woken after it commits (``shared.db.unit_of_work``). Pass ``host.unit_of_work``
        itself where a path needs one per action."""
        return UnitOfWork(pool=self.pool, wake=self.relay.wake)

    async def start(self) -> None:
        s = self.settings
        if s.sandbox and s.profile == "secure":
            raise RuntimeError("CBEC_SANDBOX=1 is refused in the secure profile (CBEC_PROFILE=secure): "
                               "the sandbox scripts outcomes and moves the clock, never for real traffic")
        sandbox.install(s)  # reads the rule file: a bad one stops the start, named
        self._pool = await create_pool(s.database_url, s.db_schema)
        async with self._pool.acquire() as conn:
            applied = await apply_migrations(conn, s.db_schema, self._migrations)
        if applied:
            log.info("%s: applied migrations %s", s.service, ", ".join(applied))
        self._admin = TopicAdmin(s.kafka_bootstrap_servers, s.topic_partitions, s.topic_replication,
                                auth=s.kafka_auth())
        await self._admin.start()
        await self._admin.ensure({s.topic(t): cfg for t, cfg in topics.FIXED_TOPICS.items()})
        # one transactional id and progress topic per service (and tenant prefix): see shared/kafka/relay.py
        self._relay = OutboxRelay(s.service, self._pool, self._admin, bootstrap_servers=s.kafka_bootstrap_servers,
                                 transactional_id=s.group(f"cbec-relay-{s.service}"),
                                 progress_topic=s.topic(f"cbec.relay.{s.service}"), batch_size=s.relay_batch,
                                 auth=s.kafka_auth(),
                                 tally=FlowTally(s.service, s.topic(topics.RECEIPTS), s.topic(topics.INBOUND_DLQ)).of,
                                 flows_topic=s.topic(topics.FLOWS))
        self.auth = Authenticator.from_settings(s, RevocationList(self.pool).is_revoked)
        # every service learns the revoked credentials (shared/credential_revocations.py)
        self.consumer(f"{s.service}-credentials", [topics.CREDENTIALS], credential_revocations.handle,
                      topics.DEAD_LETTERS, quiet=True)
        if s.sandbox:
            self.sandbox = SandboxService(s.service, self.pool, self.relay.wake)
            await self.sandbox.prepare()
        self._pipes = Pipes(s.service, self.consumers, self.relay, self.pool, Thresholds.of(s))

    def consumer(self, name: str, logical_topics: list[str], handler: Handler[M], dead_letter_topic: str,
                 *, decode: Decoder[M] | None = None, pattern: str | None = None, external: bool = False,
                 quiet: bool = False) -> BatchConsumer[M]:
        """A consumer of the given topics, or (``pattern``) of every topic whose full name matches;
        its handler gets their records decoded by ``decode``, by default into the topics' contract
        (``shared.contracts.TOPIC_CONTRACTS``). ``external``: topics enterprises produce to (their
        headers are never trusted, see ``shared.kafka.received.message_id``). ``quiet``: a topic
        that carries little (each fetch returns at once and waits up to half a second when there is
        nothing, instead of gathering ``fetch_min_bytes`` for up to ``fetch_max_wait_ms``)."""
        s = self.settings
        c = BatchConsumer(
            name,
            [s.topic(t) for t in logical_topics],
            bootstrap_servers=s.kafka_bootstrap_servers,
            group_id=s.group(f"cbec-{name}"),
            pool=self.pool,
            handler=handler,
            decode=decode if decode is not None else contract_decoder(logical_topics),
            dead_letter=dead_letter_to(s.topic(dead_letter_topic), s.max_record_bytes),
            max_records=s.consumer_batch,
            fetch_max_wait_ms=500 if quiet else s.fetch_max_wait_ms,
            fetch_min_bytes=1 if quiet else s.fetch_min_bytes,
            on_committed=self.relay.wake,
            pattern=pattern,
            auth=s.kafka_auth(),
            trust_message_ids=not (external or set(logical_topics) & topics.EXTERNAL_TOPICS),
        )
        self.consumers.append(c)
        return c

    def health(self) -> dict[str, Any]:
        now = time.monotonic()
        consumers = {
            c.name: {"assigned": c.assigned, "processed": c.processed, "dead_lettered": c.dead_lettered,
                     "seconds_since_poll": round(now - c.last_progress, 1)}
            for c in self.consumers
        }
        relay = self._relay
        relay_ok = relay is not None and now - relay.last_progress < STALL_SECONDS
        ok = relay_ok and all(v["seconds_since_poll"] < STALL_SECONDS for v in consumers.values())
        return {
            "ok": ok,
            "service": self.settings.service,
            "consumers": consumers,
            "relay": {"published": relay.published if relay else 0,
                      "parked": relay.parked if relay else 0,
                      "publishing": relay.holder if relay else False},
        }

    async def run(self, app: Any, extra_tasks: Mapping[str, Callable[[], Coroutine[Any, Any, None]]] | None = None) -> int:
        tasks = {c.name: c.run for c in self.consumers}
        tasks["relay"] = self.relay.run
        tasks["retention"] = Retention(self.pool, self.settings.retention_days, self.prunable).run
        tasks.update(extra_tasks or {})
        if self.sandbox is not None:
            tasks["sandbox"] = self.sandbox.run
        if app is not None:
            assert self.auth is not None
            add_outbox_routes(app, self.pool, self.relay.wake, self.auth)
            add_dead_letter_routes(app, self.pool, self.unit_of_work, self.auth, self.settings.redrive_limit)
            if self.sandbox is not None:
                self.sandbox.add_routes(app, self.auth)
            add_probe_routes(app, self.settings.service, self.pipes)
            add_metrics_route(app, self.pipes.snapshot)
        server = http_server(app, self.settings.http_host, self.settings.http_port) if app is not None else None
        return await run_service(self.settings.service, tasks, server, self.stop)

    async def stop(self) -> None:
        if self._relay is not None:
            await self._relay.stop()
        if self._admin is not None:
            await self._admin.close()
        if self._pool is not None:
            await self._pool.close()
