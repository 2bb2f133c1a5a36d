"""A consent to disclose SUD counseling notes is its own Part 2 consent (clinical reference
§4a, ⚠️): it describes those notes alone, cannot name other information or be a TPO consent,
and no copy of the record or support person's sharing relies on it."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.urls import reverse

from consent.models import SUD_NOTES_INFORMATION, Consent
from consent.services import disclose_record, record_consent
from fhirapi.resources import consent as consent_resource
from tandem.errors import InvalidInput

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
CLINIC = "Northside Clinic, Dr A. Example"


def _sud_notes(world, **changes) -> Consent:
    fields: dict[str, Any] = {
        "kind": "sud_notes",
        "discloser": "Riverside IOP",
        "recipients": CLINIC,
        "purpose": "At my request",
        "expiry": "date",
        "expires_on": date(2026, 12, 31),
        "signed_on": date(2026, 9, 8),
    }
    return record_consent(world.participant, by=world.therapist, now=NOW, **(fields | changes))


def test_a_consent_for_sud_counseling_notes_describes_those_notes_alone(world, login):
    consent = _sud_notes(world)

    assert consent.information == SUD_NOTES_INFORMATION
    assert consent.holds_part2_elements and not consent.is_part2
    tab = login(world.therapist).get(reverse("consent:tab", args=[world.participant.public_id]))
    page = tab.content.decode()
    assert "Consent to disclose SUD counseling notes" in page and SUD_NOTES_INFORMATION in page


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"information": "SUD counseling notes and the treatment plan"}, "information"),
        ({"information": "Attendance"}, "information"),
        ({"tpo": True, "expiry": "none", "expires_on": None}, "tpo"),
        ({"recipients": ""}, "recipients"),
        ({"expiry": "none", "expires_on": None}, "expiry"),
    ],
)
def test_a_consent_for_sud_counseling_notes_cannot_be_combined_or_incomplete(world, changes, field):
    with pytest.raises(InvalidInput) as refused:
        _sud_notes(world, **changes)
    assert refused.value.field == field
    assert not Consent.objects.exists()


def test_no_copy_of_the_record_relies_on_a_consent_for_sud_counseling_notes(world, login):
    consent = _sud_notes(world)
    with pytest.raises(InvalidInput) as refused:
        disclose_record(
            world.participant,
            by=world.therapist,
            what="print",
            to_participant=False,
            recipient=CLINIC,
            consent=consent,
            now=NOW,
        )
    assert refused.value.field == "consent"
    copy_page = login(world.therapist).get(
        reverse("consent:disclose", args=[world.participant.public_id])
    )
    assert str(consent.public_id) not in copy_page.content.decode()


def test_the_fhir_consent_gives_it_as_a_part_2_release_of_information(world):
    resource = consent_resource(_sud_notes(world), date(2026, 11, 20), [])

    assert resource["scope"]["coding"][0]["code"] == "patient-privacy"
    assert resource["policyRule"]["coding"][0]["code"] == "42CFRPart2"
    assert resource["policyRule"]["text"] == "Consent to disclose SUD counseling notes"
