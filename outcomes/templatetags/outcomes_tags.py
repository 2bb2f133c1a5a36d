"""How the board writes a figure: a share as a percentage, a hidden figure as "hidden"."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def share(value: float | None) -> str:
    if value is None:
        return format_html('<span class="muted" title="{}">hidden</span>', "fewer than 11 people")
    return f"{round(value * 100)}%"


@register.filter
def figure(value) -> str:
    if value is None:
        return format_html('<span class="muted" title="{}">hidden</span>', "fewer than 11 people")
    return str(value)
