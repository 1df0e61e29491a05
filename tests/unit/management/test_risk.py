"""The risk engine with its default rules and tuned ones (no I/O)."""
from __future__ import annotations

import copy

from services.cli.journey import sample
from services.management.domain.risk import RiskContext, RiskEngine, RiskRules, sampling_draw

DEFAULT = RiskRules.load()


def the_list(**head):
    doc = sample("list").document
    return {**doc.head, "invtNo": "29922026E000000001", **head}, copy.deepcopy(doc.items)


def test_the_sample_silk_list_is_released_by_the_default_rules_whatever_its_number():
    engine = RiskEngine(DEFAULT)
    for n in range(500):
        head, items = the_list(invtNo=f"29922026E{n:09d}")
        decision = engine.decide(head, items)
        assert decision.release, decision.reason


def test_default_sampling_rate_is_moderate_and_sampling_is_repeatable():
    assert DEFAULT.raw["sampling"]["rate"] == 0.05
    engine = RiskEngine(DEFAULT)
    head, items = the_list(ebcCode="3301960099")
    outcomes = [engine.decide({**head, "invtNo": f"X{n}"}, items).release for n in range(2000)]
    inspected = outcomes.count(False) / len(outcomes)
    assert 0.03 < inspected < 0.07
    assert outcomes == [engine.decide({**head, "invtNo": f"X{n}"}, items).release for n in range(2000)]
    assert sampling_draw("s", "A", 1) == sampling_draw("s", "A", 1) != sampling_draw("s", "A", 2)


def test_watchlisted_goods_are_inspected_even_for_advanced_enterprises():
    head, items = the_list()
    items[0]["gcode"] = "5001000000"
    decision = RiskEngine(DEFAULT).decide(head, items)
    assert not decision.release
    assert any(r.startswith("hs-watchlist: item 1 gcode 5001000000") for r in decision.rules_fired)


def test_value_per_kg_far_from_the_norm_fires():
    head, items = the_list()
    items[0]["totalPrice"] = "171.00"   # 8.55 CNY/kg for silk scarves
    decision = RiskEngine(DEFAULT).decide(head, items)
    assert not decision.release and any(r.startswith("value-per-kg: item 1 heading 6214") for r in decision.rules_fired)


def test_credit_classes_and_recent_rejections():
    raw = copy.deepcopy(DEFAULT.raw)
    raw["enterprise_credit"] = {"3301960002": "discredited"}
    head, items = the_list()
    assert not RiskEngine(RiskRules(raw)).decide(head, items).release
    engine = RiskEngine(DEFAULT)
    head, items = the_list(ebcCode="3301960099")
    decision = engine.decide(head, items, RiskContext(recent_rejections=3))
    assert not decision.release and decision.rules_fired[0].startswith("recent-rejections")
    # the advanced-certified demo seller keeps its exemption (configurable per class)
    head, items = the_list()
    assert engine.decide(head, items, RiskContext(recent_rejections=5)).release


def test_sampling_rate_one_inspects_every_general_enterprise():
    raw = copy.deepcopy(DEFAULT.raw)
    raw["sampling"]["rate"] = 1.0
    head, items = the_list(ebcCode="3301960099")
    decision = RiskEngine(RiskRules(raw)).decide(head, items)
    assert not decision.release and decision.rules_fired[0].startswith("sampling:")


def test_b2b_exports_come_first_in_the_inspection_queue():
    assert DEFAULT.inspection_priority("9710") < DEFAULT.inspection_priority("9610")
    assert DEFAULT.inspection_priority("9810") == 0


def test_the_rules_file_is_chosen_by_the_environment_and_checked(tmp_path):
    import json

    import pytest

    from services.management.settings import ManagementSettings

    tuned = copy.deepcopy(DEFAULT.raw)
    tuned["sampling"]["rate"] = 0.5
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(tuned))
    assert ManagementSettings.from_env({"MANAGEMENT_RISK_RULES": str(path)}).risk_rules().raw["sampling"]["rate"] == 0.5
    assert ManagementSettings.from_env({}).risk_rules().raw == DEFAULT.raw
    tuned["sampling"]["rate"] = 5
    tuned["enterprise_credit"]["3301960002"] = "platinum"
    path.write_text(json.dumps(tuned))
    with pytest.raises(ValueError, match="sampling.rate.*platinum"):
        ManagementSettings.from_env({"MANAGEMENT_RISK_RULES": str(path)}).risk_rules()
