"""A Part 2 consent lists the parts of the record it covers (42 CFR §2.31(a): "how much and
what kind" of information), ticked beside the participant's words when it is recorded, on the
tab and over the API; a new one ticking none, or a name that is no part of the record, is
refused, a consent for SUD counseling notes lists none, and a consent recorded before parts
were ticked says so and still gives copies and is revoked as before."""

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from consent.models import PARTS_REQUIRED, Consent, ConsentRevocation
from consent.services import disclose_record, record_consent, revoke_consent
from consent.tests.builders import recorded_before_parts
from consent.tests.test_consents import PART2, api_url, part2
from consent.tests.test_sud_counseling_notes import _sud_notes
from tandem.errors import InvalidInput

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def _form(**changes) -> dict:
    fields = {k: v.isoformat() if isinstance(v, date) else v for k, v in PART2.items()}
    return fields | {"signer": "participant"} | changes


def test_the_tab_records_the_parts_ticked_beside_the_words_and_shows_them(world, login):
    client = login(world.therapist)
    url = reverse("consent:tab", args=[world.participant.public_id])
    page = client.get(url).content.decode()
    assert "Parts of the record it covers" in page
    assert 'name="parts" value="attendance"' in page and 'value="coverage"' in page

    response = client.post(url, _form(parts=["treatment_plan", "attendance"]))

    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.parts == ["attendance", "treatment_plan"]  # in the record's order
    assert consent.information == PART2["information"]  # the words stay the participant's
    event = AuditEvent.objects.get(event_type="consent.recorded")
    assert event.details["parts"] == ["attendance", "treatment_plan"]
    text = client.get(url).content.decode()
    assert "<dd>Attendance, Treatment plan in force</dd>" in text


def test_a_part_that_is_not_one_of_the_record_is_refused_on_the_tab(world, login):
    client = login(world.therapist)
    url = reverse("consent:tab", args=[world.participant.public_id])

    response = client.post(url, _form(parts=["attendance", "psychotherapy_notes"]))

    assert response.status_code == 400
    assert response.context["form"].errors["parts"] == ["Tick parts of the record from the list."]
    assert not Consent.objects.exists()


def test_the_service_refuses_an_unknown_part_and_writes_nothing(world):
    with pytest.raises(InvalidInput) as refused:
        part2(world, parts=["attendance", "everything"])

    assert refused.value.field == "parts"
    assert refused.value.message == "Tick parts of the record from the list."
    assert not Consent.objects.exists()
    assert not AuditEvent.objects.filter(event_type="consent.recorded").exists()


def test_the_api_records_and_gives_the_parts_and_names_a_refused_one(world, login):
    client = login(world.therapist)
    body = _form(parts=["diagnoses", "attendance", "diagnoses"])
    del body["signer"]

    made = client.post(api_url(world), json.dumps(body), content_type="application/json")

    assert made.status_code == 201, made.content
    assert made.json()["parts"] == ["diagnoses", "attendance"]
    assert client.get(api_url(world)).json()[0]["parts"] == ["diagnoses", "attendance"]
    refused = client.post(
        api_url(world), json.dumps(body | {"parts": ["nope"]}), content_type="application/json"
    )
    assert refused.status_code == 422
    assert refused.json()["detail"] == [
        {"field": "parts", "message": "Tick parts of the record from the list."}
    ]
    assert Consent.objects.count() == 1


def test_a_consent_for_sud_counseling_notes_lists_no_parts(world, login):
    with pytest.raises(InvalidInput) as refused:
        _sud_notes(world, parts=["notes"])
    assert refused.value.field == "parts"
    assert "covers those notes alone" in refused.value.message
    assert not Consent.objects.exists()

    consent = _sud_notes(world)

    assert consent.parts == []
    tab = login(world.therapist).get(reverse("consent:tab", args=[world.participant.public_id]))
    assert "None: the SUD counseling notes alone" in tab.content.decode()


def test_a_treatment_consent_keeps_no_parts(world):
    consent = record_consent(
        world.participant,
        by=world.therapist,
        kind="treatment",
        signed_on=date(2026, 9, 8),
        parts=["attendance"],
        now=NOW,
    )

    assert consent.parts == []


@pytest.mark.parametrize("tpo", [False, True])
def test_the_service_refuses_a_new_part2_consent_that_ticks_no_part(world, tpo):
    before = AuditEvent.objects.count()
    fields: dict[str, Any] = {"parts": []}
    if tpo:
        fields |= {"tpo": True, "expiry": "none", "expires_on": None}

    with pytest.raises(InvalidInput) as refused:
        part2(world, **fields)

    assert refused.value.field == "parts"
    assert refused.value.message == PARTS_REQUIRED
    assert not Consent.objects.exists()
    assert AuditEvent.objects.count() == before


def test_the_tab_refuses_a_part2_consent_with_no_part_ticked_and_says_it_is_required(world, login):
    client = login(world.therapist)
    url = reverse("consent:tab", args=[world.participant.public_id])
    page = client.get(url).content.decode()
    assert "<legend>Parts of the record it covers (required for a Part 2 consent)</legend>" in (
        page
    )
    body = _form()
    del body["parts"]

    response = client.post(url, body)

    assert response.status_code == 400
    assert response.context["form"].errors["parts"] == [PARTS_REQUIRED]
    assert PARTS_REQUIRED in response.content.decode()
    assert not Consent.objects.exists()
    assert not AuditEvent.objects.filter(event_type="consent.recorded").exists()


def test_the_api_refuses_a_part2_consent_with_no_part_naming_parts(world, login):
    client = login(world.therapist)
    body = _form()
    del body["signer"], body["parts"]

    refused = client.post(api_url(world), json.dumps(body), content_type="application/json")

    assert refused.status_code == 422
    assert refused.json()["detail"] == [{"field": "parts", "message": PARTS_REQUIRED}]
    assert not Consent.objects.exists()
    assert not AuditEvent.objects.filter(event_type="consent.recorded").exists()
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["ConsentIn"]
    assert "Required for a new part2 consent" in schema["properties"]["parts"]["description"]


def test_a_consent_recorded_before_parts_were_ticked_says_it_lists_none(world, login):
    recorded_before_parts(world)

    tab = login(world.therapist).get(reverse("consent:tab", args=[world.participant.public_id]))

    assert "This consent does not list parts" in tab.content.decode()


def test_a_consent_recorded_before_parts_were_ticked_still_gives_copies_and_is_revoked(
    world, login
):
    old = recorded_before_parts(world)
    old.full_clean()  # its rules still hold: only a new consent must tick parts
    client = login(world.therapist)

    listed = client.get(api_url(world)).json()
    copy = disclose_record(
        world.participant,
        by=world.therapist,
        what="print",
        to_participant=False,
        recipient="Northside Clinic",
        consent=old,
        parts=["attendance", "treatment_plan"],
        now=NOW,
    )
    revoke_consent(
        old,
        by=world.therapist,
        revoked_on=date(2026, 11, 20),
        received="paper",
        expected_version=old.version,
        now=NOW,
    )

    assert listed[0]["parts"] == [] and listed[0]["status"] == "in_force"
    assert copy.parts == ["attendance", "treatment_plan"]
    assert Consent.objects.get().parts == []
    assert ConsentRevocation.objects.get().consent == old
