"""Every return code the platform answers with: the one table, shared by every service.

A code"s meaning, the message types it applies to, an example of its ``returnInfo``, who answers
it (the clearance service platform, ``gateway``, or the clearance management system,
``management``) and at which stage. ``docs/verification.md`` is rendered from this table
(``python -m services.gateway.entrypoints.verification_doc``); a test fails on a code a service
answers that is not listed here. Format errors (CEB900, codes 9xxx) are the codec"s:
:data:`shared.messages.errors.ERROR_CODES`. The gateway binds its checks to these codes in
``services/gateway/domain/check_catalogue.py``; the services name the codes they answer with the
constants below.
"""
from __future__ import annotations

from dataclasses import dataclass

from shared.messages.errors import return_info

ALL = frozenset({"CEB303", "CEB403", "CEB505", "CEB603", "CEB605", "CEB607", "CEB507", "CEB509",
                 "CEB213", "CEB215", "CEB701"})
HEADED = frozenset({"CEB303", "CEB603", "CEB607", "CEB507", "CEB509"})
SPLIT = frozenset({"CEB607", "CEB507", "CEB509"})


def _of(*types: str) -> frozenset[str]:
    return frozenset(types)


@dataclass(frozen=True)
class ReturnCode:
    code: str
    meaning: str
    applies_to: frozenset[str]
    example: str  # a returnInfo answered with this code
    by: str = "gateway"  # who answers it: "gateway", "management" or "both"
    stage: str = "logic"  # information | sender | logic | duplicates | signature | parts | references | approval | sandbox


@dataclass(frozen=True)
class Problem:
    """One problem found in a message: its code, the field path and what is wrong."""

    code: str
    path: str
    desc: str

    def return_info(self) -> str:
        """Its ``[Code:NNNN;Desc:<path>: <what is wrong>]`` in a receipt's returnInfo."""
        return return_info(self.code, f"{self.path}: {self.desc}")


