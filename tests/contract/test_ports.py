"""The ports the soak and the end-to-end stacks restart processes on are ones no outgoing connection
can take while the process is down (below the kernel's ephemeral range)."""
from __future__ import annotations

import socket

from tests.support.ports import ephemeral_start, free_port_block


def test_a_block_of_ports_lies_below_the_ephemeral_range_and_is_free():
    base = free_port_block(7)
    assert base + 7 <= ephemeral_start()
    socks = [socket.socket() for _ in range(7)]
    try:
        for i, s in enumerate(socks):
            s.bind(("127.0.0.1", base + i))  # each of them can be listened on
    finally:
        for s in socks:
            s.close()
