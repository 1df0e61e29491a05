"""How many declarations per second management applies: its consumer, handlers, PostgreSQL and
outbox relay, run in this process against the running Kafka and PostgreSQL.

Pre-produces N declarations (sample lists made unique, with the gateway's acceptance receipts,
as ``services/gateway/service_layer/answers.py`` forwards them) to ``cbec.declarations`` on topics
of their own (a fresh ``CBEC_TOPIC_PREFIX``) and a fresh database, then starts management
(its ``bootstrap``) and measures until every declaration is applied and every receipt published.

    .venv/bin/python scripts/bench_management.py --lists 5000 [--trade] [--profile out.prof]

``--trade`` also sends each list's order (CEB303) and waybill (CEB505), so 3 N declarations and
every list concludes its audit (399) when its last document arrives. Not a test: the figure
depends on the machine and what else runs on it.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.cli.journey import Journey
from shared.contracts import Declaration, Recipient
from shared.kafka import topics
from shared.kafka.headers import MESSAGE_ID as MESSAGE_ID_HEADER
from shared.kafka.headers import TRACE_ID as TRACE_ID_HEADER
from shared.messages import decode_message
from shared.receipts import business_key, info, receipt_for

SENDERS = {"CEB303": ("DXPENT0000000002", "3301960002"), "CEB505": ("DXPENT0000000003", "3301980003"),
           "CEB603": ("DXPENT0000000001", "3301960001")}


def declaration(body: bytes, serial: int) -> tuple[str, bytes]:
    """(Kafka key, Declaration JSON) as the gateway forwards a message that passed its checks."""
    message = decode_message(body)[0]
    dxp, code = SENDERS[message.message_type]
    now = datetime.now(UTC)
    trace = str(uuid.uuid4())
    pre_nos = [f"B{now:%Y%m%d}{serial + i:09d}" for i in range(len(message.documents))]
    acceptance = [receipt_for(message.message_type, doc.head, status="2",
                              return_info=info("0000", "accepted by the clearance service platform"),
                              recipients=[Recipient(dxp_id=dxp, format=message.format)], issued_by="gateway",
                              overrides={"preNo": p}, trace_id=trace, at=now)
                  for doc, p in zip(message.documents, pre_nos)]
    d = Declaration(message=message, sender_dxp_id=dxp, sender_code=code, received_at=now, acceptance=acceptance,
                    pre_nos=pre_nos, trace_id=trace)
    return business_key(message.message_type, message.document.head), d.model_dump_json().encode()


def bodies(lists: int, trade: bool) -> list[bytes]:
    out = []
    for _ in range(lists):
        j = Journey()
        if trade:
            out += [j.order_message(), j.waybill_message()]
        out.append(j.list_message())
    return out


def with_database(url: str, name: str) -> str:
    p = urlsplit(url)
    return urlunsplit((p.scheme, p.netloc, f"/{name}", p.query, p.fragment))


async def produce(bootstrap: str, topic: str, messages: list[tuple[str, bytes]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5, max_batch_size=512 * 1024,
                                max_request_size=8 * 1024 * 1024)
    await producer.start()
    try:
        futures = [await producer.send(topic, value, key=key.encode(),
                                       headers=[(MESSAGE_ID_HEADER, str(uuid.uuid4()).encode()),
                                                (TRACE_ID_HEADER, b"bench")])
                   for key, value in messages]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def main(args: argparse.Namespace) -> None:
    prefix = f"bench-{uuid.uuid4().hex[:8]}."
    name = f"cbec_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(args.database)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    os.environ.update({"KAFKA_BOOTSTRAP_SERVERS": args.bootstrap, "DATABASE_URL": with_database(args.database, name),
                       "CBEC_TOPIC_PREFIX": prefix, "CBEC_TOPIC_PARTITIONS": str(args.partitions),
                       # the service runs in this process without its HTTP API: no credentials to sign
                       "CBEC_PROFILE": os.environ.get("CBEC_PROFILE", "open")})
    for key in ("MANAGEMENT_DATABASE_URL", "MANAGEMENT_DB_SCHEMA"):
        os.environ.pop(key, None)
    from services.management.bootstrap import bootstrap

    started_build = time.perf_counter()
    messages = [declaration(b, n * 10) for n, b in enumerate(bodies(args.lists, args.trade))]
    print(f"built {len(messages)} declarations in {time.perf_counter() - started_build:.1f}s")
    host = None
    tasks: list[asyncio.Task] = []
    try:
        host = (await bootstrap()).host
        await produce(args.bootstrap, f"{prefix}{topics.DECLARATIONS}", messages)
        # the declarations' consumer (the host's first is every service's credentials consumer)
        [consumer] = [c for c in host.consumers if c.name == "management-declarations"]
        sizes: list[int] = []
        handler = consumer._handler

        async def counted(records, batch):
            sizes.append(len(records))
            await handler(records, batch)

        consumer._handler = counted
        profiler = None
        if args.profile:
            import cProfile
            profiler = cProfile.Profile()
            profiler.enable()
        started = time.perf_counter()
        tasks = [asyncio.create_task(consumer.run()), asyncio.create_task(host.relay.run())]
        first, at_first = None, 0
        while consumer.processed < len(messages):
            await asyncio.sleep(0.05)
            if first is None and consumer.processed:
                first, at_first = time.perf_counter(), consumer.processed
            for t in tasks:
                if t.done():
                    t.result()
            if time.perf_counter() - started > args.timeout:
                raise SystemExit(f"timeout: {consumer.processed} of {len(messages)} applied")
        applied = time.perf_counter() - started
        async with host.pool.acquire() as conn:
            while await conn.fetchval("SELECT count(*) FROM outbox"):
                await asyncio.sleep(0.05)
            receipts = await conn.fetchval("SELECT count(*) FROM list_history WHERE event = 'receipt'")
            dead = await conn.fetchval("SELECT count(*) FROM dead_letters")
            statuses = dict(await conn.fetch("SELECT status, count(*) FROM lists GROUP BY status"))
        published = time.perf_counter() - started
        if profiler is not None:
            import pstats
            profiler.disable()
            profiler.dump_stats(args.profile)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        print(f"batches: {len(sizes)}, {sum(sizes) / max(1, len(sizes)):.0f} declarations each on average")
        print(f"lists by status: {statuses}; receipts in list history: {receipts}; dead letters: {dead}; "
              f"receipts published: {host.relay.published}")
        print(f"declarations applied:   {len(messages)} in {applied:.2f}s "
              f"({len(messages) / applied:,.0f}/s from start incl. group join; "
              f"{(len(messages) - at_first) / (started + applied - first):,.0f}/s after the first batch)")
        print(f"receipts published too: {published:.2f}s ({len(messages) / published:,.0f} declarations/s)")
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if host is not None:
            await host.stop()
        admin = await asyncpg.connect(args.database)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
        await drop_topics(args.bootstrap, prefix)


async def drop_topics(bootstrap: str, prefix: str) -> None:
    """Delete the run's topics (every name starting with ``prefix``) so runs do not pile up partitions."""
    kafka = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        await kafka.start()
        names = [t for t in await kafka.list_topics() if t.startswith(prefix)]
        if names:
            await kafka.delete_topics(names)
    except Exception as err:
        print(f"could not delete the run's topics ({prefix}*): {err}", file=sys.stderr)
    finally:
        await kafka.close()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lists", type=int, default=5000)
    p.add_argument("--trade", action="store_true", help="also send each list's order and waybill")
    p.add_argument("--partitions", type=int, default=6)
    p.add_argument("--timeout", type=float, default=600)
    p.add_argument("--profile", help="profile the run with cProfile, write the stats here")
    p.add_argument("--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"))
    p.add_argument("--database", default=os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/cbec"))
    asyncio.run(main(p.parse_args()))
