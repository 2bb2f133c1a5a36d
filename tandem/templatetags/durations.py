"""Durations as clinic staff say them, on every page that writes minutes (a template builtin:
no `{% load %}` needed)."""

from django import template

register = template.Library()


@register.filter
def hours(minutes: int | None, nothing: str = "0 h") -> str:
    """Minutes as clinic staff say them: 540 -> "9 h", 450 -> "7 h 30 min", 45 -> "45 min".

    Zero, or no value, is `nothing`: "0 h" by default, never "0 min", so "0 h attended of
    9 h required" reads like its neighbours. A table cell for what is still to come or still
    to record passes "—" (`value|hours:"—"`): nothing is there, rather than a measured zero.
    """
    minutes = int(minutes or 0)
    if not minutes:
        return nothing
    whole, rest = divmod(minutes, 60)
    if not whole:
        return f"{rest} min"
    return f"{whole} h" if not rest else f"{whole} h {rest} min"
