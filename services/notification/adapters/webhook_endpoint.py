"""POSTing a receipt to an enterprise's endpoint, bounded in time, never raising for its failures.

Every connection is opened to an address :class:`TargetPolicy` allows, resolved at connect time
(no proxies from the environment); a failed delivery records the status, never the endpoint's
reply (the platform is nobody's window onto the hosts it can reach)."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpcore
import httpx

from ..domain.webhook_targets import RefusedTarget, TargetPolicy


@dataclass(frozen=True)
class PostOutcome:
    ok: bool
    http_status: int | None = None
    error: str = ""


MAX_REPLY_BYTES = 64 * 1024


class _CheckedBackend(httpcore.AsyncNetworkBackend):
    """Resolves the host, refuses what the policy refuses, connects to the address checked."""

    def __init__(self, policy: TargetPolicy, inner: httpcore.AsyncNetworkBackend) -> None:
        self._policy = policy
        self._inner = inner

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        try:
            addresses = await self._policy.resolve(host, port)
        except RefusedTarget as exc:
            raise httpcore.ConnectError(str(exc)) from None
        return await self._inner.connect_tcp(addresses[0], port, timeout=timeout, local_address=local_address,
                                             socket_options=socket_options)

    async def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise httpcore.ConnectError("unix sockets are not webhook targets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def checked_transport(policy: TargetPolicy, max_connections: int) -> httpx.AsyncHTTPTransport:
    transport = httpx.AsyncHTTPTransport(
        trust_env=False, limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections))
    # httpx (pinned) builds its httpcore pool without a way to pass a network backend: set it here
    pool = transport._pool
    pool._network_backend = _CheckedBackend(policy, pool._network_backend)
    return transport


class WebhookEndpoint:
    """One shared HTTP client; every POST ends within ``timeout_s`` whatever the endpoint does."""

    def __init__(self, timeout_s: float, max_connections: int, transport: httpx.AsyncBaseTransport | None = None,
                 policy: TargetPolicy | None = None) -> None:
        self._timeout = timeout_s
        if transport is None:
            transport = checked_transport(policy or TargetPolicy(), max_connections)
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s), follow_redirects=False, transport=transport, trust_env=False,
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
            headers={"user-agent": "cbec-notification/1.0"})

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> PostOutcome:
        try:
            async with asyncio.timeout(self._timeout), \
                    self._client.stream("POST", url, content=body, headers=headers) as resp:
                read = 0
                async for chunk in resp.aiter_raw():  # drained (connection reuse), never kept
                    read += len(chunk)
                    if read > MAX_REPLY_BYTES:
                        break
        except TimeoutError:
            return PostOutcome(False, None, f"timeout after {self._timeout:g}s")
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            return PostOutcome(False, None, f"{type(exc).__name__}: {exc}"[:300] or type(exc).__name__)
        if 200 <= resp.status_code < 300:
            return PostOutcome(True, resp.status_code)
        return PostOutcome(False, resp.status_code, f"HTTP {resp.status_code}")
