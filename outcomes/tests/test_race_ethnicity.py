"""Race and ethnicity on the participant record: entered on its page, versioned, audited,
the source of the categories said, and counted by the board's filters."""

import re
from datetime import date

from django.urls import reverse

from audit.models import AuditEvent
from outcomes import selectors
from outcomes.models import ReportingDemographics
from outcomes.tests.conftest import TODAY


def _url(world) -> str:
    return reverse("outcomes:race_ethnicity", args=[world.participant.public_id])


def test_the_page_records_the_answers_as_a_new_version_each_time(world, login):
    client = login(world.frontdesk)
    page = client.get(_url(world)).content.decode()
    assert "62 FR 58782" in page and "They are not in the program" in page
    response = client.post(_url(world), {"race": "black", "ethnicity": "hispanic", "version": 0})
    assert response.status_code == 302
    row = ReportingDemographics.objects.get(participant=world.participant)
    assert (row.race, row.ethnicity, row.version) == ("black", "hispanic", 1)
    client.post(_url(world), {"race": "more_than_one", "ethnicity": "hispanic", "version": 1})
    row.refresh_from_db()
    assert (row.race, row.version) == ("more_than_one", 2)
    changed = client.get(_url(world)).content.decode()
    assert re.search(
        r"last changed (Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{4}\.", changed
    )
    events = AuditEvent.objects.filter(event_type="outcomes.demographics_recorded")
    assert [e.details["fields"] for e in events.order_by("pk")] == [
        ["ethnicity", "race"],
        ["race"],
    ]


def test_a_stale_form_or_an_unknown_category_writes_nothing(world, login):
    client = login(world.frontdesk)
    client.post(_url(world), {"race": "white", "ethnicity": "not_hispanic", "version": 0})
    stale = client.post(_url(world), {"race": "asian", "ethnicity": "not_hispanic", "version": 0})
    assert stale.status_code == 400 and "changed by someone else" in stale.content.decode()
    wrong = client.post(_url(world), {"race": "martian", "ethnicity": "hispanic", "version": 1})
    assert wrong.status_code == 400
    assert ReportingDemographics.objects.get().race == "white"


def test_the_board_filters_by_what_was_recorded(midweek, world, add):
    episodes = add(11, referred_on=date(2026, 5, 1), admitted_on=date(2026, 5, 4))
    for episode in episodes:
        ReportingDemographics.objects.create(
            participant=episode.participant, race="asian", ethnicity="not_hispanic"
        )
    filters = selectors.Filters(
        (world.org.pk,), start=date(2026, 1, 1), end=TODAY, today=TODAY, race="asian"
    )
    assert selectors.referral_to_admission(filters).people == 11
