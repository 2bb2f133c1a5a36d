"""PCL-5: band boundaries, cluster subscales, the provisional-PTSD rule and threshold override."""

import pytest

from assessments.scoring import ScoringError, score
from assessments.tests.scoring_helpers import fill

ALL_ZERO = {str(n): 0 for n in range(1, 21)}
CLUSTERS = {
    "b": ["1", "2", "3", "4", "5"],
    "c": ["6", "7"],
    "d": ["8", "9", "10", "11", "12", "13", "14"],
    "e": ["15", "16", "17", "18", "19", "20"],
}
NEEDED = {"b": 1, "c": 1, "d": 2, "e": 2}


def just_meeting(rating: int = 2, others: int = 0) -> dict[str, int]:
    """Exactly the minimum endorsed items per cluster rated ``rating``; the rest ``others``."""
    answers = dict.fromkeys(ALL_ZERO, others)
    for cluster, items in CLUSTERS.items():
        for item in items[: NEEDED[cluster]]:
            answers[item] = rating
    return answers


def codes(result):
    return [flag.code for flag in result.flags]


@pytest.mark.parametrize(
    ("total", "band", "positive"),
    [
        (0, "below-threshold", False),
        (32, "below-threshold", False),
        (33, "probable-ptsd", True),
        (80, "probable-ptsd", True),
    ],
)
def test_band_boundaries(total, band, positive):
    result = score("pcl-5", fill("pcl-5", total))
    assert (result.total, result.band, result.positive) == (total, band, positive)


def test_cluster_subscales_worked_example():
    answers = dict(ALL_ZERO) | {"1": 4, "5": 1, "6": 3, "8": 2, "14": 2, "15": 1, "20": 4}
    result = score("pcl-5", answers)
    assert result.to_dict() == {
        "instrument": "pcl-5",
        "complete": True,
        "total": 17,
        "subscales": {"b": 5, "c": 3, "d": 4, "e": 5},
        "band": "below-threshold",
        "positive": False,
        "flags": [],
    }


def test_cluster_rule_just_met():
    result = score("pcl-5", just_meeting())
    assert result.total == 12
    assert result.band == "below-threshold"
    assert codes(result) == ["provisional-ptsd"]
    assert result.flags[0].critical is False


@pytest.mark.parametrize("cluster", ["b", "c", "d", "e"])
def test_cluster_rule_missing_one_endorsement_in_each_cluster(cluster):
    answers = just_meeting()
    answers[CLUSTERS[cluster][NEEDED[cluster] - 1]] = 1  # rated 1: not endorsed
    assert codes(score("pcl-5", answers)) == []


@pytest.mark.parametrize("cluster", ["b", "c", "d", "e"])
def test_cluster_rule_rating_one_everywhere_else_does_not_help(cluster):
    answers = just_meeting(others=1)
    answers[CLUSTERS[cluster][NEEDED[cluster] - 1]] = 1
    result = score("pcl-5", answers)
    assert result.total == 25  # 15 items at 1, 5 at 2
    assert codes(result) == []


def test_cluster_rule_with_ratings_of_four():
    assert codes(score("pcl-5", just_meeting(rating=4))) == ["provisional-ptsd"]


def test_threshold_override_moves_band_and_positive():
    answers = fill("pcl-5", 31)
    default = score("pcl-5", answers)
    lowered = score("pcl-5", answers, overrides={"positive_threshold": 31})
    assert (default.band, default.positive) == ("below-threshold", False)
    assert (lowered.band, lowered.positive) == ("probable-ptsd", True)
    assert lowered.to_dict(extended=True)["thresholds"] == {
        "positive_threshold": {"value": 31, "basis": "program-override"}
    }


@pytest.mark.parametrize("value", [30, 34, 28])
def test_threshold_override_limited_to_source_range(value):
    with pytest.raises(ScoringError) as info:
        score("pcl-5", ALL_ZERO, overrides={"positive_threshold": value})
    assert info.value.errors == [
        {
            "item": None,
            "message": f"positive_threshold must be one of 31, 32, 33, not {value}",
            "kind": "",
        }
    ]
