"""The parts of the record a Part 2 consent covers, over FHIR: each one a code of the
provision by its title, as text and with no made-up coding, alike in the search and the
read; a consent recorded before parts were ticked, and a
consent to treatment, say nothing of parts."""

import json
from datetime import date

from fhir.resources.R4B.consent import Consent as FhirConsent

from consent.services import record_consent
from consent.tests.builders import recorded_before_parts
from fhirapi.tests.test_fhir_api import NOW, _entries, _get, _json


def _covering(world, *parts: str):
    return record_consent(
        world.participant,
        by=world.therapist,
        kind="part2",
        discloser="Riverside IOP",
        information="Attendance, diagnoses and progress notes",
        parts=parts,
        recipients="Northside Clinic",
        purpose="Coordination of care at my request",
        expiry="end_of_treatment",
        signed_on=date(2026, 9, 8),
        now=NOW,
    )


def _part(title: str) -> dict:
    return {"text": title}


def test_a_part2_consent_carries_each_part_it_covers_as_a_code_of_its_permit(world, signed_in):
    covering = _covering(world, "notes", "attendance", "diagnoses")
    client = signed_in(world.therapist)

    entries = _entries(_json(_get(client, "Consent", patient=str(world.participant.public_id))))

    found = entries[str(covering.public_id)]
    FhirConsent.model_validate(found)
    assert found["provision"]["type"] == "permit"
    assert found["provision"]["code"] == [
        _part("Diagnoses"),
        _part("Attendance"),
        _part("Progress notes"),
    ]
    assert json.loads(client.get(f"/fhir/R4/Consent/{covering.public_id}").content) == found


def test_a_consent_recorded_before_parts_were_ticked_says_nothing_of_parts(world, signed_in):
    before = recorded_before_parts(world)
    treatment = record_consent(
        world.participant,
        by=world.therapist,
        kind="treatment",
        signed_on=date(2026, 9, 8),
        now=NOW,
    )
    client = signed_in(world.therapist)

    entries = _entries(_json(_get(client, "Consent", patient=str(world.participant.public_id))))

    for consent in (before, treatment):
        found = entries[str(consent.public_id)]
        FhirConsent.model_validate(found)
        assert "code" not in found["provision"]
        assert "Progress notes" not in json.dumps(found["provision"])
    assert entries[str(before.public_id)]["provision"]["actor"]  # still a Part 2 release
