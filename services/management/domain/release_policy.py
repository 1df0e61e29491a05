"""The customs decision on arrival: release (800) or inspection (500).

The service uses :class:`~.risk.RiskEngine` (rules in ``config/risk_rules.json``);
``ReleaseEverything`` remains for tests and for a deployment that wants no risk control.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Decision:
    release: bool
    rules_fired: list[str] = field(default_factory=list)
    reason: str = ""


class ReleasePolicy(Protocol):
    def decide(self, list_head: dict[str, str], items: list[dict[str, str]], context: Any = None) -> Decision: ...


class ReleaseEverything:
    def decide(self, list_head: dict[str, str], items: list[dict[str, str]], context: Any = None) -> Decision:
        return Decision(release=True, rules_fired=[], reason="released: no risk rule applies (release-everything policy)")
