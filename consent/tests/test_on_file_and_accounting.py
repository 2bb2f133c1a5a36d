"""The front desk and billing read which consents are on file and in force, not what a Part 2
consent discloses; the accounting of disclosures (42 CFR §2.25) lists every copy given out over
the last 3 years, printed for the participant on request."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from consent.models import Disclosure
from consent.selectors import accounting_since
from consent.services import disclose_record, record_consent, revoke_consent

CLINIC = "Northside Clinic, Dr A. Example"
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
INFORMATION = "Attendance and treatment plan"


def _tpo(world):
    return record_consent(
        world.participant,
        by=world.therapist,
        kind="part2",
        discloser="Riverside IOP",
        information=INFORMATION,
        parts=["attendance", "treatment_plan"],
        tpo=True,
        recipients=CLINIC,
        purpose="Treatment, payment and health care operations",
        expiry="none",
        signed_on=date(2026, 9, 8),
        now=NOW,
    )


def _telehealth(world):
    return record_consent(
        world.participant,
        by=world.therapist,
        kind="telehealth",
        signed_on=date(2026, 9, 8),
        expiry="date",
        expires_on=date(2026, 10, 31),
        now=NOW,
    )


def _url(name, world) -> str:
    return reverse(name, args=[world.participant.public_id])


@pytest.mark.parametrize("who", ["frontdesk", "billing"])
def test_the_front_desk_and_billing_see_each_consent_s_status_not_what_it_discloses(
    world, login, who
):
    _tpo(world)
    _telehealth(world)
    treatment = record_consent(
        world.participant, by=world.therapist, kind="treatment", signed_on=date(2026, 9, 8)
    )
    revoke_consent(
        treatment,
        by=world.therapist,
        revoked_on=date(2026, 11, 10),
        received="paper",
        expected_version=1,
        now=NOW,
    )
    client = login(world.users[who])
    overview = client.get(_url("participants:chart", world)).content.decode()
    response = client.get(_url("consent:on_file", world))

    assert f'href="{_url("consent:on_file", world)}"' in overview
    assert response.status_code == 200
    page = response.content.decode()
    assert "Consent to telehealth" in page and "Expired" in page and "Sat 31 Oct 2026" in page
    assert "Consent to disclose Part 2 records" in page and "In force" in page
    assert "Single consent for treatment, payment and health care operations" in page
    assert "Consent to treatment" in page and "Revoked Tue 10 Nov 2026" in page
    assert INFORMATION not in page and CLINIC not in page
    assert client.get(_url("consent:tab", world)).status_code == 403
    [event] = AuditEvent.objects.filter(
        actor=world.users[who], details__page="consent:on_file", participant=world.participant
    )
    assert event.event_type == "demographics.viewed"


def test_a_clinician_sees_the_full_consents_tab_and_not_the_consents_on_file_beside_it(
    world, login
):
    overview = login(world.therapist).get(_url("participants:chart", world)).content.decode()
    assert f'href="{_url("consent:tab", world)}"' in overview
    assert f'href="{_url("consent:on_file", world)}"' not in overview


def test_the_consents_on_file_read_in_the_same_number_of_queries_however_many(
    world, login, django_assert_max_num_queries
):
    client = login(world.frontdesk)
    _tpo(world)
    client.get(_url("consent:on_file", world))
    with CaptureQueriesContext(connection) as few:
        client.get(_url("consent:on_file", world))
    for _ in range(5):
        _tpo(world)
        _telehealth(world)
    with django_assert_max_num_queries(len(few)):
        assert client.get(_url("consent:on_file", world)).status_code == 200


@pytest.mark.parametrize(
    ("today", "since"),
    [
        (date(2026, 12, 1), date(2023, 12, 1)),
        (date(2028, 2, 29), date(2025, 2, 28)),
    ],
)
def test_the_accounting_covers_the_3_years_up_to_today(today, since):
    assert accounting_since(today) == since


def _given(world, when: datetime, **fields) -> Disclosure:
    return disclose_record(world.participant, by=world.therapist, now=when, **fields)


def test_the_printed_accounting_lists_each_copy_of_the_last_3_years_and_is_audited(world, login):
    consent = _tpo(world)
    _given(
        world,
        NOW,
        what="print",
        to_participant=False,
        recipient=CLINIC,
        consent=consent,
        parts=["attendance"],
    )
    _given(world, NOW, what="history", to_participant=True)
    # Given more than 3 years before the suite's today (Tue 1 Dec 2026).
    _given(world, datetime(2023, 11, 30, 12, tzinfo=UTC), what="face_sheet", to_participant=True)
    client = login(world.therapist)
    tab = client.get(_url("consent:tab", world)).content.decode()
    response = client.get(_url("consent:accounting", world))

    assert f'href="{_url("consent:accounting", world)}"' in tab
    page = response.content.decode()
    assert "Accounting of disclosures" in page
    assert "from Fri 1 Dec 2023 to Tue 1 Dec 2026" in page
    assert f"<td>{CLINIC}</td>" in page and "The clinical record, printed" in page
    assert "signed Tue 8 Sep 2026, to: Northside Clinic" in page
    assert "The participant (their own copy)" in page
    assert "The record&#x27;s history, as a CSV file" in page
    assert "The face sheet, printed" not in page
    event = AuditEvent.objects.filter(details__page="consent:accounting").get()
    assert (event.event_type, event.actor) == ("chart.printed", world.therapist)
    assert login(world.frontdesk).get(_url("consent:accounting", world)).status_code == 403
