"""The history reads as sentences, pages beyond its first rows, and downloads as CSV (audited)."""

import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import Action, AuditEvent
from audit.services import record_event
from conftest import make_participant


def _url(name, world):
    return reverse(name, args=[world.participant.public_id])


def test_history_reads_as_sentences(world, login):
    world.therapist.first_name, world.therapist.last_name = "Dana", "Reyes"
    world.therapist.save()
    client = login(world.therapist)
    client.get(_url("intake:intake", world))
    login(world.frontdesk).get(_url("intake:intake", world))  # refused: not clinical

    page = login(world.director).get(_url("participants:history", world)).content.decode()

    assert "Dana Reyes viewed the intake" in page
    assert "Frontdesk Tester was not allowed to view the intake" in page
    assert "(front desk)" in page and "front_desk" not in page  # the role as the program says it
    assert "participants.Participant" not in page


def test_history_gives_each_change_in_the_words_the_record_declares(world, login):
    """A status reads "Transferred out", a date "Fri 20 Nov 2026" and a yes/no "yes", not
    `transferred_out`, 2026-11-20 and True."""
    record_event(
        actor=world.therapist,
        action=Action.CHANGE,
        participant=world.participant,
        record=world.episode,
        details={
            "changes": {
                "status": {"before": "active", "after": "transferred_out"},
                "discharged_on": {"before": None, "after": "2026-11-20"},
                "entered_in_error": {"before": False, "after": True},
            }
        },
    )

    page = login(world.director).get(_url("participants:history", world)).content.decode()

    assert "<li><strong>status</strong>: Active → Transferred out</li>" in page
    assert "<li><strong>discharged on</strong>: — → Fri 20 Nov 2026</li>" in page
    assert "<li><strong>entered in error</strong>: no → yes</li>" in page
    for code in ("transferred_out", "2026-11-20", "discharged_on", "True"):
        assert code not in page


def test_history_pages_beyond_two_hundred_events(world, login):
    for _ in range(230):
        record_event(actor=world.therapist, action=Action.VIEW, participant=world.participant)
    client = login(world.director)
    first = client.get(_url("participants:history", world)).content.decode()
    assert "Page 1 of 5" in first
    last = client.get(_url("participants:history", world) + "?page=5").content.decode()
    assert "Page 5 of 5" in last and "Therapist Tester viewed a record" in last


def test_history_downloads_as_csv_and_the_download_is_audited(world, login):
    for _ in range(210):
        record_event(actor=world.therapist, action=Action.VIEW, participant=world.participant)
    client = login(world.director)

    response = client.get(_url("participants:history_csv", world))

    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["When", "Time zone", "Who"]
    assert len(rows) > 211
    assert rows[1][1] == "America/Chicago"
    export = AuditEvent.objects.filter(
        participant=world.participant, action=Action.EXPORT, actor=world.director
    )
    assert export.count() == 1
    assert login(world.frontdesk).get(_url("participants:history_csv", world)).status_code == 403


def test_the_history_csv_names_the_role_as_the_page_does(world, login):
    """A role stored as "front_desk" reads "front desk" in the download as on the page."""
    login(world.frontdesk).get(_url("intake:intake", world))  # refused: not clinical
    client = login(world.director)

    page = client.get(_url("participants:history", world)).content.decode()
    rows = list(
        csv.reader(
            io.StringIO(client.get(_url("participants:history_csv", world)).content.decode())
        )
    )

    refused = next(row for row in rows if row[4].startswith("Frontdesk Tester was not allowed"))
    assert refused[3] == "front desk" and "(front desk)" in page
    assert not any("front_desk" in cell for row in rows for cell in row)


def _named_and_listed(world, n: int, other) -> None:
    for _ in range(n):
        record_event(actor=world.therapist, action=Action.VIEW, participant=world.participant)
        record_event(
            actor=world.frontdesk,
            event_type="roll_call.viewed",
            organization=world.org,
            listed=[world.participant, other],
        )


def test_a_history_page_costs_the_same_queries_at_ten_and_four_hundred_events(world, login):
    """The events listing the participant come in the same query as those naming them."""
    other = make_participant(world.org, "T-000301")
    client = login(world.director)

    def page_queries() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            html = client.get(_url("participants:history", world)).content.decode()
        return len(queries), html

    _named_and_listed(world, 5, other)
    few, _ = page_queries()
    _named_and_listed(world, 195, other)
    many, html = page_queries()

    assert few == many
    assert "Frontdesk Tester viewed the roll call of a session · listed with 1 other" in html
