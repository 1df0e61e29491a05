"""The webhook deliveries as the pipes see them (``shared.pipes``): how many wait, how many are
parked, how old the oldest waiting one is, and whether the dispatcher still makes rounds."""
from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg

from .webhook_dispatch import STALL_SECONDS, WebhookDispatcher


def webhook_check(pool: asyncpg.Pool, dispatcher: WebhookDispatcher) -> Callable[[], Awaitable[dict]]:
    async def webhooks() -> dict:
        async with pool.acquire() as conn:
            row = await conn.fetchrow(
                "SELECT count(*) FILTER (WHERE status = 'pending') AS pending, "
                "count(*) FILTER (WHERE status = 'parked') AS parked, "
                "extract(epoch FROM now() - min(created_at) FILTER (WHERE status = 'pending')) AS oldest "
                "FROM webhook_deliveries WHERE status IN ('pending', 'parked')")
        stats = dispatcher.stats()
        problems = []
        if dispatcher.stalled():
            problems.append(f"the webhook dispatcher has made no round for {STALL_SECONDS:.0f} s")
        return {"problems": problems,
                "webhooks": {"pending": row["pending"], "parked": row["parked"],
                             "oldestPendingSeconds": round(float(row["oldest"] or 0), 1),
                             "inFlight": stats["in_flight"], "delivered": stats["delivered"],
                             "failedAttempts": stats["failed_attempts"], "parkedNow": stats["parked"],
                             "endpointsPaused": stats["endpoints_paused"]}}

    return webhooks
