"""Per-sender fairness under a flood: how much one flooding enterprise delays another's receipts.

Starts its own stack (tests/support/stack.py: its own database and topics on the given Kafka and
PostgreSQL), then measures, for the agent's lists sent one every ``--gap`` seconds, the time from
sending to its 120 receipt (through gateway, management and notification):

1. alone (the baseline), 2. while the seller floods ``--flood`` orders as fast as it can.

Each victim list's time is split into its stages, from what the services publish about it (a tap
reads the internal topics): sent → the gateway worked on it (``intake``: the Declaration's
``received_at``) → its Declaration on ``cbec.declarations`` (``gateway relay``: its Kafka
timestamp) → its 120 on ``cbec.receipts`` (``management``) → its 120 on the agent's
``ceb.receipts.<DXP>`` (``notification``).

    .venv/bin/python scripts/bench_fairness.py --flood 3000                # turns and rate (defaults)
    .venv/bin/python scripts/bench_fairness.py --flood 3000 --rate 0       # turns, no rate limit
    .venv/bin/python scripts/bench_fairness.py --flood 3000 --quantum 0    # no fairness at all
    .venv/bin/python scripts/bench_fairness.py --flood 3000 --own-topics   # ceb.inbound.<DXP> (paused)

Not a test: the figures depend on the machine and what else runs on it.
"""
from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.cli.journey import DEMO_ENTERPRISES, Journey
from services.cli.kafka_io import ReceiptReader
from shared.kafka import topics
from tests.support.stack import Stack, running_stack

AGENT, EBC = "DXPENT0000000001", "DXPENT0000000002"


class Tap:
    """When the victim's lists pass each internal topic (the first record about each, by key)."""

    def __init__(self, stack) -> None:
        self.consumer = AIOKafkaConsumer(
            f"{stack.prefix}{topics.DECLARATIONS}", f"{stack.prefix}{topics.RECEIPTS}",
            bootstrap_servers=stack.kafka, auto_offset_reset="latest", enable_auto_commit=False,
            isolation_level="read_committed")
        self.seen: dict[tuple[str, str], float] = {}  # (stage, key) -> wall-clock seconds
        self.prefix = stack.prefix

    async def run(self) -> None:
        await self.consumer.start()
        try:
            while True:
                for records in (await self.consumer.getmany(timeout_ms=200)).values():
                    for r in records:
                        key = (r.key or b"").decode()
                        if r.topic.endswith(topics.DECLARATIONS):
                            stage = "gateway"
                            received = datetime.fromisoformat(json.loads(r.value)["received_at"]).timestamp()
                            self.seen.setdefault(("intake", key), received)
                        elif json.loads(r.value).get("fields", {}).get("returnStatus") == "120":
                            stage = "management"
                        else:
                            continue
                        self.seen.setdefault((stage, key), r.timestamp / 1000)
        finally:
            await self.consumer.stop()


# sent → the gateway worked on it (the Declaration's received_at) → published (its Kafka timestamp)
# → management's 120 published → delivered to the agent
STAGES = ("intake", "gateway relay", "management", "notification")


def inbound(stack, dxp_id: str, own_topics: bool) -> str:
    return f"{stack.prefix}{topics.inbound_topic(dxp_id) if own_topics else topics.INBOUND}"


async def victim_latencies(stack, producer, count: int, gap: float, own_topics: bool, tap: Tap | None = None,
                           stages: dict[str, list[float]] | None = None) -> list[float]:
    journeys = [Journey() for _ in range(count)]
    bodies = {j.cop_no: j.list_message() for j in journeys}  # made before the clock runs
    sent: dict[str, float] = {}
    got: dict[str, float] = {}
    wall_sent: dict[str, float] = {}
    wall_got: dict[str, float] = {}
    async with ReceiptReader(stack.kafka, [AGENT], stack.prefix, from_beginning=False) as reader:
        await asyncio.sleep(1.0)

        async def read() -> None:
            while len(got) < count:
                rr = await reader.next(600)
                if rr.status == "120" and rr.key in sent and rr.key not in got:
                    got[rr.key] = time.monotonic()
                    wall_got[rr.key] = time.time()

        task = asyncio.create_task(read())
        for j in journeys:
            sent[j.cop_no] = time.monotonic()
            wall_sent[j.cop_no] = time.time()
            await producer.send_and_wait(inbound(stack, AGENT, own_topics), bodies[j.cop_no], key=AGENT.encode())
            await asyncio.sleep(gap)
        await task
    if tap is not None and stages is not None:
        await asyncio.sleep(0.5)  # the tap's last records
        for k in sent:
            t_in, t_gw, t_mg = (tap.seen.get((stage, k)) for stage in ("intake", "gateway", "management"))
            if t_in is None or t_gw is None or t_mg is None:
                continue
            stages["intake"].append(t_in - wall_sent[k])
            stages["gateway relay"].append(t_gw - t_in)
            stages["management"].append(t_mg - t_gw)
            stages["notification"].append(wall_got[k] - t_mg)
    return [got[k] - sent[k] for k in sent]  # in sending order


