"""Django's `format_html` and `format_html_join`, the same markup for a quarter of the work.

Django escapes each value through `escape`, whose lazy-string wrapper checks every argument
of every call; a chart read escapes some sixty values that way, which cost more than the
escaping itself. These escape each value as `conditional_escape` does (a lazy string is made
a string first, a value with `__html__` gives its own markup, anything else goes through
`html.escape`), without the wrapper.
"""

from collections.abc import Iterable
from html import escape
from typing import Any

from django.utils.functional import Promise
from django.utils.safestring import SafeString


def _escaped(value: Any) -> str:
    # Most values of a row are told by their type alone, and most text has nothing to escape:
    # asking each what it is, or escaping what needs none, costs rows of hundreds of cells
    # more than writing them (a plain `str` neither is lazy nor gives its own markup).
    kind = type(value)
    if kind is str:
        if "&" in value or "<" in value or ">" in value or '"' in value or "'" in value:
            return escape(value)
        return value
    if kind is SafeString:
        return str.__str__(value)  # as plain text: formatting markup asks it for its `str`
    if kind is int:
        return str(value)
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


def format_html(format_string: str, *args: Any) -> SafeString:
    """`django.utils.html.format_html` with positional values: the format string is trusted
    markup, every value is escaped unless it is markup already."""
    return SafeString(format_string.format(*map(_escaped, args)))


def format_html_join(sep: str, format_string: str, args_generator: Iterable) -> SafeString:
    """`django.utils.html.format_html_join`: `format_html` for each set of values, joined
    by the escaped separator."""
    return SafeString(
        _escaped(sep).join(format_string.format(*map(_escaped, args)) for args in args_generator)
    )


def joined_html(sep: str, parts: Iterable[SafeString]) -> SafeString:
    """Markup (each part written by `format_html`) joined by the escaped separator, as
    `format_html_join(sep, "{}", ...)` joins it without formatting each part again."""
    return SafeString(_escaped(sep).join(parts))
