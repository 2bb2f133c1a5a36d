"""Template helpers for assessment pages: a server-side SVG sparkline of totals, and the
instruments' plain titles on a participant's pages."""

from datetime import datetime

from django import template
from django.utils import translation
from django.utils.html import format_html, format_html_join

from assessments.instruments import titles
from assessments.instruments.types import Instrument
from assessments.selectors import Cutoff, InstrumentHistory
from tandem.templatetags.clock import day

register = template.Library()


@register.filter
def plain_title(instrument: Instrument) -> str:
    """The instrument's title on a participant's page, in the page's language:
    "How you have been feeling (PHQ-9)"."""
    return titles.plain_title(instrument, translation.get_language())


WIDTH, HEIGHT = 480, 200
LEFT, RIGHT, TOP, BOTTOM = 40, 16, 18, 34
MOST_VALUE_LABELS = 12


def trend_summary(
    instrument: Instrument, points: list[tuple[datetime, int]], cutoff: Cutoff | None
) -> str:
    """The chart as a sentence, for screen readers and for anyone who prefers the words."""
    values = "; ".join(f"{day(m)}: {t}" for m, t in points)
    cut_text = f" {cutoff.label.capitalize()}." if cutoff is not None else ""
    return f"{instrument.short_name} totals, oldest first. {values}.{cut_text}"


@register.simple_tag
def trend_chart(history: InstrumentHistory) -> str:
    """A server-rendered SVG trend: the instrument's full range on a labelled score axis,
    dates on the time axis, each total written by its point, the cut-off the scores were
    screened against dashed and named (the program's, when it set its own), and the same
    facts as text in a caption (no script: the CSP forbids inline scripts)."""
    instrument, points, cutoff = history.instrument, history.trend, history.cutoff
    if len(points) < 2:
        return ""
    low, high = instrument.scoring.total_range or (0, max(total for _, total in points))
    span = max(high - low, 1)
    start, end = points[0][0], points[-1][0]
    seconds = max((end - start).total_seconds(), 1)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(moment: datetime) -> float:
        return round(LEFT + (moment - start).total_seconds() / seconds * inner_w, 1)

    def y(value: float) -> float:
        return round(TOP + inner_h - (value - low) / span * inner_h, 1)

    y_ticks = sorted({low, high, *([cutoff.value] if cutoff is not None else [])})
    axis = format_html(
        '<line class="axis" x1="{l}" y1="{t}" x2="{l}" y2="{b}"></line>'
        '<line class="axis" x1="{l}" y1="{b}" x2="{r}" y2="{b}"></line>',
        l=LEFT,
        t=TOP,
        b=TOP + inner_h,
        r=WIDTH - RIGHT,
    )
    y_labels = format_html_join(
        "",
        '<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>',
        ((LEFT - 6, y(v) + 4, v) for v in y_ticks),
    )
    shown_dates = [points[0][0], points[-1][0]]
    if len(points) > 2:
        shown_dates.insert(1, points[len(points) // 2][0])
    x_labels = format_html_join(
        "",
        '<text class="tick" x="{}" y="{}" text-anchor="{}">{}</text>',
        (
            (x(m), HEIGHT - 10, anchor, day(m))
            for m, anchor in zip(
                shown_dates,
                ["start", "middle", "end"] if len(shown_dates) == 3 else ["start", "end"],
                strict=True,
            )
        ),
    )
    cut_line = (
        format_html(
            '<line class="cutoff" x1="{}" x2="{}" y1="{}" y2="{}"></line>'
            '<text class="tick cutoff-label" x="{}" y="{}" text-anchor="end">{}</text>',
            LEFT,
            WIDTH - RIGHT,
            y(cutoff.value),
            y(cutoff.value),
            WIDTH - RIGHT,
            y(cutoff.value) - 4,
            cutoff.label,
        )
        if cutoff is not None
        else ""
    )
    line = " ".join(f"{x(m)},{y(t)}" for m, t in points)
    labelled = len(points) <= MOST_VALUE_LABELS
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="3"><title>{}: {}</title></circle>{}',
        (
            (
                x(m),
                y(t),
                day(m),
                t,
                format_html(
                    '<text class="value" x="{}" y="{}" text-anchor="middle">{}</text>',
                    x(m),
                    y(t) - 7,
                    t,
                )
                if labelled
                else "",
            )
            for m, t in points
        ),
    )
    summary = trend_summary(instrument, points, cutoff)
    return format_html(
        '<figure class="trend-chart"><svg viewBox="0 0 {} {}" role="img" aria-labelledby="{}">'
        '<title>{} trend</title>{}{}{}{}<polyline points="{}"></polyline>{}</svg>'
        '<figcaption id="{}" class="muted small">{}</figcaption></figure>',
        WIDTH,
        HEIGHT,
        f"trend-{instrument.code}",
        instrument.short_name,
        axis,
        y_labels,
        x_labels,
        cut_line,
        line,
        dots,
        f"trend-{instrument.code}",
        summary,
    )
