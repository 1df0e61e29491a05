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


Override = int | tuple[FieldFormat, int]


def _fields(names: str, overrides: dict[str, Override] | None = None) -> tuple[FieldSpec, ...]:
    """``overrides``: where a document's XSD gives a field another length (an int) or another
    format and length than the vocabulary (e.g. a return's ``ieFlag`` is I, its ``reason`` <= 500)."""
    specs = []
    for word in names.split():
        name = word.rstrip("!")
        fmt, max_length = VOCABULARY[name]
        override = (overrides or {}).get(name)
        if isinstance(override, int):
            max_length = override
        elif override is not None:
            fmt, max_length = override
        specs.append(FieldSpec(name, fmt, max_length, required=word.endswith("!")))
    return tuple(specs)


def _headed(name: str, head: str, items: str, head_overrides: dict[str, Override] | None = None,
            item_overrides: dict[str, Override] | None = None, *, items_required: bool = True) -> DocumentSpec:
    return DocumentSpec(name, f"{name}Head", f"{name}List", _fields(head, head_overrides),
                        _fields(items, item_overrides), items_required)


def _flat(name: str, fields: str) -> DocumentSpec:
    return DocumentSpec(name, None, None, _fields(fields))


def _flat_with(name: str, fields: str, overrides: dict[str, Override]) -> DocumentSpec:
    return DocumentSpec(name, None, None, _fields(fields, overrides))


def _receipt(code: str, element: str, answers: str | None, fields: str,
             overrides: dict[str, Override] | None = None) -> ReceiptSpec:
    return ReceiptSpec(code, f"{code}Message", element, _fields(fields, overrides), answers)


_APP = "guid! appType! appTime! appStatus!"
# a return's own codes: it is declared as an import (ieFlag I) under the return trade modes
# (9661 after a 9610/9710/9810 export, 1261 after a special-zone 1210/1239 one)
_RETURN_IE_FLAG = enum("I")
_RETURN_TRADE_MODE = enum("9661", "1261")
_EXACT18 = (NUMBER18, 18)
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
            f"{_APP} customsCode! loctNo ebpCode! ebpName! ebcCode! ebcName! logisticsNo!"
            " logisticsCode! logisticsName! coElNo! preNo invtNo! tradeMode agentCode! agentName!"
            " billNo! ieFlag! trafMode! trafName! portCode! reason! country! voyageNo! note",
            "gnum! gcode! gname! gmodel! qty! qty1! unit! unit1! qty2 unit2 note",
            {"logisticsNo": 80, "coElNo": 30, "invtNo": 20, "tradeMode": (_RETURN_TRADE_MODE, 4),
             "ieFlag": (_RETURN_IE_FLAG, 1), "reason": 500, "note": 500},
            {"gmodel": 250, "note": 500},
        ),
        business_key=("agentCode", "coElNo"),
        sender_field="agentCode",
        split=False,
        receipt=_receipt(
            "CEB214", "RefundReturn", "CEB213",
            "guid! ebpCode ebcCode agentCode! coElNo! preNo invtNo! returnStatus! returnTime! returnInfo!",
            {"coElNo": 30, "invtNo": 20, "returnStatus": 10},
        ),
    ),
    MessageSpec(
        "CEB215", "CEB215Message", "export return tally report",
        _flat_with(
            "InvtRefundDetail",
            f"{_APP} customsCode! operatorCode! operatorName! logisticsCode! logisticsName!"
            " logisticsNo! invtNo coElNo! preNo billNo! ieFlag! trafMode! trafName! voyageNo!"
            " location note",
            {"logisticsNo": 80, "invtNo": 20, "coElNo": 20, "ieFlag": (_RETURN_IE_FLAG, 1), "note": 250},
        ),
        business_key=("operatorCode", "coElNo"),
        sender_field="operatorCode",
        split=False,
        receipt=_receipt(
            "CEB216", "InvtRefundDetailReturn", "CEB215",
            "guid! operatorCode! logisticsCode! logisticsNo! coElNo! preNo returnStatus! returnTime!"
            " returnInfo!",
            {"logisticsNo": 80, "coElNo": 30, "returnStatus": 10},
        ),
    ),
    MessageSpec(
        "CEB701", "CEB701Message", "summary application",
        _headed(
            "SummaryApply",
            f"{_APP} customsCode! copNo! preNo sumNo agentCode! agentName! ebcCode! ebcName!"
            " declAgentCode! declAgentName! startTime endTime loctNo summaryFlag! itemNameFlag!"
            " msgCount! msgSeqNo! note",
            "invtNo!",
            {"copNo": 30},
            {"invtNo": 20},
            items_required=False,  # a period (startTime/endTime) names the lists instead
        ),
        business_key=("agentCode", "copNo"),
        sender_field="agentCode",
        split=False,
        receipt=_receipt(
            "CEB702", "SummaryReturn", "CEB701",
            "guid! agentCode! ebcCode! copNo! preNo! sumNo msgSeqNo! returnStatus! returnTime! returnInfo!",
            {"copNo": 30, "preNo": _EXACT18, "sumNo": _EXACT18, "returnStatus": 10},
        ),
    ),
)

# customs' summary result (CEB792): not an answer to one message but customs' conclusion of a
# summary; headed (SummaryResult holding SummaryResultHead). The list of the lists' goods
# (SummaryResultList, "后续数据，则允许为空") is not sent: see docs/summary-declaration.md.
SUMMARY_RESULT = ReceiptSpec(
    "CEB792", "CEB792Message", "SummaryResultHead",
    _fields(
        "guid! customsCode! sumNo! opDate! declSeqNo! decTmpNo decPreNo entryId decState! agentCode!"
        " agentName! ebcCode! ebcName! declAgentCode! declAgentName! grossWeight! netWeight!"
        " msgCount! msgSeqNo! note",
        {"sumNo": _EXACT18, "declSeqNo": _EXACT18, "decTmpNo": _EXACT18,
         "decPreNo": _EXACT18, "entryId": _EXACT18},
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
