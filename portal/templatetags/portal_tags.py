"""How the portal says an amount of time to a participant reading it on a phone."""

from django import template
from django.utils.translation import gettext, ngettext

register = template.Library()


@register.filter
def spoken_hours(minutes: int | None) -> str:
    """Minutes in words, in the page's language, counted as the language counts them:
    540 -> "9 hours", 60 -> "1 hour", 450 -> "7 hours 30 minutes", 45 -> "45 minutes", and
    nothing yet -> "0 hours" (never "0 min", never "9 h" to decipher)."""
    whole, rest = divmod(int(minutes or 0), 60)
    hours = ngettext("%(count)d hour", "%(count)d hours", whole) % {"count": whole}
    if not rest:
        return hours
    spoken = ngettext("%(count)d minute", "%(count)d minutes", rest) % {"count": rest}
    if not whole:
        return spoken
    return gettext("%(hours)s %(minutes)s") % {"hours": hours, "minutes": spoken}
