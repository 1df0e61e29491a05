"""The export message types, declared once: what each message holds and what answers it.

One table drives decoding (which elements may appear), encoding (field order), the format checks
(required, length, format) and the receipts. The field lists are the official schema's
(``xsd/ceb-export-202205.xsd``): names in the schema's order, ``!`` marks a required field
(minOccurs 1), ``:N`` a maximum length that differs from the field's usual one; what each field
looks like is in ``field_vocabulary``. ``tests/unit/messages/test_catalogue_matches_schema.py``
derives every message's structure from the schema and compares it with this table.

Every message root holds 1..100 documents, one ``BaseTransfer``, up to five ``BaseSubscribe``
(third parties subscribing to its receipts), an optional ``Signature`` and an optional
``ExtendMessage`` (``name``, ``version`` and a free ``Message``).
"""
from __future__ import annotations

import re

from shared.messages.field_formats import FieldFormat, enum, integer
from shared.messages.field_vocabulary import VOCABULARY
from shared.messages.message_specs import DocumentSpec, FieldSpec, MessageSpec, ReceiptSpec
from shared.messages.receipt_vocabulary import RECEIPT_VOCABULARY

CEB_NAMESPACE = "http://www.chinaport.gov.cn/ceb"
_ROOT_NAME = re.compile(r"(CEB[0-9]{3})Message")

__all__ = [
    "BASE_SUBSCRIBE", "BASE_TRANSFER", "CEB_NAMESPACE", "EXTEND_MESSAGE", "MAX_DOCUMENTS",
    "MAX_SUBSCRIPTIONS", "MESSAGE_RECEIPT", "MESSAGE_SPECS", "RECEIPT_SPECS", "SUMMARY_RESULT",
    "DocumentSpec", "FieldSpec", "MessageSpec", "ReceiptSpec",
    "message_type_of", "receipt_spec_for", "receipt_spec_for_root", "spec_for", "spec_for_root",
]


MAX_DOCUMENTS = 100  # documents per message (the schema's maxOccurs of every document)
MAX_SUBSCRIPTIONS = 5  # BaseSubscribe per message


def _fields(names: str, formats: dict[str, FieldFormat] | None = None) -> tuple[FieldSpec, ...]:
    """``name!:N``: required, at most N characters (``name:M-N``: at least M) where the document's
    schema differs from the vocabulary; ``formats``: where a document's schema gives a field its
    own codes (a return's ``ieFlag`` is I)."""
    specs = []
    for word in names.split():
        named, _, length = word.partition(":")
        name, length = named.rstrip("!"), length.rstrip("!")
        fmt, max_length, *minimum = VOCABULARY[name]
        min_length = minimum[0] if minimum else 0
        if length:
            low, _, high = length.rpartition("-")
            max_length = int(high)
            min_length = int(low) if low else min(min_length, max_length)
        specs.append(
            FieldSpec(name, (formats or {}).get(name, fmt), max_length, required="!" in word,
                      min_length=min_length)
        )
    return tuple(specs)


def _headed(
    name: str, head: str, items: str, formats: dict[str, FieldFormat] | None = None, *,
    items_min: int = 1, items_max: int | None = None,
) -> DocumentSpec:
    return DocumentSpec(
        name, f"{name}Head", f"{name}List", _fields(head, formats), _fields(items, formats),
        items_min=items_min, items_max=items_max,
    )


def _flat(name: str, fields: str, formats: dict[str, FieldFormat] | None = None) -> DocumentSpec:
    return DocumentSpec(name, None, None, _fields(fields, formats))


def _receipt(code: str, element: str, answers: str | None, fields: str,
             lengths: dict[str, tuple[int, int]] | None = None, repeated: bool = True,
             wrapper: str | None = None) -> ReceiptSpec:
    """A receipt as the official schema defines it: its element's fields in order (``!``: the
    element must be present), formats and lengths from ``RECEIPT_VOCABULARY`` (``lengths``
    overrides one type's (min, max)); ``wrapper``: the element holding ``element`` (CEB792)."""
    specs = []
    for word in fields.split():
        name = word.rstrip("!")
        if name in RECEIPT_VOCABULARY:
            fmt, low, high = RECEIPT_VOCABULARY[name]
        else:  # a field only the documents' table knows: its format and length (the XSD test checks)
            fmt, high, *minimum = VOCABULARY[name]
            low = minimum[0] if minimum else 0
        low, high = (lengths or {}).get(name, (low, high))
        specs.append(FieldSpec(name, fmt, high, required=word.endswith("!"), min_length=low))
    return ReceiptSpec(code, f"{code}Message", element, tuple(specs), answers, repeated, wrapper)


_APP = "guid! appType! appTime! appStatus!"
_RETURN = "returnStatus! returnTime! returnInfo!"
# a return's own codes: it is declared as an import (ieFlag I) under the return trade modes
# (9661 after a 9610/9710/9810 export, 1261 after a special-zone 1210/1239 one)
_RETURN_IE_FLAG = enum("I")
_RETURN_TRADE_MODE = enum("9661", "1261")

