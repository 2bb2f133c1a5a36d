"""Phone numbers in a safety plan as tap-to-call links: a participant in a crisis reaches the
people on their plan with one tap, not by copying digits from the text."""

import re

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# A number as people write it: groups of digits with one space, dot or dash between them, an
# area code maybe in brackets, maybe a leading +; or the short crisis numbers 988 and 911.
_PHONE = re.compile(
    r"(?<![\w+])(?:\+?(?:\(\d{1,4}\)|\d{1,4})(?:[ .-]?(?:\(\d{1,4}\)|\d{1,4})){1,5}|988|911)(?!\w)"
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _dialled(written: str) -> str:
    """The number to dial: its digits, with the leading + of an international number."""
    digits = re.sub(r"\D", "", written)
    return "+" + digits if written.startswith("+") else digits


def _is_phone(written: str) -> bool:
    if written in ("988", "911"):
        return True
    return 7 <= len(re.sub(r"\D", "", written)) <= 15 and not _DATE.fullmatch(written)


@register.filter
def tel_href(number: str) -> str:
    """`tel:` and the digits of a number written for people ("555-0100" → "tel:5550100")."""
    return "tel:" + _dialled(number)


@register.filter
def phone_links(text: str) -> SafeString:
    """The text, escaped, with each phone number in it a `tel:` link showing it as written."""
    parts: list[str] = []
    start = 0
    for found in _PHONE.finditer(text):
        written = found.group()
        if not _is_phone(written):
            continue
        parts.append(format_html("{}", text[start : found.start()]))
        parts.append(format_html('<a href="{}">{}</a>', tel_href(written), written))
        start = found.end()
    parts.append(format_html("{}", text[start:]))
    return mark_safe("".join(parts))
