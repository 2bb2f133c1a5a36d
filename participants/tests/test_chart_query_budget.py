"""The audited chart read stays cheap: a fixed query budget, one audit event per read."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from participants.access import decisions_for_one_request
from participants.chart import header_flags
from participants.selectors import prefetch_chart_relations

# The session with the signed-in user, their roles and time zones (1 on PostgreSQL, 3
# elsewhere); the participant with its episodes and care team, which the access decision
# reads too (1 on PostgreSQL, 3 elsewhere); the audit event (1 on PostgreSQL, 3 elsewhere)
# with the header flags the therapist reaches through the care team, read once the decision
# allows them (in the event's round trip on PostgreSQL, 1 more elsewhere); the closed-chart check (0: read from the header's episodes). The
# care-team form's staff list is read on the form's own page, and the session is not
# written on a read (the idle clock moves once a minute).
CHART_QUERY_BUDGET = {"postgresql": 3, "sqlite": 10}


def test_the_chart_page_stays_within_its_query_budget(world, client):
    client.force_login(world.therapist, backend="accounts.backends.UserBackend")
    url = reverse("participants:chart", args=[world.participant.public_id])
    assert client.get(url).status_code == 200
    before = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) <= CHART_QUERY_BUDGET[connection.vendor], "\n".join(
        q["sql"] for q in queries
    )
    assert AuditEvent.objects.count() == before + 1


def test_every_modules_header_flags_are_read_in_one_query(world):
    prefetch_chart_relations(world.participant)
    with decisions_for_one_request():
        header_flags(world.participant, world.therapist)  # the access decisions, once
        with CaptureQueriesContext(connection) as queries:
            header_flags(world.participant, world.therapist)
    assert len(queries) == 1, "\n".join(q["sql"] for q in queries)


def test_the_chart_reads_without_server_side_cursors(world, signed_in):
    """On PostgreSQL a cursor costs three round trips (declare, fetch, close) for one read."""
    client = signed_in(world.therapist)
    url = reverse("participants:chart", args=[world.participant.public_id])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert not [q["sql"] for q in queries if q["sql"].startswith("DECLARE")]
