"""The export message types, declared once: what each message holds and what answers it.

One table drives decoding (which elements may appear), encoding (field order), the format checks
(required, length, format) and the receipts. Field lists read like the handbook's "Key fields":
names in document order, ``!`` marks a required field; what each field looks like is in
``field_vocabulary``. ``note`` closes every head and list (the samples carry it).
"""
from __future__ import annotations

import re

from shared.messages.field_formats import NUMBER18, FieldFormat, enum
from shared.messages.field_vocabulary import VOCABULARY
from shared.messages.message_specs import DocumentSpec, FieldSpec, MessageSpec, ReceiptSpec

CEB_NAMESPACE = "http://www.chinaport.gov.cn/ceb"
_ROOT_NAME = re.compile(r"(CEB[0-9]{3})Message")

__all__ = [
    "BASE_TRANSFER", "CEB_NAMESPACE", "MESSAGE_RECEIPT", "MESSAGE_SPECS", "RECEIPT_SPECS", "SUMMARY_RESULT",
    "DocumentSpec", "FieldSpec", "MessageSpec", "ReceiptSpec",
    "message_type_of", "receipt_spec_for", "receipt_spec_for_root", "spec_for", "spec_for_root",
]


def _fields(names: str, formats: dict[str, FieldFormat] | None = None) -> tuple[FieldSpec, ...]:
    """``name!:N``: required, at most N characters where the schema differs from the vocabulary;
    ``formats``: where a document's schema gives a field its own codes (a return's ``ieFlag`` is I)."""
    specs = []
    for word in names.split():
        named, _, length = word.partition(":")
        name = named.rstrip("!")
        fmt, max_length = VOCABULARY[name]
        specs.append(FieldSpec(name, (formats or {}).get(name, fmt), int(length) if length else max_length,
                               required="!" in word))
    return tuple(specs)


def _headed(name: str, head: str, items: str, formats: dict[str, FieldFormat] | None = None, *,
            items_min: int = 1) -> DocumentSpec:
    return DocumentSpec(name, f"{name}Head", f"{name}List", _fields(head, formats), _fields(items), items_min)


def _flat(name: str, fields: str, formats: dict[str, FieldFormat] | None = None) -> DocumentSpec:
    return DocumentSpec(name, None, None, _fields(fields, formats))


def _receipt(code: str, element: str, answers: str | None, fields: str,
             formats: dict[str, FieldFormat] | None = None) -> ReceiptSpec:
    return ReceiptSpec(code, f"{code}Message", element, _fields(fields, formats), answers)


_APP = "guid! appType! appTime! appStatus!"
# a return's own codes: it is declared as an import (ieFlag I) under the return trade modes
# (9661 after a 9610/9710/9810 export, 1261 after a special-zone 1210/1239 one)
_RETURN_IE_FLAG = enum("I")
_RETURN_TRADE_MODE = enum("9661", "1261")
_RETURN = "returnStatus! returnTime! returnInfo"

BASE_TRANSFER = _flat("BaseTransfer", "copCode! copName! dxpMode! dxpId! note")

MESSAGE_RECEIPT = _receipt("CEB900", "MessageReturn", None, f"guid! oriMessageType {_RETURN}")

