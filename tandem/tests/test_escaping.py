"""The quick `format_html` writes exactly what Django's does, escaping what it escapes."""

from datetime import date
from uuid import UUID

import pytest
from django.utils import html as django_html
from django.utils.functional import lazy
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from tandem.escaping import format_html, format_html_join, joined_html

VALUES = [
    "<script>alert('x')</script> & \"quoted\"",
    mark_safe("<b>kept</b>"),
    gettext_lazy("Sign out"),
    lazy(lambda: "<i>lazy & raw</i>", str)(),
    lazy(lambda: mark_safe("<i>lazy safe</i>"), SafeString)(),
    42,
    None,
    date(2026, 9, 8),
    UUID(int=7),
    django_html.format_html("<a href='{}'>{}</a>", "/x?a=1&b=2", "<name>"),
    # Text with one character to escape each, and none: plain text takes a quicker path.
    "O'Neil",
    'say "hi"',
    "Tom & Jerry",
    "a < b",
    "b > a",
    "Jo Smith",
    True,
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_each_value_is_written_as_djangos_format_html_writes_it(value):
    mine = format_html('<td title="{}">{}</td>', value, value)
    assert mine == django_html.format_html('<td title="{}">{}</td>', value, value)
    assert isinstance(mine, SafeString)


def test_rows_are_joined_as_djangos_format_html_join_joins_them():
    rows = [(value, "<&>") for value in VALUES]
    for sep in (", ", "<br>", mark_safe("<br>")):
        mine = format_html_join(sep, "<li>{} {}</li>", rows)
        assert mine == django_html.format_html_join(sep, "<li>{} {}</li>", rows)
        assert isinstance(mine, SafeString)


def test_rows_already_written_are_joined_as_djangos_format_html_join_joins_them():
    rows = [format_html("<tr><td>{}</td></tr>", value) for value in VALUES]
    for sep in ("\n", "<br>", mark_safe("<br>")):
        mine = joined_html(sep, iter(rows))
        assert mine == django_html.format_html_join(sep, "{}", ((row,) for row in rows))
        assert isinstance(mine, SafeString)
