"""Server-drawn SVG charts for the board, on the same axes, classes and caption rule as the
assessment trend chart (`assessments.templatetags.assessment_tags`): labelled axes, every
value written on the chart, and the same facts in a caption and a table beside it.

A chart is as wide as its labels need, never squeezed into a fixed frame: each bar's slot is
wide enough for the widest value or name written under it (a name of several words put on
up to three lines), and the curve's scale leaves room between its marked days. The drawing is
shown at its own size, 11-pixel text on a phone as on a desk, and scrolls sideways in its box
when the screen is narrower. Dropping labels would drop the months a director reads, and
slanted labels need as much room as wrapped ones while being harder to read."""

from collections.abc import Sequence
from itertools import pairwise

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from assessments.templatetags.assessment_tags import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH
from outcomes.figures import SurvivalStep

INNER_W, INNER_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
# The widest a character of 11-pixel sans-serif text is taken to be, and the room kept
# between two labels: generous, since the server cannot measure the browser's font.
CHAR_W = 7.0
GAP = 10
LINE_H = 13
MOST_LINES = 3
WIDEST_BAR = 48


def _percent(value: float) -> str:
    return f"{round(value * 100)}%"


def _y(share: float) -> float:
    return round(TOP + INNER_H - share * INNER_H, 1)


def _width(text: str) -> float:
    return len(text) * CHAR_W


def label_lines(label: str) -> list[str]:
    """A name on the fewest characters per line that fit it on at most three lines, broken
    only between words ("Dec 2025" as "Dec" over "2025"), so its slot is as narrow as it
    can be while every word stays whole."""
    words = label.split()
    if not words:
        return [label]
    for most in range(max(len(w) for w in words), len(label) + 1):
        lines = [words[0]]
        for word in words[1:]:
            if len(lines[-1]) + 1 + len(word) <= most:
                lines[-1] += f" {word}"
            else:
                lines.append(word)
        if len(lines) <= MOST_LINES:
            return lines
    return [label]


def _tick(x: float, lines: Sequence[str]) -> SafeString:
    """A name under the axis, one `tspan` per line."""
    spans = format_html_join(
        "",
        '<tspan x="{}" dy="{}">{}</tspan>',
        ((x, 0 if i == 0 else LINE_H, line) for i, line in enumerate(lines)),
    )
    return format_html(
        '<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text>',
        x,
        TOP + INNER_H + 14,
        spans,
    )


def _frame(axis_end: float) -> SafeString:
    ticks = format_html_join(
        "",
        '<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>',
        ((LEFT - 6, _y(v) + 4, _percent(v)) for v in (0, 0.5, 1)),
    )
    return format_html(
        '<line class="axis" x1="{l}" y1="{t}" x2="{l}" y2="{b}"></line>'
        '<line class="axis" x1="{l}" y1="{b}" x2="{r}" y2="{b}"></line>{ticks}',
        l=LEFT,
        t=TOP,
        b=TOP + INNER_H,
        r=round(axis_end, 1),
        ticks=ticks,
    )


def _figure(
    chart_id: str,
    title: str,
    body: SafeString,
    caption: str,
    size: tuple[float, int],
    right: float = RIGHT,
) -> SafeString:
    """The drawing at its own size (`size`: the axis's length and the most lines of a name
    under it), in a box that scrolls sideways on a narrower screen, and its caption."""
    inner, lines = size
    width = LEFT + inner + right
    height = TOP + INNER_H + 14 + (lines - 1) * LINE_H + 8
    return format_html(
        '<figure class="trend-chart board-chart"><div class="chart-scroll" tabindex="0" '
        'role="group" aria-label="{}"><svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'role="img" aria-labelledby="{}"><title>{}</title>{}{}</svg></div>'
        '<figcaption id="{}" class="muted small">{}</figcaption></figure>',
        title,
        chart_id,
        title,
        _frame(LEFT + inner),
        body,
        chart_id,
        caption,
        w=round(width, 1),
        h=height,
    )


