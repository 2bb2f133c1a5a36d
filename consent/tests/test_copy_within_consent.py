"""A copy given under a Part 2 consent that lists the parts of the record it covers stays
within them (42 CFR §2.31(a)): the copy page opened from the consent offers only those (of the
parts the staff member may read), and a post ticking another is refused like every other
refusal of the page: 400, nothing logged, no copy made. A consent that lists none keeps the
page as it was, the parts ticked against its words."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from consent.models import Disclosure
from consent.services import disclose_record
from consent.tests.builders import recorded_before_parts
from consent.tests.copying import post_copy
from consent.tests.test_disclosures import CLINIC, part2
from tandem.errors import InvalidInput

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
COVERED = ["diagnoses", "attendance", "coverage"]
TICKED = r'<input type="checkbox" name="parts" value="(\w+)"[^>]* checked'


def _under(world, consent):
    return reverse("consent:disclose_under", args=[world.participant.public_id, consent.public_id])


def _nothing_given(response) -> None:
    assert response.status_code == 400
    assert "Content-Disposition" not in response
    assert not Disclosure.objects.exists()
    assert not AuditEvent.objects.filter(
        event_type__in=("consent.printed", "consent.disclosed")
    ).exists()


def test_the_page_under_a_consent_offers_only_the_parts_it_covers_that_the_reader_may_read(
    world, login
):
    consent = part2(world, parts=COVERED)
    client = login(world.therapist)

    page = client.get(_under(world, consent)).content.decode()

    assert 'name="parts" value="diagnoses"' in page and 'name="parts" value="attendance"' in page
    assert 'value="coverage"' not in page  # covered, but the therapist cannot read billing
    assert 'value="notes"' not in page and 'value="treatment_plan"' not in page
    assert "It covers these parts of the record: Diagnoses, Attendance, Coverage." in page
    assert re.findall(TICKED, page) == ["diagnoses", "attendance"]  # what it covers, ticked
    tab = client.get(reverse("consent:tab", args=[world.participant.public_id])).content.decode()
    assert _under(world, consent) in tab


@pytest.mark.parametrize("what", ["print", "export"])
def test_a_forged_post_ticking_a_part_the_consent_does_not_cover_is_refused(world, login, what):
    consent = part2(world, parts=COVERED)

    response = post_copy(
        login(world.therapist), world, consent, what=what, parts=["attendance", "notes"]
    )

    _nothing_given(response)
    assert "Tick only the parts of the record offered" in response.content.decode()


def test_the_service_refuses_a_part_the_consent_does_not_cover(world):
    consent = part2(world, parts=COVERED)
    with pytest.raises(InvalidInput) as refused:
        disclose_record(
            world.participant,
            by=world.therapist,
            what="export",
            to_participant=False,
            recipient=CLINIC,
            consent=consent,
            parts=["attendance", "treatment_plan"],
            now=NOW,
        )
    assert refused.value.field == "parts"
    assert "covers only these parts of the record: Diagnoses, Attendance, Coverage" in (
        refused.value.message
    )
    assert not Disclosure.objects.exists()


def test_a_copy_of_parts_the_consent_covers_is_given(world, login):
    consent = part2(world, parts=COVERED)

    response = post_copy(login(world.therapist), world, consent, what="export", parts="attendance")

    assert response.status_code == 200
    assert Disclosure.objects.get().parts == ["attendance"]


def test_the_participant_s_own_copy_is_not_held_to_a_consent_posted_beside_it(world, login):
    consent = part2(world, parts=COVERED)

    response = post_copy(
        login(world.therapist), world, consent, to="participant", what="export", parts="notes"
    )

    assert response.status_code == 200
    assert Disclosure.objects.get().parts == ["notes"]


def test_a_consent_that_lists_no_parts_keeps_the_page_as_it_was(world, login):
    consent = recorded_before_parts(world)
    client = login(world.therapist)

    page = client.get(_under(world, consent)).content.decode()

    assert "This consent does not list parts" in page
    assert 'value="notes"' in page and 'value="attendance"' in page
    assert not re.findall(TICKED, page)  # none ticked: the staff member ticks against its words
    assert post_copy(client, world, consent, what="export", parts="notes").status_code == 200


def test_the_page_under_a_consent_no_copy_may_rely_on_is_not_found(world, login):
    treatment = part2(world, kind="treatment")

    response = login(world.therapist).get(_under(world, treatment))

    assert response.status_code == 404
