"""Every field name the export messages use, with its format and its length.

A field means the same in every document that carries it (``copNo`` is always the enterprise's
own number), so the catalogue only says *which* fields a document has, in which order, and which
are required; this table says what each looks like. Lengths are the official schema's
(``xsd/ceb-export-202205.xsd``): ``(format, max_length)`` or, where the schema fixes a length or
a minimum, ``(format, max_length, min_length)``. The few fields whose maximum differs from one
document to another carry it in the catalogue (``itemNo:20``). A decimal ``N19,5`` may be 20
characters long (19 digits and the point); an ``N5`` integer 5. ``tests/unit/messages/
test_catalogue_matches_schema.py`` compares all of it with the schema.
"""
from __future__ import annotations

from shared.messages.field_formats import (
    APP_STATUS,
    APP_TYPE,
    CODE,
    CODE3,
    CUSTOMS_CODE,
    DATE8,
    DATETIME14,
    DATETIME17,
    DECIMAL,
    DXP_MODE,
    EBP_CODE,
    FEE_MARK,
    GUID,
    HS_CODE,
    IE_FLAG,
    MESSAGE_TYPE,
    ORDER_TYPE,
    OWNER_CODE,
    PARTY_CODE,
    SIGNED_INTEGER,
    STATISTICS_FLAG,
    SUMMARY_FLAG,
    TEXT,
    TRADE_MODE,
    FieldFormat,
    integer,
)

Entry = tuple[FieldFormat, int] | tuple[FieldFormat, int, int]


def _exactly(fmt: FieldFormat, length: int) -> Entry:
    return (fmt, length, length)


_NAME: Entry = (TEXT, 100)
_PARTY: Entry = (PARTY_CODE, 18)
_N19_5: Entry = (DECIMAL, 20)  # 19 digits and the point
_CODE3 = _exactly(CODE3, 3)
_CODE1 = _exactly(CODE, 1)

VOCABULARY: dict[str, Entry] = {
    # declaration heads
    "guid": _exactly(GUID, 36),
    "appType": _exactly(APP_TYPE, 1),
    "appTime": _exactly(DATETIME14, 14),
    "appStatus": _exactly(APP_STATUS, 1),
    "customsCode": _exactly(CUSTOMS_CODE, 4),
    "portCode": _exactly(CUSTOMS_CODE, 4),
    "ieFlag": _exactly(IE_FLAG, 1),
    "ieDate": _exactly(DATE8, 8),
    "statisticsFlag": _exactly(STATISTICS_FLAG, 1),
    "tradeMode": _exactly(TRADE_MODE, 4),
    "orderType": _exactly(ORDER_TYPE, 1),
    # parties
    "ebpCode": (EBP_CODE, 18),
    "ebpName": _NAME,
    "ebcCode": _PARTY,
    "ebcName": _NAME,
    "ebcTelephone": (TEXT, 50),
    "logisticsCode": _PARTY,
    "logisticsName": _NAME,
    "agentCode": _PARTY,
    "agentName": _NAME,
    "ownerCode": (OWNER_CODE, 18),
    "ownerName": _NAME,
    "operatorCode": _PARTY,
    "operatorName": _NAME,
    "payCode": _PARTY,
    "payName": _NAME,
    "iacCode": (TEXT, 18),
    "iacName": _NAME,
    "declAgentCode": _PARTY,  # CEB701/792: who will declare the summary's customs declaration
    "declAgentName": _NAME,
    # numbers enterprises and customs give to things
    "orderNo": (TEXT, 60),
    "logisticsNo": (TEXT, 32),
    "copNo": (TEXT, 30),
    "preNo": (TEXT, 18, 18),
    "invtNo": (TEXT, 20),
    "payNo": (TEXT, 60),
    "emsNo": (TEXT, 30),
    "licenseNo": (TEXT, 19),
    "billNo": (TEXT, 37),
    "totalPackageNo": (TEXT, 37),
    "domesticTrafNo": (TEXT, 100),
    "coElNo": (TEXT, 30),  # a return's own number (CEB213/215), as copNo is a list's
    "sumNo": (TEXT, 18),  # summary number customs assigns (CEB701; its receipts: RECEIPT_VOCABULARY)
    # transport
    "trafMode": _CODE1,
    "trafName": _NAME,
    "voyageNo": (TEXT, 32),
    "loctNo": (TEXT, 10),
    "country": _CODE3,
    "POD": (CODE, 4, 3),
    "leaveTime": _exactly(DATETIME14, 14),
    "wrapType": _CODE1,
    "packNo": (integer(9), 9),
    "grossWeight": _N19_5,
    "netWeight": _N19_5,
    "goodsInfo": (TEXT, 200),
    "msgCount": (integer(9), 9),
    "msgSeqNo": (integer(9), 9),
    "location": (TEXT, 250),  # CEB215: where the returned goods are stored at the site
    # summary declaration (CEB701/792)
    "startTime": _exactly(DATETIME14, 14),
    "endTime": _exactly(DATETIME14, 14),
    "summaryFlag": _exactly(SUMMARY_FLAG, 1),
    "itemNameFlag": _CODE1,
    # money
    "freight": _N19_5,
    "fCurrency": _CODE3,
    "fFlag": _exactly(FEE_MARK, 1),
    "insuredFee": _N19_5,
    "iCurrency": _CODE3,
    "iFlag": _exactly(FEE_MARK, 1),
    "goodsValue": _N19_5,
    "charge": _N19_5,
    "currency": _CODE3,
    "accountingDate": _exactly(DATETIME14, 14),
    # goods items
    "gnum": (integer(5), 5),
    "itemNo": (TEXT, 30),
    "itemRecordNo": (TEXT, 30),
    "itemName": (TEXT, 250),
    "itemDescribe": (TEXT, 1000),
    "gcode": _exactly(HS_CODE, 10),
    "gname": (TEXT, 250),
    "gmodel": (TEXT, 250),
    "barCode": (TEXT, 50),
    "qty": _N19_5,
    "unit": _CODE3,
    "qty1": _N19_5,
    "unit1": _CODE3,
    "qty2": _N19_5,
    "unit2": (CODE3, 3),
    "price": _N19_5,
    "totalPrice": _N19_5,
    # free text
    "reason": (TEXT, 1000),
    "note": (TEXT, 1000),
    # BaseTransfer, BaseSubscribe, ExtendMessage
    "copCode": _PARTY,
    "copName": _NAME,
    "dxpMode": _exactly(DXP_MODE, 3),
    "dxpId": (TEXT, 30),
    "status": (TEXT, 100),
    "dxpAddress": (TEXT, 100),
    "name": (TEXT, 30),
    "version": (TEXT, 30),
    # receipts
    "returnStatus": (SIGNED_INTEGER, 4),
    "returnTime": (DATETIME17, 17),
    "returnInfo": (TEXT, 1000),
    "oriMessageType": (MESSAGE_TYPE, 6),
}
