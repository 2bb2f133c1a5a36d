"""DAST-10: reverse-scored item 3, every band boundary and the overridable threshold."""

import pytest

from assessments.scoring import ScoringError, score

ALL_NO = {str(n): 0 for n in range(1, 11)}
ZERO = ALL_NO | {"3": 1}  # "yes, always able to stop" scores 0


def with_points(points: int) -> dict[str, int]:
    """Answers scoring ``points``: item 3 'no' gives the first point, then items 1, 2, 4..."""
    answers = dict(ZERO)
    order = ["3", "1", "2", "4", "5", "6", "7", "8", "9", "10"]
    for item in order[:points]:
        answers[item] = 0 if item == "3" else 1
    return answers


def test_all_no_scores_one_because_item_3_is_reversed():
    assert score("dast-10", ALL_NO).total == 1


def test_item_3_yes_scores_zero():
    result = score("dast-10", ZERO)
    assert (result.total, result.band, result.positive) == (0, "none", False)


def test_item_3_alone_no_scores_one():
    assert score("dast-10", ZERO | {"3": 0}).total == 1


@pytest.mark.parametrize(
    ("points", "band", "positive"),
    [
        (0, "none", False),
        (1, "low", False),
        (2, "low", False),
        (3, "moderate", True),
        (5, "moderate", True),
        (6, "substantial", True),
        (8, "substantial", True),
        (9, "severe", True),
        (10, "severe", True),
    ],
)
def test_band_boundaries(points, band, positive):
    result = score("dast-10", with_points(points))
    assert (result.total, result.band, result.positive) == (points, band, positive)


def test_default_threshold_is_three_and_shown():
    result = score("dast-10", with_points(3))
    assert result.to_dict(extended=True)["thresholds"] == {
        "positive_threshold": {"value": 3, "basis": "default"}
    }


def test_program_override_to_four():
    overrides = {"positive_threshold": 4}
    at_three = score("dast-10", with_points(3), overrides=overrides)
    at_four = score("dast-10", with_points(4), overrides=overrides)
    assert (at_three.positive, at_three.band) == (False, "moderate")
    assert at_four.positive is True
    assert at_four.to_dict(extended=True)["thresholds"] == {
        "positive_threshold": {"value": 4, "basis": "program-override"}
    }


@pytest.mark.parametrize("value", [2, 5, 0, True, 4.0, "4", None])
def test_override_outside_allowed_values_is_an_error(value):
    with pytest.raises(ScoringError) as info:
        score("dast-10", ALL_NO, overrides={"positive_threshold": value})
    assert info.value.errors == [
        {
            "item": None,
            "message": f"positive_threshold must be one of 3, 4, not {value!r}",
            "kind": "",
        }
    ]


def test_unknown_override_key_is_an_error():
    with pytest.raises(ScoringError) as info:
        score("dast-10", ALL_NO, overrides={"cutoff": 4})
    assert info.value.errors == [
        {"item": None, "message": "DAST-10 has no overridable setting 'cutoff'", "kind": ""}
    ]


def test_instruments_without_overrides_reject_them():
    with pytest.raises(ScoringError):
        score("phq-2", {"1": 0, "2": 0}, overrides={"positive_threshold": 3})
