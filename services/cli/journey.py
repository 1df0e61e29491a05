"""The sample shipment's journey (list → master bill → arrival → departure) as the demo and the
end-to-end tests send it, made unique per run so it can be sent again and again."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from importlib import resources

from shared.messages import decode_message, encode_message
from shared.messages.model import CebMessage

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
    return resources.files("shared.samples").joinpath(SAMPLES[name]).read_bytes()


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

    @property
    def cop_no(self) -> str:
        return f"AG{self.stamp}"

    @property
    def logistics_no(self) -> str:
        return f"QT{self.stamp}"

    @property
    def bill_no(self) -> str:
        return f"784-{self.stamp}"

    def _fresh(self, name: str, **head: str) -> CebMessage:
        msg = sample(name)
        msg.guid = new_guid()
        for doc in msg.documents:
            doc.head.update({"guid": new_guid(), **head})
            for item in doc.items:
                if "logisticsNo" in item:
                    item["logisticsNo"] = self.logistics_no
        return msg

    def list_message(self, fmt: str = "xml") -> bytes:
        msg = self._fresh("list", copNo=self.cop_no, logisticsNo=self.logistics_no)
        return encode_message(msg, fmt)

    def bill_message(self, invt_no: str) -> bytes:
        msg = self._fresh("bill", copNo=f"WB{self.stamp}", billNo=self.bill_no)
        for item in msg.document.items:
            item["invtNo"] = invt_no
        return encode_message(msg, "xml")

    def arrival_message(self) -> bytes:
        return encode_message(self._fresh("arrival", copNo=f"AR{self.stamp}", billNo=self.bill_no), "xml")

    def departure_message(self) -> bytes:
        return encode_message(self._fresh("departure", copNo=f"DP{self.stamp}", billNo=self.bill_no), "xml")
