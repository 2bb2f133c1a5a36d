"""The shared `hours` filter: every staff page writes minutes, and zero, the same way, and a
number never parts from its unit at the end of a line."""

import pytest
from django.template import Context, Template

from tandem.templatetags.durations import hours

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("minutes", "said"),
    [(540, "9 h"), (450, "7 h 30 min"), (45, "45 min"), (0, "0 h"), (None, "0 h")],
)
def test_minutes_read_as_staff_say_them_and_zero_is_never_0_min(minutes, said):
    assert hours(minutes).replace(NBSP, " ") == said


@pytest.mark.parametrize(
    ("minutes", "said"),
    [(540, f"9{NBSP}h"), (590, f"9{NBSP}h 50{NBSP}min"), (50, f"50{NBSP}min"), (0, f"0{NBSP}h")],
)
def test_a_number_and_its_unit_are_joined_by_a_no_break_space(minutes, said):
    """On a phone "9 h" and "50 min" never split between the number and its unit; the hours
    and the minutes of "9 h 50 min" may still go on two lines."""
    assert hours(minutes) == said


def test_a_table_cell_with_nothing_in_it_passes_its_own_word():
    template = Template('{{ a|hours:"—" }} / {{ b|hours:"—" }}')
    assert template.render(Context({"a": 0, "b": 90})) == f"— / 1{NBSP}h 30{NBSP}min"
