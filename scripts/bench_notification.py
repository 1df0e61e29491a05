"""How many receipts per second notification delivers to Kafka on this machine.

Loads N ``ReceiptIssued`` events onto a fresh, prefixed ``cbec.receipts`` topic, starts the
notification service in this process (its own database, its own topics), and counts what arrives
on the enterprises' ``ceb.receipts.<DXP id>`` topics. The figure is receipts delivered per second
from the first to the last delivered receipt: consume, record (dedupe), render, queue webhooks,
outbox, relay to Kafka with acks=all.

    KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092 DATABASE_URL=postgresql://postgres@127.0.0.1:15432/cbec \\
        .venv/bin/python scripts/bench_notification.py --count 20000 --enterprises 10 [--format json]
        [--webhook-share 0.2]   # also subscribe that share of enterprises to a local endpoint
        [--profile run.prof]    # cProfile from service start to the last receipt

DATABASE_URL must allow CREATE DATABASE; the benchmark database and topics are its own.
"""
from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import logging
import os
import random
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from services.notification.bootstrap import bootstrap
from services.notification.settings import NotificationSettings
from shared.contracts import ReceiptIssued, Recipient
from shared.kafka import headers as H
from shared.kafka import topics
from shared.kafka.admin import TopicAdmin
from shared.runtime import settle_heap


