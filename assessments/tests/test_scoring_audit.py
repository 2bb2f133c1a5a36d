"""AUDIT and AUDIT-C: zones, subscales, skip rules, items 9-10, sex thresholds, Q1 flag."""

import pytest

from assessments.scoring import ScoringError, score, validate
from assessments.tests.scoring_helpers import fill

NOT_0_2_OR_4 = [1, 3, 5, -2, True, 2.0, "2", None]


@pytest.mark.parametrize(
    ("total", "band", "positive"),
    [
        (0, "zone-1", False),
        (7, "zone-1", False),
        (8, "zone-2", True),
        (15, "zone-2", True),
        (16, "zone-3", True),
        (19, "zone-3", True),
        (20, "zone-4", True),
        (40, "zone-4", True),
    ],
)
def test_audit_zone_boundaries(total, band, positive):
    result = score("audit", fill("audit", total))
    assert (result.total, result.band, result.positive) == (total, band, positive)


def test_audit_subscales_worked_example():
    answers = {"1": 3, "2": 2, "3": 2, "4": 1, "5": 0, "6": 1, "7": 2, "8": 0, "9": 2, "10": 4}
    assert score("audit", answers).to_dict() == {
        "instrument": "audit",
        "complete": True,
        "total": 17,
        "subscales": {"consumption": 7, "dependence": 2, "harm": 8},
        "band": "zone-3",
        "positive": True,
        "flags": [],
    }


@pytest.mark.parametrize("item", ["9", "10"])
@pytest.mark.parametrize("value", NOT_0_2_OR_4)
def test_audit_items_9_and_10_take_only_0_2_4(item, value):
    answers = fill("audit", 0) | {item: value}
    errors = validate("audit", answers)
    assert [error["item"] for error in errors] == [item]
    assert "expected one of 0, 2, 4" in errors[0]["message"]


@pytest.mark.parametrize("value", [0, 2, 4])
def test_audit_items_9_and_10_accept_0_2_4(value):
    result = score("audit", fill("audit", 0) | {"9": value, "10": value})
    assert result.subscales["harm"] == 2 * value


def test_audit_never_drinks_may_omit_items_2_to_8():
    result = score("audit", {"1": 0, "9": 2, "10": 0})
    assert (result.complete, result.total, result.band) == (True, 2, "zone-1")
    assert result.subscales == {"consumption": 0, "dependence": 0, "harm": 2}


def test_audit_items_2_and_3_zero_may_omit_items_4_to_8():
    result = score("audit", {"1": 2, "2": 0, "3": 0, "9": 0, "10": 4})
    assert (result.complete, result.total) == (True, 6)


def test_audit_items_4_to_8_required_when_items_2_plus_3_above_zero():
    errors = validate("audit", {"1": 2, "2": 1, "3": 0, "9": 0, "10": 0})
    assert [error["item"] for error in errors] == ["4", "5", "6", "7", "8"]


def test_audit_items_2_and_3_required_when_item_1_above_zero():
    # Whether 4-8 are needed depends on items 2 + 3, which are missing: only 2 and 3 are named.
    errors = validate("audit", {"1": 1, "9": 0, "10": 0})
    assert [error["item"] for error in errors] == ["2", "3"]


@pytest.mark.parametrize("missing", ["9", "10"])
def test_audit_items_9_and_10_always_required(missing):
    answers = {"1": 0, "9": 0, "10": 0}
    del answers[missing]
    assert validate("audit", answers) == [
        {"item": missing, "message": f"item {missing} is required", "kind": "required"}
    ]


def test_audit_answers_given_after_never_are_scored():
    result = score("audit", {"1": 0, "2": 1, "3": 0, "9": 0, "10": 0})
    assert (result.total, result.subscales["consumption"]) == (1, 1)


@pytest.mark.parametrize(
    ("sex", "total", "positive", "threshold", "basis"),
    [
        ("male", 3, False, 4, "sex-male"),
        ("male", 4, True, 4, "sex-male"),
        ("female", 2, False, 3, "sex-female"),
        ("female", 3, True, 3, "sex-female"),
        ("unknown", 2, False, 3, "sex-unknown"),
        ("unknown", 3, True, 3, "sex-unknown"),
        (None, 3, True, 3, "sex-unknown"),
    ],
)
def test_auditc_threshold_by_sex(sex, total, positive, threshold, basis):
    context = None if sex is None else {"sex": sex}
    result = score("audit-c", fill("audit-c", total, q1=1), context)
    assert result.total == total
    assert result.positive is positive
    assert result.band == ("positive" if positive else "negative")
    assert result.to_dict(extended=True)["thresholds"] == {
        "positive_threshold": {"value": threshold, "basis": basis}
    }
    assumed = "threshold-assumed" in [flag.code for flag in result.flags]
    assert assumed is (sex in (None, "unknown"))


def test_auditc_absent_context_equals_unknown_sex():
    answers = {"1": 1, "2": 1, "3": 1}
    assert score("audit-c", answers) == score("audit-c", answers, {"sex": "unknown"})


def test_auditc_consumption_only_q1():
    result = score("audit-c", {"1": 4, "2": 0, "3": 0}, {"sex": "male"})
    assert (result.total, result.positive) == (4, True)
    assert [(flag.code, flag.item) for flag in result.flags] == [("consumption-only-q1", "1")]


@pytest.mark.parametrize("answers", [{"1": 2, "2": 1, "3": 0}, {"1": 2, "2": 0, "3": 1}])
def test_auditc_points_outside_q1_raise_no_q1_flag(answers):
    result = score("audit-c", answers, {"sex": "female"})
    assert result.flags == ()


def test_auditc_total_zero_raises_no_q1_flag():
    result = score("audit-c", {"1": 0, "2": 0, "3": 0}, {"sex": "female"})
    assert (result.band, result.flags) == ("negative", ())


@pytest.mark.parametrize("sex", ["M", "man", "other", 1, True])
def test_auditc_bad_sex_is_an_error(sex):
    with pytest.raises(ScoringError) as info:
        score("audit-c", {"1": 1, "2": 1, "3": 1}, {"sex": sex})
    assert [error["item"] for error in info.value.errors] == [None]
    assert "context sex" in info.value.errors[0]["message"]


def test_auditc_all_items_required():
    assert validate("audit-c", {"1": 0}) == [
        {"item": "2", "message": "item 2 is required", "kind": "required"},
        {"item": "3", "message": "item 3 is required", "kind": "required"},
    ]
