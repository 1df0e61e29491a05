"""The webhook deliveries as the pipes see them (``shared.pipes``): how many wait, how many are
parked, how old the oldest waiting one is, and whether the dispatcher still makes rounds."""
from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg

from ..adapters import webhook_store
from .webhook_dispatch import STALL_SECONDS, WebhookDispatcher


def webhook_check(pool: asyncpg.Pool, dispatcher: WebhookDispatcher) -> Callable[[], Awaitable[dict]]:
    async def webhooks() -> dict:
        async with pool.acquire() as conn:
            pending, parked, oldest = await webhook_store.backlog(conn)
        stats = dispatcher.stats()
        problems = []
        if dispatcher.stalled():
            problems.append(f"the webhook dispatcher has made no round for {STALL_SECONDS:.0f} s")
        return {"problems": problems,
                "webhooks": {"pending": pending, "parked": parked, "oldestPendingSeconds": round(oldest, 1),
                             "inFlight": stats["in_flight"], "delivered": stats["delivered"],
                             "failedAttempts": stats["failed_attempts"], "parkedNow": stats["parked"],
                             "endpointsPaused": stats["endpoints_paused"]}}

    return webhooks
