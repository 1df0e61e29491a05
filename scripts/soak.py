"""Fault soak: many journeys through the public contract while every part of the platform is killed.

Starts its own Kafka cluster (deploy/kafka/kafka.sh --nodes 3) and its own PostgreSQL
(deploy/postgres/postgres.sh) on free ports with data under a work directory of its own (a
developer's Kafka and PostgreSQL are never touched), and several instances of each service. Then,
as the enterprises would, it produces on ``ceb.inbound`` and reads ``ceb.receipts.<DXP>``: per
journey an order (CEB303), a waybill (CEB505) and the export list (CEB603, once both are in); per
``--bill-size`` lists a master bill (CEB607), their arrival (CEB507) and departure (CEB509). All
the while it SIGKILLs service instances, SIGKILLs brokers (restarting them) and crashes PostgreSQL
(SIGKILL of the postmaster and its backends, then crash recovery); a service that exits is
restarted like a supervisor would (compose ``restart: unless-stopped``).

At the end it prints and checks: every expected receipt arrived (0 lost), none twice (by receipt id
and by (business key, status)), none out of order per business key, every list closed (899), and
nothing unexpected (no rejection). Exit 0 only when all hold.

    .venv/bin/python scripts/soak.py --journeys 5000          # or: make soak JOURNEYS=5000
    .venv/bin/python scripts/soak.py --journeys 300 --fault-interval 3   # what tests/e2e/test_soak.py runs
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer  # noqa: E402

from services.cli.journey import DEMO_ENTERPRISES, Journey, new_guid  # noqa: E402
from shared.kafka import headers as H  # noqa: E402
from shared.kafka import topics  # noqa: E402
from shared.messages import decode_receipt  # noqa: E402
from tests.support.ports import free_port_block  # noqa: E402

AGENT, EBC, LOGISTICS, OPERATOR = (e["dxpId"] for e in DEMO_ENTERPRISES)
SERVICES = ("gateway", "management", "notification")
# a business key's receipts come in this order
RANK = {"2": 0, "120": 1, "399": 2, "800": 3, "899": 4}
KAFKA_SH = ROOT / "deploy" / "kafka" / "kafka.sh"
POSTGRES_SH = ROOT / "deploy" / "postgres" / "postgres.sh"


def log(msg: str) -> None:
    print(f"[soak {time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ---------------------------------------------------------------- infrastructure of its own

class Infra:
    def __init__(self, work: Path, pg_data: Path, kafka_nodes: int, heap: str) -> None:
        self.work = work
        self.pg_data = pg_data
        self.nodes = kafka_nodes
        base = free_port_block(2 * kafka_nodes + 1)
        self.pg_port = base + 2 * kafka_nodes
        self.env = {
            **os.environ,
            "CBEC_RUN_DIR": str(work / "run"),
            "KAFKA_PORT": str(base), "KAFKA_CONTROLLER_PORT": str(base + 1), "KAFKA_NODES": str(kafka_nodes),
            "KAFKA_HEAP_OPTS": heap, "KAFKA_PROFILE": "plaintext",
            # a supervisor waits for a restarted broker as long as it takes: on a loaded 2-core
            # machine a broker rejoining a cluster that took writes meanwhile needs more than 90 s
            "KAFKA_START_TIMEOUT": os.environ.get("KAFKA_START_TIMEOUT", "600"),
            "PGPORT": str(self.pg_port), "CBEC_PG_DATA": str(pg_data),
        }
        self.bootstrap = ",".join(f"127.0.0.1:{base + 2 * i}" for i in range(kafka_nodes))

    def run(self, script: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        out = subprocess.run([str(script), *args], env=self.env, capture_output=True, text=True)
        if check and out.returncode != 0:
            raise RuntimeError(f"{script.name} {' '.join(args)} failed ({out.returncode}):\n{out.stdout}{out.stderr}")
        return out

    def start(self) -> None:
        self.run(KAFKA_SH, "start", "--no-wait")
        self.run(POSTGRES_SH, "start")
        self.run(KAFKA_SH, "wait")

    def stop(self) -> None:
        self.run(KAFKA_SH, "stop", check=False)
        self.run(POSTGRES_SH, "stop", check=False)

    def database_url(self, svc: str) -> str:
        return f"postgresql://cbec_{svc}@127.0.0.1:{self.pg_port}/cbec"

    def broker_pid(self, node: int) -> int | None:
        for line in self.run(KAFKA_SH, "nodes").stdout.splitlines():
            n, _, pid = line.split()
            if int(n) == node and pid.isdigit():
                return int(pid)
        return None

    async def wait_in_sync(self, timeout: float = 120.0) -> float:
        """Seconds until every partition has all its replicas in sync again."""
        from aiokafka.admin import AIOKafkaAdminClient

        started = time.monotonic()
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap)
        await admin.start()
        try:
            while time.monotonic() - started < timeout:
                try:
                    described = await admin.describe_topics()
                    if all(len(p["isr"]) == len(p["replicas"]) for t in described for p in t["partitions"]):
                        break
                except Exception:
                    pass
                await asyncio.sleep(1)
        finally:
            await admin.close()
        return time.monotonic() - started

    async def replication(self) -> dict[str, int]:
        """The replication factor of each of the platform's topics (``ceb.*``, ``cbec.*``)."""
        from aiokafka.admin import AIOKafkaAdminClient

        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap)
        await admin.start()
        try:
            described = await admin.describe_topics()
        finally:
            await admin.close()
        return {t["topic"]: min(len(p["replicas"]) for p in t["partitions"]) for t in described
                if t["topic"].startswith(("ceb.", "cbec.")) and t["partitions"]}

    def kill_broker(self, node: int, down_s: float) -> None:
        pid = self.broker_pid(node)
        if pid is not None:
            os.kill(pid, signal.SIGKILL)
        time.sleep(down_s)
        self.run(KAFKA_SH, "start", "--node", str(node))

    def crash_postgres(self, down_s: float) -> None:
        """SIGKILL the postmaster and every backend at once (a power cut), then start: crash recovery."""
        pid_file = Path(self.env["CBEC_PG_DATA"]) / "postmaster.pid"
        postmaster = int(pid_file.read_text().split()[0])
        children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(postmaster)], capture_output=True, text=True)
        for pid in [postmaster, *(int(p) for p in children.stdout.split())]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(down_s)
        for _attempt in range(10):  # killed backends may hold the shared memory a moment longer
            out = self.run(POSTGRES_SH, "start", check=False)
            if out.returncode == 0:
                return
            time.sleep(2)
        raise RuntimeError(f"PostgreSQL did not come back after the crash:\n{out.stdout}{out.stderr}")


