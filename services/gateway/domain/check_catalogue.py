"""The gateway's checks, bound to their codes: which function makes which check of the one table of
return codes (:mod:`shared.return_codes`), in the order they run. Codes of the table without a
function here are answered elsewhere in the pipeline (signature, parts, guid) or by management.
"""
from __future__ import annotations

from shared import return_codes as codes
from shared.return_codes import RETURN_CODES

from . import agreement_checks as agree
from . import bonded_checks as bonded
from . import document_checks as docs
from . import goods_checks as goods
from . import sender_checks as sender
from .checking import Check, Run

RUNS: dict[str, Run] = {
    codes.ROLE_MAY_NOT_SEND_TYPE: sender.role_allows_type,
    codes.PARTY_NOT_SENDER: sender.parties_are_senders_own,
    codes.DXP_ID_NOT_SENDERS: sender.dxp_id_is_senders,
    codes.TRANSPORT_SENDER_NOT_SENDERS: sender.transport_sender_is_key,
    codes.PARTY_NOT_REGISTERED: sender.named_parties_registered,
    codes.GNUM_SEQUENCE: goods.gnum_sequence,
    codes.TOTAL_PRICE_NOT_QTY_TIMES_PRICE: goods.price_times_qty,
    codes.NET_WEIGHT_OVER_GROSS: docs.net_le_gross,
    codes.PART_NUMBER_OUT_OF_RANGE: docs.part_number,
    codes.UNKNOWN_CURRENCY: goods.currency_codes,
    codes.UNKNOWN_COUNTRY: goods.country_codes,
    codes.UNKNOWN_HS_CHAPTER: goods.hs_chapter,
    codes.ORDER_TOTAL_MISMATCH: goods.order_total,
    codes.ORDER_ITEM_CURRENCY_MISMATCH: goods.item_currency,
    codes.NOT_A_LIST_NUMBER: docs.list_numbers,
    codes.PACKAGE_TWICE: docs.packages_once,
    codes.BONDED_LIST_FIELDS: bonded.bonded_list_fields,
    codes.RETURN_NOT_FROM_ABROAD: bonded.return_comes_from_abroad,
    codes.SUMMARY_WITHOUT_LISTS_OR_PERIOD: bonded.summary_period_or_lists,
    codes.SUMMARY_IN_PARTS: bonded.summary_whole,
    codes.PAYMENT_DISAGREES_WITH_ORDER: agree.payment_matches_order,
}

CATALOGUE: list[Check] = [Check(rc, RUNS.get(rc.code)) for rc in RETURN_CODES]

BY_CODE: dict[str, Check] = {check.code: check for check in CATALOGUE}
