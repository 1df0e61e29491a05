"""Subscribing an enterprise's HTTP endpoint to its receipts, and taking it back."""
from __future__ import annotations

from urllib.parse import urlsplit

import asyncpg

from ..adapters import webhook_store
from ..domain.webhook_signature import new_secret


class InvalidEndpoint(ValueError):
    pass


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidEndpoint(f"webhook url must be an absolute http(s) URL, got {url!r}")
    return url


async def subscribe(pool: asyncpg.Pool, dxp_id: str, url: str, secret: str | None) -> tuple[webhook_store.Subscription, str]:
    """Create or replace the subscription; return it and the secret (generated when not given).

    Receipts issued from now on are queued for the endpoint; deliveries already queued go to the
    new URL with the new secret."""
    secret = secret or new_secret()
    async with pool.acquire() as conn:
        sub = await webhook_store.subscribe(conn, dxp_id, check_url(url), secret)
    return sub, secret


async def unsubscribe(pool: asyncpg.Pool, dxp_id: str) -> int | None:
    async with pool.acquire() as conn, conn.transaction():
        return await webhook_store.unsubscribe(conn, dxp_id)
