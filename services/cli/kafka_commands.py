"""``cbec send`` and ``cbec receipts``: messages to the inbound topic, receipts from the receipt topics.

Kafka: ``KAFKA_BOOTSTRAP_SERVERS`` (``--bootstrap``), ``CBEC_TOPIC_PREFIX``; the secure profile
with ``KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT`` (or ``SASL_SSL``), ``KAFKA_SASL_USERNAME`` = the
DXP id and ``KAFKA_SASL_PASSWORD`` = what ``POST /enterprises`` answered (``--username``,
``--password``): then a message goes to the sender's own ``ceb.inbound.<DXP id>`` (the only inbound
topic its principal may write), else to the shared ``ceb.inbound`` keyed by the sender.
"""
from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from shared.kafka import headers as H
from shared.kafka import topics
from shared.status_names import status_name

from .arguments import CHINA, Json, message_files, parse_time, read_file
from .kafka_io import Producer, ReceiptReader, ReceivedReceipt
from .output import (
    CONNECTION,
    FAILED,
    USAGE,
    CliError,
    err,
    out,
    print_json,
    print_json_line,
    styled_status,
    table,
    warn,
)

# a document's receipt that says more than "the platform has it" (2)
SETTLED = frozenset({"1", "100", "120", "300", "399", "500", "800", "899", "-1", "3"})
REJECTED = frozenset({"100", "-1"})

Bootstrap = Annotated[str, typer.Option("--bootstrap", envvar="KAFKA_BOOTSTRAP_SERVERS", show_envvar=True,
                                        help="Kafka bootstrap servers.")]
Username = Annotated[str | None, typer.Option("--username", envvar="KAFKA_SASL_USERNAME", show_envvar=True,
                                                 show_default=False, help="SASL user: your DXP id (secure profile).")]
Password = Annotated[str | None, typer.Option("--password", envvar="KAFKA_SASL_PASSWORD", show_envvar=True,
                                                 show_default=False, help="SASL password (secure profile).")]


def kafka_auth(username: str | None, password: str | None) -> dict:
    """What aiokafka is given to authenticate: nothing on the open profile."""
    protocol = os.environ.get("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT" if username else "PLAINTEXT")
    if not protocol.startswith("SASL"):
        return {}
    if not username or not password:
        raise CliError(USAGE, f"KAFKA_SECURITY_PROTOCOL={protocol} needs KAFKA_SASL_USERNAME (your DXP id) and "
                              "KAFKA_SASL_PASSWORD (or --username/--password)")
    return {"security_protocol": protocol, "sasl_mechanism": os.environ.get("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512"),
            "sasl_plain_username": username, "sasl_plain_password": password}


def prefix() -> str:
    return os.environ.get("CBEC_TOPIC_PREFIX", "")