def rate_bars(chart_id: str, title: str, bars: Sequence[tuple[str, float | None]]) -> SafeString:
    """One bar per label; a hidden figure is drawn as no bar with the word "hidden".

    With every figure hidden a row of empty bars would tell nothing: one sentence says so,
    and the table beside the chart still gives what the rule lets it show."""
    if not bars:
        return SafeString("")
    if all(share is None for _, share in bars):
        return format_html(
            '<p class="muted" id="{}">{}</p>',
            chart_id,
            gettext(
                "%(title)s: every figure is hidden (fewer than 11 people, or one that would "
                "give a hidden one away), so there is nothing to draw."
            )
            % {"title": title},
        )
    names = [label_lines(label) for label, _ in bars]
    widest = max(
        max(_width(line) for lines in names for line in lines),
        _width("hidden") if any(share is None for _, share in bars) else _width("100%"),
    )
    slot = max(INNER_W / len(bars), widest + GAP)
    width = min(slot * 0.6, WIDEST_BAR)
    parts = []
    for i, ((label, share), lines) in enumerate(zip(bars, names, strict=True)):
        x = round(LEFT + i * slot + (slot - width) / 2, 1)
        middle = round(LEFT + i * slot + slot / 2, 1)
        if share is None:
            parts.append(
                format_html(
                    '<text class="value" x="{}" y="{}" text-anchor="middle">hidden</text>',
                    middle,
                    TOP + INNER_H - 4,
                )
            )
        else:
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" class="bar">'
                    "<title>{}: {}</title></rect>"
                    '<text class="value" x="{}" y="{}" text-anchor="middle">{}</text>',
                    x,
                    _y(share),
                    round(width, 1),
                    round(share * INNER_H, 1),
                    label,
                    _percent(share),
                    middle,
                    _y(share) - 4,
                    _percent(share),
                )
            )
        parts.append(_tick(middle, lines))
    caption = "; ".join(
        f"{label}: {'hidden (fewer than 11 people)' if share is None else _percent(share)}"
        for label, share in bars
    )
    return _figure(
        chart_id,
        title,
        SafeString("".join(parts)),
        f"{title}. {caption}.",
        (len(bars) * slot, max(len(lines) for lines in names)),
    )


def survival_curve(
    chart_id: str, title: str, steps: Sequence[SurvivalStep], marks: dict[int, float | None]
) -> SafeString:
    """A step curve of the share still in care by days since admission, its scale wide
    enough that the labels of two neighbouring marked days never meet."""
    if not steps:
        return SafeString("")
    last_day = max(max(s.day for s in steps), *marks.keys())
    shown = [(day, share) for day, share in sorted(marks.items()) if share is not None]
    widest = max([_width(f"day {d}") for d, _ in shown] or [0])
    closest = min((b - a for (a, _), (b, _) in pairwise(shown)), default=0)
    per_day = INNER_W / max(last_day, 1)
    if closest:
        per_day = max(per_day, (widest + GAP) / closest)
    right = max(RIGHT, widest / 2)

    def x(day: int) -> float:
        return round(LEFT + day * per_day, 1)

    points = [f"{x(0)},{_y(1)}"]
    level = 1.0
    for step in steps:
        points.append(f"{x(step.day)},{_y(level)}")
        level = step.survival
        points.append(f"{x(step.day)},{_y(level)}")
    points.append(f"{x(steps[-1].day)},{_y(level)}")
    labels = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="3"><title>day {}: {}</title></circle>'
        '<text class="value" x="{}" y="{}" text-anchor="middle">{}</text>{}',
        (
            (x(d), _y(s), d, _percent(s), x(d), _y(s) - 7, _percent(s), _tick(x(d), [f"day {d}"]))
            for d, s in shown
        ),
    )
    body = format_html('<polyline points="{}"></polyline>{}', " ".join(points), labels)
    caption = "; ".join(
        f"day {d}: {'hidden (fewer than 11 still in care)' if s is None else _percent(s)}"
        for d, s in sorted(marks.items())
    )
    return _figure(
        chart_id, title, body, f"{title}. {caption}.", (max(last_day, 1) * per_day, 1), right
    )


def after_care(board) -> dict[str, SafeString]:
    """The charts of the board's later sections, each beside its table on the page."""
    points = [board.abstinence, *[s.abstinence for s in board.stages]]
    return {
        "reach_chart": rate_bars(
            "follow-up-reach",
            "Follow-up reach by stage",
            [(f"Day {s.day}", s.reach_rate) for s in board.stages],
        ),
        "abstinence_chart": rate_bars(
            "abstinence-self-report",
            "Abstinent by self-report",
            [(p.label, p.self_rate) for p in points],
        ),
        "verified_chart": rate_bars(
            "abstinence-screens",
            "Abstinent, screen-verified",
            [(p.label, p.screen_rate) for p in points],
        ),
        "measures_chart": rate_bars(
            "measures-improved",
            "Reliably improved, by instrument",
            [(m.label, m.improved_rate) for m in board.measures],
        ),
        "notes_chart": rate_bars(
            "notes-on-time",
            "Progress notes signed on time",
            [("Signed on time", board.notes.on_time_rate)],
        ),
        "alerts_chart": rate_bars(
            "alerts-within-a-day",
            "Alerts acknowledged within 24 hours, by severity",
            [(a.label, a.within.get(24) if a.shown else None) for a in board.alerts],
        ),
    }