async def flood(stack, producer, bodies: list[bytes], own_topics: bool) -> float:
    """Sent as fast as the producer goes (the messages are made beforehand: making them would take
    the event loop from the victim's clock)."""
    started = time.monotonic()
    for body in bodies:
        await producer.send(inbound(stack, EBC, own_topics), body, key=EBC.encode())
    await producer.flush()
    return time.monotonic() - started


def stage_summary(stages: dict[str, list[float]]) -> str:
    return ", ".join(f"{name} {statistics.median(xs) * 1000:.0f}" for name, xs in stages.items() if xs) + \
        " ms (medians)"


def summary(xs: list[float]) -> str:
    xs = sorted(xs)
    return f"median {statistics.median(xs) * 1000:.0f} ms, p90 {xs[int(len(xs) * 0.9) - 1] * 1000:.0f} ms, max {xs[-1] * 1000:.0f} ms"


async def main(args) -> None:
    # a loaded machine starts the services slowly: the bench waits longer than the tests do
    Stack.wait_healthy = functools.partialmethod(Stack.wait_healthy, timeout=args.start_timeout)
    env = {"GATEWAY_SENDER_RATE": str(args.rate), "GATEWAY_SENDER_BURST": str(args.burst),
           "GATEWAY_SENDER_QUANTUM": str(args.quantum)}
    async with running_stack(args.kafka, args.database, Path(tempfile.mkdtemp()), enterprises=DEMO_ENTERPRISES,
                             extra_env=env) as stack:
        producer = AIOKafkaProducer(bootstrap_servers=stack.kafka, acks="all", linger_ms=5)
        await producer.start()
        tap = Tap(stack)
        tapping = asyncio.create_task(tap.run())
        try:
            if args.own_topics:
                # the flooder's own topic exists, and the gateway reads it, before the flood (else
                # the flood waits for the gateway's next metadata refresh, up to 5 s: unmeasured)
                await flood(stack, producer, [Journey().order_message() for _ in range(5)], args.own_topics)
                await asyncio.sleep(6)
            await victim_latencies(stack, producer, 5, args.gap, args.own_topics)  # warm-up
            alone_stages: dict[str, list[float]] = {s: [] for s in STAGES}
            alone = await victim_latencies(stack, producer, args.lists, args.gap, args.own_topics, tap, alone_stages)
            print(f"alone:        {summary(alone)}")
            print(f"  by stage:   {stage_summary(alone_stages)}")
            bodies = [Journey().order_message() for _ in range(args.flood)]
            flooding = asyncio.create_task(flood(stack, producer, bodies, args.own_topics))
            await asyncio.sleep(0.5)
            during_stages: dict[str, list[float]] = {s: [] for s in STAGES}
            during = await victim_latencies(stack, producer, args.lists, args.gap, args.own_topics, tap, during_stages)
            took = await flooding
            print("during flood, in sending order (ms):", " ".join(f"{x * 1000:.0f}" for x in during))
            print(f"during flood: {summary(during)}  ({args.flood} orders sent in {took:.1f}s, "
                  f"rate {args.rate}/s burst {args.burst} quantum {args.quantum}"
                  f"{', own inbound topics' if args.own_topics else ''})")
            print(f"  by stage:   {stage_summary(during_stages)}")
            print(f"ratio of medians {statistics.median(during) / statistics.median(alone):.2f}, "
                  f"of p90 {sorted(during)[int(len(during) * 0.9) - 1] / sorted(alone)[int(len(alone) * 0.9) - 1]:.2f}")
        finally:
            tapping.cancel()
            await asyncio.gather(tapping, return_exceptions=True)
            await producer.stop()


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--flood", type=int, default=3000)
    p.add_argument("--lists", type=int, default=20)
    p.add_argument("--gap", type=float, default=0.25)
    p.add_argument("--rate", type=float, default=100)
    p.add_argument("--burst", type=float, default=200)
    p.add_argument("--quantum", type=int, default=20)
    p.add_argument("--start-timeout", type=float, default=240, help="seconds each service may take to start")
    p.add_argument("--own-topics", action="store_true", help="send to ceb.inbound.<DXP id> (the secure profile's way)")
    p.add_argument("--kafka", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"))
    p.add_argument("--database", default=os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    asyncio.run(main(p.parse_args()))