RETURN_CODES: tuple[ReturnCode, ...] = (
    ReturnCode("0000", "no problem: the returnInfo of an acceptance (2), a draft kept (1) or a release "
               "(800) says what happened",
               ALL,
               "[Code:0000;Desc:accepted by the clearance service platform]",
               by="both", stage="information"),
    ReturnCode("2001", "the sender's roles allow the message type (agent: CEB603/605/607/213/701; ebc: "
               "CEB303/403/213; logistics: CEB505/509/215; operator: CEB507/215)",
               ALL,
               "[Code:2001;Desc:CEB603Message: sender 3301970004 (roles operator) may not send "
               "CEB603; ...]",
               by="gateway", stage="sender"),
    ReturnCode("2002", "the party the message is declared by (agentCode, ebcCode, logisticsCode, "
               "operatorCode) and BaseTransfer/copCode are the sender's own code",
               ALL,
               "[Code:2002;Desc:Inventory[1]/InventoryHead/agentCode: 3301960009 is not the "
               "sender's code 3301960001: ...]",
               by="gateway", stage="sender"),
    ReturnCode("2003", "BaseTransfer/dxpId is the sender's DXP id (its inbound topic's, or the Kafka key)",
               ALL,
               "[Code:2003;Desc:BaseTransfer/dxpId: DXPENT0000000009 is not the sender's DXP id "
               "DXPENT0000000001]",
               by="gateway", stage="sender"),
    ReturnCode("2004", "the DXP envelope's TransInfo/SenderId is the sender's DXP id",
               ALL,
               "[Code:2004;Desc:DxpMsg/TransInfo/SenderId: DXPENT0000000009 does not match the "
               "sender's DXP id DXPENT0000000001]",
               by="gateway", stage="sender"),
    ReturnCode("2005", "the e-commerce enterprise (ebcCode) and logistics enterprise (logisticsCode) a "
               "message names are registered with that role",
               _of("CEB213", "CEB505", "CEB507", "CEB603", "CEB605", "CEB607", "CEB701"),
               "[Code:2005;Desc:Inventory[1]/InventoryHead/ebcCode: 3301969999 is not a "
               "registered enterprise]",
               by="gateway", stage="sender"),
    ReturnCode("2101", "items are numbered by gnum 1..n without gaps (a split bill: across all its parts)",
               HEADED,
               "[Code:2101;Desc:Inventory[1]/InventoryList[2]/gnum: items must be numbered 1..2 "
               "without gaps; got 1,3]",
               by="gateway", stage="logic"),
    ReturnCode("2102", "an item's totalPrice is qty x price, to the cent",
               _of("CEB303", "CEB603"),
               "[Code:2102;Desc:Inventory[1]/InventoryList[1]/totalPrice: 17000.00 is not qty 200"
               " x price 85.50 = 17100.00]",
               by="gateway", stage="logic"),
    ReturnCode("2103", "net weight does not exceed gross weight",
               _of("CEB603"),
               "[Code:2103;Desc:Inventory[1]/InventoryHead/netWeight: net weight 50.000 exceeds "
               "gross weight 41.500]",
               by="gateway", stage="logic"),
    ReturnCode("2104", "msgSeqNo lies in 1..msgCount",
               _of("CEB507", "CEB509", "CEB607", "CEB701"),
               "[Code:2104;Desc:WayBill[1]/WayBillHead/msgSeqNo: msgSeqNo 3 must be between 1 and"
               " msgCount 2]",
               by="gateway", stage="logic"),
    ReturnCode("2105", "currency, fCurrency and iCurrency are codes of the customs currency table",
               _of("CEB303", "CEB403", "CEB505", "CEB603"),
               "[Code:2105;Desc:Inventory[1]/InventoryList[1]/currency: 999 is not in the customs"
               " currency table (...)]",
               by="gateway", stage="logic"),
    ReturnCode("2106", "country (destination, origin) is a code of the customs country table",
               _of("CEB213", "CEB603"),
               "[Code:2106;Desc:Inventory[1]/InventoryHead/country: 999 is not in the customs "
               "country table (...)]",
               by="gateway", stage="logic"),
    ReturnCode("2107", "an HS code (gcode, 10 digits) starts with an existing chapter 01-97 (not 77)",
               _of("CEB213", "CEB603"),
               "[Code:2107;Desc:Inventory[1]/InventoryList[1]/gcode: 9914100090: HS chapter 99 "
               "does not exist (...)]",
               by="gateway", stage="logic"),
    ReturnCode("2108", "an order's goodsValue is the sum of its items' totalPrice",
               _of("CEB303"),
               "[Code:2108;Desc:Order[1]/OrderHead/goodsValue: 100.00 is not the sum of the "
               "items' totalPrice 29700.00]",
               by="gateway", stage="logic"),
    ReturnCode("2109", "an order item's currency is the order's currency",
               _of("CEB303"),
               "[Code:2109;Desc:Order[1]/OrderList[1]/currency: 502 (USD) differs from the "
               "order's currency 142 (CNY)]",
               by="gateway", stage="logic"),
    ReturnCode("2110", "an invtNo is a list number customs assigned (customs code, year, E, serial)",
               _of("CEB213", "CEB215", "CEB603", "CEB605", "CEB607", "CEB701"),
               "[Code:2110;Desc:InvtCancel[1]/invtNo: 'INVT-1' is not a list number customs "
               "assigned (...)]",
               by="gateway", stage="logic"),
    ReturnCode("2111", "a package (logisticsNo) appears once in a bill, arrival or departure",
               SPLIT,
               "[Code:2111;Desc:WayBill[1]/WayBillList[2]/logisticsNo: QT2026112800001 already "
               "appears in item 1]",
               by="gateway", stage="logic"),
    ReturnCode("2112", "a special-zone (bonded) export list (tradeMode 1210 or 1239) names the zone's "
               "warehouse enterprise (iacCode: a registration code or USCC, iacName), its account"
               " book (emsNo) and each item's record number (itemRecordNo)",
               _of("CEB603"),
               "[Code:2112;Desc:Inventory[1]/InventoryList[1]/itemRecordNo: a bonded export "
               "(tradeMode 1210) names each item's record number ...]",
               by="gateway", stage="logic"),
    ReturnCode("2113", "a return's country of departure is not China (142)",
               _of("CEB213"),
               "[Code:2113;Desc:InvtRefund[1]/InvtRefundHead/country: returned goods come from "
               "abroad: ...]",
               by="gateway", stage="logic"),
    ReturnCode("2114", "a summary names its lists or a period: startTime and endTime together, endTime "
               "not before startTime",
               _of("CEB701"),
               "[Code:2114;Desc:SummaryApply[1]/SummaryApplyHead/endTime: endTime 20261101000000 "
               "is before startTime ...]",
               by="gateway", stage="logic"),
    ReturnCode("2115", "a summary application comes as one message (msgCount 1); summaries in parts are "
               "not supported",
               _of("CEB701"),
               "[Code:2115;Desc:SummaryApply[1]/SummaryApplyHead/msgCount: msgCount 2: a summary "
               "application in parts ...]",
               by="gateway", stage="logic"),
    ReturnCode("2123", "a payment receipt agrees with its order (ebcCode, currency, charge = goodsValue +"
               " freight) when the platform has seen the order (CEB303, ebpCode + orderNo)",
               _of("CEB403"),
               "[Code:2123;Desc:Receipts[1]/charge: 100.00 is not the order B2B-ORD-1's "
               "goodsValue + freight 29820.00]",
               by="gateway", stage="logic"),
    ReturnCode("2201", "the message guid has not been used by another message (the same message again is "
               "a retransmission: answered once, processed once)",
               ALL,
               "[Code:2201;Desc:CEB603Message/@guid: 4CDE1CFD-... was already used by an earlier "
               "message; every message needs a new guid]",
               by="gateway", stage="duplicates"),
    ReturnCode("2202", "the business key (list: agentCode + copNo; order, payment, waybill: theirs) is "
               "not already declared, unless the earlier document was cancelled",
               _of("CEB303", "CEB403", "CEB505", "CEB603"),
               "[Code:2202;Desc:Inventory/InventoryHead/copNo: list AG1 of agent 3301960001 is "
               "already declared (...)]",
               by="management", stage="management"),
    ReturnCode("2301", "a master/sub bill binds only lists that exist and are live (not cancelled or "
               "rejected)",
               _of("CEB607"),
               "[Code:2301;Desc:WayBill/WayBillList[1]/invtNo: list 29922026E000000001 ...]",
               by="management", stage="management"),
    ReturnCode("2302", "an arrival or departure refers to a known master bill (billNo; a postal one "
               "without billNo: the bill its packages' lists are bound to)",
               _of("CEB507", "CEB509"),
               "[Code:2302;Desc:ArrivalHead/billNo: no master bill 784-20261128]",
               by="management", stage="management"),
    ReturnCode("2303", "a bill amendment (appType 2) refers to a bill already declared",
               _of("CEB607"),
               "[Code:2303;Desc:WayBillHead/billNo: no master bill 784-1 to amend]",
               by="management", stage="management"),
    ReturnCode("2304", "a bill is not amended once its goods have arrived",
               _of("CEB607"),
               "[Code:2304;Desc:WayBillHead/billNo: goods of bill 784-1 have arrived (...)]",
               by="management", stage="management"),
    ReturnCode("2305", "a new bill (appType 1) is not declared twice; amend it with appType 2",
               _of("CEB607"),
               "[Code:2305;Desc:WayBillHead/billNo: bill 784-1 is already declared; send appType "
               "2 to amend it]",
               by="management", stage="management"),
    ReturnCode("2306", "a list is bound to one bill only",
               _of("CEB607"),
               "[Code:2306;Desc:WayBill/WayBillList[1]/invtNo: list AG1 is bound to bill 784-0]",
               by="management", stage="management"),
    ReturnCode("2307", "an arrival names only packages (logisticsNo) of its bill",
               _of("CEB507"),
               "[Code:2307;Desc:ArrivalList/logisticsNo: package QT9 is not in bill 784-1]",
               by="management", stage="management"),
    ReturnCode("2308", "a departure's bill has released lists",
               _of("CEB509"),
               "[Code:2308;Desc:DepartureHead/billNo: no list of bill 784-1 is released]",
               by="management", stage="management"),
    ReturnCode("2310", "arrival and departure are declared at the customs of the lists' exit port",
               _of("CEB507", "CEB509"),
               "[Code:2310;Desc:ArrivalHead/customsCode: list AG1 leaves through port ...]",
               by="management", stage="management"),
    ReturnCode("2401", "a cancellation refers to a list (copNo, invtNo) that exists",
               _of("CEB605"),
               "[Code:2401;Desc:InvtCancel/invtNo: no list 29922026E000000001 with copNo AG1 ...]",
               by="management", stage="management"),
    ReturnCode("2402", "a cancellation refers to a list of the same agent that is not closed",
               _of("CEB605"),
               "[Code:2402;Desc:cancellation refused: the list is closed]",
               by="management", stage="management"),
    ReturnCode("2403", "customs (an officer) may refuse a cancellation (CEB605) waiting for approval; the"
               " list is unchanged",
               _of("CEB605"),
               "[Code:2403;Desc:cancellation refused by officer wang: goods already loaded]",
               by="management", stage="approval"),
    ReturnCode("2501", "a message that changes customs state (anything but a draft, appStatus 1) is "
               "signed, when signatures are required",
               ALL,
               "[Code:2501;Desc:CEB603Message/Signature: a declared message (appStatus 2) must be"
               " signed (...)]",
               by="gateway", stage="signature"),
    ReturnCode("2502", "canonicalisation: the signature's structure, canonicalisation and transforms are "
               "ones the platform supports (C14N 1.0, exclusive C14N, enveloped-signature, "
               'Reference URI="")',
               ALL,
               "[Code:2502;Desc:Signature/SignedInfo/CanonicalizationMethod: canonicalisation "
               "failed: ...]",
               by="gateway", stage="signature"),
    ReturnCode("2503", "digest: the digest of the canonicalised message (without its Signature) matches "
               "DigestValue — the message was not changed after signing",
               ALL,
               "[Code:2503;Desc:Signature/SignedInfo/Reference/DigestValue: digest mismatch: ...]",
               by="gateway", stage="signature"),
    ReturnCode("2504", "signature value: SignatureValue verifies over the canonical SignedInfo with the "
               "certificate's public key",
               ALL,
               "[Code:2504;Desc:Signature/SignatureValue: signature value does not verify with "
               "certificate 1a2b3c: ...]",
               by="gateway", stage="signature"),
    ReturnCode("2505", "certificate: KeyInfo/KeyName is the number of the certificate registered for the "
               "sender, and a certificate in KeyInfo/X509Data is that certificate",
               ALL,
               "[Code:2505;Desc:Signature/KeyInfo/KeyName: unknown certificate 1a2b3c: the "
               "certificate registered for 3301960001 is 4d5e6f]",
               by="gateway", stage="signature"),
    ReturnCode("2506", "certificate: the registered certificate is valid now (not expired, not yet valid)",
               ALL,
               "[Code:2506;Desc:Signature/KeyInfo/KeyName: certificate 1a2b3c expired on "
               "2025-01-01T00:00:00+00:00; ...]",
               by="gateway", stage="signature"),
    ReturnCode("2507", "the signature and digest methods are supported (SM2-SM3 with SM3, RSA-SHA1 with "
               "SHA-1; RSA-SHA256/512 too) and fit the registered certificate's key (SM2 or RSA)",
               ALL,
               "[Code:2507;Desc:Signature/SignedInfo/SignatureMethod: unsupported signature "
               "method http://...#ecdsa-sha256]",
               by="gateway", stage="signature"),
    ReturnCode("2601", "every part of a split bill (msgSeqNo 1..msgCount) arrives within the parts "
               "timeout",
               SPLIT,
               "[Code:2601;Desc:WayBill/WayBillHead/msgSeqNo: parts 2,3 of 3 of copNo WB1 did not"
               " arrive within 600 s]",
               by="gateway", stage="parts"),
    ReturnCode("2602", "the parts of a split bill agree on msgCount and the head fields (billNo, "
               "customsCode, ...)",
               SPLIT,
               "[Code:2602;Desc:WayBill[1]/WayBillHead/msgCount: part 2 says msgCount 4, part 1 "
               "said 3]",
               by="gateway", stage="parts"),
    ReturnCode("2603", "a part number (msgSeqNo) of a split bill is sent once",
               SPLIT,
               "[Code:2603;Desc:WayBill[1]/WayBillHead/msgSeqNo: part 2 of copNo WB1 was already "
               "received]",
               by="gateway", stage="parts"),
    ReturnCode("2604", "a split bill has at most GATEWAY_MAX_PARTS parts (msgCount, default 100)",
               SPLIT,
               "[Code:2604;Desc:WayBill[1]/WayBillHead/msgCount: msgCount 1000000: a split bill "
               "has at most 100 parts]",
               by="gateway", stage="parts"),
    ReturnCode("2701", "a return refers to a list (invtNo) that is released (800) or closed (899), or "
               "returned in part before",
               _of("CEB213"),
               "[Code:2701;Desc:InvtRefundHead/invtNo: list AG1 is 399: only a released (800) or "
               "closed (899) list ...]",
               by="management", stage="management"),
    ReturnCode("2702", "a return names the list's platform (ebpCode) and seller (ebcCode)",
               _of("CEB213"),
               "[Code:2702;Desc:InvtRefundHead/ebcCode: the return says 3301960009, the list AG1 "
               "says 3301960002]",
               by="management", stage="management"),
    ReturnCode("2703", "a return's items are items of the list (gnum) with the same gcode, gname, gmodel "
               "and units",
               _of("CEB213"),
               "[Code:2703;Desc:InvtRefundList[1]/gcode: the return says 6110300000, ...]",
               by="management", stage="management"),
    ReturnCode("2704", "a return takes back at most what is left of each item (qty, qty1, qty2; earlier "
               "returns counted)",
               _of("CEB213"),
               "[Code:2704;Desc:InvtRefundList[1]/qty: 250 exceeds what is left to return of the "
               "list's item 1: 200 of 200]",
               by="management", stage="management"),
    ReturnCode("2705", "a return's tradeMode is 9661 after a 9610/9710/9810 export, 1261 after a "
               "1210/1239 one",
               _of("CEB213"),
               "[Code:2705;Desc:InvtRefundHead/tradeMode: a return of a 9710 export is declared "
               "under 9661, ...]",
               by="management", stage="management"),
    ReturnCode("2706", "a list has one return waiting for its goods at a time",
               _of("CEB213"),
               "[Code:2706;Desc:InvtRefundHead/invtNo: return RT1 of list AG1 is still waiting "
               "for its goods]",
               by="management", stage="management"),
    ReturnCode("2707", "a return's coElNo is declared once per agent",
               _of("CEB213"),
               "[Code:2707;Desc:InvtRefundHead/coElNo: return RT1 of agent 3301960001 is already "
               "declared]",
               by="management", stage="management"),
    ReturnCode("2708", "returns, tallies and summaries are new documents (appType 1); changing or "
               "deleting them is not supported",
               _of("CEB213", "CEB215", "CEB701"),
               "[Code:2708;Desc:InvtRefundHead/appType: only new returns (appType 1) are handled;"
               " ...]",
               by="management", stage="management"),
    ReturnCode("2711", "a tally names the package (logisticsCode, logisticsNo; invtNo when given) of a "
               "return waiting for its goods",
               _of("CEB215"),
               "[Code:2711;Desc:InvtRefundDetail/logisticsNo: no return waiting for package QT1 "
               "of 3301980003]",
               by="management", stage="management"),
    ReturnCode("2722", "a summary's lists exist and are the seller's (ebcCode) closed (899) "
               "summary-declaration (statisticsFlag B) lists declared at its customsCode",
               _of("CEB701"),
               "[Code:2722;Desc:SummaryApplyList[1]/invtNo: 29922026E000000001: the list is 800, "
               "not closed (899)]",
               by="management", stage="management"),
    ReturnCode("2723", "a list is in one summary only (unless that summary was refused)",
               _of("CEB701"),
               "[Code:2723;Desc:SummaryApplyList/invtNo: list 29922026E000000001 is already in "
               "summary S20261201000000001]",
               by="management", stage="management"),
    ReturnCode("2724", "a summary by period finds at least one list",
               _of("CEB701"),
               "[Code:2724;Desc:SummaryApplyHead/startTime: no closed summary-declaration (B) "
               "list of 3301960002 ...]",
               by="management", stage="management"),
    ReturnCode("2725", "a summary's copNo is declared once per agent",
               _of("CEB701"),
               "[Code:2725;Desc:SummaryApplyHead/copNo: summary SM1 of agent 3301960001 is "
               "already declared]",
               by="management", stage="management"),
    ReturnCode("2726", "customs (an officer) may refuse a summary waiting for it",
               _of("CEB701"),
               "[Code:2726;Desc:summary S20261201000000001 refused by customs: ...]",
               by="management", stage="management"),
    ReturnCode("2999", "the sandbox only (CBEC_SANDBOX=1, docs/sandbox.md): a rejection scripted without a code "
               "of its own (SANDBOX:REJECT, or a rule with no code), or a sandbox marker not understood",
               ALL, "[Code:2999;Desc:Inventory[1]/InventoryHead/note: sandbox: rejected with code 2999, as scripted]",
               stage="sandbox"),
    ReturnCode("3101", "a 9610/9710 list names the order's seller (ebcCode)",
               _of("CEB603"),
               "[Code:3101;Desc:Order/ebcCode: order's seller 3301960009 is not the list's "
               "3301960002]",
               by="management", stage="management"),
    ReturnCode("3102", "a 9610/9710 list has as many items as its order",
               _of("CEB603"),
               "[Code:3102;Desc:Order/OrderList: order has 1 item(s), the list 2]",
               by="management", stage="management"),
    ReturnCode("3103", "list items agree with the order's items (itemNo, gcode, qty, ...)",
               _of("CEB603"),
               "[Code:3103;Desc:InventoryList[1]/qty: list says 250, order says 200]",
               by="management", stage="management"),
    ReturnCode("3104", "list item totalPrice agrees with the order's",
               _of("CEB603"),
               "[Code:3104;Desc:InventoryList[1]/totalPrice: list says 21375.00, order says "
               "17100.00]",
               by="management", stage="management"),
    ReturnCode("3105", "the order's goodsValue is the list's total",
               _of("CEB603"),
               "[Code:3105;Desc:Order/goodsValue: order's goods value 100.00 is not the list's "
               "total 29700.00]",
               by="management", stage="management"),
    ReturnCode("3201", "list and waybill agree on logisticsNo",
               _of("CEB603"),
               "[Code:3201;Desc:InventoryHead/logisticsNo: list says QT1, waybill says QT2]",
               by="management", stage="management"),
    ReturnCode("3202", "list and waybill agree on the number of packages",
               _of("CEB603"),
               "[Code:3202;Desc:InventoryHead/packNo: list says 3 package(s), waybill 4]",
               by="management", stage="management"),
    ReturnCode("3203", "list and waybill gross weights differ by at most 5 %",
               _of("CEB603"),
               "[Code:3203;Desc:InventoryHead/grossWeight: list says 41.5 kg, waybill 50 kg "
               "(20.5% apart)]",
               by="management", stage="management"),
    ReturnCode("3204", "a weight gap between 0.5 % and 5 % goes to manual review (300)",
               _of("CEB603"),
               "[Code:3204;Desc:InventoryHead/grossWeight: ... an officer reviews it]",
               by="management", stage="management"),
    ReturnCode("3301", "a list held for manual review (300) may be rejected by customs (an officer)",
               _of("CEB603"),
               "[Code:3301;Desc:manual review by officer wang: weights do not match the waybill]",
               by="management", stage="approval"),
    ReturnCode("3401", "customs (an officer) may reject a list held for inspection (500) by the inspection's result",
               _of("CEB603"),
               "[Code:3401;Desc:rejected after inspection by officer wang: goods do not match the list]",
               by="management", stage="approval"),
    ReturnCode("3999", "a message type the clearance management system does not handle for customs is not"
               " accepted",
               ALL,
               "[Code:3999;Desc:CEB403 is not handled by customs]",
               by="management", stage="references"),
    ReturnCode("4000", "a document management refuses as a whole (it cannot be applied in the list's "
               "state) is answered 100",
               ALL,
               "[Code:4000;Desc:list AG1 is closed: it can no longer be changed]",
               by="management", stage="references"),
    ReturnCode("4001", "a list is withdrawn with a cancellation (CEB605), not with appType 3",
               _of("CEB603"),
               "[Code:4001;Desc:InventoryHead/appType: a list is withdrawn with a cancellation "
               "...]",
               by="management", stage="management"),
    ReturnCode("4002", "a modification (appType 2) refers to a declared list of the same agent",
               _of("CEB603"),
               "[Code:4002;Desc:InventoryHead/copNo: list AG1 of agent 3301960001 ...]",
               by="management", stage="management"),
    ReturnCode("4003", "a modification (appType 2) of a list that can no longer change is refused; the "
               "list is unchanged",
               _of("CEB603"),
               "[Code:4003;Desc:modification refused: the list is released (800); the list is "
               "unchanged ...]",
               by="management", stage="references"),
    ReturnCode("4004", "customs (an officer) may refuse a modification waiting for approval; the list is "
               "unchanged",
               _of("CEB603"),
               "[Code:4004;Desc:modification refused by officer wang: ...; the list is unchanged "
               "...]",
               by="management", stage="approval"),
)

