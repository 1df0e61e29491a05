"""Intake of enterprise messages from ``ceb.inbound``: authenticate, verify, answer or forward.

The pipeline, per message (codes in docs/verification.md):

1. the sender: the DXP id the topic names (``ceb.inbound.<DXP id>``, which only that enterprise's
   principal may write in the secure profile; a key that says otherwise → dead letter), or on the
   shared ``ceb.inbound`` (the open demo profile) the key; none, or no registered DXP id → dead
   letter (no sender to answer);
2. unreadable (size, DTD/entities, encoding, depth, structure, namespace, type) → CEB900;
3. the same guid and the same bytes as an earlier message → a retransmission: dropped, answered
   once; a guid used by another readable message → 100 (2201);
4. field formats (required, length, code formats) → CEB900;
5. signature (25xx) → 100, naming the step that failed;
6. logic checks: sender, content, a payment's agreement with its order → 100;
7. a part of a split bill → collected; the complete bill is checked as a whole and forwarded
   (each part is answered with its own receipts: its guid, its msgSeqNo);
8. a draft (appStatus 1, 暂存) → kept in ``drafts``, answered with returnStatus 1, never forwarded;
   a later declaration of the same document supersedes it;
9. otherwise → forwarded to management as a Declaration carrying the acceptance (2) receipts.

A batch is decoded first (CPU only), then what the checks need from the registry and the known
documents is read with one query each, then each message is answered in order.
"""
from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from shared import clock, tracing
from shared import return_codes as codes
from shared.kafka.consumer import Batch
from shared.kafka.received import RawRecord, Received, receive
from shared.messages import FormatError, check_fields, decode_message
from shared.messages.errors import NOT_WELL_FORMED
from shared.messages.field_formats import GUID
from shared.messages.model import CebMessage, Document
from shared.messages.transport import DxpTransInfo, open_envelope
from shared.messages.xml_reading import read_xml

from ..adapters import bill_parts, deferred_intake, known_documents, message_log, registry, sender_tokens
from ..adapters.drafts import Draft, DraftChanges, document_key
from ..domain.bill_assembly import combine, disagreement, missing, part_heads, part_numbers
from ..domain.checking import Context, Problem, head_path, problems_by_document
from ..domain.enterprise import Enterprise
from ..domain.inbound_envelope import InboundEnvelope, envelope_reader
from ..domain.scripted_verdicts import scripted_rejections, scripted_signature_problem
from ..domain.sender_checks import party_codes_named
from ..domain.sender_quota import SenderQuota
from ..domain.signature_check import is_draft, signature_problem
from ..domain.verification import verify
from ..settings import GatewaySettings
from .answers import Answers

log = logging.getLogger(__name__)

# checks about the whole of a split bill: run once all its parts are in
WHOLE_BILL_CHECKS = frozenset({codes.GNUM_SEQUENCE, codes.PACKAGE_TWICE})


@dataclass
class Arrival:
    record: RawRecord  # as read: what a dead letter keeps
    key: str  # the sender's DXP id: named by the inbound topic, else the Kafka key
    raw: bytes
    trace: str
    conflict: str = ""  # the key names another sender than the inbound topic
    message: CebMessage | None = None
    transport: DxpTransInfo | None = None
    error: FormatError | None = None


@dataclass
class World:
    """What one batch knows (registered parties, orders seen before, guids seen before) and what it
    will write at its end (the guid log), read and written with one query each."""

    parties: dict[str, Enterprise] = field(default_factory=dict)
    orders: dict[tuple[str, str], Document] = field(default_factory=dict)
    guids: dict[str, message_log.Seen] = field(default_factory=dict)
    guid_rows: dict[str, tuple[str, bytes, str, str, str]] = field(default_factory=dict)
    serials: list[int] = field(default_factory=list)  # platform number serials reserved for the batch
    drafts: DraftChanges = field(default_factory=DraftChanges)
    # orders forwarded in the batch, by (ebpCode, orderNo): the last one wins (None: deleted)
    order_changes: dict[tuple[str, str], Document | None] = field(default_factory=dict)