_MESSAGES = (
    MessageSpec(
        "CEB303", "CEB303Message", "export order",
        _headed(
            "Order",
            f"{_APP} orderType! orderNo! ebpCode! ebpName! ebcCode! ebcName! goodsValue! freight"
            " currency! note",
            "gnum! itemNo itemName! gcode barCode unit! currency! qty! price! totalPrice! note",
        ),
        business_key=("ebpCode", "orderNo"),
        sender_field="ebcCode",
        split=False,
        receipt=_receipt(
            "CEB304", "OrderReturn", "CEB303", f"guid! ebpCode ebcCode orderNo {_RETURN}"
        ),
    ),
    MessageSpec(
        "CEB403", "CEB403Message", "payment received",
        _flat(
            "Receipts",
            f"{_APP} ebpCode! ebpName! ebcCode! ebcName! orderNo! payCode! payName! payNo!"
            " charge! currency! accountingDate! note",
        ),
        business_key=("ebcCode", "orderNo"),
        sender_field="ebcCode",
        split=False,
        receipt=_receipt(
            "CEB404", "ReceiptsReturn", "CEB403", f"guid! ebpCode ebcCode orderNo {_RETURN}"
        ),
    ),
    MessageSpec(
        "CEB505", "CEB505Message", "waybill",
        _flat(
            "Logistics",
            f"{_APP} logisticsCode! logisticsName! logisticsNo! freight! insuredFee currency!"
            " grossWeight! packNo! goodsInfo! ebcCode! ebcName! ebcTelephone note",
        ),
        business_key=("logisticsCode", "logisticsNo"),
        sender_field="logisticsCode",
        split=False,
        receipt=_receipt(
            "CEB506", "LogisticsReturn", "CEB505", f"guid! logisticsCode logisticsNo {_RETURN}"
        ),
    ),
    MessageSpec(
        "CEB603", "CEB603Message", "export list",
        _headed(
            "Inventory",
            f"{_APP} customsCode! ebpCode! ebpName! orderNo! logisticsCode! logisticsName!"
            " logisticsNo! copNo! preNo invtNo ieFlag! portCode! ieDate! statisticsFlag!"
            " agentCode! agentName! ebcCode! ebcName! ownerCode! ownerName! iacCode emsNo"
            " tradeMode! trafMode! trafName voyageNo billNo totalPackageNo loctNo licenseNo"
            " country! POD freight fCurrency fFlag insuredFee iCurrency iFlag wrapType packNo!"
            " grossWeight! netWeight! note",
            "gnum! itemNo itemRecordNo itemName! gcode! gname! gmodel! barCode country!"
            " currency! qty! unit! qty1! unit1! qty2 unit2 price! totalPrice! note",
        ),
        business_key=("agentCode", "copNo"),
        sender_field="agentCode",
        split=False,
        receipt=_receipt(
            "CEB604", "InventoryReturn", "CEB603",
            f"guid! customsCode ebpCode ebcCode agentCode copNo preNo invtNo {_RETURN}",
        ),
    ),
    MessageSpec(
        "CEB605", "CEB605Message", "list cancellation application",
        _flat(
            "InvtCancel",
            f"{_APP} customsCode! orderNo! ebpCode! ebpName! logisticsNo! copNo! preNo invtNo!"
            " reason! agentCode! agentName! ebcCode! ebcName! note",
        ),
        business_key=("copNo", "invtNo"),
        sender_field="agentCode",
        split=False,
        receipt=_receipt(
            "CEB606", "InvtCancelReturn", "CEB605",
            f"guid! customsCode invtNo copNo preNo agentCode ebpCode ebcCode {_RETURN}",
        ),
    ),
    MessageSpec(
        "CEB607", "CEB607Message", "master/sub bill",
        _headed(
            "WayBill",
            f"{_APP} customsCode! copNo! preNo agentCode! agentName! loctNo trafMode! trafName"
            " voyageNo billNo! domesticTrafNo grossWeight! logisticsCode! logisticsName!"
            " msgCount! msgSeqNo! note",
            "gnum! totalPackageNo logisticsNo! invtNo! note",
        ),
        business_key=("copNo", "logisticsCode"),
        sender_field="agentCode",
        split=True,
        receipt=_receipt(
            "CEB608", "WayBillReturn", "CEB607",
            f"guid! customsCode copNo preNo agentCode billNo logisticsCode {_RETURN}",
        ),
    ),
    MessageSpec(
        "CEB507", "CEB507Message", "arrival form",
        _headed(
            "Arrival",
            f"{_APP} customsCode! copNo! preNo operatorCode! operatorName! loctNo! ieFlag!"
            " trafMode! billNo! domesticTrafNo logisticsCode logisticsName msgCount! msgSeqNo!"
            " note",
            "gnum! totalPackageNo logisticsNo! note",
        ),
        business_key=("copNo",),
        sender_field="operatorCode",
        split=True,
        receipt=_receipt(
            "CEB508", "ArrivalReturn", "CEB507",
            f"guid! customsCode copNo preNo operatorCode billNo {_RETURN}",
        ),
    ),
    MessageSpec(
        "CEB509", "CEB509Message", "departure form",
        _headed(
            "Departure",
            f"{_APP} customsCode! copNo! preNo logisticsCode! logisticsName! trafMode! trafName"
            " voyageNo billNo! leaveTime! msgCount! msgSeqNo! note",
            "gnum! totalPackageNo logisticsNo! note",
        ),
        business_key=("copNo",),
        sender_field="logisticsCode",
        split=True,
        receipt=_receipt(
            "CEB510", "DepartureReturn", "CEB509",
            f"guid! customsCode copNo preNo logisticsCode billNo {_RETURN}",
        ),
    ),
    # --- export returns, summary declaration (standard 202205 §2.17-2.23) ----------------------
    MessageSpec(
        "CEB213", "CEB213Message", "export return application",
        _headed(
            "InvtRefund",
            f"{_APP} customsCode! loctNo ebpCode! ebpName! ebcCode! ebcName! logisticsNo!:80"
            " logisticsCode! logisticsName! coElNo! preNo invtNo!:20 tradeMode agentCode! agentName!"
            " billNo! ieFlag! trafMode! trafName! portCode! reason!:500 country! voyageNo! note:500",
            "gnum! gcode! gname! gmodel!:250 qty! qty1! unit! unit1! qty2 unit2 note:500",
            {"tradeMode": _RETURN_TRADE_MODE, "ieFlag": _RETURN_IE_FLAG},
        ),
        business_key=("agentCode", "coElNo"),
        sender_field="agentCode",
        split=False,
        receipt=_receipt(
            "CEB214", "RefundReturn", "CEB213",
            "guid! ebpCode ebcCode agentCode! coElNo! preNo invtNo!:20 returnStatus!:10 returnTime!"
            " returnInfo!",
        ),
    ),
    MessageSpec(
        "CEB215", "CEB215Message", "export return tally report",
        _flat(
            "InvtRefundDetail",
            f"{_APP} customsCode! operatorCode! operatorName! logisticsCode! logisticsName!"
            " logisticsNo!:80 invtNo:20 coElNo!:20 preNo billNo! ieFlag! trafMode! trafName! voyageNo!"
            " location note:250",
            {"ieFlag": _RETURN_IE_FLAG},
        ),
        business_key=("operatorCode", "coElNo"),
        sender_field="operatorCode",
        split=False,
        receipt=_receipt(
            "CEB216", "InvtRefundDetailReturn", "CEB215",
            "guid! operatorCode! logisticsCode! logisticsNo!:80 coElNo! preNo returnStatus!:10"
            " returnTime! returnInfo!",
        ),
    ),
    MessageSpec(
        "CEB701", "CEB701Message", "summary application",
        _headed(
            "SummaryApply",
            f"{_APP} customsCode! copNo!:30 preNo sumNo agentCode! agentName! ebcCode! ebcName!"
            " declAgentCode! declAgentName! startTime endTime loctNo summaryFlag! itemNameFlag!"
            " msgCount! msgSeqNo! note",
            "invtNo!:20",
            items_min=0,  # a period (startTime/endTime) names the lists instead
        ),
        business_key=("agentCode", "copNo"),
        sender_field="agentCode",
        split=False,
        receipt=_receipt(
            "CEB702", "SummaryReturn", "CEB701",
            "guid! agentCode! ebcCode! copNo!:30 preNo! sumNo msgSeqNo! returnStatus!:10 returnTime!"
            " returnInfo!",
            {"preNo": NUMBER18, "sumNo": NUMBER18},
        ),
    ),
)

