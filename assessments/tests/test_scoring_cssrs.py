"""C-SSRS screener: every risk level, skip rules for 3-5 and 6a, and the critical flag."""

import pytest

from assessments.scoring import ScoringError, score, validate

NO = {"1": 0, "2": 0, "6": 0}


def risk(answers):
    result = score("cssrs-screener", answers)
    return result.band


def test_all_no_is_none_with_no_flag():
    result = score("cssrs-screener", NO)
    assert result.to_dict() == {
        "instrument": "cssrs-screener",
        "complete": True,
        "total": None,
        "subscales": {},
        "band": "none",
        "positive": False,
        "flags": [],
    }


def test_all_no_with_explicit_noes_for_3_to_5_and_6a():
    assert risk(NO | {"3": 0, "4": 0, "5": 0, "6a": 0}) == "none"


@pytest.mark.parametrize(
    ("answers", "band"),
    [
        ({"1": 1, "2": 0, "6": 0}, "low"),
        ({"1": 0, "2": 1, "3": 0, "4": 0, "5": 0, "6": 0}, "low"),
        ({"1": 1, "2": 1, "3": 0, "4": 0, "5": 0, "6": 0}, "low"),
        ({"1": 1, "2": 1, "3": 1, "4": 0, "5": 0, "6": 0}, "moderate"),
        ({"1": 0, "2": 0, "6": 1, "6a": 0}, "moderate"),
        ({"1": 1, "2": 1, "3": 1, "4": 1, "5": 0, "6": 0}, "high"),
        ({"1": 1, "2": 1, "3": 0, "4": 0, "5": 1, "6": 0}, "high"),
        ({"1": 0, "2": 0, "6": 1, "6a": 1}, "high"),
        ({"1": 1, "2": 1, "3": 1, "4": 0, "5": 0, "6": 1, "6a": 1}, "high"),
    ],
)
def test_risk_levels(answers, band):
    result = score("cssrs-screener", answers)
    assert (result.band, result.positive, result.total) == (band, True, None)
    assert [(flag.code, flag.critical) for flag in result.flags] == [("suicide-risk", True)]


def test_flag_message_names_yes_items_and_risk_level():
    result = score("cssrs-screener", {"1": 1, "2": 1, "3": 1, "4": 0, "5": 0, "6": 1, "6a": 0})
    assert result.flags[0].to_dict(extended=True) == {
        "code": "suicide-risk",
        "item": None,
        "message": (
            "C-SSRS screener: yes to item(s) 1, 2, 3, 6. Moderate risk. Every yes is actionable."
        ),
        "critical": True,
    }


@pytest.mark.parametrize("item", ["3", "4", "5"])
def test_items_3_to_5_yes_when_2_is_no_is_an_error(item):
    with pytest.raises(ScoringError) as info:
        score("cssrs-screener", NO | {item: 1})
    assert [error["item"] for error in info.value.errors] == [item]
    assert "must be absent or 0" in info.value.errors[0]["message"]


def test_items_3_to_5_required_when_2_is_yes():
    errors = validate("cssrs-screener", {"1": 1, "2": 1, "6": 0})
    assert errors == [
        {"item": "3", "message": "item 3 is required", "kind": "required"},
        {"item": "4", "message": "item 4 is required", "kind": "required"},
        {"item": "5", "message": "item 5 is required", "kind": "required"},
    ]


def test_6a_required_when_6_is_yes():
    assert validate("cssrs-screener", {"1": 0, "2": 0, "6": 1}) == [
        {"item": "6a", "message": "item 6a is required", "kind": "required"}
    ]


def test_6a_yes_when_6_is_no_is_an_error():
    errors = validate("cssrs-screener", NO | {"6a": 1})
    assert [error["item"] for error in errors] == ["6a"]


@pytest.mark.parametrize("missing", ["1", "2", "6"])
def test_items_1_2_6_always_required(missing):
    answers = dict(NO)
    del answers[missing]
    assert [error["item"] for error in validate("cssrs-screener", answers)] == [missing]


def test_partial_form_still_raises_critical_flag():
    result = score("cssrs-screener", {"1": 1}, allow_incomplete=True)
    assert (result.complete, result.band, result.positive) == (False, None, None)
    assert [flag.message for flag in result.flags] == [
        "C-SSRS screener: yes to item(s) 1. Risk level undetermined. Every yes is actionable."
    ]


def test_partial_form_without_yes_raises_nothing():
    result = score("cssrs-screener", {"1": 0}, allow_incomplete=True)
    assert (result.complete, result.flags) == (False, ())


@pytest.mark.parametrize("value", [2, -1, True, 1.0, "yes", None])
def test_only_0_and_1_are_answers(value):
    errors = validate("cssrs-screener", NO | {"1": value})
    assert [error["item"] for error in errors] == ["1"]
