"""`PythonWidgets` writes exactly the markup Django's widget templates write: hostile values
escaped, optgroups, attributes true, false and hostile, empty and set values."""

from datetime import date

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from tandem.widgets import PythonWidgets

HOSTILE = "<script>alert('x')</script> & \"quoted\""


class Everything(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs={"data-x": HOSTILE, "autofocus": True}))
    number = forms.IntegerField(required=False, widget=forms.NumberInput(attrs={"hidden": False}))
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    flat = forms.ChoiceField(
        choices=[("", "Any"), (HOSTILE, HOSTILE), ("safe", mark_safe("<b>bold</b>")), (3, "Three")]
    )
    grouped = forms.ChoiceField(
        required=False,
        choices=[("", "None"), (HOSTILE, [("a", "A & a"), ("b", "B")]), ("Plain", [("c", "C")])],
    )


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"text": HOSTILE, "number": "12", "day": "2026-02-03", "flat": HOSTILE, "grouped": "a"},
        {"text": "", "number": "x", "day": "2026-13-45", "flat": "nope", "grouped": "b"},
    ],
)
def test_the_widgets_are_the_markup_django_templates_write(data):
    initial = {"day": date(2026, 1, 2), "flat": "safe"}
    python = Everything(data, initial=initial, renderer=PythonWidgets())
    templates = Everything(data, initial=initial, renderer=DjangoTemplates())
    if data is not None:  # a bound form marks its invalid fields
        assert python.is_valid() == templates.is_valid()

    for mine, theirs in zip(python, templates, strict=True):
        assert str(mine) == str(theirs)
    assert HOSTILE not in str(python["flat"])
