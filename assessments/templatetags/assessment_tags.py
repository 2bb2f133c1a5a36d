"""Template helpers for assessment pages: a server-side SVG sparkline of totals."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from assessments.instruments.types import Instrument

register = template.Library()

WIDTH, HEIGHT, PAD = 240, 56, 5


def _threshold(instrument: Instrument) -> int | None:
    rule = instrument.positive
    if rule is None or rule.by_sex or rule.comparison != "at-least":
        return None
    return rule.threshold


@register.simple_tag
def sparkline(instrument: Instrument, points: list[tuple[datetime, int]]) -> str:
    """An inline SVG of totals over time on the instrument's full range, cut-off dashed.

    Built on the server so no script is needed (the CSP forbids inline scripts); the
    values are also in the label for screen readers.
    """
    if len(points) < 2:
        return ""
    low, high = instrument.scoring.total_range or (0, max(total for _, total in points))
    span = max(high - low, 1)
    start, end = points[0][0], points[-1][0]
    seconds = max((end - start).total_seconds(), 1)

    def x(moment: datetime) -> float:
        return round(PAD + (moment - start).total_seconds() / seconds * (WIDTH - 2 * PAD), 1)

    def y(value: int) -> float:
        return round(HEIGHT - PAD - (value - low) / span * (HEIGHT - 2 * PAD), 1)

    line = " ".join(f"{x(m)},{y(t)}" for m, t in points)
    cut = _threshold(instrument)
    cut_line = (
        format_html(
            '<line class="cutoff" x1="{}" x2="{}" y1="{}" y2="{}"></line>',
            PAD,
            WIDTH - PAD,
            y(cut),
            y(cut),
        )
        if cut is not None
        else ""
    )
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="2.5"><title>{}: {}</title></circle>',
        ((x(m), y(t), timezone.localtime(m).strftime("%Y-%m-%d"), t) for m, t in points),
    )
    label = f"{instrument.short_name} totals, oldest first: " + ", ".join(str(t) for _, t in points)
    if cut is not None:
        label += f" (cut-off {cut})"
    return format_html(
        '<svg class="sparkline" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
        'aria-label="{}">{}<polyline points="{}"></polyline>{}</svg>',
        WIDTH,
        HEIGHT,
        WIDTH,
        HEIGHT,
        label,
        cut_line,
        line,
        dots,
    )
