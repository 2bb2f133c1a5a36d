"""Where a name or a label may wrap (a template builtin: no `{% load %}` needed)."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def whole_words(text: str) -> SafeString:
    """Text that wraps only at its spaces: "Dual-Diagnosis Adult IOP" may go to a second line
    before "Adult", never after "Dual-", and "Mood (check-in)" never leaves "in)" alone, as a
    browser breaks a line after any hyphen. Each hyphenated word is kept on one line."""
    words = conditional_escape(text).split(" ")
    return mark_safe(  # every word was escaped above
        " ".join(f'<span class="nowrap">{w}</span>' if "-" in w else w for w in words)
    )
