"""Template helpers for attendance pages."""

from django import template

register = template.Library()


@register.filter
def hours(minutes: int | None) -> str:
    """Minutes as clinic staff say them: 540 -> "9 h", 450 -> "7 h 30 min", 45 -> "45 min"."""
    minutes = int(minutes or 0)
    whole, rest = divmod(minutes, 60)
    if not whole:
        return f"{rest} min"
    return f"{whole} h" if not rest else f"{whole} h {rest} min"
