"""The senders' token buckets (``domain/sender_quota.py``), in PostgreSQL: one bucket per sender
for every gateway instance. Spent in the caller's transaction; the rows of a batch's senders are
locked in sender order (no two transactions lock them the other way round)."""
from __future__ import annotations

import asyncpg

from ..domain.sender_quota import SenderQuota


async def take(conn: asyncpg.Connection, quota: SenderQuota, wanted: dict[str, int]) -> dict[str, int]:
    """Up to ``wanted[sender]`` tokens of each sender's bucket: how many each got."""
    wanted = {s: n for s, n in wanted.items() if n > 0}
    if not quota.limited:
        return dict(wanted)
    if not wanted:
        return {}
    now = quota.clock()
    senders = sorted(wanted)
    await conn.execute("INSERT INTO sender_tokens (sender, tokens, at) SELECT s, $2, $3 FROM unnest($1::text[]) AS s "
                       "ORDER BY s ON CONFLICT (sender) DO NOTHING", senders, float(max(1.0, quota.burst)), now)
    rows = await conn.fetch("SELECT sender, tokens, at FROM sender_tokens WHERE sender = ANY($1::text[]) "
                            "ORDER BY sender FOR UPDATE", senders)
    granted: dict[str, int] = {}
    left: list[float] = []
    for r in rows:
        tokens = quota.refill(r["tokens"], r["at"], now)
        granted[r["sender"]] = quota.grant(tokens, wanted[r["sender"]])
        left.append(tokens - granted[r["sender"]])
    await conn.execute("UPDATE sender_tokens t SET tokens = u.tokens, at = $3 FROM unnest($1::text[], $2::float8[]) "
                       "AS u(sender, tokens) WHERE t.sender = u.sender", [r["sender"] for r in rows], left, now)
    return granted


async def available(conn: asyncpg.Connection, quota: SenderQuota, senders: list[str]) -> dict[str, float]:
    """The tokens each sender's bucket holds now, spending none (a sender without a bucket yet has
    a full one)."""
    full = float(max(1.0, quota.burst))
    if not senders:
        return {}
    if not quota.limited:
        return dict.fromkeys(senders, float("inf"))
    now = quota.clock()
    rows = await conn.fetch("SELECT sender, tokens, at FROM sender_tokens WHERE sender = ANY($1::text[])", senders)
    found = {r["sender"]: quota.refill(r["tokens"], r["at"], now) for r in rows}
    return {s: found.get(s, full) for s in senders}
