"""One picture of a participant: every measure per week on one time axis.

Weekly values: an instrument's last score in the week, the mean of the week's check-ins,
the hours attended and the drug screens' flags. Drawn server-side as small panels stacked over the same week axis
(each with its own labelled score axis and each value written by its point where it does not
run into the next one), with every number in a table. Drug-screen results join when the drug-screen module registers a
series provider (`SERIES_PROVIDERS`).
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Sum
from django.utils.html import format_html, format_html_join

from attendance.models import Attendance
from participants.models import Episode, Participant
from tandem.hooks import Hook
from tandem.templatetags.clock import day
from tandem.templatetags.durations import hours

WIDTH, PANEL_H, LEFT, RIGHT, TOP, GAP = 720, 70, 190, 16, 10, 26


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    low: float
    high: float
    weekly: dict[date, float]  # Monday -> value
    # A value as the chart and the table write it: a score as a number, the attendance's
    # minutes as every page writes a duration ("9 h 35 min", not 9.6).
    written: Callable[[float], str] = _num


# `provider(participant, first_monday, tz, since) -> list[Series]` for other modules (drug
# screens): with a `since` (the Monday of a stay's referral), only what fell from that week
# on, read so, not read whole and cut here.
SERIES_PROVIDERS: Hook[Callable[[Participant, date, ZoneInfo, date | None], list[Series]]] = Hook(
    "measurement.series_providers"
)

RANGES = {
    "phq-9": (0, 27),
    "gad-7": (0, 21),
    "pcl-5": (0, 80),
    "bam-use": (0, 12),
    "bam-risk": (0, 24),
    "bam-protective": (0, 24),
    "checkin-craving": (0, 10),
    "checkin-mood": (0, 10),
}


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly(points, *, tz, mean: bool) -> dict[date, float]:
    buckets: dict[date, list[float]] = defaultdict(list)
    for at, value in points:
        buckets[monday(at.astimezone(tz).date())].append(float(value))
    return {week: round(sum(vs) / len(vs), 1) if mean else vs[-1] for week, vs in buckets.items()}


def build(
    participant: Participant, measures, *, tz, today: date, episode: Episode | None = None
) -> tuple[list[date], list[Series]]:
    """The week axis and the series on it; with an `episode`, that stay's alone (`measures`
    are its own already): its attendance, and other modules' series from its first week."""
    series = [
        Series(
            m.key,
            m.label,
            *RANGES.get(m.key, (0, 10)),
            weekly(m.series, tz=tz, mean=m.key.startswith("checkin-")),
        )
        for m in measures
        if m.series
    ]
    stay: dict[str, object] = (
        {"episode": episode} if episode is not None else {"episode__participant": participant}
    )
    attended_minutes = (
        Attendance.objects.current()
        .filter(**stay)
        .values_list("session__date")
        .annotate(minutes=Sum("minutes"))
    )
    attended: dict[date, float] = defaultdict(int)
    for on, minutes in attended_minutes:
        attended[monday(on)] += minutes
    if attended:
        top = max(12 * 60, max(attended.values()))
        series.append(
            Series("attendance", "Hours attended", 0, top, dict(attended), written=_duration)
        )
    firsts = [min(s.weekly) for s in series if s.weekly]
    since = monday(episode.referred_on) if episode is not None else None
    for provider in SERIES_PROVIDERS.implementations():
        series.extend(provider(participant, min(firsts) if firsts else monday(today), tz, since))
    firsts = [min(s.weekly) for s in series if s.weekly]
    if not firsts:
        return [], series
    weeks, week = [], min(firsts)
    last = monday(today)
    while week <= last:
        weeks.append(week)
        week += timedelta(days=7)
    return weeks, series


