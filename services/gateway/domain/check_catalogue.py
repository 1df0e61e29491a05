"""The gateway's checks, bound to their codes: which function makes which check of the one table of
return codes (:mod:`shared.return_codes`), in the order they run. Codes of the table without a
function here are answered elsewhere in the pipeline (signature, parts, guid) or by management.
"""
from __future__ import annotations

from shared.return_codes import RETURN_CODES

from . import agreement_checks as agree
from . import bonded_checks as bonded
from . import document_checks as docs
from . import goods_checks as goods
from . import sender_checks as sender
from .checking import Check, Run

RUNS: dict[str, Run] = {
    "2001": sender.role_allows_type,
    "2002": sender.parties_are_senders_own,
    "2003": sender.dxp_id_is_senders,
    "2004": sender.transport_sender_is_key,
    "2005": sender.named_parties_registered,
    "2101": goods.gnum_sequence,
    "2102": goods.price_times_qty,
    "2103": docs.net_le_gross,
    "2104": docs.part_number,
    "2105": goods.currency_codes,
    "2106": goods.country_codes,
    "2107": goods.hs_chapter,
    "2108": goods.order_total,
    "2109": goods.item_currency,
    "2110": docs.list_numbers,
    "2111": docs.packages_once,
    "2112": bonded.bonded_list_fields,
    "2113": bonded.return_comes_from_abroad,
    "2114": bonded.summary_period_or_lists,
    "2115": bonded.summary_whole,
    "2123": agree.payment_matches_order,
}

CATALOGUE: list[Check] = [Check(rc, RUNS.get(rc.code)) for rc in RETURN_CODES]

BY_CODE: dict[str, Check] = {check.code: check for check in CATALOGUE}
