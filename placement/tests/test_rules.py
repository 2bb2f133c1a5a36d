"""The rule set as data: each rule fires (or not) with its reason; the engine; the licence label."""

from datetime import UTC, datetime

import pytest
from django.test import override_settings

from accounts.models import LevelOfCare
from placement import rules
from placement.rules import Always, RatingAtLeast, Rule, RuleSet, evaluate, rule_inputs

CALM = {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0, "6": 0}
DEFAULT = rules.TANDEM_DEFAULT_RULES


def _fired(ratings=None, results=()):
    recommendation = evaluate(DEFAULT, rule_inputs({**CALM, **(ratings or {})}, results))
    return recommendation, {r.id for r in recommendation.fired}


# rule id -> (inputs that fire it, nearest inputs that do not)
CASES = {
    "withdrawal-first": (({"1": 3}, ()), ({"1": 2}, ())),
    "biomedical-severe": (({"2": 4}, ()), ({"2": 3}, ())),
    "psychiatric-severe": (({"3": 4}, ()), ({"3": 3}, ())),
    "environment-unsafe": (({"6": 4}, ()), ({"6": 3}, ())),
    "relapse-and-environment": (({"5": 3, "6": 3}, ()), ({"5": 3, "6": 2}, ())),
    "psychiatric-significant": (({"3": 3}, ()), ({"3": 2}, ())),
    "biomedical-significant": (({"2": 3}, ()), ({"2": 2}, ())),
    "moderate-needs": (({"4": 2}, ()), ({"1": 2, "2": 2}, ())),
    "depression-severe": (
        ({}, [{"instrument": "phq-9", "band": "moderately-severe", "flags": []}]),
        ({}, [{"instrument": "phq-9", "band": "moderate", "flags": []}]),
    ),
    "alcohol-zone-4": (
        ({}, [{"instrument": "audit", "band": "zone-4"}]),
        ({}, [{"instrument": "audit", "band": "zone-3"}]),
    ),
    "drug-problems-substantial": (
        ({}, [{"instrument": "dast-10", "band": "severe"}]),
        ({}, [{"instrument": "dast-10", "band": "moderate"}]),
    ),
    "suicide-risk-high": (
        ({}, [{"instrument": "cssrs-screener", "band": "high", "flags": ["suicide-risk"]}]),
        ({}, [{"instrument": "cssrs-screener", "band": "moderate", "flags": ["suicide-risk"]}]),
    ),
    "phq9-item-9": (
        ({}, [{"instrument": "phq-9", "band": "mild", "flags": [{"code": "suicide-risk"}]}]),
        ({}, [{"instrument": "phq-9", "band": "severe", "flags": []}]),
    ),
    "outpatient-baseline": (({}, ()), None),
}


def test_every_default_rule_has_a_case():
    assert set(CASES) == {rule.id for rule in DEFAULT.rules}


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_each_rule_fires_with_its_reason_and_not_just_below_its_threshold(rule_id):
    fires, quiet = CASES[rule_id]
    recommendation, fired = _fired(*fires)
    assert rule_id in fired
    rule = next(r for r in DEFAULT.rules if r.id == rule_id)
    assert any(f.reason == rule.reason and f.reason for f in recommendation.fired)
    if quiet is not None:
        assert rule_id not in _fired(*quiet)[1]


@pytest.mark.parametrize(
    ("ratings", "level"),
    [
        ({}, LevelOfCare.OUTPATIENT),
        ({"5": 2}, LevelOfCare.IOP),
        ({"3": 3, "5": 2}, LevelOfCare.PHP),
        ({"6": 4, "3": 3}, LevelOfCare.RESIDENTIAL),
        ({"1": 3, "6": 4}, LevelOfCare.WITHDRAWAL),
        ({"1": 4, "3": 4}, LevelOfCare.INPATIENT),
    ],
)
def test_the_recommendation_is_the_most_intensive_level_asked_for(ratings, level):
    assert _fired(ratings)[0].level == level


