"""The catalogue of the preliminary logical verification: every check, its code, what it means,
which messages it applies to, an example of its returnInfo. ``docs/verification.md`` is rendered
from this table (``python -m services.gateway.entrypoints.verification_doc``) and a test keeps the
two equal. Format errors (CEB900, codes 9xxx) are the codec's: ``shared.messages.errors``.
"""
from __future__ import annotations

from . import agreement_checks as agree
from . import document_checks as docs
from . import goods_checks as goods
from . import sender_checks as sender
from .verification import Check

ALL = frozenset({"CEB303", "CEB403", "CEB505", "CEB603", "CEB605", "CEB607", "CEB507", "CEB509"})
HEADED = frozenset({"CEB303", "CEB603", "CEB607", "CEB507", "CEB509"})
SPLIT = frozenset({"CEB607", "CEB507", "CEB509"})
DECLARED = ALL  # appStatus 2 may be set on any of them


def _of(*types: str) -> frozenset[str]:
    return frozenset(types)


CATALOGUE: list[Check] = [
    # --- the sender (20xx) -------------------------------------------------------------------
    Check("2001", "the sender's roles allow the message type (agent: CEB603/605/607; ebc: CEB303/403; "
          "logistics: CEB505/509; operator: CEB507)", ALL,
          "[Code:2001;Desc:CEB603Message: sender 3301970004 (roles operator) may not send CEB603; ...]",
          sender.role_allows_type, stage="sender"),
    Check("2002", "the party the message is declared by (agentCode, ebcCode, logisticsCode, operatorCode) "
          "and BaseTransfer/copCode are the sender's own code", ALL,
          "[Code:2002;Desc:Inventory[1]/InventoryHead/agentCode: 3301960009 is not the sender's code 3301960001: ...]",
          sender.parties_are_senders_own, stage="sender"),
    Check("2003", "BaseTransfer/dxpId is the sender's DXP id (the Kafka key)", ALL,
          "[Code:2003;Desc:BaseTransfer/dxpId: DXPENT0000000009 is not the sender's DXP id DXPENT0000000001 (the Kafka key)]",
          sender.dxp_id_is_senders, stage="sender"),
    Check("2004", "the DXP envelope's TransInfo/SenderId is the Kafka key", ALL,
          "[Code:2004;Desc:DxpMsg/TransInfo/SenderId: DXPENT0000000009 does not match the Kafka key DXPENT0000000001]",
          sender.transport_sender_is_key, stage="sender"),
    Check("2005", "the e-commerce enterprise (ebcCode) and logistics enterprise (logisticsCode) a message names "
          "are registered with that role", _of("CEB505", "CEB603", "CEB605", "CEB607", "CEB507"),
          "[Code:2005;Desc:Inventory[1]/InventoryHead/ebcCode: 3301969999 is not a registered enterprise]",
          sender.named_parties_registered, stage="sender"),
    # --- the document's content (21xx) -------------------------------------------------------
    Check("2101", "items are numbered by gnum 1..n without gaps (a split bill: across all its parts)", HEADED,
          "[Code:2101;Desc:Inventory[1]/InventoryList[2]/gnum: items must be numbered 1..2 without gaps; got 1,3]",
          goods.gnum_sequence),
    Check("2102", "an item's totalPrice is qty x price, to the cent", _of("CEB303", "CEB603"),
          "[Code:2102;Desc:Inventory[1]/InventoryList[1]/totalPrice: 17000.00 is not qty 200 x price 85.50 = 17100.00]",
          goods.price_times_qty),
    Check("2103", "net weight does not exceed gross weight", _of("CEB603"),
          "[Code:2103;Desc:Inventory[1]/InventoryHead/netWeight: net weight 50.000 exceeds gross weight 41.500]",
          docs.net_le_gross),
    Check("2104", "msgSeqNo lies in 1..msgCount", SPLIT,
          "[Code:2104;Desc:WayBill[1]/WayBillHead/msgSeqNo: msgSeqNo 3 must be between 1 and msgCount 2]",
          docs.part_number),
    Check("2105", "currency, fCurrency and iCurrency are codes of the customs currency table", _of("CEB303", "CEB403", "CEB505", "CEB603"),
          "[Code:2105;Desc:Inventory[1]/InventoryList[1]/currency: 999 is not in the customs currency table (...)]",
          goods.currency_codes),
    Check("2106", "country (destination, origin) is a code of the customs country table", _of("CEB603"),
          "[Code:2106;Desc:Inventory[1]/InventoryHead/country: 999 is not in the customs country table (...)]",
          goods.country_codes),
    Check("2107", "an HS code (gcode, 10 digits) starts with an existing chapter 01-97 (not 77)", _of("CEB303", "CEB603"),
          "[Code:2107;Desc:Inventory[1]/InventoryList[1]/gcode: 9914100090: HS chapter 99 does not exist (...)]",
          goods.hs_chapter),
    Check("2108", "an order's goodsValue is the sum of its items' totalPrice", _of("CEB303"),
          "[Code:2108;Desc:Order[1]/OrderHead/goodsValue: 100.00 is not the sum of the items' totalPrice 29700.00]",
          goods.order_total),
    Check("2109", "an order item's currency is the order's currency", _of("CEB303"),
          "[Code:2109;Desc:Order[1]/OrderList[1]/currency: 502 (USD) differs from the order's currency 142 (CNY)]",
          goods.item_currency),
    Check("2110", "an invtNo is a list number customs assigned (customs code, year, E, serial)", _of("CEB603", "CEB605", "CEB607"),
          "[Code:2110;Desc:InvtCancel[1]/invtNo: 'INVT-1' is not a list number customs assigned (...)]",
          docs.list_numbers),
    Check("2111", "a package (logisticsNo) appears once in a bill, arrival or departure", SPLIT,
          "[Code:2111;Desc:WayBill[1]/WayBillList[2]/logisticsNo: QT2026112800001 already appears in item 1]",
          docs.packages_once),
    # --- agreement with documents seen before (212x) -----------------------------------------
    Check("2121", "a 9610/9710 list agrees with its order (ebcCode, item count, itemNo, qty, totalPrice) "
          "when the platform has seen the order (CEB303, ebpCode + orderNo)", _of("CEB603"),
          "[Code:2121;Desc:Inventory[1]/InventoryList[1]/qty: 250 differs from item 1 of the order B2B-ORD-1: 200]",
          agree.list_matches_order),
    Check("2122", "a list agrees with its waybill (grossWeight, ebcCode) when the platform has seen the "
          "waybill (CEB505, logisticsCode + logisticsNo)", _of("CEB603"),
          "[Code:2122;Desc:Inventory[1]/InventoryHead/grossWeight: 41.500 differs from waybill QT1's grossWeight 40.000]",
          agree.list_matches_waybill),
    Check("2123", "a payment receipt agrees with its order (ebcCode, currency, charge = goodsValue + freight) "
          "when the platform has seen the order", _of("CEB403"),
          "[Code:2123;Desc:Receipts[1]/charge: 100.00 is not the order B2B-ORD-1's goodsValue + freight 29820.00]",
          agree.payment_matches_order),
    # --- duplicates (22xx) -------------------------------------------------------------------
    Check("2201", "the message guid has not been used by another message (the same message again is a "
          "retransmission: answered once, processed once)", ALL,
          "[Code:2201;Desc:CEB603Message/@guid: 4CDE1CFD-... was already used by an earlier message; every message needs a new guid]",
          stage="duplicates"),
    Check("2202", "the business key (e.g. agentCode + copNo of a list) is not already declared, unless the "
          "earlier document was cancelled", _of("CEB603"),
          "[Code:2202;Desc:Inventory/InventoryHead/copNo: list AG1 of agent 3301960001 is already declared (...)]",
          by="management", stage="duplicates"),
    # --- references to documents customs holds (23xx, checked by management) ------------------
    Check("2301", "a master/sub bill binds only lists that exist and are not cancelled or rejected", _of("CEB607"),
          "[Code:2301;Desc:WayBill/WayBillList[1]/invtNo: no live list 29922026E000000001]",
          by="management", stage="references"),
    Check("2302", "an arrival or departure refers to a known master bill (billNo)", _of("CEB507", "CEB509"),
          "[Code:2302;Desc:ArrivalHead/billNo: no master bill 784-20261128]",
          by="management", stage="references"),
    # --- signatures (24xx) -------------------------------------------------------------------
    Check("2401", "a declared message (appStatus 2) is signed, when signatures are required", DECLARED,
          "[Code:2401;Desc:CEB603Message/Signature: a declared message (appStatus 2) must be signed (...)]",
          stage="signature"),
    Check("2402", "canonicalisation: the signature's structure, canonicalisation and transforms are ones "
          "the platform supports (C14N 1.0, exclusive C14N, enveloped-signature, Reference URI=\"\")", DECLARED,
          "[Code:2402;Desc:Signature/SignedInfo/CanonicalizationMethod: canonicalisation failed: ...]",
          stage="signature"),
    Check("2403", "digest: the digest of the canonicalised message (without its Signature) matches "
          "DigestValue — the message was not changed after signing", DECLARED,
          "[Code:2403;Desc:Signature/SignedInfo/Reference/DigestValue: digest mismatch: ...]",
          stage="signature"),
    Check("2404", "signature value: SignatureValue verifies over the canonical SignedInfo with the "
          "certificate's public key", DECLARED,
          "[Code:2404;Desc:Signature/SignatureValue: signature value does not verify with certificate 1a2b3c: ...]",
          stage="signature"),
    Check("2405", "certificate: KeyInfo/KeyName is the number of the certificate registered for the sender",
          DECLARED,
          "[Code:2405;Desc:Signature/KeyInfo/KeyName: unknown certificate 1a2b3c: the certificate registered for 3301960001 is 4d5e6f]",
          stage="signature"),
    Check("2406", "certificate: the registered certificate is valid now (not expired, not yet valid)", DECLARED,
          "[Code:2406;Desc:Signature/KeyInfo/KeyName: certificate 1a2b3c expired on 2025-01-01T00:00:00+00:00; ...]",
          stage="signature"),
    Check("2407", "the signature and digest methods are supported (RSA-SHA256, RSA-SHA1, RSA-SHA512; "
          "SM2-SM3 is not yet supported)", DECLARED,
          "[Code:2407;Desc:Signature/SignedInfo/SignatureMethod: unsupported signature method http://...#sm2-sm3]",
          stage="signature"),
    # --- multi-part bills (25xx) -------------------------------------------------------------
    Check("2501", "every part of a split bill (msgSeqNo 1..msgCount) arrives within the parts timeout", SPLIT,
          "[Code:2501;Desc:WayBill/WayBillHead/msgSeqNo: parts 2,3 of 3 of copNo WB1 did not arrive within 600 s]",
          stage="parts"),
    Check("2502", "the parts of a split bill agree on msgCount and the head fields (billNo, customsCode, ...)",
          SPLIT,
          "[Code:2502;Desc:WayBill[1]/WayBillHead/msgCount: part 2 says msgCount 4, part 1 said 3]",
          stage="parts"),
    Check("2503", "a part number (msgSeqNo) of a split bill is sent once", SPLIT,
          "[Code:2503;Desc:WayBill[1]/WayBillHead/msgSeqNo: part 2 of copNo WB1 was already received]",
          stage="parts"),
]

BY_CODE: dict[str, Check] = {check.code: check for check in CATALOGUE}
