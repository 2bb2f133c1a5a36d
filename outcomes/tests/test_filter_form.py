"""The board's filter form, written by `tandem.widgets.PythonWidgets`, is the markup Django's
widget templates write: unsent, sent, and sent with errors, with hostile program names."""

from datetime import date

import pytest
from django.forms.renderers import DjangoTemplates

from accounts.models import Program
from outcomes import selectors
from outcomes.forms import FilterForm
from tandem.widgets import PythonWidgets

HOSTILE = '<img src=x onerror=alert(1)> & "IOP"'


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"start": "2026-01-01", "end": "2026-06-30", "sex": "female", "breakdown": "site"},
        {"start": "2026-13-01", "end": "2025-01-01", "program": "999", "breakdown": "?"},
    ],
)
def test_the_filter_form_is_the_markup_of_djangos_templates(world, data):
    Program.objects.filter(pk=world.program.pk).update(name=HOSTILE)
    options = selectors.choices([world.org.pk])
    if data is not None:
        data = {**data, "program": data.get("program", str(world.program.pk))}
    today = date(2026, 11, 18)
    form = FilterForm(data, options=options, today=today)
    templates = FilterForm(data, options=options, today=today, renderer=DjangoTemplates())
    assert isinstance(form.renderer, PythonWidgets)
    if data is not None:
        assert form.is_valid() == templates.is_valid()

    for mine, theirs in zip(form.visible_fields(), templates.visible_fields(), strict=True):
        assert str(mine) == str(theirs)
    assert "&lt;img src=x" in str(form["program"]) and HOSTILE not in str(form["program"])