def svg(weeks: list[date], series: list[Series]) -> str:
    """Panels over one shared week axis; values written by their points where they fit."""
    if not weeks or not series:
        return ""
    inner_w = WIDTH - LEFT - RIGHT
    step = inner_w / max(len(weeks) - 1, 1)
    index = {w: i for i, w in enumerate(weeks)}
    height = TOP + len(series) * (PANEL_H + GAP) + 30
    parts = []
    for n, s in enumerate(series):
        top = TOP + n * (PANEL_H + GAP)
        bottom = top + PANEL_H
        span = max(s.high - s.low, 1)

        def y(v: float, top=top, span=span, s=s) -> float:
            return round(top + PANEL_H - (v - s.low) / span * PANEL_H, 1)

        points = [
            (round(LEFT + index[w] * step, 1), y(v), v)
            for w, v in sorted(s.weekly.items())
            if w in index
        ]
        parts.append(
            format_html(
                '<g class="panel"><text class="series-label" x="4" y="{}">{}</text>'
                '<line class="axis" x1="{l}" y1="{t}" x2="{l}" y2="{b}"></line>'
                '<line class="axis" x1="{l}" y1="{b}" x2="{r}" y2="{b}"></line>'
                '<text class="tick" x="{tx}" y="{ty1}" text-anchor="end">{hi}</text>'
                '<text class="tick" x="{tx}" y="{ty2}" text-anchor="end">{lo}</text>'
                '<polyline class="trend" points="{line}"></polyline>{dots}{values}</g>',
                top + PANEL_H // 2,
                s.label,
                l=LEFT,
                t=top,
                b=bottom,
                r=WIDTH - RIGHT,
                tx=LEFT - 4,
                ty1=top + 8,
                ty2=bottom,
                hi=s.written(s.high),
                lo=s.written(s.low),
                line=" ".join(f"{x},{yy}" for x, yy, _ in points),
                dots=format_html_join(
                    "", '<circle cx="{}" cy="{}" r="3"></circle>', ((x, yy) for x, yy, _ in points)
                ),
                values=format_html_join(
                    "",
                    '<text class="value" x="{}" y="{}" text-anchor="{}">{}</text>',
                    ((x, yy - 5, _anchor(x), text) for x, yy, text in _values(points, s.written)),
                ),
            )
        )
    shown = [weeks[0], weeks[len(weeks) // 2], weeks[-1]] if len(weeks) > 2 else weeks
    axis_y = TOP + len(series) * (PANEL_H + GAP) + 12
    # The last week's label ends at the axis's end, so that it is not cut off by the frame.
    labels = format_html_join(
        "",
        '<text class="tick" x="{}" y="{}" text-anchor="{}">week of {}</text>',
        (
            (
                round(LEFT + index[w] * step, 1),
                axis_y,
                "end" if w == weeks[-1] and len(weeks) > 1 else "middle",
                day(w),
            )
            for w in shown
        ),
    )
    return format_html(
        '<svg class="trajectory" viewBox="0 0 {} {}" role="img" aria-label="{}">{}{}</svg>',
        WIDTH,
        height,
        "Weekly measures on one time axis; the same values are in the table below.",
        format_html_join("", "{}", ((p,) for p in parts)),
        labels,
    )


# A value's width on the chart, per character (its font is 10 px), and its line's height.
_CHAR_W, _LINE_H = 6.0, 11.0


def _values(
    points: list[tuple[float, float, float]], written: Callable[[float], str]
) -> list[tuple[float, float, str]]:
    """The values to write by their points: the newest always, then each earlier one whose
    text clears those written after it. Weekly points of a long stay are closer than "9 h
    35 min" is wide, and overwritten values read as neither; every value is in the table."""
    shown: list[tuple[float, float, str]] = []
    for x, y, v in reversed(points):
        text = written(v)
        right = _extent(x, text)[1]
        if all(
            right <= _extent(later_x, later_text)[0] or abs(y - later_y) >= _LINE_H
            for later_x, later_y, later_text in shown
        ):
            shown.append((x, y, text))
    return shown[::-1]


def _extent(x: float, text: str) -> tuple[float, float]:
    width = len(text) * _CHAR_W
    return (x - width, x) if _anchor(x) == "end" else (x - width / 2, x + width / 2)


def _anchor(x: float) -> str:
    """A value written by its point ends there at the axis's end ("9 h 34 min" would run
    out of the frame), as the last week's label does; elsewhere it is centred."""
    return "end" if x >= WIDTH - RIGHT - 1 else "middle"


def _duration(minutes: float) -> str:
    return hours(int(minutes))