def test_the_deciding_rules_are_those_that_set_the_level():
    recommendation, fired = _fired({"1": 3, "4": 2})
    assert {"withdrawal-first", "moderate-needs", "outpatient-baseline"} <= fired
    assert [r.id for r in recommendation.deciding] == ["withdrawal-first"]


def test_high_suicide_risk_asks_for_a_same_day_safety_evaluation_and_keeps_the_level():
    results = [
        {"instrument": "cssrs-screener", "band": "high", "flags": ["suicide-risk"]},
        {"instrument": "phq-9", "band": "moderate", "flags": ["suicide-risk"]},
    ]
    recommendation, _ = _fired({"3": 2}, results)
    assert recommendation.level == LevelOfCare.IOP
    assert recommendation.prerequisites == (rules.SAFETY_EVALUATION,)


def test_only_the_latest_result_of_each_instrument_counts():
    newer = {
        "instrument": "cssrs-screener",
        "band": "none",
        "flags": [],
        "completed_at": datetime(2026, 11, 20, tzinfo=UTC),
    }
    older = {
        "instrument": "cssrs-screener",
        "band": "high",
        "flags": ["suicide-risk"],
        "completed_at": datetime(2026, 11, 1, tzinfo=UTC),
    }
    inputs = rule_inputs(CALM, [newer, older])
    assert inputs.results["cssrs-screener"].band == "none"
    assert evaluate(DEFAULT, inputs).prerequisites == ()
    assert inputs.results["cssrs-screener"].as_dict()["completed_at"] == "2026-11-20T00:00:00+00:00"


def test_the_default_rules_are_labelled_as_not_the_asam_decision_rules():
    assert DEFAULT.label == "Tandem default rules — not the ASAM Criteria decision rules"
    assert rules.active_rule_set() is DEFAULT


def test_conditions_describe_themselves_in_plain_words():
    described = {r.id: r.when.describe() for r in DEFAULT.rules}
    assert described["withdrawal-first"] == "dimension 1 rated 3 or more"
    assert described["relapse-and-environment"] == (
        "dimension 5 rated 3 or more and dimension 6 rated 3 or more"
    )
    assert described["environment-unsafe"] == "dimension 6 rated 4"
    assert described["depression-severe"] == "the latest PHQ-9 band is Moderately severe or Severe"
    assert described["alcohol-zone-4"] == "the latest AUDIT band is Zone IV"
    assert described["phq9-item-9"] == "the latest PHQ-9 has the flag Suicide risk"
    assert described["outpatient-baseline"] == "always"


LICENSED = RuleSet(
    name="program-licensed-test",
    label="Program rule set (licensed)",
    rules=(Rule("everyone-iop", Always(), "Test rule: always IOP.", level=LevelOfCare.IOP),),
)


@override_settings(TANDEM_PLACEMENT_RULE_SET="placement.tests.test_rules.LICENSED")
def test_a_program_can_replace_the_rule_set_by_a_setting():
    assert rules.active_rule_set() is LICENSED


@override_settings(TANDEM_PLACEMENT_RULE_SET="placement.tests.test_rules.CALM")
def test_the_setting_must_name_a_rule_set():
    with pytest.raises(TypeError, match="must name"):
        rules.active_rule_set()


@pytest.mark.parametrize(
    ("rule_list", "message"),
    [
        ((Rule("a", Always(), "x", level="2.1"), Rule("a", Always(), "y", level="1")), "unique"),
        ((Rule("a", Always(), "x"),), "neither a level nor a step"),
        ((Rule("a", RatingAtLeast("1", 2), "x", level="9.9"),), "unknown level"),
    ],
)
def test_a_malformed_rule_set_is_refused_when_declared(rule_list, message):
    with pytest.raises(ValueError, match=message):
        RuleSet("bad", "Bad", rule_list)
