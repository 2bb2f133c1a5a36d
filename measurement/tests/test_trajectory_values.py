"""The trajectory writes values by their points only where they do not run into each other:
a long stay's weekly hours ("9 h 35 min") are wider than a week on the axis."""

import html
import re
from datetime import date, timedelta
from itertools import combinations, pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from measurement.trajectory import Series, _duration, svg

VALUE = re.compile(
    r'<text class="value" x="([\d.]+)" y="([\d.]+)" text-anchor="(\w+)">([^<]*)</text>'
)
CHAR_W, LINE_H = 6.0, 11.0  # a 10 px value's width per character, and its line's height


def _written(chart: str) -> list[tuple[float, float, float]]:
    """(left, right, y) of each value written."""
    rows = []
    for x, y, anchor, text in VALUE.findall(chart):
        width = len(html.unescape(text)) * CHAR_W
        left = float(x) - width if anchor == "end" else float(x) - width / 2
        rows.append((left, left + width, float(y)))
    return rows


def _weeks(n: int) -> list[date]:
    return [date(2026, 1, 5) + timedelta(weeks=i) for i in range(n)]


def test_a_long_stay_s_weekly_hours_are_written_without_overwriting_each_other():
    weeks = _weeks(22)
    minutes = {w: 540.0 + (i % 3) * 7 for i, w in enumerate(weeks)}  # 9 h, 9 h 7 min, 9 h 14 min
    chart = svg(weeks, [Series("attendance", "Hours attended", 0, 720, minutes, _duration)])
    rows = _written(chart)
    assert 1 < len(rows) < len(weeks)
    assert all(a[1] <= b[0] for a, b in pairwise(rows))
    assert VALUE.findall(chart)[-1][3] == html.escape(_duration(minutes[weeks[-1]]))
    assert chart.count("<circle") == len(weeks)


def test_values_far_enough_apart_are_all_written():
    weeks = _weeks(4)
    scores = {w: float(v) for w, v in zip(weeks, (12, 9, 7, 5), strict=True)}
    chart = svg(weeks, [Series("phq-9", "PHQ-9", 0, 27, scores)])
    assert [text for *_, text in VALUE.findall(chart)] == ["12", "9", "7", "5"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=720), min_size=1, max_size=60),
    st.booleans(),
)
def test_no_two_written_values_overlap_and_the_newest_is_always_written(values, as_hours):
    weeks = _weeks(len(values))
    weekly = {w: float(v) for w, v in zip(weeks, values, strict=True)}
    series = (
        Series("attendance", "Hours attended", 0, 720, weekly, _duration)
        if as_hours
        else Series("bam-risk", "BAM risk", 0, 720, weekly)
    )
    chart = svg(weeks, [series])
    rows = _written(chart)
    for a, b in combinations(rows, 2):
        assert a[1] <= b[0] or abs(a[2] - b[2]) >= LINE_H
    newest = VALUE.findall(chart)[-1]
    assert html.unescape(newest[3]) == series.written(weekly[weeks[-1]])