def _quiet_kafka() -> None:
    # a receipt topic appears with the enterprise's first receipt, a broker may be down for a moment:
    # aiokafka would log each as an error, the command reports what matters itself
    for name in ("aiokafka", "aiokafka.cluster", "aiokafka.conn", "aiokafka.consumer.fetcher"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def run_kafka(work, bootstrap: str):
    """Run ``work``; a broker that cannot be reached is one line and exit 4."""
    from aiokafka.errors import KafkaConnectionError

    try:
        return asyncio.run(work)
    except KafkaConnectionError as e:
        raise CliError(CONNECTION, f"cannot reach Kafka at {bootstrap}: {e} (KAFKA_BOOTSTRAP_SERVERS, --bootstrap)") from None


# --- send -------------------------------------------------------------------------------------------

@dataclass
class Outgoing:
    file: Path
    body: bytes
    sender: str
    topic: str
    message_type: str = ""
    guids: dict[str, str] = field(default_factory=dict)  # guid answered → business key (as receipts say)
    documents: int = 0


@dataclass
class Tally:
    """What came back for what was sent: per document (by the guid its receipts carry)."""

    statuses: dict[str, list[str]] = field(default_factory=dict)  # guid → statuses in order
    rejected: list[dict] = field(default_factory=list)

    def add(self, rr: ReceivedReceipt, sent: dict[str, Outgoing]) -> bool:
        guid = rr.receipt.fields.get("guid", "")
        if guid not in sent:
            return False
        item = sent[guid]  # a receipt of the message as a whole (CEB900) answers each of its documents
        if not rr.topic.endswith(topics.receipt_topic(item.sender)):
            return False  # a copy to another party the document names (an ebc gets its lists' 399 …)
        for g in [guid] if item.guids.get(guid) else [g for g, k in item.guids.items() if k]:
            self.statuses.setdefault(g, []).append(rr.status)
        if rr.status in REJECTED:
            self.rejected.append({"file": str(sent[guid].file), "type": rr.receipt.message_type, "key": rr.key,
                                  "status": rr.status, "returnInfo": rr.receipt.fields.get("returnInfo", "")})
        return True

    def settled(self, guids) -> bool:
        return all(any(s in SETTLED for s in self.statuses.get(g, ())) for g in guids)


def _prepare(files: list[Path], sender: str | None, topic: str | None, secure: bool, fresh: bool,
             key: Path | None, cert: Path | None) -> list[Outgoing]:
    from shared.messages import FormatError, decode_message, spec_for

    from .fresh import Renumbering

    renumbering = Renumbering() if fresh else None
    signing = (read_file(key, "key"), read_file(cert, "certificate")) if key and cert else None
    prepared = []
    for path in files:
        body = read_file(path, "message")
        try:
            message, transport = decode_message(body)
        except FormatError:
            message = transport = None
        if message is not None and renumbering is not None:
            if message.signed and signing is None:
                warn(f"{path}: its signature is dropped by --fresh (give --key and --cert to sign it again)")
            body = renumbering.renew_bytes(body)
            message, transport = decode_message(body)
        if message is not None and signing is not None:
            from shared.messages.signature import sign_message

            body = sign_message(body, *signing)
        who = sender or (transport.SenderId if transport is not None and transport.SenderId else "") \
            or (message.base_transfer.dxpId if message is not None else "")
        if not who:
            raise CliError(USAGE, f"{path}: cannot tell its sender (no BaseTransfer/dxpId): give --sender DXP")
        item = Outgoing(path, body, who, topic or (topics.inbound_topic(who) if secure else topics.INBOUND))
        if message is not None:
            item.message_type = message.message_type
            item.documents = len(message.documents)
            business = spec_for(message.message_type).business_key
            item.guids[message.guid] = ""
            for doc in message.documents:
                item.guids[doc.get("guid")] = "+".join(doc.get(k) for k in business)
        prepared.append(item)
    return prepared


async def _send_all(items: list[Outgoing], bootstrap: str, auth: dict, wait: float, each: bool,
                    show_progress: bool) -> dict:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    sent: dict[str, Outgoing] = {g: item for item in items for g in item.guids if g}
    tracked = [g for item in items for g, k in item.guids.items() if k]  # document guids
    tally = Tally()
    senders = sorted({item.sender for item in items})
    started = time.monotonic()
    progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), console=err(),
                        disable=not show_progress, transient=False)
    reader = ReceiptReader(bootstrap, senders, prefix(), auth=auth, since=time.time() - 1) if wait > 0 else None

    async def read_until(guids, deadline: float) -> None:
        while not tally.settled(guids):
            left = deadline - time.monotonic()
            if left <= 0:
                return
            try:
                rr = await reader.next(min(left, 1.0))
            except TimeoutError:
                continue
            if tally.add(rr, sent):
                progress.update(answers, completed=sum(1 for g in tracked if tally.settled([g])))

    with progress:
        sending = progress.add_task("sending", total=len(items), rate="")
        answers = progress.add_task("answered", total=len(tracked), rate="", visible=wait > 0)
        if reader is not None:
            await reader.__aenter__()
        try:
            async with Producer(bootstrap, prefix(), auth=auth) as producer:
                pending = []
                for n, item in enumerate(items, start=1):
                    future = await producer.send(item.sender, item.body, item.topic)
                    if each:
                        await future
                        if reader is not None:
                            await read_until([g for g, k in item.guids.items() if k], time.monotonic() + wait)
                    else:
                        pending.append(future)
                    elapsed = max(time.monotonic() - started, 1e-6)
                    progress.update(sending, completed=n, rate=f"{n / elapsed:,.0f} msg/s")
                await asyncio.gather(*pending)
            seconds = time.monotonic() - started
            if reader is not None and not each:
                await read_until(tracked, time.monotonic() + wait)
        finally:
            if reader is not None:
                await reader.__aexit__(None, None, None)
    return _summary(items, tally, tracked, seconds, wait)


