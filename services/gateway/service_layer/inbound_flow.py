"""Flow control on the enterprises' own inbound topics (``ceb.inbound.<DXP id>``): a sender with a
backlog of deferred messages (``GATEWAY_SENDER_PAUSE_BACKLOG``) has its topic's partitions paused,
so its flood waits in Kafka rather than being copied to ``deferred_intake``, and the gateway's
batches hold the other senders' messages; resumed when its backlog has been worked off below it.
The shared ``ceb.inbound`` (the open demo profile) is never paused: it carries every sender.

The backlog is read from the database, so whichever instance takes a sender's deferred messages,
the one reading its topic sees it.
"""
from __future__ import annotations

import asyncpg
from aiokafka import TopicPartition

from shared.kafka import topics

from ..adapters import deferred_intake


class InboundFlow:
    def __init__(self, pool: asyncpg.Pool, prefix: str, backlog: int) -> None:
        self.pool = pool
        self.prefix = prefix
        self.backlog = backlog
        self.paused: set[str] = set()  # the senders held at the last check

    async def held(self, assigned: set[TopicPartition]) -> set[TopicPartition]:
        named = {tp: topics.inbound_sender(tp.topic, self.prefix) for tp in assigned}
        senders = sorted({s for s in named.values() if s})
        if not senders:
            return set()
        async with self.pool.acquire() as conn:
            self.paused = await deferred_intake.over(conn, senders, self.backlog)
        return {tp for tp, sender in named.items() if sender in self.paused}
