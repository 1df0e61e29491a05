"""A SLICE of the stack, not the whole journey: lists in, their 120 receipts out.

For the whole journey (orders, waybills, payments, lists, bills, arrivals, departures,
cancellations, officer actions) and the bare limit, use scripts/bench_journey.py (`make bench`).

Sends N export lists (each unique) to ceb.inbound as fast as one producer can, and measures how
long until every list's 120 receipt has reached the agent's receipt topic.

    .venv/bin/python scripts/bench_slice_list_to_120.py --lists 5000        # against `make up`

Prints lists/s stored (one fifth of a journey's work) (gateway → management → notification, every receipt through
outboxes and inboxes). Not a test: the figure depends on the machine and what else runs on it.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import time

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from services.cli.journey import DEMO_ENTERPRISES, Journey
from shared.kafka import headers as H
from shared.kafka import topics

AGENT = "DXPENT0000000001"


async def main(lists: int, bootstrap: str, gateway: str, prefix: str) -> None:
    async with httpx.AsyncClient(base_url=gateway, timeout=10) as http:
        for e in DEMO_ENTERPRISES:
            (await http.post("/enterprises", json=e)).raise_for_status()
    bodies = [Journey().list_message("xml") for _ in range(lists)]
    receipts_topic = f"{prefix}{topics.receipt_topic(AGENT)}"
    consumer = AIOKafkaConsumer(receipts_topic, bootstrap_servers=bootstrap, auto_offset_reset="latest",
                                group_id=None, metadata_max_age_ms=1000, isolation_level="read_committed")
    await consumer.start()
    await consumer.getmany(timeout_ms=1000)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5, max_batch_size=512 * 1024,
                                max_request_size=8 * 1024 * 1024)
    await producer.start()
    started = time.monotonic()
    for body in bodies:
        await producer.send(f"{prefix}{topics.INBOUND}", body, key=AGENT.encode())
    await producer.flush()
    sent = time.monotonic() - started
    stored = 0
    first = None
    while stored < lists:
        batches = await consumer.getmany(timeout_ms=1000)
        if not batches and time.monotonic() - started > 600:
            break
        for records in batches.values():
            for r in records:
                if dict(r.headers).get(H.RETURN_STATUS) == b"120":
                    stored += 1
                    first = first or time.monotonic()
    elapsed = time.monotonic() - started
    await producer.stop()
    await consumer.stop()
    print(f"lists sent:            {lists} in {sent:.2f}s ({lists / sent:,.0f}/s into ceb.inbound)")
    print(f"lists stored (120):    {stored} in {elapsed:.2f}s after the first send")
    print(f"slice throughput:      {stored / elapsed:,.0f} lists/s to 120 (a slice: not journeys/s; see bench_journey.py)")


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lists", type=int, default=5000)
    p.add_argument("--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"))
    p.add_argument("--gateway", default=os.environ.get("CBEC_GATEWAY_URL", "http://127.0.0.1:8080"))
    p.add_argument("--prefix", default=os.environ.get("CBEC_TOPIC_PREFIX", ""))
    a = p.parse_args()
    asyncio.run(main(a.lists, a.bootstrap, a.gateway, a.prefix))
