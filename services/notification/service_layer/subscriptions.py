"""Subscribing an enterprise's HTTP endpoint to its receipts, and taking it back."""
from __future__ import annotations

from urllib.parse import urlsplit

from shared.db.unit_of_work import UnitsOfWork
from shared.sealing import Sealer

from ..adapters import webhook_store
from ..domain.webhook_signature import new_secret
from ..domain.webhook_targets import RefusedTarget, TargetPolicy


class InvalidEndpoint(ValueError):
    pass


def check_url(url: str) -> str:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a bad port raises here
    except ValueError:
        raise InvalidEndpoint(f"webhook url is not a URL: {url[:200]!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise InvalidEndpoint(f"webhook url must be an absolute http(s) URL without credentials, got {url[:200]!r}")
    return url


async def check_target(url: str, policy: TargetPolicy) -> None:
    """The URL's host must resolve to addresses the policy allows (checked again at each connection)."""
    parts = urlsplit(url)
    try:
        await policy.resolve(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))
    except RefusedTarget as exc:
        raise InvalidEndpoint(str(exc)) from None


async def subscribe(units: UnitsOfWork, dxp_id: str, url: str, secret: str | None,
                    policy: TargetPolicy | None = None, sealer: Sealer | None = None,
                    ) -> tuple[webhook_store.Subscription, str]:
    """Create or replace the subscription; return it and the secret (generated when not given).

    Receipts issued from now on are queued for the endpoint; deliveries already queued go to the
    new URL with the new secret. The secret is stored sealed (``CBEC_DATA_KEY``)."""
    await check_target(check_url(url), policy or TargetPolicy())
    secret = secret or new_secret()
    async with units() as uow:
        sub = await webhook_store.subscribe(uow.conn, dxp_id, url, (sealer or Sealer()).seal(secret))
    return sub, secret


async def unsubscribe(units: UnitsOfWork, dxp_id: str) -> int | None:
    async with units() as uow:
        return await webhook_store.unsubscribe(uow.conn, dxp_id)