def receipts(count: int, enterprises: list[str], fmt: str) -> list[ReceiptIssued]:
    out = []
    lists = max(1, count // 3)
    for i in range(count):
        list_no = i % lists
        cop_no = f"AGB{list_no:09d}"
        status = ("2", "120", "800")[i // lists % 3]
        out.append(ReceiptIssued(
            receipt_id=str(uuid.uuid4()), message_type="CEB604", business_key=cop_no,
            fields={"guid": str(uuid.uuid4()).upper(), "agentCode": "3301960001", "copNo": cop_no,
                    "preNo": f"B20261128{list_no:09d}", "invtNo": f"29922026E{list_no:09d}",
                    "ebcCode": "3301960002", "ebpCode": "3301960009", "orderNo": f"ORD{list_no:09d}",
                    "statisticsFlag": "A", "returnStatus": status, "returnTime": "20261128120000000",
                    "returnInfo": "[Code:0000;Desc:benchmark]"},
            recipients=[Recipient(dxp_id=enterprises[list_no % len(enterprises)], format=fmt)],
            issued_at=datetime.now(UTC), issued_by="management", trace_id=uuid.uuid4().hex))
    return out


async def load(kafka: str, topic: str, events: list[ReceiptIssued]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=kafka, acks="all", linger_ms=5, max_batch_size=512 * 1024)
    await producer.start()
    try:
        for e in events:
            await producer.send(topic, e.model_dump_json().encode(), key=e.business_key.encode(),
                                headers=[(H.MESSAGE_ID, str(uuid.uuid4()).encode())])
        await producer.flush()
    finally:
        await producer.stop()


async def count_delivered(kafka: str, receipt_topics: list[str], expected: int,
                          timeout: float) -> tuple[float, float, int, float]:
    consumer = AIOKafkaConsumer(*receipt_topics, bootstrap_servers=kafka, auto_offset_reset="earliest",
                                enable_auto_commit=False, group_id=None, metadata_max_age_ms=1000,
                                isolation_level="read_committed")
    await consumer.start()
    first = last = 0.0
    seen = 0
    cpu_first = cpu_last = 0.0
    deadline = time.monotonic() + timeout
    try:
        while seen < expected and time.monotonic() < deadline:
            for recs in (await consumer.getmany(timeout_ms=200, max_records=10000)).values():
                if recs and not first:
                    first, cpu_first = time.monotonic(), time.process_time()
                seen += len(recs)
                if recs:
                    last, cpu_last = time.monotonic(), time.process_time()
    finally:
        await consumer.stop()
    return first, last, seen, cpu_last - cpu_first


async def drop_topics(kafka: str, prefix: str) -> None:
    """Delete the run's topics (every name starting with ``prefix``) so runs do not pile up partitions."""
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka)
    try:
        await admin.start()
        names = [t for t in await admin.list_topics() if t.startswith(prefix)]
        if names:
            await admin.delete_topics(names)
    except Exception as err:
        print(f"could not delete the run's topics ({prefix}*): {err}", file=sys.stderr)
    finally:
        try:
            await admin.close()
        except Exception:
            pass


class _GcClock:
    """Time spent in the cyclic garbage collector (a gc callback)."""

    def __init__(self) -> None:
        self.seconds, self.runs, self._t = 0.0, 0, 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._t = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._t
            self.runs += 1


async def main(args: argparse.Namespace) -> int:
    kafka = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    admin_url = os.environ.get("DATABASE_URL")
    if not admin_url:
        print("set DATABASE_URL (a role that may CREATE DATABASE)", file=sys.stderr)
        return 2
    run = uuid.uuid4().hex[:8]
    prefix, db = f"bench{run}.", f"cbec_bench_{run}"
    conn = await asyncpg.connect(admin_url)
    await conn.execute(f'CREATE DATABASE "{db}"')
    await conn.close()
    parts = urlsplit(admin_url)
    settings = NotificationSettings(kafka_bootstrap_servers=kafka,
                        database_url=urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, parts.fragment)),
                        db_schema="notification", http_port=0, topic_prefix=prefix,
                        topic_partitions=args.partitions, consumer_batch=args.batch,
                        profile="open")  # the service in this process: no HTTP API is served
    enterprises = [f"DXPBENCH{i:08d}" for i in range(args.enterprises)]
    receipt_topics = [settings.topic(topics.receipt_topic(d)) for d in enterprises]
    admin = TopicAdmin(kafka, args.partitions)
    await admin.start()
    await admin.ensure({t: {} for t in [settings.topic(topics.RECEIPTS), *receipt_topics]})
    await admin.close()

    events = receipts(args.count, enterprises, args.format)
    t = time.monotonic()
    await load(kafka, settings.topic(topics.RECEIPTS), events)
    print(f"loaded {len(events)} ReceiptIssued onto {settings.topic(topics.RECEIPTS)} in {time.monotonic() - t:.1f}s")
    expected = len(events)
    del events  # not kept alive beside the service: its garbage collections would walk them all

    async def clean_up() -> None:
        if not args.keep:
            conn = await asyncpg.connect(admin_url)
            await conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            await conn.close()
            await drop_topics(kafka, prefix)

    try:
        service = await bootstrap(settings)
    except BaseException:
        await clean_up()  # the run's database and topics do not outlive a service that would not start
        raise
    settle_heap()  # as the service's own process does after start-up (``shared.runtime.serve``)
    hooked = enterprises[: int(len(enterprises) * args.webhook_share)]
    if hooked:
        async with service.host.pool.acquire() as c:
            for d in hooked:  # an endpoint that refuses connections: every POST fails fast and is retried
                await c.execute("INSERT INTO webhook_subscriptions (dxp_id, url, secret) VALUES ($1, $2, 's')",
                                d, "http://127.0.0.1:9/hook")
    gc_time = _GcClock()
    gc.callbacks.append(gc_time)
    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    started, cpu_started = time.monotonic(), time.process_time()
    running = asyncio.create_task(service.run(serve_http=False))
    try:
        first, last, seen, cpu_flowing = await count_delivered(kafka, receipt_topics, expected, args.timeout)
        cpu = time.process_time() - cpu_started
        gc.callbacks.remove(gc_time)
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.profile)
        webhook_stats = service.parts["dispatcher"].stats()
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await clean_up()
    if seen < expected:
        print(f"only {seen} of {expected} receipts delivered within {args.timeout}s", file=sys.stderr)
        return 1
    span = max(last - first, 1e-6)
    print(f"delivered {seen} receipts to {len(enterprises)} enterprise topics ({args.format}, "
          f"{args.partitions} partitions, batch {args.batch}, webhooks for {len(hooked)} enterprises)")
    print(f"first receipt {first - started:.2f}s after start, last {last - started:.2f}s")
    if hooked:
        print(f"webhooks meanwhile (endpoint refusing connections): {webhook_stats}")
    print(f"throughput: {seen / span:,.0f} receipts/s  (first to last delivered)")
    print(f"            {seen / (last - started):,.0f} receipts/s  (including service start-up)")
    print(f"CPU of this process (notification and the consumer counting its output), the figure to compare "
          f"on a busy machine: {cpu_flowing / seen * 1e6:.0f} us/receipt from first to last delivered "
          f"({cpu / seen * 1e6:.0f} from start)")
    print(f"garbage collection from start to last receipt: {gc_time.seconds:.2f}s in {gc_time.runs} runs")
    return 0


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--count", type=int, default=20000)
    p.add_argument("--enterprises", type=int, default=10)
    p.add_argument("--format", choices=["xml", "json"], default="xml")
    p.add_argument("--partitions", type=int, default=6)
    p.add_argument("--batch", type=int, default=500, help="CBEC_CONSUMER_BATCH")
    p.add_argument("--webhook-share", type=float, default=0.0)
    p.add_argument("--timeout", type=float, default=600.0)
    p.add_argument("--profile", metavar="FILE", help="cProfile the run (start to last receipt) into FILE")
    p.add_argument("--keep", action="store_true", help="keep the benchmark database and topics")
    return p.parse_args(argv)


if __name__ == "__main__":
    random.seed(1)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("aiokafka").setLevel(logging.ERROR)  # leader elections of the fresh topics
    sys.exit(asyncio.run(main(parse())))
