"""The sample shipment's journey (list → master bill → arrival → departure) as the demo and the
end-to-end tests send it, made unique per run so it can be sent again and again."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from shared import samples
from shared.messages import decode_message, encode_message
from shared.messages.model import BaseTransfer, CebMessage, Document

DEMO_ENTERPRISES = [
    {"code": "3301960001", "name": "Hangzhou Harbour Customs Brokerage Co.", "dxpId": "DXPENT0000000001", "roles": ["agent"]},
    {"code": "3301960002", "name": "Hangzhou Silkworks Export Co.", "dxpId": "DXPENT0000000002", "roles": ["ebc"]},
    {"code": "3301980003", "name": "Qiantang Air Logistics Co.", "dxpId": "DXPENT0000000003", "roles": ["logistics"]},
    {"code": "3301970004", "name": "Xiaoshan Air Cargo Supervised Warehouse Co.", "dxpId": "DXPENT0000000004", "roles": ["operator"]},
]

SAMPLES = {
    "list": "CEB603_list.xml",
    "list_json": "CEB603_list.json",
    "bill": "CEB607_master_bill.xml",
    "arrival": "CEB507_arrival.xml",
    "departure": "CEB509_departure.xml",
    "cancel": "CEB605_cancel.xml",
}


def sample_bytes(name: str) -> bytes:
    return samples.sample_bytes(SAMPLES[name])


def sample(name: str) -> CebMessage:
    return decode_message(sample_bytes(name))[0]


def new_guid() -> str:
    return str(uuid.uuid4()).upper()


@dataclass
class Journey:
    """One shipment: the sample's numbers replaced by ones unique to ``stamp``."""

    stamp: str = field(default_factory=lambda: uuid.uuid4().hex[:10].upper())
    agent_dxp: str = "DXPENT0000000001"
    operator_dxp: str = "DXPENT0000000004"
    logistics_dxp: str = "DXPENT0000000003"
    ebc_dxp: str = "DXPENT0000000002"

    @property
    def cop_no(self) -> str:
        return f"AG{self.stamp}"

    @property
    def logistics_no(self) -> str:
        return f"QT{self.stamp}"

    @property
    def bill_no(self) -> str:
        return f"784-{self.stamp}"

    @property
    def order_no(self) -> str:
        return f"ORD-{self.stamp}"

    def _fresh(self, name: str, **head: str) -> CebMessage:
        msg = sample(name)
        msg.guid = new_guid()
        for doc in msg.documents:
            doc.head.update({"guid": new_guid(), **head})
            for item in doc.items:
                if "logisticsNo" in item:
                    item["logisticsNo"] = self.logistics_no
        return msg

    def list_message(self, fmt: str = "xml", *, app_type: str = "1", head: dict[str, str] | None = None,
                     item_changes: dict[int, dict[str, str]] | None = None) -> bytes:
        """The sample list with this journey's numbers; ``app_type="2"`` makes it a modification,
        ``head`` and ``item_changes`` (gnum → fields) change its content."""
        return encode_message(self.list_document(app_type=app_type, head=head, item_changes=item_changes), fmt)

    def list_document(self, *, app_type: str = "1", head: dict[str, str] | None = None,
                      item_changes: dict[int, dict[str, str]] | None = None) -> CebMessage:
        msg = self._fresh("list", copNo=self.cop_no, logisticsNo=self.logistics_no, orderNo=self.order_no,
                          appType=app_type, **(head or {}))
        for item in msg.document.items:
            item.update((item_changes or {}).get(int(item["gnum"]), {}))
        return msg

    def _message(self, code: str, doc: Document, sender_code: str, sender_name: str, dxp: str) -> CebMessage:
        return CebMessage(message_type=code, guid=new_guid(), format="xml", documents=[doc],
                          base_transfer=BaseTransfer(copCode=sender_code, copName=sender_name, dxpMode="DXP", dxpId=dxp))

    def order_message(self, fmt: str = "xml", *, app_type: str = "1", item_changes: dict[int, dict[str, str]] | None = None,
                      list_item_changes: dict[int, dict[str, str]] | None = None) -> bytes:
        """The export order (CEB303) that agrees with the list (``list_item_changes`` as given to
        ``list_message``); ``item_changes`` make it disagree."""
        inv = self.list_document(item_changes=list_item_changes).document
        h = inv.head
        items = []
        for i in inv.items:
            item = {"gnum": i["gnum"], "itemNo": i.get("itemNo", ""), "itemName": i.get("itemName", ""),
                    "barCode": i.get("barCode", ""), "unit": i.get("unit", ""), "currency": i.get("currency", "142"),
                    "qty": i["qty"], "price": i["price"], "totalPrice": i["totalPrice"], "note": ""}
            item.update((item_changes or {}).get(int(i["gnum"]), {}))
            items.append(item)
        value = sum((Decimal(i["totalPrice"]) for i in items), Decimal(0))
        head = {"guid": new_guid(), "appType": app_type, "appTime": h.get("appTime", ""), "appStatus": "2",
                "orderType": "B" if h.get("tradeMode") in ("9710", "9810") else "E", "orderNo": self.order_no,
                "ebpCode": h["ebpCode"], "ebpName": h["ebpName"], "ebcCode": h["ebcCode"], "ebcName": h["ebcName"],
                "goodsValue": f"{value:.2f}", "freight": h.get("freight", "0"), "currency": "142", "note": ""}
        msg = self._message("CEB303", Document(name="Order", head=head, items=items), h["ebcCode"], h["ebcName"], self.ebc_dxp)
        return encode_message(msg, fmt)

    def waybill_message(self, fmt: str = "xml", *, app_type: str = "1", head: dict[str, str] | None = None) -> bytes:
        """The waybill (CEB505) of the list's parcel, agreeing with the list unless ``head`` changes it."""
        h = self.list_document().document.head
        inv_items = self.list_document().document.items
        fields = {"guid": new_guid(), "appType": app_type, "appTime": h.get("appTime", ""), "appStatus": "2",
                  "logisticsCode": h["logisticsCode"], "logisticsName": h["logisticsName"], "logisticsNo": self.logistics_no,
                  "freight": h.get("freight", "0"), "insuredFee": h.get("insuredFee", "0"), "currency": "142",
                  "grossWeight": h["grossWeight"], "packNo": h["packNo"],
                  "goodsInfo": "; ".join(i.get("itemName", "") for i in inv_items), "ebcCode": h["ebcCode"],
                  "ebcName": h["ebcName"], "ebcTelephone": "0571-86000000", "note": "", **(head or {})}
        msg = self._message("CEB505", Document(name="Logistics", head=fields), h["logisticsCode"], h["logisticsName"],
                            self.logistics_dxp)
        return encode_message(msg, fmt)

    def payment_message(self, fmt: str = "xml") -> bytes:
        """The seller's payment receipt (CEB403) for the order."""
        h = self.list_document().document.head
        # what the buyer paid: the order's goodsValue + freight (2123)
        value = sum((Decimal(i["totalPrice"]) for i in self.list_document().document.items), Decimal(h.get("freight") or 0))
        fields = {"guid": new_guid(), "appType": "1", "appTime": h.get("appTime", ""), "appStatus": "2",
                  "ebpCode": h["ebpCode"], "ebpName": h["ebpName"], "ebcCode": h["ebcCode"], "ebcName": h["ebcName"],
                  "orderNo": self.order_no, "payCode": "3301910006", "payName": "Westlake Payment Co.",
                  "payNo": f"PAY-{self.stamp}", "charge": f"{value:.2f}", "currency": "142",
                  "accountingDate": h.get("appTime", ""), "note": ""}
        msg = self._message("CEB403", Document(name="Receipts", head=fields), h["ebcCode"], h["ebcName"], self.ebc_dxp)
        return encode_message(msg, fmt)

    def cancel_message(self, invt_no: str, reason: str = "Buyer withdrew the order before shipment", fmt: str = "xml") -> bytes:
        msg = self._fresh("cancel", copNo=self.cop_no, invtNo=invt_no, reason=reason)
        return encode_message(msg, fmt)

    def bill_message(self, invt_no: str | None, others: list[tuple[str, str]] = (), *, app_type: str = "1",
                     msg_seq: tuple[int, int] = (1, 1)) -> bytes:
        """The master bill binding this list and ``others`` ((invtNo, logisticsNo) pairs); with
        ``invt_no`` None its items carry no invtNo (lists are bound by their logisticsNo)."""
        msg = self._fresh("bill", copNo=f"WB{self.stamp}", billNo=self.bill_no, appType=app_type,
                          msgSeqNo=str(msg_seq[0]), msgCount=str(msg_seq[1]))
        for item in msg.document.items:
            if invt_no is None:
                item.pop("invtNo", None)
            else:
                item["invtNo"] = invt_no
        self._packages(msg, [(invt_no, self.logistics_no), *others])
        return encode_message(msg, "xml")

    @staticmethod
    def _packages(msg: CebMessage, packages: list[tuple[str, str]]) -> None:
        template = msg.document.items[0]
        items = []
        for n, (invt, logistics_no) in enumerate(packages, start=1):
            item = {**template, "gnum": str(n), "logisticsNo": logistics_no}
            if "invtNo" in template:
                item["invtNo"] = invt
            items.append(item)
        msg.document.items = items

    def arrival_message(self, logistics_nos: list[str] | None = None, customs_code: str | None = None,
                        *, postal: bool = False) -> bytes:
        """The arrival of this list's parcel, or of ``logistics_nos``, reported by ``customs_code``;
        ``postal``: without billNo and loctNo (the bill is the one its packages are bound to)."""
        msg = self._fresh("arrival", copNo=f"AR{self.stamp}", billNo=self.bill_no,
                          **({"customsCode": customs_code} if customs_code else {}))
        if logistics_nos is not None:
            self._packages(msg, [("", n) for n in logistics_nos])
        if postal:
            for name in ("billNo", "loctNo"):
                msg.document.head.pop(name, None)
        return encode_message(msg, "xml")

    def departure_message(self, logistics_nos: list[str] | None = None, customs_code: str | None = None,
                          *, postal: bool = False) -> bytes:
        msg = self._fresh("departure", copNo=f"DP{self.stamp}", billNo=self.bill_no,
                          **({"customsCode": customs_code} if customs_code else {}))
        if logistics_nos is not None:
            self._packages(msg, [("", n) for n in logistics_nos])
        if postal:
            msg.document.head.pop("billNo", None)
        return encode_message(msg, "xml")
