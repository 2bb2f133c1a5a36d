"""The shared `hours` filter: every staff page writes minutes, and zero, the same way."""

import pytest
from django.template import Context, Template

from tandem.templatetags.durations import hours


@pytest.mark.parametrize(
    ("minutes", "said"),
    [(540, "9 h"), (450, "7 h 30 min"), (45, "45 min"), (0, "0 h"), (None, "0 h")],
)
def test_minutes_read_as_staff_say_them_and_zero_is_never_0_min(minutes, said):
    assert hours(minutes) == said


def test_a_table_cell_with_nothing_in_it_passes_its_own_word():
    template = Template('{{ a|hours:"—" }} / {{ b|hours:"—" }}')
    assert template.render(Context({"a": 0, "b": 90})) == "— / 1 h 30 min"