# customs' summary result (CEB792): not an answer to one message but customs' conclusion of a
# summary; headed (SummaryResult holding SummaryResultHead). The list of the lists' goods
# (SummaryResultList, "后续数据，则允许为空") is not sent: see docs/returns-and-summaries.md.
SUMMARY_RESULT = ReceiptSpec(
    "CEB792", "CEB792Message", "SummaryResultHead",
    _fields(
        "guid! customsCode! sumNo! opDate! declSeqNo! decTmpNo decPreNo entryId decState! agentCode!"
        " agentName! ebcCode! ebcName! declAgentCode! declAgentName! grossWeight! netWeight!"
        " msgCount! msgSeqNo! note",
        dict.fromkeys(("sumNo", "declSeqNo", "decTmpNo", "decPreNo", "entryId"), NUMBER18),
    ),
    "CEB701",
    wrapper="SummaryResult",
)

MESSAGE_SPECS: dict[str, MessageSpec] = {spec.message_type: spec for spec in _MESSAGES}
_BY_ROOT: dict[str, MessageSpec] = {spec.root: spec for spec in _MESSAGES}
RECEIPT_SPECS: dict[str, ReceiptSpec] = {
    spec.receipt.message_type: spec.receipt for spec in _MESSAGES
} | {MESSAGE_RECEIPT.message_type: MESSAGE_RECEIPT, SUMMARY_RESULT.message_type: SUMMARY_RESULT}
_RECEIPTS_BY_ROOT: dict[str, ReceiptSpec] = {spec.root: spec for spec in RECEIPT_SPECS.values()}


def spec_for(message_type: str) -> MessageSpec:
    """The spec of an enterprise message type, e.g. ``spec_for("CEB603")``; KeyError if unknown."""
    try:
        return MESSAGE_SPECS[message_type]
    except KeyError:
        raise KeyError(f"no export message type {message_type!r}") from None


def spec_for_root(root_name: str) -> MessageSpec | None:
    """The spec whose root element is ``root_name`` (``"CEB603Message"``), or None."""
    return _BY_ROOT.get(root_name)


def receipt_spec_for(message_type: str) -> ReceiptSpec:
    """The receipt spec of ``"CEB604"`` ... or ``"CEB900"``; KeyError if unknown."""
    try:
        return RECEIPT_SPECS[message_type]
    except KeyError:
        raise KeyError(f"no receipt message type {message_type!r}") from None


def receipt_spec_for_root(root_name: str) -> ReceiptSpec | None:
    return _RECEIPTS_BY_ROOT.get(root_name)


def message_type_of(root_name: str) -> str:
    """``"CEB603Message"`` -> ``"CEB603"`` (any code, known or not); ``""`` for other names."""
    matched = _ROOT_NAME.fullmatch(root_name)
    return matched.group(1) if matched else ""
