"""The whole journey at load: what an ERP drives, through the public contract, on a running stack.

Per journey an order (CEB303), a waybill (CEB505), a share of payments (CEB403) and the export list
(CEB603); per group of lists (default 100) a master bill (CEB607) once they are stored, an arrival
(CEB507) once the bill is, and a departure (CEB509) once they are released; a share of the lists is
cancelled (CEB605) instead. The driver plays the customs officer too: lists held for inspection
(500) are passed, cancellation applications approved, over the management API. A journey is
complete when its list is closed (899) or its cancellation concluded (CEB606 399).

    make up && .venv/bin/python scripts/bench_journey.py --journeys 20000 [--rate 1000]

Prints journeys/s, receipts/s, latency percentiles submit→120 and submit→899, CPU per service
(gateway, management, notification, monitor, Kafka, PostgreSQL) and how busy the two cores were —
then, in the same run and on the same broker and database, the bare limit: the same bytes through
three Kafka → PostgreSQL → Kafka hops with no logic (batched, one transaction per batch, offsets
committed after it), and the ratio. ``--no-bare`` skips it, ``--bare-only`` runs only it.
Not a test: the figures depend on the machine and what else runs on it.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.cli.journey import DEMO_ENTERPRISES, Journey  # noqa: E402
from shared.kafka import headers as H  # noqa: E402
from shared.kafka import topics  # noqa: E402

AGENT, EBC, LOGISTICS, OPERATOR = (e["dxpId"] for e in DEMO_ENTERPRISES)
_GUID = re.compile(rb"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
_INVT = re.compile(rb"invtNo(?:>|\":\s*\")([0-9A-Z]+)")
_STAMP = "Q7Q7Q7Q7Q7"  # the template journey's stamp, replaced per journey


# ---------------------------------------------------------------- the messages an ERP sends
def _templates(payment: bool) -> dict[str, bytes]:
    j = Journey(stamp=_STAMP)
    out = {"order": j.order_message(), "waybill": j.waybill_message(), "list": j.list_message()}
    if payment:
        out["payment"] = j.payment_message()
    return out


def _fresh(template: bytes, stamp: str) -> bytes:
    body = template.replace(_STAMP.encode(), stamp.encode())
    return _GUID.sub(lambda _: str(uuid.uuid4()).upper().encode(), body)


@dataclass
class Trip:
    journey: Journey
    group: int
    cancel: bool
    submitted: float = 0.0
    stored: float = 0.0  # 120
    ended: float = 0.0  # 899, or the cancellation concluded
    invt_no: str = ""
    status: str = ""


@dataclass
class Group:
    trips: list[Trip]
    lead: Journey = field(default_factory=Journey)
    bill_sent: bool = False
    bill_stored: bool = False
    arrival_sent: bool = False
    departure_sent: bool = False


# ---------------------------------------------------------------- CPU accounting from /proc
_TICK = os.sysconf("SC_CLK_TCK")
_WHO = (("gateway", b"services.gateway"), ("management", b"services.management"),
        ("notification", b"services.notification"), ("monitor", b"services.monitor"), ("kafka", b"kafka.Kafka"))


def cpu_by_service(database: str = "") -> dict[str, float]:
    """CPU seconds used so far by every process of each service (all instances), Kafka, PostgreSQL.

    Services count only when they run from this checkout (their working directory is the repo:
    deploy/stack.sh starts them there), so another stack on the same machine is not counted; with
    ``database``, PostgreSQL counts only the backends of that database (a shared server's other
    clients are not ours)."""
    seconds = {name: 0.0 for name, _ in _WHO} | {"postgres": 0.0}
    mine = str(ROOT)
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        own = (int(fields[11]) + int(fields[12])) / _TICK
        comm = stat.split("(", 1)[1].rsplit(")", 1)[0]
        if database and comm == "postgres":
            title = cmdline.replace(b"\0", b" ").split()
            if len(title) > 2 and title[0] == b"postgres:" and title[2] == database.encode():
                seconds["postgres"] += own
            continue
        if comm == "postgres":
            # the postmaster also carries the CPU of backends that have exited (cutime/cstime)
            children = (int(fields[13]) + int(fields[14])) / _TICK if fields[1] != "1" and b"-D" in cmdline else 0.0
            seconds["postgres"] += own + children
            continue
        for name, marker in _WHO:
            if marker in cmdline:
                if marker != b"kafka.Kafka":
                    try:
                        if os.readlink(f"/proc/{pid}/cwd") != mine:
                            break
                    except OSError:
                        break
                seconds[name] += own
                break
    return seconds


def busy_cores() -> tuple[float, float]:
    """(busy, total) CPU jiffies of the whole machine."""
    parts = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = parts[3] + parts[4]
    return sum(parts) - idle, sum(parts)


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


# ---------------------------------------------------------------- the journey run
class JourneyRun:
    def __init__(self, a: argparse.Namespace) -> None:
        self.a = a
        self.prefix = a.prefix
        rng = random.Random(a.seed)
        self.trips: dict[str, Trip] = {}
        self.groups: list[Group] = []
        for g in range(0, a.journeys, a.group):
            trips = []
            for _ in range(min(a.group, a.journeys - g)):
                t = Trip(Journey(), len(self.groups), rng.random() < a.cancel_share)
                trips.append(t)
                self.trips[t.journey.cop_no] = t
            self.groups.append(Group(trips))
        self.payment = a.payment_share > 0
        self.templates = _templates(self.payment)
        self.payment_every = max(1, round(1 / a.payment_share)) if self.payment else 0
        self.receipts = 0
        self.sent_bodies: list[tuple[str, bytes]] = []  # what went to ceb.inbound, for the bare run
        self.done = asyncio.Event()
        self.remaining = len(self.trips)
        self.http_headers = {"Authorization": f"Bearer {a.token}"} if a.token else {}
        self.http_headers["X-Operator"] = "bench-officer"
        self.database = a.database_name

    async def send(self, producer: AIOKafkaProducer, sender: str, body: bytes) -> None:
        self.sent_bodies.append((sender, body))
        await producer.send(f"{self.prefix}{topics.INBOUND}", body, key=sender.encode())

    async def submit(self, producer: AIOKafkaProducer) -> None:
        """Orders, waybills, payments and lists, at ``--rate`` lists/s (0: as fast as possible)."""
        started = time.monotonic()
        for n, trip in enumerate(self.trips.values()):
            if self.a.rate:
                ahead = started + n / self.a.rate - time.monotonic()
                if ahead > 0:
                    await asyncio.sleep(ahead)
            stamp = trip.journey.stamp
            await self.send(producer, EBC, _fresh(self.templates["order"], stamp))
            if self.payment and n % self.payment_every == 0:
                await self.send(producer, EBC, _fresh(self.templates["payment"], stamp))
            await self.send(producer, LOGISTICS, _fresh(self.templates["waybill"], stamp))
            trip.submitted = time.monotonic()
            await self.send(producer, AGENT, _fresh(self.templates["list"], stamp))
        await producer.flush()

    def _end(self, trip: Trip, now: float) -> None:
        if not trip.ended:
            trip.ended = now
            self.remaining -= 1
            if self.remaining == 0:
                self.done.set()

    async def read_receipts(self, consumer: AIOKafkaConsumer, producer: AIOKafkaProducer) -> None:
        while not self.done.is_set():
            batches = await consumer.getmany(timeout_ms=200, max_records=5000)
            now = time.monotonic()
            for records in batches.values():
                for r in records:
                    self.receipts += 1
                    if not r.topic.endswith(AGENT):
                        continue
                    headers = dict(r.headers or ())
                    kind = headers.get(H.MESSAGE_TYPE, b"").decode()
                    status = headers.get(H.RETURN_STATUS, b"").decode()
                    key = (r.key or b"").decode()
                    if kind == "CEB604" and key in self.trips:
                        trip = self.trips[key]
                        trip.status = status
                        if status == "120" and not trip.stored:
                            trip.stored = now
                            found = _INVT.search(r.value or b"")
                            trip.invt_no = found.group(1).decode() if found else ""
                            if trip.cancel:
                                await self.send(producer, AGENT, trip.journey.cancel_message(trip.invt_no))
                        elif status == "899":
                            self._end(trip, now)
                        elif status == "100":
                            print(f"  list {key} rejected: {r.value[:300]!r}", file=sys.stderr)
                            self._end(trip, now)
                    elif kind == "CEB606" and status == "399" and key in self.trips:  # keyed by copNo too
                        self._end(self.trips[key], now)
                    elif kind == "CEB608" and status == "120":
                        for g in self.groups:
                            if f"WB{g.lead.stamp}" == key:
                                g.bill_stored = True
            await self.advance(producer)

    async def advance(self, producer: AIOKafkaProducer) -> None:
        """Bills for stored groups, arrivals for stored bills, departures for released groups."""
        for g in self.groups:
            going = [t for t in g.trips if not t.cancel]
            if not going:
                continue
            if not g.bill_sent and all(t.stored for t in g.trips):
                first, *others = going
                g.lead = first.journey
                await self.send(producer, AGENT, g.lead.bill_message(
                    first.invt_no, [(t.invt_no, t.journey.logistics_no) for t in others]))
                g.bill_sent = True
            elif g.bill_stored and not g.arrival_sent and all(t.status in ("399", "800", "500") for t in going):
                await self.send(producer, OPERATOR, g.lead.arrival_message([t.journey.logistics_no for t in going]))
                g.arrival_sent = True
            elif g.arrival_sent and not g.departure_sent and all(t.status == "800" for t in going):
                await self.send(producer, LOGISTICS, g.lead.departure_message([t.journey.logistics_no for t in going]))
                g.departure_sent = True

    async def officer(self, http: httpx.AsyncClient) -> None:
        """Pass every inspection and approve every application, as a customs officer would."""
        while not self.done.is_set():
            try:
                for task in (await http.get("/inspections", params={"limit": 1000})).json()["items"]:
                    await http.post(f"/inspections/{task['id']}/result", json={"result": "pass", "finding": "bench officer"})
                for app in (await http.get("/applications", params={"limit": 1000})).json()["items"]:
                    await http.post(f"/applications/{app['id']}/approve", json={})
            except (httpx.HTTPError, KeyError, TypeError, ValueError) as exc:
                print(f"  officer: {exc!r}", file=sys.stderr)
            await asyncio.sleep(0.5)

    async def run(self) -> dict:
        a = self.a
        async with httpx.AsyncClient(base_url=a.gateway, timeout=10, headers=self.http_headers) as http:
            for e in DEMO_ENTERPRISES:
                (await http.post("/enterprises", json=e)).raise_for_status()
        consumer = AIOKafkaConsumer(*(f"{self.prefix}{topics.receipt_topic(d)}" for d in (AGENT, EBC, LOGISTICS, OPERATOR)),
                                    bootstrap_servers=a.bootstrap, auto_offset_reset="latest", group_id=None,
                                    metadata_max_age_ms=1000, max_partition_fetch_bytes=8 * 1024 * 1024,
                                    isolation_level="read_committed")
        await consumer.start()
        await consumer.getmany(timeout_ms=1000)
        producer = AIOKafkaProducer(bootstrap_servers=a.bootstrap, linger_ms=5, max_batch_size=512 * 1024,
                                    max_request_size=8 * 1024 * 1024, acks="all", enable_idempotence=True)
        await producer.start()
        cpu0, busy0 = cpu_by_service(self.database), busy_cores()
        started = time.monotonic()
        async with httpx.AsyncClient(base_url=a.management, timeout=10, headers=self.http_headers) as mgmt:
            reader = asyncio.create_task(self.read_receipts(consumer, producer))
            officer = asyncio.create_task(self.officer(mgmt))
            await self.submit(producer)
            submitted = time.monotonic() - started
            try:
                await asyncio.wait_for(self.done.wait(), timeout=a.timeout)
            except TimeoutError:
                print(f"  timed out with {self.remaining} journeys incomplete", file=sys.stderr)
            self.done.set()
            await asyncio.gather(reader, officer, return_exceptions=True)
        elapsed = time.monotonic() - started
        cpu1, busy1 = cpu_by_service(self.database), busy_cores()
        await producer.stop()
        await consumer.stop()
        trips = list(self.trips.values())
        completed = [t for t in trips if t.ended]
        return {
            "journeys": len(trips), "completed": len(completed), "elapsed": elapsed, "submitted_in": submitted,
            "cancelled": sum(t.cancel for t in trips), "receipts": self.receipts,
            "to_120": [(t.stored - t.submitted) * 1000 for t in trips if t.stored],
            "to_899": [(t.ended - t.submitted) * 1000 for t in completed if not t.cancel],
            "cpu": {k: cpu1[k] - cpu0[k] for k in cpu0},
            "busy": (busy1[0] - busy0[0]) / max(1, busy1[1] - busy0[1]),
            "messages": len(self.sent_bodies),
        }


# ---------------------------------------------------------------- the bare limit: three hops
async def hop(index: int, a: argparse.Namespace, database_url: str, prefix: str) -> None:
    """Kafka → PostgreSQL → Kafka with no logic: a batch in, one transaction, out, offsets after."""
    source, target = f"{prefix}hop{index}", f"{prefix}hop{index + 1}"
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2)
    await pool.execute(f"CREATE TABLE IF NOT EXISTS hop{index} (part int, off bigint, key bytea, payload bytea,"
                       " PRIMARY KEY (part, off))")
    consumer = AIOKafkaConsumer(source, bootstrap_servers=a.bootstrap, group_id=f"{prefix}hop{index}",
                                enable_auto_commit=False, auto_offset_reset="earliest",
                                max_partition_fetch_bytes=8 * 1024 * 1024)
    producer = AIOKafkaProducer(bootstrap_servers=a.bootstrap, linger_ms=5, max_batch_size=512 * 1024,
                                max_request_size=8 * 1024 * 1024, acks="all", enable_idempotence=True)
    await consumer.start()
    await producer.start()
    try:
        while True:
            batches = await consumer.getmany(timeout_ms=500, max_records=a.batch)
            records = [r for rs in batches.values() for r in rs]
            if not records:
                continue
            async with pool.acquire() as conn, conn.transaction():
                await conn.execute(
                    f"INSERT INTO hop{index} SELECT * FROM unnest($1::int[], $2::bigint[], $3::bytea[], $4::bytea[])"
                    " ON CONFLICT DO NOTHING",
                    [r.partition for r in records], [r.offset for r in records],
                    [r.key for r in records], [r.value for r in records])
            futures = [await producer.send(target, r.value, key=r.key) for r in records]
            await asyncio.gather(*futures)
            await consumer.commit({TopicPartition(source, tp.partition): rs[-1].offset + 1 for tp, rs in batches.items()})
    finally:
        await consumer.stop()
        await producer.stop()
        await pool.close()


async def bare_limit(a: argparse.Namespace, bodies: list[tuple[str, bytes]], journeys: int) -> dict:
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    prefix = f"bare{uuid.uuid4().hex[:6]}."
    dbname = prefix.rstrip(".")
    conn = await asyncpg.connect(a.admin_database_url)
    await conn.execute(f'CREATE DATABASE "{dbname}"')
    await conn.close()
    database_url = a.admin_database_url.rsplit("/", 1)[0] + f"/{dbname}"
    admin = AIOKafkaAdminClient(bootstrap_servers=a.bootstrap)
    await admin.start()
    names = [f"{prefix}hop{i}" for i in range(4)]
    await admin.create_topics([NewTopic(n, num_partitions=a.partitions, replication_factor=1) for n in names])
    procs = [subprocess.Popen([sys.executable, __file__, "--hop", str(i), "--hop-prefix", prefix,
                               "--hop-database", database_url, "--bootstrap", a.bootstrap, "--batch", str(a.batch)])
             for i in range(3)]
    try:
        consumer = AIOKafkaConsumer(names[3], bootstrap_servers=a.bootstrap, group_id=None, auto_offset_reset="earliest",
                                    max_partition_fetch_bytes=8 * 1024 * 1024)
        await consumer.start()
        producer = AIOKafkaProducer(bootstrap_servers=a.bootstrap, linger_ms=5, max_batch_size=512 * 1024,
                                    max_request_size=8 * 1024 * 1024, acks="all", enable_idempotence=True)
        await producer.start()
        await asyncio.sleep(3)  # the hops join their groups
        cpu0, busy0 = cpu_by_service(), busy_cores()
        started = time.monotonic()
        for sender, body in bodies:
            await producer.send(names[0], body, key=sender.encode())
        await producer.flush()
        arrived = 0
        while arrived < len(bodies) and time.monotonic() - started < a.timeout:
            batches = await consumer.getmany(timeout_ms=500, max_records=5000)
            arrived += sum(len(rs) for rs in batches.values())
        elapsed = time.monotonic() - started
        busy1 = busy_cores()
        await producer.stop()
        await consumer.stop()
        return {"journeys": journeys * arrived / max(1, len(bodies)), "elapsed": elapsed, "messages": arrived,
                "busy": (busy1[0] - busy0[0]) / max(1, busy1[1] - busy0[1]), "cpu0": cpu0}
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(10)
        await admin.delete_topics(names)
        await admin.close()
        conn = await asyncpg.connect(a.admin_database_url)
        await conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        await conn.close()


# ---------------------------------------------------------------- report
def report(r: dict | None, bare: dict | None) -> None:
    if r:
        rate = r["completed"] / r["elapsed"]
        print(f"journeys:              {r['completed']:,} of {r['journeys']:,} complete ({r['cancelled']:,} cancelled)"
              f" in {r['elapsed']:.1f}s; submitted in {r['submitted_in']:.1f}s; {r['messages']:,} messages in")
        print(f"complete journeys/s:   {rate:,.0f}")
        print(f"receipts/s:            {r['receipts'] / r['elapsed']:,.0f} ({r['receipts']:,} on the enterprises' topics)")
        for label, values in (("submit→120", r["to_120"]), ("submit→899", r["to_899"])):
            if values:
                print(f"latency {label} ms:  p50 {pct(values, 50):,.0f}  p90 {pct(values, 90):,.0f}  "
                      f"p99 {pct(values, 99):,.0f}  max {max(values):,.0f}  (mean {statistics.fmean(values):,.0f})")
        total = sum(r["cpu"].values())
        per = ", ".join(f"{k} {v / max(1, r['completed']) * 1000:.2f}" for k, v in r["cpu"].items())
        print(f"CPU ms per journey:    {total / max(1, r['completed']) * 1000:.2f} ({per})")
        print(f"both cores busy:       {r['busy'] * 100:.0f} %")
    if bare:
        bare_rate = bare["journeys"] / bare["elapsed"]
        print(f"bare limit (3 hops):   {bare_rate:,.0f} journeys/s ({bare['messages']:,} messages in "
              f"{bare['elapsed']:.1f}s, cores {bare['busy'] * 100:.0f} % busy)")
        if r:
            print(f"ratio:                 {r['completed'] / r['elapsed'] / bare_rate * 100:.0f} % of the bare limit")


async def main(a: argparse.Namespace) -> None:
    result = None
    if a.bare_only:
        run = JourneyRun(a)
        bodies = []
        for trip in run.trips.values():
            for name in ("order", "waybill", "list"):
                bodies.append((AGENT, _fresh(run.templates[name], trip.journey.stamp)))
    else:
        run = JourneyRun(a)
        result = await run.run()
        bodies = run.sent_bodies
    bare = None if a.no_bare else await bare_limit(a, bodies, a.journeys)
    report(result, bare)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--journeys", type=int, default=5000)
    p.add_argument("--rate", type=float, default=0, help="lists per second offered (0: as fast as possible)")
    p.add_argument("--group", type=int, default=100, help="lists per master bill, arrival and departure")
    p.add_argument("--cancel-share", type=float, default=0.01)
    p.add_argument("--payment-share", type=float, default=0.5)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--timeout", type=float, default=900)
    p.add_argument("--no-bare", action="store_true")
    p.add_argument("--bare-only", action="store_true")
    p.add_argument("--partitions", type=int, default=int(os.environ.get("CBEC_TOPIC_PARTITIONS", "6")))
    p.add_argument("--batch", type=int, default=int(os.environ.get("CBEC_CONSUMER_BATCH", "500")))
    p.add_argument("--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"))
    p.add_argument("--gateway", default=os.environ.get("CBEC_GATEWAY_URL", "http://127.0.0.1:8080"))
    p.add_argument("--management", default=os.environ.get("CBEC_MANAGEMENT_URL", "http://127.0.0.1:8081"))
    p.add_argument("--token", default=os.environ.get("CBEC_TOKEN", ""), help="bearer token (admin + officer) for a secured stack")
    p.add_argument("--prefix", default=os.environ.get("CBEC_TOPIC_PREFIX", ""))
    p.add_argument("--admin-database-url", default=os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/cbec"))
    p.add_argument("--database-name", default=os.environ.get("CBEC_BENCH_DATABASE", ""),
                   help="count only this database's PostgreSQL backends (a shared server)")
    p.add_argument("--hop", type=int, help=argparse.SUPPRESS)
    p.add_argument("--hop-prefix", help=argparse.SUPPRESS)
    p.add_argument("--hop-database", help=argparse.SUPPRESS)
    return p.parse_args(argv)


if __name__ == "__main__":
    args = parse()
    if args.hop is not None:
        try:
            asyncio.run(hop(args.hop, args, args.hop_database, args.hop_prefix))
        except KeyboardInterrupt:
            pass
    else:
        asyncio.run(main(args))