def _summary(items: list[Outgoing], tally: Tally, tracked: list[str], seconds: float, wait: float) -> dict:
    last: Counter[str] = Counter()
    for g in tracked:
        statuses = tally.statuses.get(g)
        last[statuses[-1] if statuses else "none"] += 1
    unanswered = [{"file": str(item.file), "key": k} for item in items for g, k in item.guids.items()
                  if k and not tally.settled([g])]
    answers = [{"file": str(item.file), "type": item.message_type, "key": k, "guid": g,
                "statuses": tally.statuses.get(g, [])} for item in items for g, k in item.guids.items() if k]
    return {"sent": len(items), "bytes": sum(len(i.body) for i in items), "seconds": round(seconds, 3),
            "rate": round(len(items) / seconds, 1) if seconds else None, "documents": len(tracked),
            "waited": wait, "lastStatus": dict(last), "answers": answers, "rejected": tally.rejected,
            "unanswered": unanswered if wait > 0 else [],
            "untracked": [str(i.file) for i in items if not i.guids],  # unreadable: no guid to follow
            "topics": sorted({f"{prefix()}{i.topic}" for i in items})}


def send_command(
    paths: Annotated[list[Path], typer.Argument(help="Message files (XML or JSON), or folders of them (sent in name order).")],
    sender: Annotated[str | None, typer.Option(help="The sender's DXP id, the Kafka key (default: each message's BaseTransfer/dxpId).")] = None,
    topic: Annotated[str | None, typer.Option(help="The inbound topic (default: ceb.inbound.<sender> in the secure profile, else ceb.inbound).")] = None,
    fresh: Annotated[bool, typer.Option("--fresh", help="New guids and business numbers (copNo, orderNo, logisticsNo, billNo, payNo), the same across the files.")] = False,
    key: Annotated[Path | None, typer.Option(help="Sign each message with this private key (PEM) before sending.")] = None,
    cert: Annotated[Path | None, typer.Option(help="The certificate (PEM) of --key.")] = None,
    wait: Annotated[float, typer.Option(help="Seconds to wait for the receipts of what was sent (0: do not wait).")] = 30.0,
    each: Annotated[bool, typer.Option("--each", help="Send one file at a time, waiting for its receipts (a journey in order).")] = False,
    bootstrap: Bootstrap = "127.0.0.1:9092",
    username: Username = None,
    password: Password = None,
    json: Json = False,
) -> None:
    """Send messages to the inbound topic, then summarise their receipts.

    A progress bar and the rate while sending; then the receipts of what was sent (by the guid they
    answer, read from the senders' receipt topics) until each document has one beyond 2 or --wait
    runs out. Exit 1 when a document was rejected (100, CEB900) or not answered in time."""
    if bool(key) != bool(cert):
        raise CliError(USAGE, "--key and --cert go together")
    _quiet_kafka()
    auth = kafka_auth(username, password)
    items = _prepare(message_files(paths), sender, topic, bool(auth), fresh, key, cert)
    summary = run_kafka(_send_all(items, bootstrap, auth, wait, each, show_progress=not json), bootstrap)
    if json:
        print_json(summary)
    else:
        _show_summary(summary)
    if summary["rejected"] or summary["unanswered"]:
        raise typer.Exit(FAILED)


def _show_summary(s: dict) -> None:
    console = out()
    console.print(f"sent {s['sent']} message(s), {s['bytes']:,} bytes, to {', '.join(s['topics'])} in "
                  f"{s['seconds']:.2f} s ({s['rate'] or 0:,.0f} msg/s)")
    if not s["waited"]:
        return
    rows = [{"status": st, "n": n} for st, n in sorted(s["lastStatus"].items())]
    console.print(table(rows, [("status", "last receipt"), ("n", "documents")],
                        styles={"status": lambda v: styled_status(v, status_name("", v)) if v != "none" else "[red]none[/]"}))
    for r in s["rejected"]:
        console.print(f"[red]✘[/] {escape(r['file'])} {r['type']} {escape(r['key'])} {styled_status(r['status'])}: "
                      f"{escape(r['returnInfo'])}")
    if s["unanswered"]:
        console.print(f"[yellow]{len(s['unanswered'])} document(s) without a receipt beyond 2 after {s['waited']:g} s:[/] "
                      + escape(", ".join(f"{u['key']} ({Path(u['file']).name})" for u in s["unanswered"][:10])))


