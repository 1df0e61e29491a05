"""Per-sender fairness under a flood: how much one flooding enterprise delays another's receipts.

Starts its own stack (tests/support/stack.py: its own database and topics on the given Kafka and
PostgreSQL), then measures, for the agent's lists sent one every ``--gap`` seconds, the time from
sending to its 120 receipt (through gateway, management and notification):

1. alone (the baseline), 2. while the seller floods ``--flood`` orders as fast as it can.

    .venv/bin/python scripts/bench_fairness.py --flood 3000                # the quota on (default)
    .venv/bin/python scripts/bench_fairness.py --flood 3000 --rate 0       # the quota off

Not a test: the figures depend on the machine and what else runs on it.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from aiokafka import AIOKafkaProducer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.cli.journey import DEMO_ENTERPRISES, Journey  # noqa: E402
from services.cli.kafka_io import ReceiptReader  # noqa: E402
from shared.kafka import topics  # noqa: E402
from tests.support.stack import running_stack  # noqa: E402

AGENT, EBC = "DXPENT0000000001", "DXPENT0000000002"


async def victim_latencies(stack, producer, count: int, gap: float) -> list[float]:
    journeys = [Journey() for _ in range(count)]
    bodies = {j.cop_no: j.list_message() for j in journeys}  # made before the clock runs
    sent: dict[str, float] = {}
    got: dict[str, float] = {}
    async with ReceiptReader(stack.kafka, [AGENT], stack.prefix, from_beginning=False) as reader:
        await asyncio.sleep(1.0)

        async def read() -> None:
            while len(got) < count:
                rr = await reader.next(600)
                if rr.status == "120" and rr.key in sent and rr.key not in got:
                    got[rr.key] = time.monotonic()

        task = asyncio.create_task(read())
        for j in journeys:
            sent[j.cop_no] = time.monotonic()
            await producer.send_and_wait(f"{stack.prefix}{topics.INBOUND}", bodies[j.cop_no], key=AGENT.encode())
            await asyncio.sleep(gap)
        await task
    return [got[k] - sent[k] for k in sent]  # in sending order


async def flood(stack, producer, bodies: list[bytes]) -> float:
    """Sent as fast as the producer goes (the messages are made beforehand: making them would take
    the event loop from the victim's clock)."""
    started = time.monotonic()
    for body in bodies:
        await producer.send(f"{stack.prefix}{topics.INBOUND}", body, key=EBC.encode())
    await producer.flush()
    return time.monotonic() - started


def summary(xs: list[float]) -> str:
    xs = sorted(xs)
    return f"median {statistics.median(xs) * 1000:.0f} ms, p90 {xs[int(len(xs) * 0.9) - 1] * 1000:.0f} ms, max {xs[-1] * 1000:.0f} ms"


async def main(args) -> None:
    env = {"GATEWAY_SENDER_RATE": str(args.rate), "GATEWAY_SENDER_BURST": str(args.burst)}
    async with running_stack(args.kafka, args.database, Path(tempfile.mkdtemp()), enterprises=DEMO_ENTERPRISES,
                             extra_env=env) as stack:
        producer = AIOKafkaProducer(bootstrap_servers=stack.kafka, acks="all", linger_ms=5)
        await producer.start()
        try:
            await victim_latencies(stack, producer, 5, args.gap)  # warm-up
            alone = await victim_latencies(stack, producer, args.lists, args.gap)
            print(f"alone:        {summary(alone)}")
            bodies = [Journey().order_message() for _ in range(args.flood)]
            flooding = asyncio.create_task(flood(stack, producer, bodies))
            await asyncio.sleep(0.5)
            during = await victim_latencies(stack, producer, args.lists, args.gap)
            took = await flooding
            print("during flood, in sending order (ms):", " ".join(f"{x * 1000:.0f}" for x in during))
            print(f"during flood: {summary(during)}  ({args.flood} orders sent in {took:.1f}s, "
                  f"quota {args.rate}/s burst {args.burst})")
            print(f"ratio of medians {statistics.median(during) / statistics.median(alone):.2f}, "
                  f"of p90 {sorted(during)[int(len(during) * 0.9) - 1] / sorted(alone)[int(len(alone) * 0.9) - 1]:.2f}")
        finally:
            await producer.stop()


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--flood", type=int, default=3000)
    p.add_argument("--lists", type=int, default=20)
    p.add_argument("--gap", type=float, default=0.25)
    p.add_argument("--rate", type=float, default=100)
    p.add_argument("--burst", type=float, default=200)
    p.add_argument("--kafka", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"))
    p.add_argument("--database", default=os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    asyncio.run(main(p.parse_args()))
