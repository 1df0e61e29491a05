"""The sandbox: a mode of the stack (``CBEC_SANDBOX=1``, never in the secure profile) in which an
integrator scripts what happens to each document — see ``outcomes`` (what, and the ``note``
marker), ``rules`` (the rule file), ``clock`` (the clock a test moves), ``held`` (receipts held
back) and docs/sandbox.md.

The services ask it at their decision points with one call each; every call answers ``None``
(nothing scripted) when the sandbox is off, so the ordinary path is untouched.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .outcomes import DECISION, DELIVERY, GATEWAY, Outcome, OutcomeError, from_marker
from .rules import Rule, load_rules

if TYPE_CHECKING:
    from shared.config import Settings

_rules: tuple[Rule, ...] | None = None  # None: the sandbox is off in this process


def install(settings: Settings) -> None:
    """Switch the sandbox on in this process when the settings ask for it (at bootstrap)."""
    global _rules
    _rules = load_rules(settings.sandbox_rules) if settings.sandbox else None


def install_rules(rules: tuple[Rule, ...] | None) -> None:
    """Switch it on with these rules (``None``: off) — for unit tests."""
    global _rules
    _rules = rules


def active() -> bool:
    return _rules is not None


def outcome_for(message_type: str, head: dict[str, str]) -> Outcome | None:
    """The outcome scripted for one document: its ``note`` marker, else the first rule that matches."""
    if _rules is None:
        return None
    try:
        marked = from_marker(head.get("note", ""))
    except OutcomeError as exc:
        return Outcome("reject", reason=f"the sandbox marker in note is not understood: {exc}")
    if marked is not None:
        return marked
    for rule in _rules:
        if rule.matches(message_type, head):
            return rule.outcome
    return None


def gateway_outcome(message_type: str, head: dict[str, str]) -> Outcome | None:
    """A rejection or signature failure the gateway answers instead of its own verdict."""
    found = outcome_for(message_type, head)
    return found if found is not None and found.kind in GATEWAY else None


@dataclass(frozen=True)
class ScriptedDecision:
    """Shaped as the risk engine's decision (``release``, ``rules_fired``, ``reason``)."""

    release: bool
    rules_fired: list[str]
    reason: str


def scripted_decision(message_type: str, head: dict[str, str]) -> ScriptedDecision | None:
    """Release or inspection scripted for a list whose goods have arrived, instead of the risk engine's."""
    found = outcome_for(message_type, head)
    if found is None or found.kind not in DECISION:
        return None
    release = found.kind == "release"
    reason = found.reason or ("sandbox: released as scripted" if release else "sandbox: held for inspection as scripted")
    return ScriptedDecision(release, [] if release else ["sandbox: inspection scripted"], reason)


def delivery_of(message_type: str, head: dict[str, str], status: str) -> str | None:
    """What notification is to do with a receipt of this document (``Outcome.delivery``), if anything."""
    found = outcome_for(message_type, head)
    if found is None or found.kind not in DELIVERY:
        return None
    wanted = found.status or ("2" if found.kind == "reorder" else "")  # reorder: the acceptance, by default
    if wanted and wanted != status:
        return None
    return found.delivery()


__all__ = ["Outcome", "OutcomeError", "ScriptedDecision", "active", "delivery_of", "gateway_outcome", "install",
           "install_rules", "outcome_for", "scripted_decision"]
