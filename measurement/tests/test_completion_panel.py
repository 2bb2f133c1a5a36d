"""The questionnaires panel's rows, written in Python, are the markup the template wrote."""

from django.template import Context, Template

from accounts.models import Program
from measurement.home import Completion, completion_rows

# The panel's rows as the template wrote them, before they were written in Python.
_AS_TEMPLATE = """{% for c in panel.completion %}<tr><td>{{ c.program }} · <a href="{% url 'measurement:lists' c.program.public_id %}">risk and due lists</a>{% if c.program.pk in panel.configurable %} · <a href="{% url 'measurement:schedule' c.program.public_id %}">schedule</a>{% endif %}</td><td>{{ c.in_care }}</td><td>{{ c.up_to_date }}</td><td>{% if c.rate is not None %}{{ c.rate }}%{% else %}—{% endif %}</td></tr>{% endfor %}"""


def test_the_rows_are_the_templates_with_a_hostile_program_name(world):
    hostile = Program.objects.create(organization=world.org, name="<b>&\"'")
    counted = [Completion(hostile, 3, 2), Completion(world.program, 0, 0)]

    for configurable in ([hostile.pk], [world.program.pk]):
        written = completion_rows(counted, configurable)
        assert written == Template(_AS_TEMPLATE).render(
            Context({"panel": {"completion": counted, "configurable": configurable}})
        )
    assert "<tr><td>&lt;b&gt;&amp;&quot;&#x27; · <a href=" in written
    assert "<td>3</td><td>2</td><td>67%</td>" in written and "<td>—</td>" in written
