"""Server-drawn SVG charts for the board, on the same frame, classes and caption rule as the
assessment trend chart (`assessments.templatetags.assessment_tags`): labelled axes, every
value written on the chart, and the same facts in a caption and a table beside it."""

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from assessments.templatetags.assessment_tags import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH
from outcomes.figures import SurvivalStep

INNER_W, INNER_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM


def _percent(value: float) -> str:
    return f"{round(value * 100)}%"


def _y(share: float) -> float:
    return round(TOP + INNER_H - share * INNER_H, 1)


def _frame() -> SafeString:
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
        r=WIDTH - RIGHT,
        ticks=ticks,
    )


def _figure(chart_id: str, title: str, body: SafeString, caption: str) -> SafeString:
    return format_html(
        '<figure class="trend-chart"><svg viewBox="0 0 {} {}" role="img" aria-labelledby="{}">'
        "<title>{}</title>{}{}</svg>"
        '<figcaption id="{}" class="muted small">{}</figcaption></figure>',
        WIDTH,
        HEIGHT,
        chart_id,
        title,
        _frame(),
        body,
        chart_id,
        caption,
    )


def rate_bars(chart_id: str, title: str, bars: Sequence[tuple[str, float | None]]) -> SafeString:
    """One bar per label; a hidden figure is drawn as no bar with the word "hidden"."""
    if not bars:
        return SafeString("")
    slot = INNER_W / len(bars)
    width = max(slot * 0.6, 2)
    parts = []
    for i, (label, share) in enumerate(bars):
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
        parts.append(
            format_html(
                '<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text>',
                middle,
                HEIGHT - 10,
                label,
            )
        )
    caption = "; ".join(
        f"{label}: {'hidden (fewer than 11 people)' if share is None else _percent(share)}"
        for label, share in bars
    )
    return _figure(chart_id, title, SafeString("".join(parts)), f"{title}. {caption}.")


def survival_curve(
    chart_id: str, title: str, steps: Sequence[SurvivalStep], marks: dict[int, float | None]
) -> SafeString:
    """A step curve of the share still in care by days since admission."""
    if not steps:
        return SafeString("")
    last_day = max(max(s.day for s in steps), *marks.keys())

    def x(day: int) -> float:
        return round(LEFT + day / max(last_day, 1) * INNER_W, 1)

    points = [f"{x(0)},{_y(1)}"]
    level = 1.0
    for step in steps:
        points.append(f"{x(step.day)},{_y(level)}")
        level = step.survival
        points.append(f"{x(step.day)},{_y(level)}")
    points.append(f"{x(steps[-1].day)},{_y(level)}")
    shown = [(day, share) for day, share in sorted(marks.items()) if share is not None]
    labels = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="3"><title>day {}: {}</title></circle>'
        '<text class="value" x="{}" y="{}" text-anchor="middle">{}</text>'
        '<text class="tick" x="{}" y="{}" text-anchor="middle">day {}</text>',
        (
            (x(d), _y(s), d, _percent(s), x(d), _y(s) - 7, _percent(s), x(d), HEIGHT - 10, d)
            for d, s in shown
        ),
    )
    body = format_html('<polyline points="{}"></polyline>{}', " ".join(points), labels)
    caption = "; ".join(
        f"day {d}: {'hidden (fewer than 11 still in care)' if s is None else _percent(s)}"
        for d, s in sorted(marks.items())
    )
    return _figure(chart_id, title, body, f"{title}. {caption}.")


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
