"""PHQ-9 and PHQ-2: worked examples, every band boundary, item 9 and the PHQ-9 offer."""

import pytest

from assessments.scoring import ScoringError, score
from assessments.tests.scoring_helpers import fill

PHQ9_BOUNDARIES = [
    (0, "minimal", False),
    (4, "minimal", False),
    (5, "mild", False),
    (9, "mild", False),
    (10, "moderate", True),
    (14, "moderate", True),
    (15, "moderately-severe", True),
    (19, "moderately-severe", True),
    (20, "severe", True),
    (27, "severe", True),
]


@pytest.mark.parametrize(("total", "band", "positive"), PHQ9_BOUNDARIES)
def test_phq9_band_boundaries(total, band, positive):
    answers = fill("phq-9", total)  # items 1-8 fill first: item 9 > 0 only above 24
    result = score("phq-9", answers)
    assert (result.total, result.band, result.positive) == (total, band, positive)
    assert result.complete is True
    assert [flag.code for flag in result.flags] == (["suicide-risk"] if total > 24 else [])


def test_phq9_worked_example_exact_dict():
    answers = {"1": 2, "2": 3, "3": 1, "4": 2, "5": 0, "6": 1, "7": 2, "8": 0, "9": 0}
    assert score("phq-9", answers).to_dict() == {
        "instrument": "phq-9",
        "complete": True,
        "total": 11,
        "subscales": {},
        "band": "moderate",
        "positive": True,
        "flags": [],
    }


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_phq9_item9_above_zero_is_critical_whatever_the_total(item9):
    answers = {str(n): 0 for n in range(1, 9)} | {"9": item9}
    result = score("phq-9", answers)
    assert result.total == item9
    assert result.band == "minimal"
    assert [flag.code for flag in result.flags] == ["suicide-risk"]
    flag = result.flags[0]
    assert (flag.item, flag.critical) == ("9", True)
    assert result.critical_flags == (flag,)
    assert result.to_dict(extended=True)["flags"][0]["critical"] is True
    assert result.to_dict(extended=True)["critical"] is True


def test_phq9_item9_zero_raises_no_flag_even_when_severe():
    result = score("phq-9", fill("phq-9", 24, q9=0))
    assert (result.band, result.flags) == ("severe", ())


def test_phq9_difficulty_is_recorded_not_scored():
    answers = fill("phq-9", 12, q9=0)
    with_difficulty = score("phq-9", answers | {"difficulty": 3})
    assert with_difficulty.total == 12
    assert with_difficulty == score("phq-9", answers)


def test_phq9_difficulty_out_of_range_is_an_error():
    with pytest.raises(ScoringError) as info:
        score("phq-9", fill("phq-9", 3, q9=0) | {"difficulty": 4})
    assert [error["item"] for error in info.value.errors] == ["difficulty"]


def test_phq9_item9_is_required():
    answers = fill("phq-9", 5, q9=0)
    del answers["9"]
    with pytest.raises(ScoringError) as info:
        score("phq-9", answers)
    assert info.value.errors == [{"item": "9", "message": "item 9 is required", "kind": "required"}]


def test_phq9_saved_partial_form_still_raises_item9_alert():
    result = score("phq-9", {"1": 3, "9": 1}, allow_incomplete=True)
    assert result.to_dict() == {
        "instrument": "phq-9",
        "complete": False,
        "total": None,
        "subscales": {},
        "band": None,
        "positive": None,
        "flags": [
            {
                "code": "suicide-risk",
                "item": "9",
                "message": (
                    "PHQ-9 item 9 (thoughts of death or self-harm) is above 0: same-day "
                    "suicide risk assessment, whatever the total."
                ),
            }
        ],
    }


@pytest.mark.parametrize(
    ("answers", "total", "band", "offer"),
    [
        ({"1": 0, "2": 0}, 0, "negative", False),
        ({"1": 1, "2": 1}, 2, "negative", False),
        ({"1": 2, "2": 1}, 3, "positive", True),
        ({"1": 0, "2": 3}, 3, "positive", True),
        ({"1": 3, "2": 3}, 6, "positive", True),
    ],
)
def test_phq2_boundaries_and_offer_phq9(answers, total, band, offer):
    result = score("phq-2", answers)
    assert (result.total, result.band, result.positive) == (total, band, offer)
    assert [flag.code for flag in result.flags] == (["offer-phq-9"] if offer else [])


def test_phq2_has_no_item_9():
    with pytest.raises(ScoringError) as info:
        score("phq-2", {"1": 0, "2": 0, "9": 1})
    assert info.value.errors == [{"item": "9", "message": "unknown item '9' for PHQ-2", "kind": ""}]
