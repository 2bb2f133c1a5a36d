"""The under-dosed panel's rows, written in Python, are the markup the template wrote."""

from datetime import date

from django.template import Context, Template

from accounts.models import Program
from attendance.home import under_dosed_rows

# The panel's list items as the template wrote them, before they were written in Python.
_AS_TEMPLATE = """{% for p in panel.programs %}
    <li>{{ p.program.name }}: <strong>{{ p.count }}</strong> participant{{ p.count|pluralize }} cannot reach this week's requirement (week of {{ p.week|day }}).</li>
  {% endfor %}"""


def test_the_rows_are_the_templates_with_a_hostile_program_name(world):
    hostile = Program.objects.create(organization=world.org, name="<b>&\"'")
    rows = [
        {"program": hostile, "week": date(2026, 11, 16), "count": 1},
        {"program": world.program, "week": date(2026, 11, 16), "count": 3},
        {"program": world.program, "week": date(2026, 11, 23), "count": 0},
    ]

    written = under_dosed_rows(rows)

    assert written == Template(_AS_TEMPLATE).render(Context({"panel": {"programs": rows}}))
    assert "<li>&lt;b&gt;&amp;&quot;&#x27;: <strong>1</strong> participant cannot" in written
    assert "<strong>3</strong> participants cannot" in written
