"""Every field name the export messages use, with its format and maximum length.

A field means the same in every document that carries it (``copNo`` is always the enterprise's
own number of at most 20 characters), so the catalogue only says *which* fields a document has,
in which order, and which are required; this table says what each looks like.
Lengths follow the CEB message standard where the handbook is silent.
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
    FEE_MARK,
    GUID,
    HS_CODE,
    IE_FLAG,
    INTEGER,
    MESSAGE_TYPE,
    ORDER_TYPE,
    PARTY_CODE,
    SIGNED_INTEGER,
    STATISTICS_FLAG,
    SUMMARY_FLAG,
    TEXT,
    TRADE_MODE,
    FieldFormat,
)

_NAME = (TEXT, 100)
_PARTY = (PARTY_CODE, 18)
_MONEY = (DECIMAL, 19)
_QUANTITY = (DECIMAL, 19)
_CODE3 = (CODE3, 3)

VOCABULARY: dict[str, tuple[FieldFormat, int]] = {
    # declaration heads
    "guid": (GUID, 36),
    "appType": (APP_TYPE, 1),
    "appTime": (DATETIME14, 14),
    "appStatus": (APP_STATUS, 1),
    "customsCode": (CUSTOMS_CODE, 4),
    "portCode": (CUSTOMS_CODE, 4),
    "ieFlag": (IE_FLAG, 1),
    "ieDate": (DATE8, 8),
    "statisticsFlag": (STATISTICS_FLAG, 1),
    "tradeMode": (TRADE_MODE, 4),
    "orderType": (ORDER_TYPE, 1),
    # parties
    "ebpCode": _PARTY,
    "ebpName": _NAME,
    "ebcCode": _PARTY,
    "ebcName": _NAME,
    "ebcTelephone": (TEXT, 50),
    "logisticsCode": _PARTY,
    "logisticsName": _NAME,
    "agentCode": _PARTY,
    "agentName": _NAME,
    "ownerCode": _PARTY,
    "ownerName": _NAME,
    "operatorCode": _PARTY,
    "operatorName": _NAME,
    "payCode": _PARTY,
    "payName": _NAME,
    "iacCode": (TEXT, 10),
    "iacName": _NAME,
    "declAgentCode": _PARTY,  # CEB701/792: who will declare the summary's customs declaration
    "declAgentName": _NAME,
    # numbers enterprises and customs give to things
    "orderNo": (TEXT, 60),
    "logisticsNo": (TEXT, 60),
    "copNo": (TEXT, 20),
    "preNo": (TEXT, 18),
    "invtNo": (TEXT, 18),
    "payNo": (TEXT, 60),
    "emsNo": (TEXT, 30),
    "licenseNo": (TEXT, 19),
    "billNo": (TEXT, 37),
    "totalPackageNo": (TEXT, 500),
    "domesticTrafNo": (TEXT, 100),
    "coElNo": (TEXT, 30),  # a return's own number (CEB213/215), as copNo is a list's
    "sumNo": (TEXT, 18),  # summary number customs assigns (CEB701/702/792)
    "declSeqNo": (TEXT, 18),  # CEB792: customs declaration numbers of a concluded summary
    "decTmpNo": (TEXT, 18),
    "decPreNo": (TEXT, 18),
    "entryId": (TEXT, 18),
    # transport
    "trafMode": (CODE, 1),
    "trafName": _NAME,
    "voyageNo": (TEXT, 32),
    "loctNo": (TEXT, 10),
    "country": _CODE3,
    "POD": (CODE, 6),
    "leaveTime": (DATETIME14, 14),
    "wrapType": (CODE, 1),
    "packNo": (INTEGER, 9),
    "grossWeight": _QUANTITY,
    "netWeight": _QUANTITY,
    "goodsInfo": (TEXT, 500),
    "msgCount": (INTEGER, 9),
    "msgSeqNo": (INTEGER, 9),
    "location": (TEXT, 250),  # CEB215: where the returned goods are stored at the site
    # summary declaration (CEB701/792)
    "startTime": (DATETIME14, 14),
    "endTime": (DATETIME14, 14),
    "summaryFlag": (SUMMARY_FLAG, 1),
    "itemNameFlag": (CODE, 1),
    "opDate": (DATETIME17, 17),
    "decState": (TEXT, 3),
    "gseqno": (INTEGER, 5),
    # money
    "freight": _MONEY,
    "fCurrency": _CODE3,
    "fFlag": (FEE_MARK, 1),
    "insuredFee": _MONEY,
    "iCurrency": _CODE3,
    "iFlag": (FEE_MARK, 1),
    "goodsValue": _MONEY,
    "charge": _MONEY,
    "currency": _CODE3,
    "accountingDate": (DATETIME14, 14),
    # goods items
    "gnum": (INTEGER, 4),
    "itemNo": (TEXT, 32),
    "itemRecordNo": (TEXT, 30),
    "itemName": (TEXT, 250),
    "gcode": (HS_CODE, 10),
    "gname": (TEXT, 250),
    "gmodel": (TEXT, 255),
    "barCode": (TEXT, 50),
    "qty": _QUANTITY,
    "unit": _CODE3,
    "qty1": _QUANTITY,
    "unit1": _CODE3,
    "qty2": _QUANTITY,
    "unit2": _CODE3,
    "price": _MONEY,
    "totalPrice": _MONEY,
    # free text
    "reason": (TEXT, 1000),
    "note": (TEXT, 1000),
    # BaseTransfer
    "copCode": _PARTY,
    "copName": _NAME,
    "dxpMode": (DXP_MODE, 3),
    "dxpId": (TEXT, 30),
    # receipts
    "returnStatus": (SIGNED_INTEGER, 4),
    "returnTime": (DATETIME17, 17),
    "returnInfo": (TEXT, 1000),
    "oriMessageType": (MESSAGE_TYPE, 6),
}