# ---------------------------------------------------------------- the services, several of each

@dataclass
class Instance:
    svc: str
    n: int
    port: int
    proc: subprocess.Popen | None = None
    starts: int = 0
    started_at: float = 0.0
    held_down: bool = False  # killed on purpose, restarted by the fault loop


class Fleet:
    def __init__(self, infra: Infra, instances: int, log_dir: Path) -> None:
        self.infra = infra
        self.log_dir = log_dir
        self.instances = [Instance(svc, n, free_port_block(1)) for svc in SERVICES for n in range(instances)]
        self.unexpected_exits = 0

    def env(self, inst: Instance) -> dict[str, str]:
        up = inst.svc.upper()
        env = {k: v for k, v in os.environ.items()
               if not (k.endswith("_DATABASE_URL") or k in ("DATABASE_URL", "CBEC_TOPIC_PREFIX"))}
        env.update({
            "KAFKA_BOOTSTRAP_SERVERS": self.infra.bootstrap,
            f"{up}_DATABASE_URL": self.infra.database_url(inst.svc),
            f"{up}_HTTP_PORT": str(inst.port),
            "CBEC_SIGNATURE_MODE": "optional", "PYTHONUNBUFFERED": "1",
            # the soak is about losing nothing, not about who may call the APIs: the open profile
            "CBEC_PROFILE": "open",
        })
        return env

    def start(self, inst: Instance) -> None:
        inst.starts += 1
        inst.started_at = time.monotonic()
        out = open(self.log_dir / f"{inst.svc}-{inst.n}.{inst.starts}.log", "wb")
        inst.proc = subprocess.Popen([sys.executable, "-m", f"services.{inst.svc}"], cwd=ROOT, env=self.env(inst),
                                     stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        out.close()

    def kill(self, inst: Instance) -> None:
        if inst.proc is not None and inst.proc.poll() is None:
            os.killpg(inst.proc.pid, signal.SIGKILL)
            inst.proc.wait()

    async def wait_healthy(self, instances: list[Instance] | None = None, timeout: float = 180.0) -> None:
        deadline = time.monotonic() + timeout
        pending = list(self.instances if instances is None else instances)
        async with httpx.AsyncClient(timeout=2) as http:
            while pending:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"not healthy: {[(i.svc, i.n) for i in pending]} (logs in {self.log_dir})")
                still = []
                for inst in pending:
                    try:
                        ok = (await http.get(f"http://127.0.0.1:{inst.port}/health")).status_code == 200
                    except httpx.HTTPError:
                        ok = False
                    if not ok:
                        still.append(inst)
                pending = still
                await asyncio.sleep(0.5)

    async def supervise(self) -> None:
        """Restart what exited by itself (a crash when PostgreSQL or Kafka went away)."""
        while True:
            await asyncio.sleep(0.5)
            for inst in self.instances:
                if (not inst.held_down and inst.proc is not None and inst.proc.poll() is not None
                        and time.monotonic() - inst.started_at > 2.0):  # a supervisor's back-off
                    self.unexpected_exits += 1
                    self.start(inst)

    def stop(self) -> None:
        for inst in self.instances:
            if inst.proc is not None and inst.proc.poll() is None:
                inst.proc.terminate()
        for inst in self.instances:
            if inst.proc is not None:
                try:
                    inst.proc.wait(15)
                except subprocess.TimeoutExpired:
                    self.kill(inst)


