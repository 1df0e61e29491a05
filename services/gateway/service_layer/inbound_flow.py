"""Turns handed out where the gateway reads: how many records of each inbound partition its next
batch may take (``BatchConsumer.flow``, asked before every fetch).

- An enterprise's own ``ceb.inbound.<DXP id>`` (the secure profile): a whole turn (the quantum)
  when its bucket holds one, else none for now; none while it has ``GATEWAY_SENDER_PAUSE_BACKLOG``
  messages deferred. So a flood waits in Kafka, on its own topic, is never copied out, and never
  shares a batch with the others' messages beyond its turn.
- The shared ``ceb.inbound`` (the open demo profile) carries every sender: each of its partitions
  gives a batch at most ``SHARED_TURNS`` turns (a flood keyed to one partition does not fill the
  batches for the others'). A partition whose last batch was all deferred (its senders all over
  their turns: a flood's partition) gives one turn, and none while those senders have
  ``GATEWAY_SENDER_PAUSE_BACKLOG`` messages deferred: the flood is copied out of Kafka no faster
  than it is worked off. Senders keyed to the same partition as the flood wait with it (Kafka
  keeps a partition's order); the secure profile's own topics have no such neighbours.

The backlog and the buckets are read from the database (one query each, spending nothing), so
whichever instance takes a sender's deferred messages, the one reading its topic sees it; the
batch's transaction then spends the tokens, and an instance that lost a race for them defers the
rest (the order holds).
"""
from __future__ import annotations

import asyncpg
from aiokafka import TopicPartition

from shared.kafka import topics

from ..adapters import deferred_intake, sender_tokens
from ..domain.sender_quota import SenderQuota

# of a shared ceb.inbound partition, a batch takes at most this many senders' turns
SHARED_TURNS = 5


class InboundFlow:
    def __init__(self, pool: asyncpg.Pool, prefix: str, quota: SenderQuota, backlog: int,
                 backed_up: dict[tuple[str, int], set[str]] | None = None, share: int | None = None) -> None:
        """``backed_up``: the partitions whose last batch was all deferred, and whose records those
        were (``Intake.backed_up``)."""
        self.pool = pool
        self.backed_up = backed_up if backed_up is not None else {}
        self.prefix = prefix
        self.quota = quota
        self.backlog = backlog
        self.share = share or quota.quantum * SHARED_TURNS
        self.waiting: set[str] = set()  # the senders without a turn at the last look

    async def turns(self, assigned: set[TopicPartition]) -> dict[TopicPartition, int]:
        named = {tp: topics.inbound_sender(tp.topic, self.prefix) for tp in assigned}
        shared = {tp: self.backed_up.get((tp.topic, tp.partition), set()) for tp, s in named.items() if s is None}
        senders = sorted({s for s in named.values() if s})
        behind = sorted(set().union(*shared.values()))  # the senders a shared partition waits on
        held: set[str] = set()
        tokens: dict[str, float] = {}
        if senders or behind:
            async with self.pool.acquire() as conn:
                held = await deferred_intake.over(conn, sorted({*senders, *behind}), self.backlog)
                tokens = await sender_tokens.available(conn, self.quota, senders)
        limits = {tp: (0 if waits & held else self.quota.quantum) if waits else self.share
                  for tp, waits in shared.items()}
        turn = {s: 0 if s in held else self.quota.turn(tokens[s]) for s in senders}
        self.waiting = {s for s, n in turn.items() if n == 0} | (held & set(behind))
        limits.update({tp: turn[sender] for tp, sender in named.items() if sender})
        return limits
