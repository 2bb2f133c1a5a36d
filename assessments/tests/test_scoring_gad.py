"""GAD-7 and GAD-2: band boundaries, the positive cut-off and the GAD-7 offer."""

import pytest

from assessments.instruments import get
from assessments.scoring import score
from assessments.tests.scoring_helpers import fill


@pytest.mark.parametrize(
    ("total", "band", "positive"),
    [
        (0, "minimal", False),
        (4, "minimal", False),
        (5, "mild", False),
        (9, "mild", False),
        (10, "moderate", True),
        (14, "moderate", True),
        (15, "severe", True),
        (21, "severe", True),
    ],
)
def test_gad7_band_boundaries(total, band, positive):
    result = score("gad-7", fill("gad-7", total))
    assert (result.total, result.band, result.positive, result.flags) == (
        total,
        band,
        positive,
        (),
    )


def test_gad7_worked_example():
    answers = {"1": 1, "2": 2, "3": 0, "4": 3, "5": 1, "6": 0, "7": 2}
    assert score("gad-7", answers).to_dict()["total"] == 9
    assert score("gad-7", answers).band == "mild"


def test_gad7_lowest_option_is_not_at_all():
    assert get("gad-7").item("1").options[0].label == "Not at all"


@pytest.mark.parametrize(
    ("answers", "band", "offer"),
    [
        ({"1": 1, "2": 1}, "negative", False),
        ({"1": 2, "2": 1}, "positive", True),
        ({"1": 3, "2": 3}, "positive", True),
    ],
)
def test_gad2_offer_gad7(answers, band, offer):
    result = score("gad-2", answers)
    assert (result.band, result.positive) == (band, offer)
    assert [(flag.code, flag.critical) for flag in result.flags] == (
        [("offer-gad-7", False)] if offer else []
    )