class Intake:
    def __init__(self, settings: GatewaySettings, quota: SenderQuota | None = None) -> None:
        self.settings = settings
        self.read_envelope = envelope_reader(settings.topic_prefix)  # the consumer's decoder
        self.answers = Answers(settings)
        self.quota = quota
        self.deferred = 0
        self.on_deferred: Callable[[], None] = lambda: None
        # partitions whose records the last batch that read them deferred every one of, with the
        # senders of those records (inbound_flow.py reads a shared partition so a turn at a time,
        # and not while those senders have a backlog)
        self.backed_up: dict[tuple[str, int], set[str]] = {}

    @property
    def accepted(self) -> int:
        return self.answers.accepted

    @property
    def rejected(self) -> int:
        return self.answers.rejected

    def receive(self, record: RawRecord) -> Received[InboundEnvelope]:
        """A record read again (the deferred queue), typed as the consumer types those from Kafka."""
        return receive(record, self.read_envelope(record), trust_headers=False)

    # --- the batch ------------------------------------------------------------------------------
    async def handle(self, records: list[Received[InboundEnvelope]], batch: Batch, *, admitted: bool = False) -> None:
        """Answer or forward ``records``; without ``admitted`` (records straight from Kafka) what a
        sender sends beyond its turn or its rate is deferred instead (``fair_intake`` takes it in turn)."""
        if self.quota is not None and not admitted:
            records = await self._admit(records, batch)
        arrivals = [self._read(r) for r in records]
        keys = sorted({a.key for a in arrivals if a.key})
        senders = await registry.by_dxp_ids(batch.conn, keys) if keys else {}
        world = await self._world(batch, [a.message for a in arrivals if a.message is not None])
        for arrival in arrivals:
            tracing.bind(arrival.trace)
            await self._one(arrival, senders, world, batch)
        tracing.bind("")
        await message_log.record_many(batch.conn, list(world.guid_rows.values()))
        await world.drafts.write(batch.conn)
        await known_documents.remember_orders(batch.conn, world.order_changes)

    async def _admit(self, records: list[Received[InboundEnvelope]],
                     batch: Batch) -> list[Received[InboundEnvelope]]:
        """The records within their senders' turns (``SenderQuota.turns``) and tokens; the rest join the
        deferred queue (so do all the later ones of a sender that has a queue: its order holds)."""
        assert self.quota is not None
        senders = [r.model.queue_sender for r in records]
        queued = await deferred_intake.with_backlog(batch.conn, sorted({s for s in senders if s}))
        counts = Counter(s for s in senders if s and s not in queued)
        granted = await sender_tokens.take(batch.conn, self.quota, self.quota.turns(counts, waiting=len(queued)))
        now: list[Received[InboundEnvelope]] = []
        later: list[tuple[str, RawRecord]] = []
        for record, sender in zip(records, senders):
            if sender and (sender in queued or granted.get(sender, 0) < 1):
                queued.add(sender)
                later.append((sender, record.record))
            else:
                if sender:
                    granted[sender] -= 1
                now.append(record)
        kept = {(r.topic, r.partition) for r in now}
        for tp in {(r.topic, r.partition) for r in records}:
            if tp in kept:
                self.backed_up.pop(tp, None)
            else:
                self.backed_up[tp] = {s for s, r in later if (r.topic, r.partition) == tp}
        if later:
            await deferred_intake.add(batch.conn, later)
            self.deferred += len(later)
            self.on_deferred()
        return now

    def _read(self, received: Received[InboundEnvelope]) -> Arrival:
        envelope = received.model  # trace: the ERP's traceparent or cbec-trace-id, else a new one
        arrival = Arrival(received.record, envelope.sender, envelope.raw, received.trace_id, envelope.conflict)
        if arrival.key and not arrival.conflict:
            try:
                arrival.message, arrival.transport = decode_message(arrival.raw, max_bytes=self.settings.max_message_bytes)
            except FormatError as err:
                arrival.error = err
            except (ValueError, RecursionError, etree.LxmlError) as exc:  # a codec gap: still answer it
                log.exception("message %s could not be decoded", arrival.trace)
                arrival.error = FormatError(NOT_WELL_FORMED, f"the message could not be read: {type(exc).__name__}: "
                                                             f"{str(exc)[:200]}")
        return arrival

    async def _world(self, batch: Batch, messages: list[CebMessage]) -> World:
        codes = sorted(set().union(*(party_codes_named(m) for m in messages))) if messages else []
        orders = {(d.get("ebpCode"), d.get("orderNo")) for m in messages if m.message_type == "CEB403"
                  for d in m.documents}
        guids = sorted({m.guid for m in messages if GUID.accepts(m.guid)})
        documents = sum(len(m.documents) for m in messages)
        return World(
            parties=await registry.by_codes(batch.conn, codes) if codes else {},
            orders=await known_documents.find_orders(batch.conn, orders),
            guids=await message_log.earlier_many(batch.conn, guids),
            serials=await message_log.next_pre_nos(batch.conn, documents) if documents else [],
        )

    # --- one message ----------------------------------------------------------------------------
    async def _one(self, a: Arrival, senders: dict[str, Enterprise], world: World, batch: Batch) -> None:
        if a.conflict:
            return await self.answers.dead_letter(batch, a.record, a.conflict)
        if not a.key:
            return await self.answers.dead_letter(batch, a.record, "missing key: the Kafka key must be the sender's DXP id")
        sender = senders.get(a.key)
        if sender is None:
            return await self.answers.dead_letter(
                batch, a.record, f"unregistered sender: no enterprise is registered with DXP id {a.key[:64]!r}")
        if a.error is not None:
            err = a.error
            return self.answers.format_error(batch, sender, err.format or "xml", err.message_type, err.guid,
                                             str(err), a.trace, a.raw)
        message = a.message
        assert message is not None
        fmt = message.format
        problems = check_fields(message)
        digest = hashlib.sha256(a.raw).digest()
        if GUID.accepts(message.guid):
            seen = world.guids.get(message.guid)
            if seen is not None and seen.content_hash == digest:
                log.info("retransmission of %s from %s dropped (answered once)", message.guid, a.key)
                return None
            if seen is not None and seen.outcome != message_log.FORMAT_ERROR:
                return self.answers.reject(batch, message, sender, [Problem(
                    codes.GUID_USED, f"{message.message_type}Message/@guid",
                    f"{message.guid} was already used by an earlier message; every message needs a new guid")],
                    a.trace)
            outcome = message_log.FORMAT_ERROR if problems else message_log.RECEIVED
            world.guids[message.guid] = message_log.Seen(digest, outcome)
            world.guid_rows[message.guid] = (message.guid, digest, a.key, message.message_type, outcome)
        if problems:
            return self.answers.format_error(batch, sender, fmt, message.message_type, message.guid,
                                             "".join(str(p) for p in problems[:20]), a.trace, a.raw,
                                             a.transport.CopMsgId if a.transport is not None else "")
        now = clock.now()
        signed = self._signed_bytes(a) if message.signed else b""
        problem = scripted_signature_problem(message) or signature_problem(
            message, signed, sender.certificate, self.settings.signature_mode, now)
        if problem is not None:
            return self.answers.reject(batch, message, sender, [problem], a.trace)
        context = Context(sender=sender, kafka_key=a.key,
                          transport_sender=a.transport.SenderId if a.transport is not None else None,
                          parties=world.parties, orders=world.orders, now=now)
        part = part_numbers(message)
        if part is not None and part[2] > self.settings.max_parts:
            return self.answers.reject(batch, message, sender, [Problem(
                codes.TOO_MANY_PARTS, f"{head_path(message, 1)}/msgCount",
                f"msgCount {part[2]}: a split bill has at most {self.settings.max_parts} parts")], a.trace)
        problems = verify(message, context, skip=WHOLE_BILL_CHECKS if part else frozenset()) + scripted_rejections(message)
        if problems:
            message = self._reject_documents(batch, message, sender, problems, a.trace)
            if message is None:
                return None
        if part is not None:
            return await self._collect(batch, message, sender, context, part, a.trace, world)
        await self._deliver(batch, message, sender, a.trace, world)

    async def _deliver(self, batch: Batch, message: CebMessage, sender: Enterprise, trace: str, world: World,
                       parts: list[dict[str, str]] | None = None) -> None:
        """Drafts (appStatus 1) are kept and answered with returnStatus 1; the rest is forwarded.
        ``parts``: a split bill's, each answered on its own."""
        drafts = [doc for doc in message.documents if is_draft(doc)]
        for doc in drafts:
            world.drafts.store(Draft(document_key(sender.dxpId, message.message_type, doc), doc.get("guid"),
                                     message.format, doc))
        if drafts:
            self.answers.drafts_stored(batch, message, sender, drafts, trace, parts)
        if len(drafts) == len(message.documents):
            return
        if drafts:
            message = message.model_copy(update={"documents": [d for d in message.documents if not is_draft(d)]})
        for doc in message.documents:
            world.drafts.declare(document_key(sender.dxpId, message.message_type, doc), doc.get("guid"))
        await self.answers.forward(batch, message, sender, trace, world.serials, parts)
        await self._remember(batch, message, world)

    def _reject_documents(self, batch: Batch, message: CebMessage, sender: Enterprise, problems: list[Problem],
                          trace: str) -> CebMessage | None:
        """Each document is judged on its own: those with problems are answered with 100, the rest
        go on (returned as a message holding only them). A problem of the message as a whole (the
        sender, BaseTransfer, the envelope) rejects every document."""
        general, by_document = problems_by_document(message, problems)
        if general or len(by_document) == len(message.documents):
            self.answers.reject(batch, message, sender, problems, trace)
            return None
        for index, found in sorted(by_document.items()):
            self.answers.reject(batch, message, sender, found, trace, [message.documents[index]])
        good = [doc for i, doc in enumerate(message.documents) if i not in by_document]
        return message.model_copy(update={"documents": good})

    def _signed_bytes(self, a: Arrival) -> bytes:
        """The CEB message as signed: the bytes received, or the ``Data`` of a DXP envelope."""
        if a.transport is None:
            return a.raw
        return open_envelope(read_xml(a.raw, max_bytes=self.settings.max_message_bytes))[1]

    async def _remember(self, batch: Batch, message: CebMessage, world: World) -> None:
        """Orders are written at the batch's end (``World.order_changes``)."""
        if message.message_type != "CEB303":
            return
        for doc in message.documents:
            key = (doc.get("ebpCode"), doc.get("orderNo"))
            if doc.get("appType") == "3":
                world.orders.pop(key, None)
                world.order_changes[key] = None
            else:
                world.orders[key] = doc
                world.order_changes[key] = doc

    # --- split bills ----------------------------------------------------------------------------
    async def _collect(self, batch: Batch, message: CebMessage, sender: Enterprise, context: Context,
                       part: tuple[str, int, int], trace: str, world: World) -> None:
        cop_no, seq, count = part
        key = bill_parts.GroupKey(sender.dxpId, message.message_type, cop_no)
        group = await bill_parts.load(batch.conn, key, lock=True)
        if group is not None:
            first_seq = min(group.parts)
            problem = disagreement(group.parts[first_seq], first_seq, message, seq)
            if problem is not None:
                return self.answers.reject(batch, message, sender, [problem], trace)
        if not await bill_parts.add_part(batch.conn, key, seq, count, message, trace):
            return self.answers.reject(batch, message, sender, [Problem(
                codes.PART_TWICE, f"{head_path(message, 1)}/msgSeqNo",
                f"part {seq} of copNo {cop_no} was already received; the bill still misses parts "
                f"{','.join(map(str, missing(group.parts, count))) if group else '?'}")], trace)
        group = await bill_parts.load(batch.conn, key)
        assert group is not None
        if missing(group.parts, count):
            log.info("part %d/%d of %s %s from %s collected", seq, count, message.message_type, cop_no, sender.dxpId)
            return None
        await bill_parts.remove(batch.conn, key)
        whole, parts = combine(group.parts), part_heads(group.parts)
        problems = verify(whole, context)
        if problems:
            return self.answers.reject(batch, whole, sender, problems, trace, parts=parts)
        await self._deliver(batch, whole, sender, trace, world, parts)
