"""The participant's portal lists every copy of their record given out over the last 3 years
(42 CFR §2.25), in their language, on the 12-hour clock, and the read is audited."""

from datetime import UTC, date, datetime

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from audit.models import AuditEvent
from consent.services import disclose_record, record_consent
from participants.export import SECTIONS
from portal.tests.test_spanish_walk import assert_spanish

CLINIC = "Northside Clinic"
GIVEN = datetime(2026, 11, 20, 21, 5, tzinfo=UTC)  # 3:05 PM in Chicago


def _copies(world) -> None:
    consent = record_consent(
        world.participant,
        by=world.therapist,
        kind="part2",
        discloser="Riverside IOP",
        information="Attendance",
        parts=["attendance"],
        recipients=CLINIC,
        purpose="At my request",
        expiry="end_of_treatment",
        signed_on=date(2026, 9, 8),
        now=GIVEN,
    )
    disclose_record(
        world.participant,
        by=world.therapist,
        what="print",
        to_participant=False,
        recipient=CLINIC,
        consent=consent,
        parts=["attendance"],
        now=GIVEN,
    )
    disclose_record(
        world.participant, by=world.therapist, what="history", to_participant=True, now=GIVEN
    )


def test_the_portal_lists_the_copies_of_my_record_on_the_12_hour_clock(world, login):
    _copies(world)
    client = login(world.participant_user)
    home = client.get(reverse("portal:home")).content.decode()
    page = client.get(reverse("consent:mine")).content.decode()

    assert reverse("consent:mine") in home
    assert "Copies of your record" in page
    assert "Fri 20 Nov 2026 · 3:05 PM" in page and "15:05" not in page
    assert CLINIC in page and "The clinical record, printed" in page
    assert "What it held: Attendance" in page
    assert "Under your consent signed Tue 8 Sep 2026, to: Northside Clinic" in page
    assert "You (your own copy)" in page and "The record&#x27;s history, as a CSV file" in page
    event = AuditEvent.objects.filter(details__page="copies of my record").get()
    assert (event.actor, event.participant) == (world.participant_user, world.participant)


def test_the_copies_of_my_record_are_in_spanish(world, login, spanish):
    _copies(world)
    client = login(world.participant_user)
    assert_spanish(client.get(reverse("portal:home")), "Copias de su expediente")
    assert_spanish(
        client.get(reverse("consent:mine")),
        "Copias de su expediente",
        "El expediente clínico, impreso",
        "Lo que contenía: Asistencia",
        "Usted (su propia copia)",
        "Con su consentimiento firmado el",
    )


def test_the_copies_page_is_the_participant_s_own_and_staff_are_sent_home(world, login):
    response = login(world.therapist).get(reverse("consent:mine"))
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_every_part_of_the_record_a_copy_can_hold_has_its_spanish_title():
    with translation.override("es"):
        untranslated = [s.title for s in SECTIONS.implementations() if gettext(s.title) == s.title]
    assert untranslated == []


def _copy_under_parts(world) -> None:
    """A copy under a consent that lists the parts of the record it covers."""
    consent = record_consent(
        world.participant,
        by=world.therapist,
        kind="part2",
        discloser="Riverside IOP",
        information="My attendance and diagnoses",
        parts=["diagnoses", "attendance"],
        recipients=CLINIC,
        purpose="At my request",
        expiry="end_of_treatment",
        signed_on=date(2026, 9, 8),
        now=GIVEN,
    )
    disclose_record(
        world.participant,
        by=world.therapist,
        what="print",
        to_participant=False,
        recipient=CLINIC,
        consent=consent,
        parts=["attendance"],
        now=GIVEN,
    )


def test_a_copy_says_which_parts_of_the_record_the_consent_covers(world, login):
    _copy_under_parts(world)
    page = login(world.participant_user).get(reverse("consent:mine")).content.decode()

    assert "to: Northside Clinic. Your consent covers: Diagnoses, Attendance" in page


def test_the_parts_the_consent_covers_are_in_spanish(world, login, spanish):
    _copy_under_parts(world)
    assert_spanish(
        login(world.participant_user).get(reverse("consent:mine")),
        "Su consentimiento cubre: Diagnósticos, Asistencia",
    )