# --- receipts -----------------------------------------------------------------------------------------

def receipt_row(rr: ReceivedReceipt) -> dict:
    f = rr.receipt.fields
    at = datetime.fromtimestamp(rr.timestamp / 1000, CHINA) if rr.timestamp else None
    return {"time": at.isoformat(timespec="milliseconds") if at else "", "topic": rr.topic,
            "type": rr.receipt.message_type, "key": rr.key, "status": rr.status,
            "meaning": status_name(rr.receipt.message_type, rr.status), "guid": f.get("guid", ""),
            "returnInfo": f.get("returnInfo", ""), "receiptId": rr.headers.get(H.RECEIPT_ID, ""),
            "traceId": rr.headers.get(H.TRACE_ID, ""), "fields": f}


def receipts_command(
    dxp_ids: Annotated[list[str], typer.Argument(help="The enterprises' DXP ids (their ceb.receipts.<DXP> topics).")],
    follow: Annotated[bool, typer.Option("--follow", "-f", help="Keep printing receipts as they come (Ctrl-C ends).")] = False,
    since: Annotated[str, typer.Option(help="From when: 10m, 2h, 1d, beginning, or a time (ISO 8601; China time without a zone).")] = "1h",
    status: Annotated[list[str] | None, typer.Option(help="Only receipts with this returnStatus (repeat or comma-separate).")] = None,
    key: Annotated[str | None, typer.Option(help="Only receipts of this business key (the copNo, orderNo, logisticsNo …).")] = None,
    bootstrap: Bootstrap = "127.0.0.1:9092",
    username: Username = None,
    password: Password = None,
    json: Json = False,
) -> None:
    """Print the receipts on enterprises' receipt topics from a time on.

    Read from --since (offsets by time), read_committed; without --follow it ends when it has read
    what was there. --json prints one JSON object per line."""
    _quiet_kafka()
    wanted = {s.strip() for v in status or () for s in v.split(",") if s.strip()}
    start = parse_time(since)
    auth = kafka_auth(username, password)

    def show(row: dict) -> None:
        if json:
            print_json_line(row)
        else:
            out().print(f"[dim]{row['time'][:23]}[/] {escape(row['topic'][len(prefix()):]):<30} {row['type']} "
                        f"{escape(row['key']):<24} {styled_status(row['status'], row['meaning'])}  {escape(row['returnInfo'])}")

    async def read() -> list[dict]:
        """Shown as they come when following; else everything there, in time order."""
        found: list[dict] = []
        quiet_since = time.monotonic()
        async with ReceiptReader(bootstrap, dxp_ids, prefix(), auth=auth, since=start.timestamp()) as reader:
            while True:
                if not follow and (await reader.caught_up() or time.monotonic() - quiet_since > 3.0):
                    return sorted(found, key=lambda r: r["time"])
                try:
                    rr = await reader.next(1.0)
                except TimeoutError:
                    continue
                quiet_since = time.monotonic()
                if (wanted and rr.status not in wanted) or (key and rr.key != key):
                    continue
                row = receipt_row(rr)
                found.append(row)
                if follow:
                    show(row)

    try:
        rows = run_kafka(read(), bootstrap)
    except KeyboardInterrupt:
        return
    if json:
        for row in rows:
            print_json_line(row)
        return
    out().print(table([{**r, "time": r["time"][11:23], "topic": r["topic"][len(prefix()) + len(topics.RECEIPT_TOPIC_PREFIX):],
                        "status": (r["status"], r["meaning"])} for r in rows],
                      [("time", "time"), ("topic", "DXP id"), ("type", "type"), ("key", "key"), ("status", "status"),
                       ("returnInfo", "returnInfo")], styles={"status": lambda v: styled_status(*v)}))
    err().print(f"[dim]{len(rows)} receipt(s) since {start.astimezone(CHINA).isoformat(timespec='seconds')}[/]")
