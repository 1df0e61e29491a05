"""Retention: rows kept only as long as they are useful are pruned periodically.

Every service prunes its inbox, dead letters and long-expired revoked credentials older than ``CBEC_RETENTION_DAYS`` (30); a service
adds its own (notification: webhook deliveries that ended, delivered or cancelled — parked ones
wait for an operator). The inbox must outlive the topics' retention (Kafka's default is 7 days):
a message older than the inbox cannot be redelivered. Deleted in small batches, never a long lock.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

import asyncpg

log = logging.getLogger(__name__)

BATCH = 5000


@dataclass(frozen=True)
class Prunable:
    table: str
    age_column: str
    condition: str = "true"


# revoked credentials: once expired for the retention period (an expired token is refused anyway)
COMMON = (Prunable("inbox", "processed_at"), Prunable("dead_letters", "created_at"),
          Prunable("revoked_credentials", "expires_at"))


async def prune(pool: asyncpg.Pool, tables: tuple[Prunable, ...], keep: timedelta) -> dict[str, int]:
    """Delete what is older than ``keep``; return how many rows of each table."""
    removed: dict[str, int] = {}
    for t in tables:
        total = 0
        while True:
            async with pool.acquire() as conn:
                status = await conn.execute(
                    f"DELETE FROM {t.table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM {t.table} "
                    f"WHERE {t.age_column} < now() - $1::interval AND ({t.condition}) LIMIT {BATCH}))", keep)
            count = int(status.split()[-1])
            total += count
            if count < BATCH:
                break
        removed[t.table] = total
    return removed


class Retention:
    def __init__(self, pool: asyncpg.Pool, days: float, tables: tuple[Prunable, ...] = COMMON,
                 interval_s: float = 3600.0) -> None:
        self._pool = pool
        self._keep = timedelta(days=days)
        self._tables = tables
        self._interval = interval_s

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                removed = await prune(self._pool, self._tables, self._keep)
            except (TimeoutError, asyncpg.PostgresConnectionError, OSError) as exc:
                log.warning("retention: prune failed, next round in %gs: %r", self._interval, exc)
                continue
            if any(removed.values()):
                log.info("retention: pruned %s", ", ".join(f"{n} {t}" for t, n in removed.items() if n))
