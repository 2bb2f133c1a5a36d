"""The audited chart read stays cheap: a fixed query budget, one audit event per read."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent

# Sign-in, session, roles and time zones (4), the participant and the care-team check (2), the
# audit event (5 with its transaction), the chart header (episodes, care team and the
# modules' flags: 8), the closed-chart check (0: read from the header's episodes) and the
# care-team form's staff list (1); the session is not written on a read (the idle clock
# moves once a minute).
CHART_QUERY_BUDGET = 20


def test_the_chart_page_stays_within_its_query_budget(world, signed_in):
    client = signed_in(world.therapist)
    url = reverse("participants:chart", args=[world.participant.public_id])
    assert client.get(url).status_code == 200
    before = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) <= CHART_QUERY_BUDGET, "\n".join(q["sql"] for q in queries)
    assert AuditEvent.objects.count() == before + 1
