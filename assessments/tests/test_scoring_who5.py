"""WHO-5: bands, percentage, and the depression-screen flag (raw < 13 or any item 0/1)."""

import pytest

from assessments.scoring import score


def answers(*values):
    return {str(n): value for n, value in enumerate(values, start=1)}


@pytest.mark.parametrize(
    ("values", "total", "band", "positive", "flag"),
    [
        ((0, 0, 0, 0, 0), 0, "poor", True, True),
        ((3, 3, 2, 2, 2), 12, "poor", True, False),
        ((3, 3, 3, 2, 2), 13, "adequate", False, False),
        ((5, 5, 5, 5, 5), 25, "adequate", False, False),
    ],
)
def test_band_boundaries_and_flag(values, total, band, positive, flag):
    result = score("who-5", answers(*values))
    assert (result.total, result.band, result.positive) == (total, band, positive)
    assert result.subscales == {"percentage": total * 4}
    flagged = [flag.code for flag in result.flags] == ["depression-screen-indicated"]
    assert flagged is (positive or flag)


def test_raw_12_without_low_items_still_flags():
    result = score("who-5", answers(3, 3, 2, 2, 2))
    assert [flag.code for flag in result.flags] == ["depression-screen-indicated"]


@pytest.mark.parametrize("low", [0, 1])
@pytest.mark.parametrize("position", range(5))
def test_any_item_0_or_1_flags_even_when_adequate(low, position):
    values = [5, 5, 5, 5, 5]
    values[position] = low
    result = score("who-5", answers(*values))
    assert (result.band, result.positive) == ("adequate", False)
    assert [flag.code for flag in result.flags] == ["depression-screen-indicated"]


def test_items_of_2_or_more_and_adequate_raise_nothing():
    result = score("who-5", answers(2, 3, 3, 3, 2))
    assert result.to_dict() == {
        "instrument": "who-5",
        "complete": True,
        "total": 13,
        "subscales": {"percentage": 52},
        "band": "adequate",
        "positive": False,
        "flags": [],
    }
