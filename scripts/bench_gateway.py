"""How many export lists one core validates per second: the gateway's CPU work per message
(decode, field formats, logic checks; optionally signature verification), without Kafka or
PostgreSQL. Not a test: run it and read the figures.

    .venv/bin/python scripts/bench_gateway.py [--count 3000] [--items 2 20] [--signed]
    .venv/bin/python scripts/bench_gateway.py --database postgresql://postgres@127.0.0.1:15432/cbec

``--database`` also runs the whole intake (guid log, registry, outbox rows) in batches of 500 on
a throwaway schema of that database: lists per second of one consumer, Kafka excluded.
"""
from __future__ import annotations

import argparse
import copy
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.unit.gateway.certificates

from services.cli.journey import DEMO_ENTERPRISES, sample
from services.gateway.domain.checking import Context
from services.gateway.domain.enterprise import Enterprise
from services.gateway.domain.signature_check import signature_problem
from services.gateway.domain.verification import verify
from shared.messages import check_fields, decode_message, encode_message
from shared.messages.model import CebMessage
from shared.messages.signature import certificate_number, load_certificate, sign_json, sign_xml

ENTERPRISES = {e["code"]: Enterprise(**e) for e in DEMO_ENTERPRISES}
AGENT = ENTERPRISES["3301960001"]


def lists(count: int, items: int, fmt: str) -> list[bytes]:
    base = sample("list")
    template = base.document.items[0]
    out = []
    for n in range(count):
        m: CebMessage = copy.deepcopy(base)
        m.guid = str(uuid.uuid4()).upper()
        m.document.head.update(guid=str(uuid.uuid4()).upper(), copNo=f"AG{n:012d}")
        m.document.items = [dict(template, gnum=str(i), itemNo=f"SKU-{i}") for i in range(1, items + 1)]
        out.append(encode_message(m, fmt))
    return out


def validate(raw: bytes, certificate: str | None) -> None:
    message, transport = decode_message(raw)
    assert not check_fields(message)
    ctx = Context(sender=AGENT, kafka_key=AGENT.dxpId, parties=ENTERPRISES)
    assert signature_problem(message, raw, certificate, "optional", ctx.now) is None
    assert not verify(message, ctx)


def run(bodies: list[bytes], certificate: str | None) -> float:
    for raw in bodies[:50]:  # warm up
        validate(raw, certificate)
    started = time.perf_counter()
    for raw in bodies:
        validate(raw, certificate)
    return len(bodies) / (time.perf_counter() - started)


async def intake_rate(database_url: str, bodies: list[bytes], batch_size: int = 500) -> float:
    import asyncpg

    from services.gateway.adapters import registry
    from services.gateway.service_layer.intake import Intake
    from services.gateway.settings import GatewaySettings
    from shared.db.migrator import apply_migrations
    from shared.db.pool import create_pool
    from shared.db.unit_of_work import UnitOfWork
    from shared.kafka.received import Record

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(database_url)
    await apply_migrations(conn, schema, "services.gateway.migrations")
    pool = await create_pool(database_url, schema, min_size=1, max_size=2)
    try:
        async with pool.acquire() as c:
            for e in ENTERPRISES.values():
                await registry.upsert(c, e)
        intake = Intake(GatewaySettings.from_env({"DATABASE_URL": database_url, "GATEWAY_DB_SCHEMA": schema,
                                                  "CBEC_SIGNATURE_MODE": "optional"}))
        records = [Record("ceb.inbound", 0, n, AGENT.dxpId.encode(), b, []) for n, b in enumerate(bodies)]
        started = time.perf_counter()
        for i in range(0, len(records), batch_size):
            async with pool.acquire() as c, UnitOfWork(c) as batch:  # as the consumer loop does
                # typed as the consumer loop types them (its edge's work is timed too)
                await intake.handle([intake.receive(r) for r in records[i:i + batch_size]], batch)
        elapsed = time.perf_counter() - started
        assert intake.accepted == len(bodies), (intake.accepted, intake.rejected)
        return len(bodies) / elapsed
    finally:
        await pool.close()
        await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await conn.close()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--count", type=int, default=3000)
    p.add_argument("--items", type=int, nargs="+", default=[2, 20])
    p.add_argument("--signed", action="store_true", help="also measure RSA-SHA256 signed lists")
    p.add_argument("--database", help="PostgreSQL URL: also measure the whole intake with its database work")
    args = p.parse_args()
    if args.database:
        import asyncio

        for fmt in ("xml", "json"):
            rate = asyncio.run(intake_rate(args.database, lists(args.count, 2, fmt)))
            print(f"intake with PostgreSQL, {fmt}, 2 items: {rate:,.0f} lists/s (one consumer)")
    print(f"one process (one core), {args.count} lists per run, cpu count {os.cpu_count()}")
    print(f"{'format':<6} {'items':>5} {'signed':>6} {'bytes':>7} {'lists/s/core':>13}")
    keys = None
    if args.signed:
        from tests.unit.gateway.certificates import make_key_and_certificate
        keys = make_key_and_certificate("3301960001")
    for items in args.items:
        for fmt in ("xml", "json"):
            for signed in ([False, True] if args.signed else [False]):
                bodies = lists(args.count, items, fmt)
                cert = None
                if signed:
                    key, pem = keys
                    number = certificate_number(load_certificate(pem))
                    sign = sign_xml if fmt == "xml" else sign_json
                    bodies = [sign(b, key, key_name=number) for b in bodies]
                    cert = pem.decode()
                rate = run(bodies, cert)
                size = sum(map(len, bodies)) // len(bodies)
                print(f"{fmt:<6} {items:>5} {'yes' if signed else 'no':>6} {size:>7} {rate:>13,.0f}")


if __name__ == "__main__":
    main()
