"""Reliable change against hand calculations (numbers worked out on paper, below)."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from measurement.reliable_change import NORMS, change, classify, rci

# PHQ-9: SD 3.5, r 0.892 -> SE = 3.5 * sqrt(0.108) = 1.150219; S_diff = sqrt(2) * SE = 1.626662.
PHQ9_SDIFF = 1.626662
# GAD-7 women: SD 3.5, r 0.89 -> SE = 3.5 * sqrt(0.11) = 1.160818; S_diff = 1.641658.
# GAD-7 men:   SD 3.2, r 0.89 -> SE = 3.2 * sqrt(0.11) = 1.061320; S_diff = 1.500926.


def test_phq9_from_20_to_14_is_a_reliable_improvement():
    result = change("phq-9", [20, 17, 14])
    assert result.rci == pytest.approx(-6 / PHQ9_SDIFF, abs=0.01)  # -3.69
    assert result.rci == -3.69
    assert result.classification == "reliable-improvement"
    assert result.clinically_significant == "improved"  # 14 is still at or above 10
    assert result.sd == 3.5 and result.reliability == 0.892
    assert "Kocalevent" in result.source and "BMC Psychiatry" in result.source


def test_phq9_from_20_to_9_is_recovered():
    result = change("phq-9", [20, 9])
    assert result.rci == -6.76  # -11 / 1.626662
    assert result.clinically_significant == "recovered"


def test_phq9_from_12_to_10_is_no_reliable_change():
    result = change("phq-9", [12, 10])
    assert result.rci == -1.23  # -2 / 1.626662
    assert result.classification == "no-reliable-change"


def test_gad7_uses_the_sd_for_the_participants_sex():
    assert change("gad-7", [15, 11], sex="female").rci == -2.44  # -4 / 1.641658
    men = change("gad-7", [8, 11], sex="male")
    assert men.rci == 2.0  # 3 / 1.500926 = 1.9988
    assert men.classification == "reliable-deterioration"
    women = change("gad-7", [8, 11], sex="female")
    assert women.rci == 1.83  # 3 / 1.641658
    assert women.classification == "no-reliable-change"


def test_an_rci_of_exactly_196_is_not_reliable_change():
    """Clinical reference §1b: "|RC| > 1.96 means reliable change (p < .05)"."""
    assert classify(1.96) == "no-reliable-change"
    assert classify(-1.96) == "no-reliable-change"
    assert classify(1.9601) == "reliable-deterioration"
    assert classify(-1.9601) == "reliable-improvement"


def test_no_rci_without_a_published_sd_and_reliability():
    for code, totals, sex in (
        ("gad-7", [15, 5], None),
        ("pcl-5", [50, 20], None),
        ("bam", [8, 2], None),
    ):
        result = change(code, totals, sex=sex)
        assert result.rci is None
        assert result.classification == "not-computed"
        assert result.note == NORMS[code].not_computed


def test_one_score_is_not_enough():
    result = change("phq-9", [18])
    assert result.rci is None and result.baseline == result.latest == 18


@given(st.integers(0, 27), st.integers(0, 27))
def test_on_the_phq9_a_change_of_4_points_or_more_is_reliable(baseline, latest):
    """1.96 * 1.626662 = 3.19 points: a whole-point change is reliable from 4 points on."""
    result = change("phq-9", [baseline, latest])
    reliable = result.classification != "no-reliable-change"
    assert reliable == (abs(latest - baseline) >= 4)
    if reliable:
        assert (result.classification == "reliable-improvement") == (latest < baseline)


@given(
    st.floats(0, 80),
    st.floats(0, 80),
    st.floats(0.5, 20),
    st.floats(0, 0.99),
)
def test_rci_is_the_jacobson_truax_formula(baseline, latest, sd, r):
    expected = (latest - baseline) / (math.sqrt(2) * sd * math.sqrt(1 - r))
    assert rci(baseline, latest, sd, r) == pytest.approx(expected)
    assert rci(latest, baseline, sd, r) == pytest.approx(-expected)
    assert classify(expected) == (
        "reliable-improvement"
        if expected < -1.96
        else "reliable-deterioration"
        if expected > 1.96
        else "no-reliable-change"
    )