BASE_TRANSFER = _flat("BaseTransfer", "copCode! copName! dxpMode! dxpId! note")
BASE_SUBSCRIBE = _flat("BaseSubscribe", "status! dxpMode! dxpAddress! note")
# ExtendMessage/Message may hold any XML: it is skipped, as the schema skips it
EXTEND_MESSAGE = _flat("ExtendMessage", "name! version!")

# CEB900 is defined by the import schema; its fields come in their own order
MESSAGE_RECEIPT = _receipt(
    "CEB900", "MessageReturn", None,
    "guid! returnStatus! returnInfo! returnTime! oriCopMsgId! oriMessageType! oriBizMessage!",
    lengths={"returnInfo": (0, 5000)}, repeated=False,
)

_MESSAGES = (
    MessageSpec(
        "CEB303", "CEB303Message", "export order",
        _headed(
            "Order",
            f"{_APP} orderType! orderNo! ebpCode! ebpName! ebcCode! ebcName! goodsValue! freight!"
            " currency! note",
            "gnum! itemNo! itemName! itemDescribe barCode unit! currency! qty! price! totalPrice!"
            " note",
            items_max=100,
        ),
        business_key=("ebpCode", "orderNo"),
        sender_field="ebcCode",
        split=False,
        receipt=_receipt(
            "CEB304", "OrderReturn", "CEB303", f"guid! ebpCode! ebcCode! orderNo! {_RETURN}",
        ),
    ),
    MessageSpec(
        "CEB403", "CEB403Message", "payment received",
        _flat(
            "Receipts",
            f"{_APP} ebpCode! ebpName! ebcCode! ebcName! orderNo! payCode payName! payNo"
            " charge! currency! accountingDate! note",
        ),
        business_key=("ebcCode", "orderNo"),
        sender_field="ebcCode",
        split=False,
        receipt=_receipt(
            "CEB404", "ReceiptsReturn", "CEB403", f"guid! ebcCode! orderNo! payNo {_RETURN}",
        ),
    ),
    MessageSpec(
        "CEB505", "CEB505Message", "waybill",
        _flat(
            "Logistics",
            f"{_APP} logisticsCode! logisticsName! logisticsNo! freight! insuredFee! currency!"
            " grossWeight! packNo! goodsInfo! ebcCode ebcName ebcTelephone note",
        ),
        business_key=("logisticsCode", "logisticsNo"),
        sender_field="logisticsCode",
        split=False,
        receipt=_receipt(
            "CEB506", "LogisticsReturn", "CEB505", f"guid! logisticsCode! logisticsNo! {_RETURN}",
        ),
    ),
    MessageSpec(
        "CEB603", "CEB603Message", "export list",
        _headed(
            "Inventory",
            f"{_APP} customsCode! ebpCode! ebpName! orderNo! logisticsCode! logisticsName!"
            " logisticsNo! copNo! preNo invtNo ieFlag! portCode! ieDate! statisticsFlag!"
            " agentCode! agentName! ebcCode! ebcName! ownerCode! ownerName! iacCode iacName"
            " emsNo tradeMode! trafMode! trafName voyageNo billNo totalPackageNo loctNo"
            " licenseNo country! POD! freight! fCurrency! fFlag! insuredFee! iCurrency! iFlag!"
            " wrapType! packNo! grossWeight! netWeight! note",
            "gnum! itemNo:20! itemRecordNo itemName gcode! gname! gmodel! barCode! country!"
            " currency! qty! qty1! qty2 unit! unit1! unit2 price! totalPrice! note",
            items_max=100,
        ),
        business_key=("agentCode", "copNo"),
        sender_field="agentCode",
        split=False,
        receipt=_receipt(
            "CEB604", "InventoryReturn", "CEB603",
            f"guid! agentCode! copNo! preNo! invtNo! ebcCode! ebpCode! orderNo! statisticsFlag! {_RETURN}",
        ),
    ),
    MessageSpec(
        "CEB605", "CEB605Message", "list cancellation application",
        _flat(
            "InvtCancel",
            f"{_APP} customsCode! copNo! preNo invtNo! reason! agentCode! agentName! ebcCode!"
            " ebcName! note",
        ),
        business_key=("copNo", "invtNo"),
        sender_field="agentCode",
        split=False,
        receipt=_receipt(
            "CEB606", "InvtCancelReturn", "CEB605",
            f"guid! agentCode! copNo! preNo! invtNo! {_RETURN}",
        ),
    ),
    MessageSpec(
        "CEB607", "CEB607Message", "master/sub bill",
        _headed(
            "WayBill",
            f"{_APP} customsCode! copNo! preNo agentCode! agentName! loctNo trafMode! trafName!"
            " voyageNo! billNo! domesticTrafNo grossWeight! logisticsCode! logisticsName!"
            " msgCount! msgSeqNo! note",
            "gnum! totalPackageNo:60 logisticsNo! invtNo note",
        ),
        business_key=("copNo", "logisticsCode"),
        sender_field="agentCode",
        split=True,
        receipt=_receipt(
            "CEB608", "WayBillReturn", "CEB607",
            f"guid! agentCode! logisticsCode! copNo! preNo! billNo! msgSeqNo! {_RETURN}",
        ),
    ),
    MessageSpec(
        "CEB507", "CEB507Message", "arrival form",
        _headed(
            "Arrival",
            f"{_APP} customsCode! copNo! preNo operatorCode! operatorName! loctNo ieFlag!"
            " trafMode! billNo domesticTrafNo! logisticsCode! logisticsName! msgCount! msgSeqNo!"
            " note",
            "gnum! logisticsNo! totalPackageNo note",
            items_min=0,
        ),
        business_key=("copNo",),
        sender_field="operatorCode",
        split=True,
        receipt=_receipt(
            "CEB508", "ArrivalReturn", "CEB507",
            f"guid! operatorCode! logisticsCode! preNo! copNo! billNo! msgSeqNo! {_RETURN}",
        ),
    ),
    MessageSpec(
        "CEB509", "CEB509Message", "departure form",
        _headed(
            "Departure",
            f"{_APP} customsCode! copNo! preNo logisticsCode! logisticsName! trafMode! trafName"
            " voyageNo billNo leaveTime! msgCount! msgSeqNo! note",
            "gnum! totalPackageNo logisticsNo! note",
        ),
        business_key=("copNo",),
        sender_field="logisticsCode",
        split=True,
        receipt=_receipt(
            "CEB510", "DepartureReturn", "CEB509",
            f"guid! logisticsCode! copNo! preNo! msgSeqNo! {_RETURN}",
        ),
    ),
    # --- export returns, summary declaration (standard 202205 §2.17-2.23) ----------------------
    MessageSpec(
        "CEB213", "CEB213Message", "export return application",
        _headed(
            "InvtRefund",
            f"{_APP} customsCode! loctNo ebpCode! ebpName! ebcCode! ebcName! logisticsNo!:80"
            " logisticsCode! logisticsName! coElNo! preNo:0-18 invtNo! tradeMode agentCode! agentName!"
            " billNo! ieFlag!:0-1 trafMode!:0-1 trafName! portCode!:0-4 reason!:500 country!:0-3"
            " voyageNo! note:500",
            "gnum!:4 gcode!:0-10 gname! gmodel! qty! qty1! unit! unit1! qty2 unit2:3-3 note:500",
            {"tradeMode": _RETURN_TRADE_MODE, "ieFlag": _RETURN_IE_FLAG, "gnum": integer(4)},
            items_max=100,
        ),
        business_key=("agentCode", "coElNo"),
        sender_field="agentCode",
        split=False,
        receipt=_receipt(
            "CEB214", "RefundReturn", "CEB213",
            f"guid! ebpCode ebcCode agentCode! coElNo! preNo invtNo! {_RETURN}",
            lengths={"preNo": (0, 18), "returnStatus": (0, 10)},
        ),
    ),
    MessageSpec(
        "CEB215", "CEB215Message", "export return tally report",
        _flat(
            "InvtRefundDetail",
            f"{_APP} customsCode! operatorCode! operatorName! logisticsCode! logisticsName!"
            " logisticsNo!:80 invtNo coElNo!:20 preNo:0-18 billNo! ieFlag! trafMode! trafName!"
            " voyageNo! location note:250",
            {"ieFlag": _RETURN_IE_FLAG},
        ),
        business_key=("operatorCode", "coElNo"),
        sender_field="operatorCode",
        split=False,
        receipt=_receipt(
            "CEB216", "InvtRefundDetailReturn", "CEB215",
            f"guid! operatorCode! logisticsCode! logisticsNo! coElNo! preNo {_RETURN}",
            lengths={"logisticsNo": (0, 80), "preNo": (0, 18), "returnStatus": (0, 10)},
        ),
    ),
    MessageSpec(
        "CEB701", "CEB701Message", "summary application",
        _headed(
            "SummaryApply",
            f"{_APP} customsCode! copNo! preNo:0-18 sumNo agentCode! agentName! ebcCode! ebcName!"
            " declAgentCode! declAgentName! startTime endTime loctNo summaryFlag! itemNameFlag!"
            " msgCount! msgSeqNo! note",
            "invtNo!",
            items_min=0,  # a period (startTime/endTime) names the lists instead
        ),
        business_key=("agentCode", "copNo"),
        sender_field="agentCode",
        split=False,
        receipt=_receipt(
            "CEB702", "SummaryReturn", "CEB701",
            f"guid! agentCode! ebcCode! copNo! preNo! sumNo msgSeqNo! {_RETURN}",
        ),
    ),
)

# customs' summary result (CEB792): not an answer to one message but customs' conclusion of a
# summary; headed (SummaryResult holding SummaryResultHead). The list of the lists' goods
# (SummaryResultList, "后续数据，则允许为空") is not sent: see docs/returns-and-summaries.md.
SUMMARY_RESULT = _receipt(
    "CEB792", "SummaryResultHead", "CEB701",
    "guid! customsCode! sumNo! opDate! declSeqNo! decTmpNo decPreNo entryId decState! agentCode!"
    " agentName! ebcCode! ebcName! declAgentCode! declAgentName! grossWeight! netWeight!"
    " msgCount! msgSeqNo! note",
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
