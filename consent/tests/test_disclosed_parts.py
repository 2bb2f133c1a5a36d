"""A copy of the record given under a consent recorded before consents listed their parts
carries only the parts of the record the staff member ticks against the consent's description
of the information (42 CFR §2.31(a): "how much and what kind"), and the accounting of
disclosures says which parts went; the participant's own copy carries every part unless fewer
are ticked."""

import json
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from consent.models import Disclosure
from consent.services import disclose_record
from consent.tests.builders import recorded_before_parts
from consent.tests.copying import post_copy
from consent.tests.test_disclosures import CLINIC
from participants.export import copy_parts
from tandem.errors import InvalidInput

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def test_the_copy_page_offers_the_parts_the_staff_member_may_read_and_the_consent_s_words(
    world, login
):
    recorded_before_parts(world)
    page = login(world.therapist).get(
        reverse("consent:disclose", args=[world.participant.public_id])
    )
    text = page.content.decode()

    assert 'name="parts" value="attendance"' in text and "Progress notes" in text
    assert 'value="coverage"' not in text  # the billing part, which a therapist cannot read
    assert "information: Attendance and treatment plan" in text


@pytest.mark.parametrize("what", ["print", "export"])
def test_a_copy_under_a_consent_with_no_part_ticked_is_refused_and_nothing_is_written(
    world, login, what
):
    response = post_copy(login(world.therapist), world, recorded_before_parts(world), what=what)

    assert response.status_code == 400
    assert "Tick the parts of the record the consent" in response.content.decode()
    assert "Content-Disposition" not in response
    assert not Disclosure.objects.exists()
    assert not AuditEvent.objects.filter(event_type__startswith="consent.printed").exists()


def test_a_part_the_staff_member_may_not_read_is_refused(world):
    consent = recorded_before_parts(world)
    with pytest.raises(InvalidInput) as refused:
        disclose_record(
            world.participant,
            by=world.therapist,
            what="export",
            to_participant=False,
            recipient=CLINIC,
            consent=consent,
            parts=["attendance", "coverage"],
            now=NOW,
        )
    assert refused.value.field == "parts"
    assert not Disclosure.objects.exists()


def test_the_printed_copy_under_a_consent_carries_the_ticked_parts_alone(world, login):
    client = login(world.therapist)
    response = post_copy(
        client,
        world,
        recorded_before_parts(world),
        what="print",
        parts=["attendance", "treatment_plan"],
    )
    page = response.content.decode()

    assert response.status_code == 200
    assert "<h2>Attendance</h2>" in page and "<h2>Treatment plan in force</h2>" in page
    for left_out in ("<h2>Progress notes</h2>", "<h2>Diagnoses</h2>", "<h2>Contact</h2>"):
        assert left_out not in page
    assert "Emergency contact" not in page and "<h2>Care team</h2>" not in page
    assert world.participant.record_number in page  # still says whose record it is
    assert "Parts of the record in this copy: Attendance, Treatment plan in force." in page
    disclosure = Disclosure.objects.get()
    assert disclosure.parts == ["attendance", "treatment_plan"]
    event = AuditEvent.objects.get(event_type="consent.printed")
    assert event.details["parts"] == ["attendance", "treatment_plan"]
    accounting = client.get(reverse("consent:accounting", args=[world.participant.public_id]))
    assert "printed: Attendance, Treatment plan in force" in accounting.content.decode()


def test_the_exported_copy_under_a_consent_holds_the_ticked_parts_and_who_it_is_about(world, login):
    response = post_copy(
        login(world.therapist),
        world,
        recorded_before_parts(world),
        what="export",
        parts="diagnoses",
    )
    body = json.loads(response.content)

    assert set(body) == {"redisclosure_notice", "disclosure", "participant", "diagnoses"}
    assert body["participant"]["record_number"] == world.participant.record_number
    assert "phone" not in body["participant"] and "address" not in body["participant"]


def test_the_participant_s_own_copy_carries_every_part_when_none_is_ticked(world, login):
    client = login(world.therapist)
    response = post_copy(client, world, to="participant", what="export")
    body = json.loads(response.content)
    readable = [name for name, _ in copy_parts(world.therapist, world.participant)]

    assert Disclosure.objects.get().parts == readable
    assert {"notes", "attendance", "diagnoses", "participant"} <= set(body)
    assert "phone" in body["participant"]


def test_a_face_sheet_is_not_parts_of_the_record(world, login):
    response = post_copy(
        login(world.therapist),
        world,
        recorded_before_parts(world),
        what="face_sheet",
        parts="notes",
    )

    assert response.status_code == 200
    assert "<h2>Care team</h2>" in response.content.decode()
    assert Disclosure.objects.get().parts == []