# ---------------------------------------------------------------- journeys and their receipts

class Bodies:
    """A journey's order, waybill and list as ``Journey`` writes them, rendered once with a
    placeholder stamp and then stamped per journey (fresh GUIDs each time): 100k journeys would
    otherwise spend most of the soak's CPU building XML."""

    PLACEHOLDER = "ZZZZZZZZZZ"
    _FIELDS = re.compile(rb"ZZZZZZZZZZ|[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")

    def __init__(self) -> None:
        t = Journey(stamp=self.PLACEHOLDER)
        self._order, self._waybill, self._list = t.order_message(), t.waybill_message(), t.list_message("xml")

    def _stamp(self, template: bytes, stamp: str) -> bytes:
        fresh: dict[bytes, bytes] = {}

        def sub(m: re.Match) -> bytes:
            if m.group(0) == b"ZZZZZZZZZZ":
                return stamp.encode()
            return fresh.setdefault(m.group(0), new_guid().encode())

        return self._FIELDS.sub(sub, template)

    def order(self, j: Journey) -> bytes:
        return self._stamp(self._order, j.stamp)

    def waybill(self, j: Journey) -> bytes:
        return self._stamp(self._waybill, j.stamp)

    def list(self, j: Journey) -> bytes:
        return self._stamp(self._list, j.stamp)


@dataclass
class Group:
    """The lists one master bill binds."""
    members: list[int]
    bill_sent: bool = False
    arrival_sent: bool = False
    departure_sent: bool = False


@dataclass
class Ledger:
    """What was received, checked as it streams in."""
    by_tuple: Counter = field(default_factory=Counter)        # (topic dxp, type, key, status) -> n
    receipt_ids: Counter = field(default_factory=Counter)     # (topic dxp, receipt id) -> n
    last_rank: dict = field(default_factory=dict)             # (topic dxp, type, key) -> rank of the last status
    out_of_order: list = field(default_factory=list)
    total: int = 0

    def add(self, dxp: str, mtype: str, key: str, status: str, rid: str) -> bool:
        """Record one receipt; True when it is the first of its (key, status)."""
        self.total += 1
        self.receipt_ids[(dxp, rid)] += 1
        t = (dxp, mtype, key, status)
        self.by_tuple[t] += 1
        rank = RANK.get(status, -1)
        prev = self.last_rank.get(t[:3])
        if prev is not None and rank <= prev and self.by_tuple[t] == 1:
            self.out_of_order.append(t)
        if prev is None or rank > prev:
            self.last_rank[t[:3]] = rank
        return self.by_tuple[t] == 1


