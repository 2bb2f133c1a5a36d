"""Reliable change by the IAPT rule of the clinical reference (§1b): PHQ-9 6 points, GAD-7 4."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from measurement.reliable_change import RULES, change, classify, signed_points


def test_a_5_point_phq9_drop_is_not_reliable_and_a_6_point_drop_is():
    five = change("phq-9", [20, 15])
    assert (five.points, five.classification) == (-5, "no-reliable-change")
    six = change("phq-9", [20, 17, 14])
    assert (six.points, six.classification) == (-6, "reliable-improvement")
    assert six.clinically_significant == "improved"  # 14 is still at or above 10
    assert (six.threshold, six.rule) == (6, "IAPT rule ≥6 points")
    assert "§1b" in six.source and '"Reliable improvement ≥6 (IAPT rule)"' in six.source


def test_a_4_point_phq9_drop_is_no_reliable_change():
    """The general-population SD once used called 4 points reliable; §1b's rule is 6."""
    assert change("phq-9", [14, 10]).classification == "no-reliable-change"


def test_a_3_point_gad7_rise_is_not_reliable_deterioration_and_a_4_point_rise_is():
    three = change("gad-7", [8, 11])
    assert (three.points, three.classification) == (3, "no-reliable-change")
    four = change("gad-7", [8, 12])
    assert (four.points, four.classification) == (4, "reliable-deterioration")
    assert four.clinically_significant == "deteriorated"
    assert '"IAPT reliable ≥4"' in four.source


def test_a_6_point_phq9_rise_is_reliable_deterioration():
    assert change("phq-9", [8, 14]).classification == "reliable-deterioration"
    assert change("phq-9", [8, 13]).classification == "no-reliable-change"


def test_phq9_from_20_to_9_is_recovered():
    result = change("phq-9", [20, 9])
    assert result.points == -11 and result.clinically_significant == "recovered"


def test_gad7_from_12_to_8_is_recovered_below_its_cut_off_of_10():
    assert change("gad-7", [12, 8]).clinically_significant == "recovered"
    assert change("gad-7", [9, 5]).clinically_significant == "improved"  # never at 10


def test_no_reliable_change_without_a_single_rule_in_the_reference():
    for code, totals in (("pcl-5", [50, 20]), ("bam", [8, 2])):
        result = change(code, totals)
        assert result.classification == "not-computed"
        assert result.threshold is None and result.rule == ""
        assert result.note == RULES[code].not_computed
        assert result.points == totals[-1] - totals[0]  # the points still shown
    assert "15-18" in RULES["pcl-5"].not_computed


def test_an_instrument_the_rules_do_not_name_is_not_computed():
    result = change("audit", [20, 5])
    assert result.classification == "not-computed" and "no reliable-change rule" in result.note


def test_one_score_is_not_enough():
    result = change("phq-9", [18])
    assert result.points is None and result.baseline == result.latest == 18
    assert result.classification == "not-computed"


def test_a_change_in_points_is_written_with_its_sign():
    assert signed_points(-7) == "−7 points"
    assert signed_points(6) == "+6 points"
    assert signed_points(1) == "+1 point"
    assert signed_points(0) == "0 points"


@pytest.mark.parametrize(("code", "top"), [("phq-9", 27), ("gad-7", 21)])
def test_every_pair_of_totals_follows_the_iapt_rule(code, top):
    threshold = RULES[code].points
    assert threshold is not None

    @given(st.integers(0, top), st.integers(0, top))
    def check(baseline, latest):
        result = change(code, [baseline, latest])
        assert result.points == latest - baseline
        improved = result.classification == "reliable-improvement"
        worse = result.classification == "reliable-deterioration"
        assert improved == (baseline - latest >= threshold)
        assert worse == (latest - baseline >= threshold)
        assert result.classification == classify(latest - baseline, threshold)
        if not improved and not worse:
            assert result.classification == "no-reliable-change"

    check()


@given(st.integers(-80, 80), st.integers(1, 20))
def test_classify_is_symmetric(points, threshold):
    mirrored = {
        "reliable-improvement": "reliable-deterioration",
        "reliable-deterioration": "reliable-improvement",
        "no-reliable-change": "no-reliable-change",
    }
    assert classify(-points, threshold) == mirrored[classify(points, threshold)]