BY_CODE: dict[str, ReturnCode] = {c.code: c for c in RETURN_CODES}

# --- the codes by name: the services write these, never the digits (a test keeps it so) ----------
OK = "0000"
ROLE_MAY_NOT_SEND_TYPE = "2001"
PARTY_NOT_SENDER = "2002"
DXP_ID_NOT_SENDERS = "2003"
TRANSPORT_SENDER_NOT_SENDERS = "2004"
PARTY_NOT_REGISTERED = "2005"
GNUM_SEQUENCE = "2101"
TOTAL_PRICE_NOT_QTY_TIMES_PRICE = "2102"
NET_WEIGHT_OVER_GROSS = "2103"
PART_NUMBER_OUT_OF_RANGE = "2104"
UNKNOWN_CURRENCY = "2105"
UNKNOWN_COUNTRY = "2106"
UNKNOWN_HS_CHAPTER = "2107"
ORDER_TOTAL_MISMATCH = "2108"
ORDER_ITEM_CURRENCY_MISMATCH = "2109"
NOT_A_LIST_NUMBER = "2110"
PACKAGE_TWICE = "2111"
BONDED_LIST_FIELDS = "2112"
RETURN_NOT_FROM_ABROAD = "2113"
SUMMARY_WITHOUT_LISTS_OR_PERIOD = "2114"
SUMMARY_IN_PARTS = "2115"
PAYMENT_DISAGREES_WITH_ORDER = "2123"
GUID_USED = "2201"
LIST_ALREADY_DECLARED = "2202"
BILL_LIST_UNKNOWN = "2301"
MASTER_BILL_UNKNOWN = "2302"
BILL_AMENDMENT_OF_UNKNOWN_BILL = "2303"
BILL_AMENDED_AFTER_ARRIVAL = "2304"
BILL_ALREADY_DECLARED = "2305"
LIST_BOUND_TO_OTHER_BILL = "2306"
ARRIVAL_PACKAGE_NOT_IN_BILL = "2307"
DEPARTURE_WITHOUT_RELEASED_LISTS = "2308"
NOT_THE_EXIT_PORT = "2310"
CANCELLATION_OF_UNKNOWN_LIST = "2401"
CANCELLATION_NOT_POSSIBLE = "2402"
CANCELLATION_REFUSED = "2403"
UNSIGNED = "2501"
SIGNATURE_CANONICALISATION = "2502"
SIGNATURE_DIGEST = "2503"
SIGNATURE_VALUE = "2504"
SIGNATURE_UNKNOWN_CERTIFICATE = "2505"
SIGNATURE_CERTIFICATE_NOT_VALID_NOW = "2506"
SIGNATURE_ALGORITHM = "2507"
PARTS_MISSING = "2601"
PARTS_DISAGREE = "2602"
PART_TWICE = "2603"
TOO_MANY_PARTS = "2604"
RETURN_OF_UNRETURNABLE_LIST = "2701"
RETURN_PARTIES_MISMATCH = "2702"
RETURN_ITEM_MISMATCH = "2703"
RETURN_QUANTITY_EXCEEDED = "2704"
RETURN_TRADE_MODE = "2705"
RETURN_ALREADY_WAITING = "2706"
RETURN_ALREADY_DECLARED = "2707"
ONLY_NEW_DOCUMENTS = "2708"
TALLY_WITHOUT_WAITING_RETURN = "2711"
SUMMARY_LIST_NOT_SUMMARISABLE = "2722"
LIST_IN_OTHER_SUMMARY = "2723"
SUMMARY_PERIOD_EMPTY = "2724"
SUMMARY_ALREADY_DECLARED = "2725"
SUMMARY_REFUSED = "2726"
SANDBOX_REJECTION = "2999"
ORDER_SELLER_MISMATCH = "3101"
ORDER_ITEM_COUNT_MISMATCH = "3102"
ORDER_ITEM_MISMATCH = "3103"
ORDER_ITEM_PRICE_MISMATCH = "3104"
ORDER_VALUE_MISMATCH = "3105"
WAYBILL_LOGISTICS_NO_MISMATCH = "3201"
WAYBILL_PACKAGES_MISMATCH = "3202"
WAYBILL_WEIGHT_MISMATCH = "3203"
WAYBILL_WEIGHT_REVIEW = "3204"
REJECTED_AFTER_REVIEW = "3301"
REJECTED_AFTER_INSPECTION = "3401"
NOT_HANDLED_BY_CUSTOMS = "3999"
REFUSED_IN_STATE = "4000"
WITHDRAW_WITH_CANCELLATION = "4001"
MODIFICATION_OF_UNKNOWN_LIST = "4002"
MODIFICATION_NOT_POSSIBLE = "4003"
MODIFICATION_REFUSED = "4004"
