"""Management's reaction to each declaration the gateway forwards.

Every receipt of a document is emitted here, in order, through management's outbox: the
platform's acceptance (2) carried in the declaration first, then customs' own decisions.
"""
from __future__ import annotations

from datetime import datetime, timezone

from aiokafka import ConsumerRecord

from shared.config import Settings
from shared.contracts import Declaration, ReceiptIssued, Recipient
from shared.db.outbox import TRACE_ID_HEADER, OutgoingMessage
from shared.kafka import topics
from shared.kafka.consumer import Batch
from shared.messages.model import Document
from shared.receipts import info, receipt_for

from ..adapters import lists as repo
from ..domain.list_lifecycle import ListStatus, guard, invt_no
from ..domain.release_policy import ReleasePolicy


class Declarations:
    def __init__(self, settings: Settings, policy: ReleasePolicy) -> None:
        self.settings = settings
        self.policy = policy

    async def handle(self, records: list[ConsumerRecord], batch: Batch) -> None:
        for record in records:
            declaration = Declaration.model_validate_json(record.value)
            handler = {
                "CEB603": self._list,
                "CEB607": self._bill,
                "CEB507": self._arrival,
                "CEB509": self._departure,
            }.get(declaration.message.message_type)
            if handler is None:
                for doc, acceptance in zip(declaration.message.documents, declaration.acceptance):
                    self._emit(batch, acceptance)
                    self._emit(batch, self._answer(declaration, doc, "100",
                                                   info("3999", f"{declaration.message.message_type} is not handled by this release"),
                                                   acceptance))
                continue
            for index, doc in enumerate(declaration.message.documents):
                await handler(batch, declaration, doc, declaration.acceptance[index])

    # --- emitting -------------------------------------------------------------------------------
    def _emit(self, batch: Batch, receipt: ReceiptIssued) -> None:
        batch.emit(OutgoingMessage.of(self.settings.topic(topics.RECEIPTS), receipt.business_key, receipt,
                                      {TRACE_ID_HEADER: receipt.trace_id}))

    def _answer(self, d: Declaration, doc: Document, status: str, text: str, acceptance: ReceiptIssued,
                overrides: dict[str, str] | None = None) -> ReceiptIssued:
        return receipt_for(d.message.message_type, doc.head, status=status, return_info=text,
                           recipients=acceptance.recipients, issued_by="management",
                           overrides={"preNo": acceptance.fields.get("preNo", ""), **(overrides or {})},
                           trace_id=d.trace_id)

    def _list_receipt(self, stored: repo.StoredList, status: str, text: str, trace: str) -> ReceiptIssued:
        return receipt_for("CEB603", stored.head, status=status, return_info=text,
                           recipients=[Recipient(dxp_id=stored.declarant_dxp, format=stored.receipt_format)],
                           issued_by="management", overrides={"preNo": stored.pre_no, "invtNo": stored.invt_no},
                           concerns=[c for c in {stored.head.get("ebcCode", "")} if c], trace_id=trace)

    # --- CEB603: the list -----------------------------------------------------------------------
    async def _list(self, batch: Batch, d: Declaration, doc: Document, acceptance: ReceiptIssued) -> None:
        head = doc.head
        existing = await repo.live_by_business_key(batch.conn, head.get("agentCode", ""), head.get("copNo", ""))
        if existing is not None:
            self._emit(batch, self._answer(d, doc, "100", info(
                "2202", f"Inventory/InventoryHead/copNo: list {head.get('copNo')} of agent {head.get('agentCode')} "
                        f"is already declared (invtNo {existing.invt_no}, status {existing.status}); cancel it first "
                        "or send a modification (appType 2)"), acceptance, {"preNo": ""}))
            return
        self._emit(batch, acceptance)
        serial = await repo.next_invt_serial(batch.conn)
        number = invt_no(head.get("customsCode", "0000"), datetime.now(timezone.utc).year, serial)
        list_id = await repo.insert(batch.conn, head=head, items=doc.items, pre_no=acceptance.fields["preNo"],
                                    invt_no=number, status=ListStatus.STORED.value, declarant_dxp=d.sender_dxp_id,
                                    receipt_format=d.message.format)
        await repo.add_history(batch.conn, list_id, "declared", ListStatus.STORED.value,
                               {"guid": d.message.guid, "preNo": acceptance.fields["preNo"], "invtNo": number})
        self._emit(batch, self._answer(d, doc, "120", info("0000", "stored: logic checks passed"), acceptance,
                                       {"invtNo": number}))

    # --- CEB607: the master/sub bill ------------------------------------------------------------
    async def _bill(self, batch: Batch, d: Declaration, doc: Document, acceptance: ReceiptIssued) -> None:
        bill_no = doc.get("billNo")
        found, missing = [], []
        for i, item in enumerate(doc.items, start=1):
            stored = await repo.by_invt_no(batch.conn, item.get("invtNo", "")) if item.get("invtNo") else None
            if stored is None and item.get("logisticsNo"):
                stored = await repo.live_by_logistics_no(batch.conn, item["logisticsNo"])
            if stored is None or stored.status in (ListStatus.CANCELLED.value, ListStatus.REJECTED.value):
                missing.append(f"WayBill/WayBillList[{i}]/invtNo: no live list {item.get('invtNo') or item.get('logisticsNo')}")
            else:
                found.append(stored)
        self._emit(batch, acceptance)
        if missing:
            self._emit(batch, self._answer(d, doc, "100", "".join(info("2301", m) for m in missing), acceptance))
            return
        await repo.upsert_bill(batch.conn, doc.head, d.sender_dxp_id, d.message.format)
        for stored in found:
            await repo.bind_to_bill(batch.conn, stored.id, bill_no)
            await repo.add_history(batch.conn, stored.id, "bound to bill", stored.status,
                                   {"billNo": bill_no, "guid": d.message.guid})
        self._emit(batch, self._answer(d, doc, "120", info("0000", f"bill {bill_no} stored with {len(found)} list(s)"),
                                       acceptance))

    # --- CEB507: arrival ------------------------------------------------------------------------
    async def _arrival(self, batch: Batch, d: Declaration, doc: Document, acceptance: ReceiptIssued) -> None:
        bill_no = doc.get("billNo")
        self._emit(batch, acceptance)
        if not await repo.bill_exists(batch.conn, bill_no):
            self._emit(batch, self._answer(d, doc, "100", info("2302", f"ArrivalHead/billNo: no master bill {bill_no}"), acceptance))
            return
        arrived = {item.get("logisticsNo") for item in doc.items}
        self._emit(batch, self._answer(d, doc, "120", info("0000", f"arrival of {len(arrived)} package(s) of bill {bill_no} stored"), acceptance))
        for stored in await repo.of_bill(batch.conn, bill_no):
            if stored.logistics_no not in arrived or stored.status != ListStatus.STORED.value:
                continue
            decision = self.policy.decide(stored.head, stored.items)
            target = ListStatus.RELEASED if decision.release else ListStatus.INSPECTION
            guard(ListStatus(stored.status), target)
            await repo.set_status(batch.conn, stored.id, target.value)
            await repo.add_history(batch.conn, stored.id, "decided", target.value,
                                   {"rules": decision.rules_fired, "reason": decision.reason, "arrival": d.message.guid})
            self._emit(batch, self._list_receipt(stored, target.value, info("0000", decision.reason), d.trace_id))

    # --- CEB509: departure ----------------------------------------------------------------------
    async def _departure(self, batch: Batch, d: Declaration, doc: Document, acceptance: ReceiptIssued) -> None:
        bill_no = doc.get("billNo")
        self._emit(batch, acceptance)
        if not await repo.bill_exists(batch.conn, bill_no):
            self._emit(batch, self._answer(d, doc, "100", info("2302", f"DepartureHead/billNo: no master bill {bill_no}"), acceptance))
            return
        closed, open_ = [], []
        bill_lists = await repo.of_bill(batch.conn, bill_no)
        for stored in bill_lists:
            if stored.status == ListStatus.RELEASED.value:
                await repo.set_status(batch.conn, stored.id, ListStatus.CLOSED.value)
                await repo.add_history(batch.conn, stored.id, "departed", ListStatus.CLOSED.value, {"departure": d.message.guid})
                closed.append(stored)
            elif stored.status not in (ListStatus.CLOSED.value, ListStatus.CANCELLED.value):
                open_.append(stored)
        text = f"departure of bill {bill_no} stored; {len(closed)} list(s) closed"
        if open_:
            text += "; not released, still open: " + ", ".join(f"{s.cop_no} ({s.status})" for s in open_)
        else:
            await repo.set_bill_status(batch.conn, bill_no, ListStatus.CLOSED.value)
        self._emit(batch, self._answer(d, doc, "120", info("0000", text), acceptance))
        for stored in closed:
            self._emit(batch, self._list_receipt(stored, ListStatus.CLOSED.value, info("0000", "closed: goods have left the country"), d.trace_id))
