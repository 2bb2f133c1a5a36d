"""Validation shared by all instruments: ids, values, context, answers shape, result shape."""

import pytest

from assessments.instruments import UnknownInstrumentError
from assessments.scoring import ScoringError, score, validate

PHQ2 = {"1": 1, "2": 1}


def test_unknown_instrument_code():
    with pytest.raises(UnknownInstrumentError):
        score("phq-10", PHQ2)
    with pytest.raises(UnknownInstrumentError):
        validate("PHQ-9", PHQ2)


@pytest.mark.parametrize("value", [True, False, 1.0, 0.5, "1", None, [1], -1, 4])
def test_wrong_type_or_out_of_range_value(value):
    with pytest.raises(ScoringError) as info:
        score("phq-2", PHQ2 | {"1": value})
    assert info.value.errors == [
        {
            "item": "1",
            "message": f"item 1: value {value!r} is not allowed (expected one of 0, 1, 2, 3)",
            "kind": "not-allowed",
        }
    ]


def test_one_error_per_offending_item_in_form_order():
    errors = validate("phq-9", {"1": 9, "2": "x", "4": 0, "zz": 1, "10": 0})
    assert [error["item"] for error in errors] == [
        "zz",
        "10",
        "1",
        "2",
        "3",
        "5",
        "6",
        "7",
        "8",
        "9",
    ]


def test_scoring_error_message_joins_messages():
    with pytest.raises(ScoringError, match="item 2 is required"):
        score("phq-2", {"1": 0})


@pytest.mark.parametrize("answers", [None, [("1", 0)], "1=0"])
def test_answers_must_be_a_mapping(answers):
    assert validate("phq-2", answers) == [
        {
            "item": None,
            "message": "answers must be an object mapping item ids to integer values",
            "kind": "",
        }
    ]


def test_non_string_item_id():
    assert validate("phq-2", PHQ2 | {1: 0}) == [
        {"item": None, "message": "item ids must be strings, not 1", "kind": ""}
    ]


@pytest.mark.parametrize("sex", ["male", "female", "unknown", None])
def test_context_sex_values_accepted_everywhere(sex):
    assert validate("phq-2", PHQ2, {"sex": sex}) == []


def test_unknown_context_key():
    assert validate("phq-2", PHQ2, {"age": 40}) == [
        {"item": None, "message": "unknown context key 'age' (allowed: sex)", "kind": ""}
    ]


def test_context_must_be_a_mapping():
    assert validate("phq-2", PHQ2, ["male"]) == [
        {"item": None, "message": "context must be an object or null", "kind": ""}
    ]


def test_overrides_must_be_a_mapping():
    assert validate("dast-10", {}, overrides=4)[0] == {
        "item": None,
        "message": "overrides must be an object or null",
        "kind": "",
    }


def test_allow_incomplete_still_rejects_bad_values():
    with pytest.raises(ScoringError):
        score("phq-9", {"1": 7}, allow_incomplete=True)


def test_allow_incomplete_with_every_answer_is_complete():
    full = {str(n): 1 for n in range(1, 10)}
    assert score("phq-9", full, allow_incomplete=True) == score("phq-9", full)


def test_empty_partial_form():
    result = score("gad-7", {}, allow_incomplete=True)
    assert result.to_dict() == {
        "instrument": "gad-7",
        "complete": False,
        "total": None,
        "subscales": {},
        "band": None,
        "positive": None,
        "flags": [],
    }


def test_partial_form_keeps_complete_subscales_only():
    answers = {"1": 4, "2": 1, "3": 2}
    result = score("audit", answers, allow_incomplete=True)
    assert (result.total, result.subscales) == (None, {"consumption": 7})


def test_partial_form_raises_no_non_critical_flags():
    result = score("who-5", {"1": 0}, allow_incomplete=True)
    assert result.flags == ()


def test_to_dict_keys_exact():
    result = score("phq-2", {"1": 2, "2": 2})
    assert list(result.to_dict()) == [
        "instrument",
        "complete",
        "total",
        "subscales",
        "band",
        "positive",
        "flags",
    ]
    assert list(result.to_dict()["flags"][0]) == ["code", "item", "message"]


def test_to_dict_extended():
    result = score("phq-2", {"1": 2, "2": 2})
    assert result.to_dict(extended=True) == {
        "instrument": "phq-2",
        "complete": True,
        "total": 4,
        "subscales": {},
        "band": "positive",
        "positive": True,
        "flags": [
            {
                "code": "offer-phq-9",
                "item": None,
                "message": "PHQ-2 is positive (3 or more): offer the full PHQ-9.",
                "critical": False,
            }
        ],
        "band_label": "Positive",
        "critical": False,
        "thresholds": {"positive_threshold": {"value": 3, "basis": "default"}},
    }
