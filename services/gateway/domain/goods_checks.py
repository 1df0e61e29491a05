"""Checks of goods items and money: numbering, prices, totals, code tables."""
from __future__ import annotations

from decimal import Decimal

from shared import return_codes as codes
from shared.messages.model import CebMessage

from .checking import Context, Problem, dec, documents, item_path, places
from .code_tables import CURRENCIES, hs_chapter_exists, is_country, is_currency

CENT = Decimal("0.01")
CURRENCY_FIELDS = ("currency", "fCurrency", "iCurrency")


def gnum_sequence(message: CebMessage, ctx: Context) -> list[Problem]:
    out = []
    for number, _, doc in documents(message):
        gnums = [item.get("gnum", "") for item in doc.items]
        expected = [str(i) for i in range(1, len(gnums) + 1)]
        if gnums and [g.lstrip("0") or "0" for g in gnums] != expected:
            item = next(i for i, (g, e) in enumerate(zip(gnums, expected), start=1) if (g.lstrip("0") or "0") != e)
            out.append(Problem(codes.GNUM_SEQUENCE, f"{item_path(message, number, item)}/gnum",
                               f"items must be numbered 1..{len(gnums)} without gaps; got "
                               f"{','.join(gnums)}"))
    return out


def price_times_qty(message: CebMessage, ctx: Context) -> list[Problem]:
    out = []
    for number, _, doc in documents(message):
        for i, item in enumerate(doc.items, start=1):
            qty, price, total = dec(item.get("qty", "")), dec(item.get("price", "")), dec(item.get("totalPrice", ""))
            if qty is None or price is None or total is None:
                continue
            expected = (qty * price).quantize(CENT)
            if expected != total.quantize(CENT):
                out.append(Problem(codes.TOTAL_PRICE_NOT_QTY_TIMES_PRICE, f"{item_path(message, number, i)}/totalPrice",
                                   f"{item['totalPrice']} is not qty {item['qty']} x price "
                                   f"{item['price']} = {expected}"))
    return out


def currency_codes(message: CebMessage, ctx: Context) -> list[Problem]:
    out = []
    for number, path, doc in documents(message):
        for i, values in places(doc):
            for field in CURRENCY_FIELDS:
                code = values.get(field, "")
                if code and not is_currency(code):
                    where = item_path(message, number, i) if i else path
                    out.append(Problem(codes.UNKNOWN_CURRENCY, f"{where}/{field}",
                                       f"{code} is not in the customs currency table "
                                       f"(e.g. 142 CNY, 502 USD, 300 EUR)"))
    return out


def country_codes(message: CebMessage, ctx: Context) -> list[Problem]:
    out = []
    for number, path, doc in documents(message):
        for i, values in places(doc):
            code = values.get("country", "")
            if code and not is_country(code):
                where = item_path(message, number, i) if i else path
                out.append(Problem(codes.UNKNOWN_COUNTRY, f"{where}/country",
                                   f"{code} is not in the customs country table (e.g. 502 United States, "
                                   "303 United Kingdom, 116 Japan)"))
    return out


def hs_chapter(message: CebMessage, ctx: Context) -> list[Problem]:
    out = []
    for number, _, doc in documents(message):
        for i, item in enumerate(doc.items, start=1):
            gcode = item.get("gcode", "")
            if len(gcode) == 10 and gcode.isdigit() and not hs_chapter_exists(gcode):
                out.append(Problem(codes.UNKNOWN_HS_CHAPTER, f"{item_path(message, number, i)}/gcode",
                                   f"{gcode}: HS chapter {gcode[:2]} does not exist (chapters 01-97, not 77)"))
    return out


def order_total(message: CebMessage, ctx: Context) -> list[Problem]:
    out = []
    for _, path, doc in documents(message):
        value = dec(doc.get("goodsValue"))
        totals = [dec(item.get("totalPrice", "")) for item in doc.items]
        known = [t for t in totals if t is not None]
        if value is None or len(known) != len(totals):
            continue
        total = sum(known, Decimal(0)).quantize(CENT)
        if value.quantize(CENT) != total:
            out.append(Problem(codes.ORDER_TOTAL_MISMATCH, f"{path}/goodsValue",
                               f"{doc.get('goodsValue')} is not the sum of the items' totalPrice {total}"))
    return out


def item_currency(message: CebMessage, ctx: Context) -> list[Problem]:
    out = []
    for number, _, doc in documents(message):
        head = doc.get("currency")
        for i, item in enumerate(doc.items, start=1):
            cur = item.get("currency", "")
            if head and cur and cur != head:
                out.append(Problem(codes.ORDER_ITEM_CURRENCY_MISMATCH, f"{item_path(message, number, i)}/currency",
                                   f"{cur} ({CURRENCIES.get(cur, '?')}) differs from the order's "
                                   f"currency {head} ({CURRENCIES.get(head, '?')})"))
    return out
