"""Wait until a Kafka broker answers a metadata request (used by deploy/kafka/kafka.sh).

    python wait_ready.py --bootstrap 127.0.0.1:9092 [--timeout 90] [--pid 1234] [--brokers 3]

Exit 0: the broker answered and lists at least ``--brokers`` brokers (1). Exit 1: timed out. Exit 2: the process
given with --pid exited while we waited. ``--timeout 0`` tries once (used by ``kafka.sh status``).

With aiokafka importable (the project's venv) the check is the client the services use:
``AIOKafkaAdminClient.list_topics``. Without it, a raw Metadata v4 request over a socket, so the
script also works from a bare ``python3``. A SASL broker (the secure profile) is probed with the
credentials in KAFKA_SECURITY_PROTOCOL / KAFKA_SASL_MECHANISM / KAFKA_SASL_USERNAME / _PASSWORD.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import socket
import struct
import sys
import time


def _pid_alive(pid: int | None) -> bool:
    if pid is None:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped) still answers kill(0): look at its state.
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


async def _probe_aiokafka(bootstrap: str, timeout: float, brokers: int) -> bool:
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap,
        request_timeout_ms=int(timeout * 1000),
        client_id="cbec-kafka-wait",
        **_auth(),
    )
    try:
        await asyncio.wait_for(admin.start(), timeout)
        await asyncio.wait_for(admin.list_topics(), timeout)
        if brokers <= 1:
            return True
        cluster = await asyncio.wait_for(admin.describe_cluster(), timeout)
        return len(cluster["brokers"]) >= brokers
    finally:
        try:
            await asyncio.wait_for(admin.close(), timeout)
        except Exception:
            pass


def _auth() -> dict:
    protocol = os.environ.get("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT")
    if not protocol.startswith("SASL"):
        return {}
    return {"security_protocol": protocol,
            "sasl_mechanism": os.environ.get("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512"),
            "sasl_plain_username": os.environ.get("KAFKA_SASL_USERNAME", ""),
            "sasl_plain_password": os.environ.get("KAFKA_SASL_PASSWORD", "")}


def _probe_raw(bootstrap: str, timeout: float, brokers: int) -> bool:
    host, _, port = bootstrap.split(",")[0].rpartition(":")
    client_id = b"cbec-kafka-wait"
    # Request header v1 + Metadata v4 body: no topics, no auto creation.
    body = struct.pack(">hhih", 3, 4, 42, len(client_id)) + client_id + struct.pack(">ib", 0, 0)
    with socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)), timeout) as sock:
        sock.sendall(struct.pack(">i", len(body)) + body)
        data = b""
        while len(data) < 16:
            chunk = sock.recv(4096)
            if not chunk:
                return False
            data += chunk
    _size, correlation, _throttle, listed = struct.unpack(">iiii", data[:16])
    return correlation == 42 and listed >= max(1, brokers)


def probe(bootstrap: str, timeout: float, brokers: int = 1) -> bool:
    try:
        import aiokafka  # noqa: F401
    except ImportError:
        try:
            return _probe_raw(bootstrap, timeout, brokers)
        except (OSError, struct.error):
            return False
    try:
        return asyncio.run(_probe_aiokafka(bootstrap, timeout, brokers))
    except Exception:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    parser.add_argument("--timeout", type=float, default=90.0)
    parser.add_argument("--pid", type=int)
    parser.add_argument("--brokers", type=int, default=1, help="how many brokers the metadata must list")
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)  # aiokafka logs every refused connection

    deadline = time.monotonic() + args.timeout
    while True:
        if probe(args.bootstrap, 5.0, args.brokers):
            return 0
        if not _pid_alive(args.pid):
            return 2
        if time.monotonic() >= deadline:
            return 1
        time.sleep(0.5)


if __name__ == "__main__":
    sys.exit(main())
