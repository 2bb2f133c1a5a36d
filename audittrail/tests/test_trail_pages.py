"""The auditor's trail pages beyond its first rows and downloads as CSV, and the download is audited."""

import csv
import io

from django.urls import reverse

from audit.models import Action, AuditEvent
from audit.services import record_event


def _events(world, n: int) -> None:
    for _ in range(n):
        record_event(actor=world.therapist, action=Action.VIEW, participant=world.participant)


def test_the_trail_pages_beyond_two_hundred_events(world, login):
    _events(world, 250)
    client = login(world.auditor)

    first = client.get(reverse("audit:trail")).content.decode()
    last = client.post(reverse("audit:trail"), {"page": "3"}).content.decode()

    assert "Page 1 of 3" in first
    assert "Page 3 of 3" in last


def test_the_trail_downloads_as_csv_with_its_filters_and_the_download_is_audited(world, login):
    _events(world, 210)
    client = login(world.auditor)

    response = client.post(
        reverse("audit:trail_csv"), {"record_number": world.participant.record_number}
    )

    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["Sequence", "When", "Time zone", "What happened"]
    assert len(rows) == 211
    exported = AuditEvent.objects.filter(event_type="audit.trail_exported", actor=world.auditor)
    assert exported.count() == 1
    assert exported.get().details["filters"] == {"record_number": world.participant.record_number}


def test_only_auditors_and_directors_download_the_trail(world, login):
    assert login(world.therapist).post(reverse("audit:trail_csv")).status_code == 403
    assert login(world.auditor).get(reverse("audit:trail_csv")).status_code == 405
