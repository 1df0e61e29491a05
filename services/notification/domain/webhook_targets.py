"""Where webhooks may go: public addresses only (no server-side request forgery).

A webhook URL is resolved when it is subscribed and again when each connection is opened (the
connection goes to the address that was checked, so a DNS answer that changes in between cannot
steer it); loopback, private, link-local (cloud metadata 169.254.169.254), multicast, reserved and
unspecified addresses are refused, unless ``CBEC_WEBHOOK_ALLOW`` names them (comma-separated
addresses or networks, e.g. ``127.0.0.1`` for a receiver on the same machine in local tests).
"""
from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class RefusedTarget(ValueError):
    pass


class TargetPolicy:
    def __init__(self, allowed: Iterable[str] = ()) -> None:
        self._allowed = [ipaddress.ip_network(a.strip(), strict=False) for a in allowed if a.strip()]

    @classmethod
    def from_env(cls, value: str) -> TargetPolicy:
        return cls(value.split(","))

    def refusal(self, address: str) -> str | None:
        """Why a connection to ``address`` is refused, or None."""
        ip: Address = ipaddress.ip_address(address.split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if any(ip in net for net in self._allowed):
            return None
        for kind in ("loopback", "private", "link_local", "multicast", "reserved", "unspecified"):
            if getattr(ip, f"is_{kind}"):
                return f"{kind.replace('_', '-')} address"
        if not ip.is_global:
            return "not a public address"
        return None

    async def resolve(self, host: str, port: int) -> list[str]:
        """The host's addresses, every one allowed; raises :class:`RefusedTarget`."""
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise RefusedTarget(f"webhook host {host!r} does not resolve ({exc.strerror})") from None
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        for address in addresses:
            why = self.refusal(address)
            if why is not None:
                raise RefusedTarget(f"webhook host {host!r} resolves to a {why}: refused")
        return addresses
