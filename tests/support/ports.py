"""Ports for the processes a test or the soak starts, kills and starts again on the same port.

They are taken below the kernel's ephemeral range (``ip_local_port_range``): a port from that range
(what binding port 0 hands out) can be taken, while its process is down, by any outgoing connection
of the machine, and the restarted process then cannot listen on it again.
"""
from __future__ import annotations

import random
import socket
from pathlib import Path

LOWEST = 10000
EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")


def ephemeral_start() -> int:
    """The first port the kernel hands out to outgoing connections (32768 where it cannot say)."""
    try:
        return int(EPHEMERAL_RANGE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port_block(size: int = 1) -> int:
    """A base port with ``size`` consecutive ports free now, all below the ephemeral range."""
    top = ephemeral_start() - size
    if top <= LOWEST:
        raise RuntimeError(f"no room below the ephemeral range ({EPHEMERAL_RANGE} starts at {top + size})")
    rng = random.Random()
    for _ in range(500):
        base = rng.randrange(LOWEST, top)
        socks: list[socket.socket] = []
        try:
            for p in range(base, base + size):
                s = socket.socket()
                socks.append(s)
                s.bind(("127.0.0.1", p))
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
        return base
    raise RuntimeError("no free block of ports below the ephemeral range")


def free_port() -> int:
    return free_port_block(1)