class Soak:
    def __init__(self, args: argparse.Namespace, infra: Infra, fleet: Fleet) -> None:
        self.a = args
        self.infra = infra
        self.fleet = fleet
        self.journeys = [Journey() for _ in range(args.journeys)]
        self.bodies = Bodies()
        self.groups = [Group(list(range(i, min(i + args.bill_size, args.journeys))))
                       for i in range(0, args.journeys, args.bill_size)]
        self.by_order = {j.order_no: i for i, j in enumerate(self.journeys)}
        self.by_waybill = {j.logistics_no: i for i, j in enumerate(self.journeys)}
        self.by_list = {j.cop_no: i for i, j in enumerate(self.journeys)}
        self.by_bill = {self.journeys[g.members[0]].bill_no: gi for gi, g in enumerate(self.groups)}
        self.by_bill_cop = {f"WB{self.journeys[g.members[0]].stamp}": gi for gi, g in enumerate(self.groups)}
        self.order_ok: set[int] = set()
        self.waybill_ok: set[int] = set()
        self.list_sent: set[int] = set()
        self.invt: dict[int, str] = {}
        self.released: set[int] = set()
        self.closed: set[int] = set()
        self.rejected: list[tuple] = []
        self.started = 0
        self.ledger = Ledger()
        self.faults: Counter = Counter()
        self.faults_over = asyncio.Event()  # the fault loop ends between two faults, never inside one
        self.sent = 0
        self.resent = 0
        self.producer: AIOKafkaProducer | None = None
        self.topic_replication: dict[str, int] = {}

    # -- sending, as the enterprises' ERPs do

    async def send(self, sender: str, body: bytes) -> None:
        assert self.producer is not None
        self.sent += 1
        while True:
            try:
                fut = await self.producer.send(topics.INBOUND, body, key=sender.encode())
                asyncio.get_running_loop().create_task(self._confirm(fut, sender, body))
                return
            except Exception as exc:
                log(f"send failed ({exc!r}); sending again")
                self.resent += 1
                await asyncio.sleep(1)

    async def _confirm(self, fut, sender: str, body: bytes) -> None:
        try:
            await fut
        except Exception as exc:
            log(f"not acknowledged ({exc!r}); sending again")
            self.resent += 1
            self.sent -= 1
            await self.send(sender, body)

    async def starter(self) -> None:
        while self.started < len(self.journeys):
            if self.started - len(self.invt) >= self.a.window:
                await asyncio.sleep(0.05)
                continue
            j = self.journeys[self.started]
            self.started += 1
            await self.send(EBC, self.bodies.order(j))
            await self.send(LOGISTICS, self.bodies.waybill(j))
            if self.started % 50 == 0:
                await asyncio.sleep(0)

    # -- reading, reacting

    async def reader(self, ready: asyncio.Event) -> None:
        # as the README asks of every ERP: receipts are published in Kafka transactions, and a round a
        # crash interrupted is aborted and sent again; only a read_committed reader skips the aborted copy
        consumer = AIOKafkaConsumer(bootstrap_servers=self.infra.bootstrap, group_id=None, enable_auto_commit=False,
                                    auto_offset_reset="earliest", metadata_max_age_ms=2000, max_partition_fetch_bytes=4 << 20,
                                    isolation_level="read_committed")
        await consumer.start()
        try:
            consumer.subscribe([topics.receipt_topic(e["dxpId"]) for e in DEMO_ENTERPRISES])
            while True:
                batches = await consumer.getmany(timeout_ms=500, max_records=5000)
                if consumer.assignment():
                    ready.set()
                for records in batches.values():
                    for r in records:
                        await self.on_receipt(r)
        finally:
            await consumer.stop()

    async def on_receipt(self, r) -> None:
        h = {k: (v or b"").decode() for k, v in r.headers or ()}
        dxp = r.topic.rsplit(".", 1)[1]
        key = (r.key or b"").decode()
        mtype, status = h.get(H.MESSAGE_TYPE, ""), h.get(H.RETURN_STATUS, "")
        first = self.ledger.add(dxp, mtype, key, status, h.get(H.RECEIPT_ID, ""))
        if not first:
            return
        if status not in RANK:
            self.rejected.append((dxp, mtype, key, status, decode_receipt(r.value).fields.get("returnInfo", "")[:200]))
            return
        if mtype == "CEB304" and status == "120":
            i = self.by_order.get(key)
            if i is not None:
                self.order_ok.add(i)
                await self.maybe_send_list(i)
        elif mtype == "CEB506" and status == "120":
            i = self.by_waybill.get(key)
            if i is not None:
                self.waybill_ok.add(i)
                await self.maybe_send_list(i)
        elif mtype == "CEB604" and dxp == AGENT:
            i = self.by_list.get(key)
            if i is None:
                return
            if status == "399":
                self.invt[i] = decode_receipt(r.value).fields["invtNo"]
                await self.maybe_send_bill(self.groups[i // self.a.bill_size])
            elif status == "800":
                self.released.add(i)
                g = self.groups[i // self.a.bill_size]
                if not g.departure_sent and all(m in self.released for m in g.members):
                    g.departure_sent = True
                    lead = self.journeys[g.members[0]]
                    await self.send(LOGISTICS, lead.departure_message(
                        [self.journeys[m].logistics_no for m in g.members]))
            elif status == "899":
                self.closed.add(i)
        elif mtype == "CEB608" and status == "120":
            gi = self.by_bill_cop.get(key)
            if gi is not None and not self.groups[gi].arrival_sent:
                g = self.groups[gi]
                g.arrival_sent = True
                lead = self.journeys[g.members[0]]
                await self.send(OPERATOR, lead.arrival_message([self.journeys[m].logistics_no for m in g.members]))

    async def maybe_send_list(self, i: int) -> None:
        if i in self.order_ok and i in self.waybill_ok and i not in self.list_sent:
            self.list_sent.add(i)
            await self.send(AGENT, self.bodies.list(self.journeys[i]))

    async def maybe_send_bill(self, g: Group) -> None:
        if g.bill_sent or not all(m in self.invt for m in g.members):
            return
        g.bill_sent = True
        lead = self.journeys[g.members[0]]
        others = [(self.invt[m], self.journeys[m].logistics_no) for m in g.members[1:]]
        await self.send(AGENT, lead.bill_message(self.invt[g.members[0]], others))

    # -- faults

    def fault_kinds(self) -> list[str]:
        return [k for k in self.a.faults.split(",") if k]

    async def inject_faults(self) -> None:
        """One fault every ``--fault-interval`` seconds, cycling through the kinds: a service's
        instance (chosen at random) SIGKILLed, a broker SIGKILLed (the next one each time), or
        PostgreSQL crashed. Each is back before the next fault (an instance: healthy again; a
        broker: back in every ISR), so faults never pile up into an outage of everything."""
        rng = random.Random(self.a.seed)
        brokers = itertools.cycle(range(1, self.infra.nodes + 1))
        for kind in itertools.cycle(self.fault_kinds()):
            try:
                await asyncio.wait_for(self.faults_over.wait(), self.a.fault_interval)
                return
            except TimeoutError:
                pass
            if kind in SERVICES:
                inst = rng.choice([i for i in self.fleet.instances if i.svc == kind])
                inst.held_down = True
                self.fleet.kill(inst)
                log(f"SIGKILL {kind}#{inst.n}")
                await asyncio.sleep(rng.uniform(0.2, self.a.down_s))
                self.fleet.start(inst)
                inst.held_down = False
                await self.fleet.wait_healthy([inst])
            elif kind == "broker":
                node = next(brokers)
                log(f"SIGKILL broker {node}")
                await asyncio.to_thread(self.infra.kill_broker, node, self.a.broker_down_s)
                took = await self.infra.wait_in_sync()
                log(f"broker {node} back, every partition fully in sync after {took:.0f} s")
            elif kind == "postgres":
                log("crash PostgreSQL (SIGKILL postmaster and backends)")
                await asyncio.to_thread(self.infra.crash_postgres, self.a.down_s)
                log("PostgreSQL back (crash recovery done)")
            else:
                raise SystemExit(f"unknown fault kind {kind!r} (--faults)")
            self.faults[kind] += 1

    # -- the run

    def done(self) -> bool:
        return len(self.closed) + len({k[2] for k in self.rejected}) >= len(self.journeys) or bool(self.rejected)

    async def run(self) -> int:
        started = time.monotonic()
        async with httpx.AsyncClient(timeout=10) as http:
            gw = next(i for i in self.fleet.instances if i.svc == "gateway")
            for e in DEMO_ENTERPRISES:
                (await http.post(f"http://127.0.0.1:{gw.port}/enterprises", json=e)).raise_for_status()
        self.producer = AIOKafkaProducer(bootstrap_servers=self.infra.bootstrap, acks="all", enable_idempotence=True,
                                         linger_ms=5, max_request_size=8 << 20, request_timeout_ms=30000)
        await self.producer.start()
        ready = asyncio.Event()
        tasks = [asyncio.create_task(self.reader(ready), name="reader")]
        await asyncio.wait_for(ready.wait(), 60)
        log(f"sending {len(self.journeys)} journeys ({len(self.groups)} bills) to {self.infra.bootstrap}")
        faults = [asyncio.create_task(self.inject_faults()), asyncio.create_task(self.fleet.supervise())]
        tasks.append(asyncio.create_task(self.starter(), name="starter"))
        deadline = started + self.a.timeout
        next_report = time.monotonic() + self.a.report_every
        try:
            while time.monotonic() < deadline:
                for t in [*tasks, *faults]:
                    if t.done() and t.exception() is not None:
                        raise t.exception()
                every_fault = all(self.faults[k] for k in self.fault_kinds())
                if self.done() and (every_fault or not self.a.each_fault_once):
                    break
                if time.monotonic() >= next_report:
                    next_report += self.a.report_every
                    self.progress(started)
                await asyncio.sleep(0.2)
        finally:
            # a fault half done (a broker or PostgreSQL on its way back, in a thread that cancelling
            # would not stop) finishes first: only then may the final start below run
            self.faults_over.set()
            await asyncio.wait([faults[0]], timeout=300)  # the injector; the supervisor is cancelled
            for t in faults:
                t.cancel()
            await asyncio.gather(*faults, return_exceptions=True)
        # faults over: everything back up, then read a while longer (a late duplicate would show)
        for inst in self.fleet.instances:
            if inst.proc is None or inst.proc.poll() is not None:
                self.fleet.start(inst)
            inst.held_down = False
        await asyncio.to_thread(self.infra.run, KAFKA_SH, "start")
        await asyncio.to_thread(self.infra.run, POSTGRES_SH, "start")
        settle_until = time.monotonic() + self.a.settle
        while time.monotonic() < settle_until or (not self.done() and time.monotonic() < deadline):
            await asyncio.sleep(0.5)
        elapsed = time.monotonic() - started
        self.topic_replication = await self.infra.replication()
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.producer.stop()
        return self.report(elapsed)

    def progress(self, started: float) -> None:
        log(f"+{time.monotonic() - started:.0f}s started {self.started}, audited {len(self.invt)}, "
            f"released {len(self.released)}, closed {len(self.closed)}/{len(self.journeys)}, "
            f"receipts {self.ledger.total}, faults {dict(self.faults)}, restarts after exit {self.fleet.unexpected_exits}")

    def expected(self) -> set[tuple]:
        want = set()
        for j in self.journeys:
            for s in ("2", "120", "399", "800", "899"):
                want.add((AGENT, "CEB604", j.cop_no, s))
            for s in ("399", "800", "899"):
                want.add((EBC, "CEB604", j.cop_no, s))
            for s in ("2", "120"):
                want.add((EBC, "CEB304", j.order_no, s))
                want.add((LOGISTICS, "CEB506", j.logistics_no, s))
        for g in self.groups:
            lead = self.journeys[g.members[0]]
            for s in ("2", "120"):
                want.add((AGENT, "CEB608", f"WB{lead.stamp}", s))
                want.add((OPERATOR, "CEB508", f"AR{lead.stamp}", s))
                want.add((LOGISTICS, "CEB510", f"DP{lead.stamp}", s))
        return want

    def report(self, elapsed: float) -> int:
        want = self.expected()
        got = set(self.ledger.by_tuple)
        lost = want - got
        unexpected = got - want
        dup_ids = {k: n for k, n in self.ledger.receipt_ids.items() if n > 1}
        dup_keys = {k: n for k, n in self.ledger.by_tuple.items() if n > 1}
        n = len(self.journeys)
        want_rf = min(3, self.infra.nodes)
        under = sorted(t for t, rf in self.topic_replication.items() if rf < want_rf)
        lines = [
            f"journeys:               {n} lists ({len(self.groups)} bills of up to {self.a.bill_size}), "
            f"{self.sent} messages sent ({self.resent} re-sent by the client), in {elapsed:.0f} s",
            f"platform:               {self.infra.nodes} Kafka brokers, PostgreSQL, "
            f"{self.a.instances} instance(s) of each of {', '.join(SERVICES)}",
            "faults:                 " + ", ".join(f"{k} {self.faults[k]}" for k in self.fault_kinds())
            + f"; restarts after a service exited by itself {self.fleet.unexpected_exits}",
            f"topics under-replicated: {len(under)} of {len(self.topic_replication)} (each wants {want_rf} replicas)",
            f"receipts read:          {self.ledger.total} (expected {len(want)})",
            f"lost:                   {len(lost)}",
            f"duplicate receipt ids:  {len(dup_ids)}",
            f"duplicate (key,status): {len(dup_keys)}",
            f"out of order:           {len(self.ledger.out_of_order)}",
            f"unexpected receipts:    {len(unexpected)}",
            f"lists closed (899):     {len(self.closed)}/{n}",
        ]
        print("\n".join(["", "==== soak result ====", *lines]), flush=True)
        for title, items in (("lost", sorted(lost)), ("duplicate ids", sorted(dup_ids.items())),
                             ("duplicate (key,status)", sorted(dup_keys.items())),
                             ("out of order", self.ledger.out_of_order), ("unexpected", sorted(unexpected)),
                             ("rejections", self.rejected), ("under-replicated topics", under)):
            if items:
                print(f"first {title}: {list(items)[:10]}", flush=True)
        ok = not lost and not dup_ids and not dup_keys and not self.ledger.out_of_order and not unexpected \
            and len(self.closed) == n and all(self.faults[k] for k in self.fault_kinds()) and not under
        print("SOAK PASSED" if ok else "SOAK FAILED", flush=True)
        return 0 if ok else 1


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--journeys", type=int, default=100_000, help="export lists, each with its order and waybill")
    p.add_argument("--bill-size", type=int, default=100, help="lists per master bill, arrival and departure")
    p.add_argument("--instances", type=int, default=2, help="instances of each service")
    p.add_argument("--kafka-nodes", type=int, default=3)
    p.add_argument("--window", type=int, default=2000, help="journeys started and not yet audited, at most")
    p.add_argument("--faults", default="gateway,management,notification,broker,postgres",
                   help="the fault kinds, injected in this order, over and over")
    p.add_argument("--fault-interval", type=float, default=10.0, help="seconds between two faults")
    p.add_argument("--down-s", type=float, default=2.0, help="how long a killed instance or PostgreSQL stays down, at most")
    p.add_argument("--broker-down-s", type=float, default=3.0, help="how long a killed broker stays down")
    p.add_argument("--each-fault-once", action=argparse.BooleanOptionalAction, default=True,
                   help="keep the faults going until each kind happened at least once")
    p.add_argument("--settle", type=float, default=5.0, help="seconds to read on after the faults stop")
    p.add_argument("--timeout", type=float, default=6 * 3600.0)
    p.add_argument("--report-every", type=float, default=15.0)
    p.add_argument("--kafka-heap", default="-Xmx384m -Xms384m")
    p.add_argument("--work-dir", type=Path, help="where its Kafka and PostgreSQL keep data (a temporary dir)")
    p.add_argument("--keep", action="store_true", help="keep the work dir (logs, data) afterwards")
    p.add_argument("--seed", type=int, default=None)
    return p.parse_args(argv)


async def amain(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)  # every refused connection to a killed broker
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="cbec-soak-"))
    work.mkdir(parents=True, exist_ok=True)
    (work / "logs").mkdir(exist_ok=True)
    # PostgreSQL runs as `postgres` when we are root and may not reach the work dir (pytest's are
    # private): its data goes to a directory of its own, reachable by it.
    pg_base = Path(tempfile.mkdtemp(prefix="cbec-soak-pg-"))
    os.chmod(pg_base, 0o755)
    infra = Infra(work, pg_base / "data", args.kafka_nodes, args.kafka_heap)
    fleet = Fleet(infra, args.instances, work / "logs")
    try:
        log(f"starting {args.kafka_nodes} Kafka node(s) under {work} and PostgreSQL :{infra.pg_port} in {pg_base}")
        await asyncio.to_thread(infra.start)
        for inst in fleet.instances:
            fleet.start(inst)
        await fleet.wait_healthy()
        log(f"{len(fleet.instances)} service instances healthy")
        return await Soak(args, infra, fleet).run()
    finally:
        fleet.stop()
        await asyncio.to_thread(infra.stop)
        if args.keep:
            log(f"kept {work} and {pg_base}")
        else:
            shutil.rmtree(work, ignore_errors=True)
            shutil.rmtree(pg_base, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(amain(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
