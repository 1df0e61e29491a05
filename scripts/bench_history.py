"""History at scale: fill a stack's stores with N lists' worth of finished journeys, fast, in SQL.

The cost per list must not grow with what is stored. This script makes a store look as if it had
cleared ``--lists`` lists: it copies the journeys already in the database (run
``scripts/bench_journey.py`` once first; its rows are the template) ``--lists / template`` times,
with every key made unique (``<key>~<copy>``), in bulk ``INSERT … SELECT … generate_series``
statements, a chunk of copies per transaction, then ANALYZEs. Then run the journey bench again and
compare the CPU per journey and per service (``--explain`` also prints the plans of the hot
queries, to see that none scans what grows).

    .venv/bin/python scripts/bench_journey.py --journeys 3000 --no-bare   # the template + the 10 k figure
    .venv/bin/python scripts/bench_history.py --lists 1000000 --explain
    .venv/bin/python scripts/bench_journey.py --journeys 3000 --no-bare   # the same at 1 M lists stored

What is copied per list: management's list (closed), its history, order and waybill, meeting points
and inbox rows; gateway's guid log, known orders and inbox rows; notification's receipts, deliveries
and inbox rows. Not a test; never run it against a database whose contents matter.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import time

import asyncpg

STRIDE = 10_000_000  # copied list ids: template id + copy * STRIDE (far above what the sequence reaches)

# (what, SQL with {lo} and {hi}: the copies made in this chunk; template rows have no '~' in their key)
COPIES: list[tuple[str, str]] = [
    ("management.lists", """
        INSERT INTO management.lists (id, agent_code, cop_no, pre_no, invt_no, status, customs_code, port_code,
            ebc_code, ebp_code, logistics_code, logistics_no, order_no, trade_mode, bill_no, declarant_dxp,
            receipt_format, head, items, version, created_at, updated_at, waiting_for, arrived_at, arrival_guid,
            decision_round, decision)
        SELECT t.id + g * {stride}, t.agent_code, t.cop_no || '~' || g, t.pre_no || '~' || g, t.invt_no || '~' || g,
            t.status, t.customs_code, t.port_code, t.ebc_code, t.ebp_code, t.logistics_code,
            t.logistics_no || '~' || g, t.order_no || '~' || g, t.trade_mode,
            CASE WHEN t.bill_no IS NULL THEN NULL ELSE t.bill_no || '~' || g END, t.declarant_dxp, t.receipt_format,
            t.head, t.items, t.version, t.created_at, t.updated_at, t.waiting_for, t.arrived_at, t.arrival_guid,
            t.decision_round, t.decision
        FROM management.lists t CROSS JOIN generate_series({lo}, {hi}) g WHERE t.id < {stride}"""),
    ("management.list_history", """
        INSERT INTO management.list_history (list_id, event, status, detail, actor, at)
        SELECT t.list_id + g * {stride}, t.event, t.status, t.detail, t.actor, t.at
        FROM management.list_history t CROSS JOIN generate_series({lo}, {hi}) g WHERE t.list_id < {stride}"""),
    ("management.orders", """
        INSERT INTO management.orders (ebp_code, order_no, ebc_code, guid, head, items, declarant_dxp, created_at, updated_at)
        SELECT t.ebp_code, t.order_no || '~' || g, t.ebc_code, t.guid || '~' || g, t.head, t.items, t.declarant_dxp,
            t.created_at, t.updated_at
        FROM management.orders t CROSS JOIN generate_series({lo}, {hi}) g WHERE t.order_no NOT LIKE '%~%'"""),
    ("management.waybills", """
        INSERT INTO management.waybills SELECT (r).* FROM (
            SELECT jsonb_populate_record(t, jsonb_build_object('logistics_no', t.logistics_no || '~' || g)) AS r
            FROM management.waybills t CROSS JOIN generate_series({lo}, {hi}) g WHERE t.logistics_no NOT LIKE '%~%') s"""),
    ("management.meeting_points", """
        INSERT INTO management.meeting_points (point)
        SELECT hashtextextended(t.cop_no || '~' || g || ':' || k, 0) FROM management.lists t
        CROSS JOIN generate_series({lo}, {hi}) g CROSS JOIN generate_series(1, 4) k WHERE t.id < {stride}
        ON CONFLICT DO NOTHING"""),
    ("management.inbox", """
        INSERT INTO management.inbox (consumer, message_id, processed_at)
        SELECT t.consumer, t.message_id || '~' || g, t.processed_at FROM management.inbox t
        CROSS JOIN generate_series({lo}, {hi}) g WHERE t.message_id NOT LIKE '%~%'"""),
    ("gateway.messages", """
        INSERT INTO gateway.messages SELECT (r).* FROM (
            SELECT jsonb_populate_record(t, jsonb_build_object('guid', t.guid || '~' || g)) AS r
            FROM gateway.messages t CROSS JOIN generate_series({lo}, {hi}) g WHERE t.guid NOT LIKE '%~%') s"""),
    ("gateway.known_documents", """
        INSERT INTO gateway.known_documents SELECT (r).* FROM (
            SELECT jsonb_populate_record(t, jsonb_build_object('number', t.number || '~' || g)) AS r
            FROM gateway.known_documents t CROSS JOIN generate_series({lo}, {hi}) g WHERE t.number NOT LIKE '%~%') s"""),
    ("gateway.inbox", """
        INSERT INTO gateway.inbox (consumer, message_id, processed_at)
        SELECT t.consumer, t.message_id || '~' || g, t.processed_at FROM gateway.inbox t
        CROSS JOIN generate_series({lo}, {hi}) g WHERE t.message_id NOT LIKE '%~%'"""),
    ("notification.receipts", """
        INSERT INTO notification.receipts (receipt_id, message_type, business_key, guid, return_status, fields,
            issued_at, issued_by, trace_id, received_at)
        SELECT md5(t.receipt_id::text || '~' || g)::uuid, t.message_type, t.business_key || '~' || g,
            t.guid || '~' || g, t.return_status, t.fields, t.issued_at, t.issued_by, t.trace_id, t.received_at
        FROM notification.receipts t CROSS JOIN generate_series({lo}, {hi}) g WHERE t.guid NOT LIKE '%~%'"""),
    ("notification.deliveries", """
        INSERT INTO notification.deliveries SELECT (r).* FROM (
            SELECT jsonb_populate_record(t, jsonb_build_object('receipt_id', md5(t.receipt_id::text || '~' || g)::uuid))
                AS r
            FROM notification.deliveries t JOIN notification.receipts o ON o.receipt_id = t.receipt_id
            CROSS JOIN generate_series({lo}, {hi}) g WHERE o.guid NOT LIKE '%~%') s"""),
    ("notification.inbox", """
        INSERT INTO notification.inbox (consumer, message_id, processed_at)
        SELECT t.consumer, t.message_id || '~' || g, t.processed_at FROM notification.inbox t
        CROSS JOIN generate_series({lo}, {hi}) g WHERE t.message_id NOT LIKE '%~%'"""),
]

# the queries the journey's hot path runs against what grows (parameters: a template row's values)
HOT = [
    ("list by number (bill)", "SELECT id FROM management.lists WHERE invt_no = ANY($1::text[]) ORDER BY id",
     "SELECT array_agg(invt_no) FROM (SELECT invt_no FROM management.lists WHERE id < 10000000 LIMIT 100) s"),
    ("lists of a bill", "SELECT id FROM management.lists WHERE bill_no = $1 ORDER BY id",
     "SELECT bill_no FROM management.lists WHERE bill_no IS NOT NULL LIMIT 1"),
    ("list by package", "SELECT id FROM management.lists WHERE logistics_no = $1 AND status NOT IN ('cancelled', '100')",
     "SELECT logistics_no FROM management.lists LIMIT 1"),
    ("lists waiting for an order", "SELECT id FROM management.lists WHERE ebp_code = $1 AND order_no = $2 AND status = '120'",
     "SELECT ebp_code, order_no FROM management.lists LIMIT 1"),
    ("seller's recent rejections", "SELECT count(*) FROM management.lists WHERE ebc_code = $1 AND status = '100' "
     "AND updated_at > now() - make_interval(days => 30)", "SELECT ebc_code FROM management.lists LIMIT 1"),
    ("guid seen before", "SELECT guid FROM gateway.messages WHERE guid = ANY($1::text[])",
     "SELECT array_agg(guid) FROM (SELECT guid FROM gateway.messages LIMIT 100) s"),
    ("receipts of a business key", "SELECT receipt_id FROM notification.receipts WHERE business_key = $1",
     "SELECT business_key FROM notification.receipts LIMIT 1"),
]


async def seed(conn: asyncpg.Connection, lists: int, chunk_lists: int) -> None:
    template = await conn.fetchval("SELECT count(*) FROM management.lists WHERE id < $1", STRIDE)
    stored = await conn.fetchval("SELECT count(*) FROM management.lists")
    if not template:
        raise SystemExit("no lists to copy: run scripts/bench_journey.py once first")
    have = await conn.fetchval("SELECT coalesce(max(id) / $1, 0) FROM management.lists", STRIDE)
    copies = max(0, -(-(lists - stored) // template))
    per_chunk = max(1, chunk_lists // template)
    print(f"template: {template:,} lists; stored: {stored:,}; {copies:,} copies to make (of the template, "
          f"from copy {have + 1})")
    started = time.monotonic()
    lo = have + 1
    while lo <= have + copies:
        hi = min(have + copies, lo + per_chunk - 1)
        t0 = time.monotonic()
        async with conn.transaction():
            for _what, sql in COPIES:
                await conn.execute(sql.format(lo=lo, hi=hi, stride=STRIDE))
        done = (hi - have) * template
        print(f"  copies {lo}-{hi}: {done:,} lists added in {time.monotonic() - started:.0f} s "
              f"({(hi - lo + 1) * template / (time.monotonic() - t0):,.0f} lists/s)", flush=True)
        lo = hi + 1
    for what, _ in COPIES:
        await conn.execute(f"ANALYZE {what}")
    sizes = await conn.fetch(
        "SELECT n.nspname || '.' || c.relname AS t, c.reltuples::bigint AS rows, pg_total_relation_size(c.oid) AS bytes "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind = 'r' AND n.nspname IN ('gateway', 'management', 'notification') ORDER BY bytes DESC LIMIT 12")
    print("stored now: " + ", ".join(f"{r['t']} {r['rows']:,} rows ({r['bytes'] / 2**20:,.0f} MB)" for r in sizes))


async def explain(conn: asyncpg.Connection) -> None:
    for what, sql, args_sql in HOT:
        args = list(await conn.fetchrow(args_sql))
        plan = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) {sql}", *args)
        lines = [r[0] for r in plan]
        scan = next((ln.strip() for ln in lines if "Scan" in ln), lines[0].strip())
        print(f"  {what}: {lines[-1].strip()}; {scan[:110]}")


async def main(a: argparse.Namespace) -> None:
    conn = await asyncpg.connect(a.database_url)
    try:
        if a.lists:
            await seed(conn, a.lists, a.chunk)
        if a.explain:
            await explain(conn)
    finally:
        await conn.close()


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lists", type=int, default=0, help="lists the stores should hold (0: seed nothing)")
    p.add_argument("--chunk", type=int, default=50_000, help="lists copied per transaction")
    p.add_argument("--explain", action="store_true", help="print the hot queries' plans and times")
    p.add_argument("--database-url", default=os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/cbec"))
    return p.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse()))
