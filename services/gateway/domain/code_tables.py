"""The customs code tables the preliminary verification consults (currency, country, HS chapter).

Codes are the 3-digit numeric codes of China Customs' parameter tables (货币代码表, 国别（地区）
代码表), as CEB messages carry them. The tables below hold the codes in common use for
cross-border e-commerce exports; a code missing here that customs accepts is a bug to report.
"""
from __future__ import annotations

# 货币代码表: code -> ISO 4217 (for messages a developer can read)
CURRENCIES: dict[str, str] = {
    "110": "HKD", "112": "IDR", "113": "IRR", "116": "JPY", "118": "KWD", "119": "LAK",
    "121": "MOP", "122": "MYR", "127": "PKR", "129": "PHP", "132": "SGD", "133": "KRW",
    "136": "THB", "137": "TRY", "138": "AED", "141": "VND", "142": "CNY", "143": "TWD",
    "144": "INR", "145": "SAR", "201": "DZD", "215": "EGP", "244": "ZAR", "300": "EUR",
    "302": "DKK", "303": "GBP", "326": "NOK", "330": "SEK", "331": "CHF", "332": "PLN",
    "333": "HUF", "334": "CZK", "344": "RUB", "410": "BRL", "412": "CLP", "420": "COP",
    "429": "MXN", "501": "CAD", "502": "USD", "601": "AUD", "609": "NZD",
}

# 国别（地区）代码表: the numbered ranges customs assigns by continent, with the codes in use
_COUNTRY_RANGES = (
    (101, 149),  # Asia (142 = China)
    (201, 260),  # Africa
    (301, 359),  # Europe
    (401, 449),  # Latin America
    (501, 504),  # North America (501 Canada, 502 United States)
    (601, 625),  # Oceania
    (701, 701),  # country unknown
)
COUNTRIES: frozenset[str] = frozenset(
    f"{n:03d}" for low, high in _COUNTRY_RANGES for n in range(low, high + 1)
)

# HS chapters: 01..97; chapter 77 is reserved and holds no goods
HS_CHAPTERS: frozenset[str] = frozenset(f"{n:02d}" for n in range(1, 98) if n != 77)


def is_currency(code: str) -> bool:
    return code in CURRENCIES


def is_country(code: str) -> bool:
    return code in COUNTRIES


def hs_chapter_exists(gcode: str) -> bool:
    return gcode[:2] in HS_CHAPTERS
