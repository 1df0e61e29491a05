"""The list's state machine: guards, reasons, and the diagram in docs/list-lifecycle.md."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from services.management.domain.applications import Route, cancellation_route, modification_route
from services.management.domain.list_lifecycle import (
    TERMINAL,
    TRANSITIONS,
    Event,
    ListStatus,
    TransitionRefused,
    invt_no,
    mermaid,
    next_status,
)

S, E = ListStatus, Event
DOC = Path(__file__).resolve().parents[3] / "docs" / "list-lifecycle.md"


def test_the_documented_diagram_is_the_one_the_code_has():
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"```mermaid\n(.*?)```", text, re.S)
    assert block, "docs/list-lifecycle.md has no mermaid block"
    assert block.group(1).strip() == mermaid().strip(), "regenerate the diagram: see docs/list-lifecycle.md"


@pytest.mark.parametrize("path, end", [
    ([E.STORE, E.CONCLUDE_AUDIT, E.RELEASE, E.DEPART], S.CLOSED),
    ([E.STORE, E.CONCLUDE_AUDIT, E.INSPECT, E.PASS_INSPECTION, E.DEPART], S.CLOSED),
    ([E.STORE, E.CONCLUDE_AUDIT, E.INSPECT, E.FAIL_INSPECTION], S.REJECTED),
    ([E.STORE, E.REFER_TO_REVIEW, E.APPROVE_REVIEW, E.RELEASE], S.RELEASED),
    ([E.STORE, E.REJECT], S.REJECTED),
    ([E.STORE, E.CONCLUDE_AUDIT, E.RELEASE, E.MODIFY, E.CONCLUDE_AUDIT, E.RELEASE], S.RELEASED),
    ([E.STORE, E.CONCLUDE_AUDIT, E.RELEASE, E.CANCEL], S.CANCELLED),
])
def test_journeys_through_the_machine(path, end):
    status = S.ACCEPTED
    for event in path:
        status = next_status(status, event)
    assert status is end


def test_departure_of_a_list_never_released_is_refused_with_the_reason():
    for status in (S.STORED, S.AUDITED, S.INSPECTION, S.REVIEW):
        with pytest.raises(TransitionRefused) as refused:
            next_status(status, E.DEPART)
        assert "never released" in refused.value.reason


def test_nothing_but_a_return_leaves_a_terminal_state():
    returns = {E.APPLY_FOR_RETURN, E.TALLY_RETURN}
    for status in TERMINAL:
        for event in set(Event) - returns:
            with pytest.raises(TransitionRefused) as refused:
                next_status(status, event)
            assert "nothing can happen" in refused.value.reason


@pytest.mark.parametrize("path, end", [
    ([E.STORE, E.CONCLUDE_AUDIT, E.RELEASE, E.APPLY_FOR_RETURN, E.TALLY_RETURN], S.RETURNED),
    ([E.STORE, E.CONCLUDE_AUDIT, E.RELEASE, E.DEPART, E.APPLY_FOR_RETURN, E.TALLY_RETURN, E.APPLY_FOR_RETURN],
     S.RETURNING),
])
def test_released_and_closed_lists_can_be_returned(path, end):
    status = S.ACCEPTED
    for event in path:
        status = next_status(status, event)
    assert status is end


def test_only_released_or_closed_lists_are_returned_and_only_returning_ones_tallied():
    for status in (S.STORED, S.AUDITED, S.INSPECTION, S.REJECTED, S.CANCELLED, S.RETURNING):
        with pytest.raises(TransitionRefused, match="only a released"):
            next_status(status, E.APPLY_FOR_RETURN)
    with pytest.raises(TransitionRefused, match="no return waiting"):
        next_status(S.CLOSED, E.TALLY_RETURN)


def test_release_needs_a_concluded_audit():
    with pytest.raises(TransitionRefused, match="audit is not concluded"):
        next_status(S.STORED, E.RELEASE)


def test_every_state_is_reachable_and_every_non_terminal_one_can_be_left():
    reachable = {S.ACCEPTED}
    for _ in range(len(ListStatus)):
        reachable |= {t for (s, _e), t in TRANSITIONS.items() if s in reachable}
    assert reachable == set(ListStatus)
    for status in set(ListStatus) - TERMINAL:
        assert any(s is status for s, _ in TRANSITIONS)


def test_cancellation_is_at_once_before_release_by_an_officer_after_and_refused_when_closed():
    assert cancellation_route("120").route is Route.AT_ONCE
    assert cancellation_route("500").route is Route.AT_ONCE
    assert cancellation_route("800").route is Route.OFFICER
    refused = cancellation_route("899")
    assert refused.route is Route.REFUSED and "closed" in refused.reason
    assert cancellation_route("cancelled").route is Route.REFUSED


def test_modification_is_at_once_before_audit_conclusion_then_by_an_officer():
    assert modification_route("120").route is Route.AT_ONCE
    assert modification_route("300").route is Route.AT_ONCE
    for status in ("399", "500", "800"):
        assert modification_route(status).route is Route.OFFICER
    assert modification_route("899").route is Route.REFUSED


def test_invt_no_has_the_customs_format():
    assert invt_no("2992", 2026, 17) == "29922026E000000017"
