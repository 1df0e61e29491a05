"""The customs decision on arrival: release (800) or inspection (500).

``ReleaseEverything`` is the policy of the foundation release: every arrived list whose audit is
done is released. The risk engine (sampling, HS watchlist, credit classes, anomalies) replaces it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Decision:
    release: bool
    rules_fired: list[str] = field(default_factory=list)
    reason: str = ""


class ReleasePolicy(Protocol):
    def decide(self, list_head: dict[str, str], items: list[dict[str, str]]) -> Decision: ...


class ReleaseEverything:
    def decide(self, list_head: dict[str, str], items: list[dict[str, str]]) -> Decision:
        return Decision(release=True, rules_fired=[], reason="released: no risk rule applies (release-everything policy)")
