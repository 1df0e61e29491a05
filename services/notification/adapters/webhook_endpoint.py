"""POSTing a receipt to an enterprise's endpoint, bounded in time, never raising for its failures."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class PostOutcome:
    ok: bool
    http_status: int | None = None
    error: str = ""


class WebhookEndpoint:
    """One shared HTTP client; every POST ends within ``timeout_s`` whatever the endpoint does."""

    def __init__(self, timeout_s: float, max_connections: int, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._timeout = timeout_s
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s), follow_redirects=False, transport=transport,
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
            headers={"user-agent": "cbec-notification/1.0"})

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> PostOutcome:
        try:
            async with asyncio.timeout(self._timeout):
                resp = await self._client.post(url, content=body, headers=headers)
                await resp.aread()
        except TimeoutError:
            return PostOutcome(False, None, f"timeout after {self._timeout:g}s")
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            return PostOutcome(False, None, f"{type(exc).__name__}: {exc}"[:500] or type(exc).__name__)
        if 200 <= resp.status_code < 300:
            return PostOutcome(True, resp.status_code)
        return PostOutcome(False, resp.status_code, f"HTTP {resp.status_code}: {resp.text[:200]}")

    async def close(self) -> None:
        await self._client.aclose()
