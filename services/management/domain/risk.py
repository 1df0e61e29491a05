"""The risk engine: release (800) or inspection (500) when a list's goods have arrived.

Rules an operator reads and tunes in ``config/risk_rules.json`` (see :class:`RiskRules`):
an inspection-and-quarantine HS watchlist, enterprise credit classes, recent rejections of the
seller, value-per-kg norms by HS heading, a weight-per-package ceiling, and random sampling keyed by a
secret (``MANAGEMENT_RISK_KEY``: an exporter who cannot know the key cannot predict the draws). Any rule that fires sends the list to inspection; each decision names what fired.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from .audit import dec
from .release_policy import Decision

KG = "035"
CNY = "142"
DEFAULT_RULES_FILE = Path(__file__).resolve().parents[1] / "config" / "risk_rules.json"


@dataclass(frozen=True)
class RiskContext:
    """What the engine needs to know beyond the list itself (looked up by the service layer)."""

    recent_rejections: int = 0   # rejected lists of the same seller in the configured window
    decision_round: int = 1      # 1 for the first decision, 2 after a modification sent it back, ...


@dataclass(frozen=True)
class RiskRules:
    raw: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path | None = None) -> RiskRules:
        """Read and check a rules file; a file with mistakes stops the service with what is wrong."""
        source = Path(path or DEFAULT_RULES_FILE)
        rules = cls(json.loads(source.read_text(encoding="utf-8")))
        problems = rules.problems()
        if problems:
            raise ValueError(f"risk rules {source}: " + "; ".join(problems))
        return rules

    def problems(self) -> list[str]:
        out = []
        rate = self.section("sampling").get("rate", 0)
        if not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            out.append(f"sampling.rate must be a number between 0 and 1, not {rate!r}")
        classes = self.section("credit_classes")
        default = self.raw.get("default_credit_class", "general")
        for code, name in self.section("enterprise_credit").items():
            if name not in classes:
                out.append(f"enterprise_credit.{code}: unknown credit class {name!r} (known: {', '.join(classes)})")
        if classes and default not in classes:
            out.append(f"default_credit_class {default!r} is not one of credit_classes")
        for prefix in self.section("inspection_quarantine_watchlist"):
            if not (prefix.isdigit() and 2 <= len(prefix) <= 10):
                out.append(f"inspection_quarantine_watchlist: {prefix!r} is not an HS code prefix (2-10 digits)")
        for heading, norm in self.section("value_per_kg").get("norms", {}).items():
            if not isinstance(norm, (int, float)) or norm <= 0:
                out.append(f"value_per_kg.norms.{heading}: {norm!r} is not a positive number")
        return out

    def public(self) -> dict[str, Any]:
        """The rules as officers may read them: without the sampling seed."""
        sampling = {k: v for k, v in self.section("sampling").items() if k != "seed"}
        return {**self.raw, "sampling": sampling} if "sampling" in self.raw else dict(self.raw)

    def section(self, name: str) -> dict[str, Any]:
        return self.raw.get(name) or {}

    @property
    def rejection_window_days(self) -> int:
        return int(self.section("recent_rejections").get("days", 90))

    def credit_class(self, code: str) -> tuple[str, dict[str, Any]]:
        name = self.section("enterprise_credit").get(code) or self.raw.get("default_credit_class", "general")
        return name, self.section("credit_classes").get(name, {})

    def inspection_priority(self, trade_mode: str) -> int:
        """0 comes first: B2B exports (9710, 9810) are inspected before retail ones."""
        b2b = self.section("inspection_priority").get("b2b_trade_modes", ["9710", "9810"])
        return 0 if trade_mode in b2b else 1


def sampling_draw(key: str | bytes, invt_no: str, decision_round: int) -> float:
    """HMAC-SHA256(key, invtNo:round) as a fraction of 1: repeatable for one key, unpredictable without it."""
    secret = key.encode() if isinstance(key, str) else key
    digest = hmac.new(secret, f"{invt_no}:{decision_round}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


class RiskEngine:
    def __init__(self, rules: RiskRules, sampling_key: str | bytes | None = None) -> None:
        """``sampling_key``: the secret of the draws; without one the rules file's ``sampling.seed``
        (public: for tests and the local demo only)."""
        self.rules = rules
        self._key = sampling_key if sampling_key else str(rules.section("sampling").get("seed", ""))

    def decide(self, head: dict[str, str], items: list[dict[str, str]], context: RiskContext | None = None) -> Decision:
        ctx = context or RiskContext()
        fired: list[str] = []
        fired += self._watchlist(items)
        fired += self._value_per_kg(items)
        fired += self._weight(head)
        class_name, credit = self.rules.credit_class(head.get("ebcCode", ""))
        if credit.get("always_inspect"):
            fired.append(f"credit-class: seller {head.get('ebcCode')} is {class_name}: every list is inspected")
        factor = float(credit.get("sampling_factor", 1.0))
        rejections = self.rules.section("recent_rejections")
        if ctx.recent_rejections and credit.get("rejections_raise_inspection", True):
            if ctx.recent_rejections >= int(rejections.get("inspect_from", 3)):
                fired.append(f"recent-rejections: seller {head.get('ebcCode')} had {ctx.recent_rejections} rejected "
                             f"list(s) in {self.rules.rejection_window_days} days")
            factor *= float(rejections.get("sampling_factor", 1.0))
        sampling = self.rules.section("sampling")
        rate = min(1.0, float(sampling.get("rate", 0.0)) * factor)
        draw = sampling_draw(self._key, head.get("invtNo", ""), ctx.decision_round)
        sampled = f"draw {draw:.4f} vs rate {rate:.4f} (credit class {class_name})"
        if draw < rate:
            fired.append(f"sampling: {sampled}")
        if fired:
            return Decision(release=False, rules_fired=fired, reason="inspection: " + "; ".join(fired))
        return Decision(release=True, rules_fired=[], reason=f"released: no risk rule fired; sampling {sampled}")

    def _watchlist(self, items: list[dict[str, str]]) -> list[str]:
        watch = self.rules.section("inspection_quarantine_watchlist")
        out = []
        for i, item in enumerate(items, start=1):
            code = item.get("gcode", "")
            for prefix, what in watch.items():
                if code.startswith(prefix):
                    out.append(f"hs-watchlist: item {i} gcode {code} ({what}) is under inspection-and-quarantine rules")
        return out

    def _value_per_kg(self, items: list[dict[str, str]]) -> list[str]:
        section = self.rules.section("value_per_kg")
        norms = section.get("norms", {})
        low, high = Decimal(str(section.get("low", 0.2))), Decimal(str(section.get("high", 5)))
        out = []
        for i, item in enumerate(items, start=1):
            norm = norms.get(item.get("gcode", "")[:4])
            kg, value = dec(item.get("qty1")), dec(item.get("totalPrice"))
            if norm is None or item.get("unit1") != KG or item.get("currency", CNY) != CNY or not kg or value is None:
                continue
            per_kg = value / kg
            norm_d = Decimal(str(norm))
            if per_kg < norm_d * low or per_kg > norm_d * high:
                out.append(f"value-per-kg: item {i} heading {item['gcode'][:4]} at {per_kg:.2f} CNY/kg, "
                           f"norm {norm_d} (accepted {norm_d * low:.2f}..{norm_d * high:.2f})")
        return out

    def _weight(self, head: dict[str, str]) -> list[str]:
        ceiling = self.rules.section("weight").get("max_kg_per_package")
        gross, packages = dec(head.get("grossWeight")), dec(head.get("packNo"))
        if ceiling is None or gross is None or not packages:
            return []
        per_package = gross / packages
        if per_package > Decimal(str(ceiling)):
            return [f"weight: {per_package:.1f} kg per package exceeds {ceiling} kg"]
        return []
