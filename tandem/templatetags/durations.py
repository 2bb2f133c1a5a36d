"""Durations as clinic staff say them, on every page that writes minutes (a template builtin:
no `{% load %}` needed)."""

from django import template

register = template.Library()

# Between a number and its unit: a narrow column or a phone never leaves "9" at the end of
# one line and "h" at the start of the next.
UNIT_SPACE = "\u00a0"


@register.filter
def hours(minutes: int | None, nothing: str = f"0{UNIT_SPACE}h") -> str:
    """Minutes as clinic staff say them: 540 -> "9 h", 450 -> "7 h 30 min", 45 -> "45 min",
    each number joined to its unit by a no-break space (`UNIT_SPACE`).

    Zero, or no value, is `nothing`: "0 h" by default, never "0 min", so "0 h attended of
    9 h required" reads like its neighbours. A table cell for what is still to come or still
    to record passes "—" (`value|hours:"—"`): nothing is there, rather than a measured zero.
    """
    minutes = int(minutes or 0)
    if not minutes:
        return nothing
    whole, rest = divmod(minutes, 60)
    if not whole:
        return f"{rest}{UNIT_SPACE}min"
    hours_part = f"{whole}{UNIT_SPACE}h"
    return hours_part if not rest else f"{hours_part} {rest}{UNIT_SPACE}min"
