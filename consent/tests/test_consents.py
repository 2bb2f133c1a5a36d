"""Consents: each element a Part 2 consent needs, status over time, revocation, immutability,
the tab and the API through the real client, and the record export."""

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from consent import selectors
from consent.models import (
    RIGHT_TO_REVOKE,
    TPO_PURPOSE,
    TPO_RECIPIENTS,
    Consent,
    ConsentRevocation,
    ConsentStatus,
)
from consent.services import mark_entered_in_error, record_consent, revoke_consent
from participants.export import export_record
from participants.models import Episode, EpisodeStatus
from tandem.errors import AccessDenied, ConcurrentEdit, InvalidInput
from tandem.records import ImmutableRecordError

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
PART2: dict[str, Any] = {
    "kind": "part2",
    "discloser": "Riverside IOP",
    "information": "Attendance and treatment plan",
    "parts": ["attendance", "treatment_plan"],
    "recipients": "Dr A. Example, Northside Clinic",
    "purpose": "Coordination of care at my request",
    "expiry": "date",
    "expires_on": date(2026, 12, 31),
    "signed_on": date(2026, 9, 8),
}
TPO = PART2 | {
    "tpo": True,
    "recipients": TPO_RECIPIENTS,
    "purpose": TPO_PURPOSE,
    "expiry": "none",
    "expires_on": None,
}


def part2(world, **changes):
    return record_consent(world.participant, by=world.therapist, now=NOW, **(PART2 | changes))


def api_url(world) -> str:
    return f"/api/v1/participants/{world.participant.public_id}/consents"


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("discloser", "Name who may disclose: the program."),
        ("information", "Describe specifically the information that may be disclosed."),
        ("recipients", "Name the recipients: a person or organisation, or for a TPO consent"),
        ("purpose", "Say the purpose of the disclosure."),
        ("expiry", "Say when the consent expires"),
    ],
)
def test_each_missing_element_of_a_part2_consent_is_refused_by_name(world, field, message):
    changes: dict = {field: ""}
    if field == "expiry":
        changes["expires_on"] = None
    with pytest.raises(InvalidInput) as refused:
        part2(world, **changes)
    assert refused.value.field == field
    assert refused.value.message.startswith(message)
    assert not Consent.objects.exists()
    assert not AuditEvent.objects.filter(event_type="consent.recorded").exists()


def test_a_missing_signing_date_or_one_after_today_is_refused(world):
    with pytest.raises(InvalidInput) as missing:
        part2(world, signed_on=None)
    assert missing.value.field == "signed_on"
    with pytest.raises(InvalidInput) as ahead:
        part2(world, signed_on=date(2026, 11, 21))
    assert ahead.value.message == "The signing date cannot be after today."
    assert not Consent.objects.exists()


def test_only_a_tpo_consent_may_have_no_expiry(world):
    with pytest.raises(InvalidInput) as refused:
        part2(world, expiry="none", expires_on=None)
    assert refused.value.field == "expiry"
    assert "Only a TPO consent may have no expiry" in refused.value.message
    tpo = record_consent(world.participant, by=world.therapist, now=NOW, **TPO)
    assert (tpo.tpo, tpo.expiry, tpo.ends_on) == (True, "none", None)


def test_an_expiry_on_a_date_needs_the_date_and_not_before_the_signature(world):
    with pytest.raises(InvalidInput) as missing:
        part2(world, expires_on=None)
    assert missing.value.field == "expires_on"
    with pytest.raises(InvalidInput) as before:
        part2(world, expires_on=date(2026, 9, 1))
    assert before.value.message == "The expiry date cannot be before the signing date."


def test_a_representative_is_named_with_their_relationship(world):
    with pytest.raises(InvalidInput) as no_name:
        part2(world, signer="representative", representative_relationship="Mother")
    assert no_name.value.field == "representative_name"
    with pytest.raises(InvalidInput) as no_relationship:
        part2(world, signer="representative", representative_name="Ann Example")
    assert no_relationship.value.field == "representative_relationship"
    row = part2(
        world,
        signer="representative",
        representative_name="Ann Example",
        representative_relationship="Legal guardian",
    )
    assert row.get_signer_display() == "An authorised representative"


def test_a_treatment_consent_keeps_only_its_signature_and_expiry(world):
    row = record_consent(
        world.participant,
        by=world.therapist,
        kind="treatment",
        signed_on=date(2026, 9, 8),
        recipients="Anyone",
        now=NOW,
    )
    assert (row.recipients, row.expiry, row.episode) == ("", "none", world.episode)
    event = AuditEvent.objects.get(event_type="consent.recorded")
    assert event.participant_id == world.participant.pk


def test_status_over_time_expiry_date_and_revocation(world):
    row = part2(world)
    assert row.status_on(date(2026, 9, 7)) == ConsentStatus.NOT_YET
    assert row.status_on(date(2026, 9, 8)) == ConsentStatus.IN_FORCE
    assert row.status_on(date(2026, 12, 31)) == ConsentStatus.IN_FORCE
    assert row.status_on(date(2027, 1, 1)) == ConsentStatus.EXPIRED
    revoke_consent(
        row,
        by=world.therapist,
        revoked_on=date(2026, 11, 10),
        received="paper",
        expected_version=1,
        now=NOW,
    )
    row = Consent.objects.select_related("revocation").get(pk=row.pk)
    assert row.status_on(date(2026, 11, 9)) == ConsentStatus.IN_FORCE
    assert row.status_on(date(2026, 11, 10)) == ConsentStatus.REVOKED
    assert row.status_on(date(2027, 1, 1)) == ConsentStatus.REVOKED


def test_a_consent_that_ends_with_treatment_expires_after_discharge(world):
    row = part2(world, expiry="end_of_treatment", expires_on=None)
    assert row.status_on(date(2027, 6, 1)) == ConsentStatus.IN_FORCE
    Episode.objects.filter(pk=world.episode.pk).update(
        status=EpisodeStatus.DISCHARGED, discharged_on=date(2026, 11, 30)
    )
    row = Consent.objects.select_related("episode").get(pk=row.pk)
    assert row.status_on(date(2026, 11, 30)) == ConsentStatus.IN_FORCE
    assert row.status_on(date(2026, 12, 1)) == ConsentStatus.EXPIRED


def test_revoking_needs_a_written_way_and_a_date_not_after_today(world):
    row = part2(world)
    for changes, field in (
        ({"received": "phone"}, "received"),
        ({"revoked_on": None}, "revoked_on"),
        ({"revoked_on": date(2026, 11, 21)}, "revoked_on"),
        ({"revoked_on": date(2026, 9, 1)}, "revoked_on"),
    ):
        kwargs: dict[str, Any] = {"revoked_on": date(2026, 11, 10), "received": "paper"} | changes
        with pytest.raises(InvalidInput) as refused:
            revoke_consent(row, by=world.therapist, expected_version=1, now=NOW, **kwargs)
        assert refused.value.field == field, changes
    assert not ConsentRevocation.objects.exists()


def test_revoking_twice_or_from_a_stale_page_is_refused(world):
    row = part2(world)
    other = part2(world)
    revoke_consent(
        row,
        by=world.therapist,
        revoked_on=date(2026, 11, 10),
        received="paper",
        expected_version=1,
        now=NOW,
    )
    assert Consent.objects.get(pk=row.pk).version == 2
    with pytest.raises(InvalidInput) as twice:
        revoke_consent(
            row,
            by=world.therapist,
            revoked_on=date(2026, 11, 11),
            received="electronic",
            expected_version=2,
            now=NOW,
        )
    assert twice.value.message == "This consent is already revoked."
    with pytest.raises(ConcurrentEdit):
        revoke_consent(
            other,
            by=world.therapist,
            revoked_on=date(2026, 11, 11),
            received="paper",
            expected_version=7,
            now=NOW,
        )
    assert ConsentRevocation.objects.count() == 1
    assert AuditEvent.objects.filter(event_type="consent.revoked").count() == 1


def test_a_recorded_consent_and_its_revocation_never_change(world):
    row = part2(world)
    row.purpose = "Something else"
    with pytest.raises(ImmutableRecordError):
        row.save()
    with pytest.raises(ImmutableRecordError):
        Consent.objects.filter(pk=row.pk).update(recipients="Anyone")
    revocation = revoke_consent(
        Consent.objects.get(pk=row.pk),
        by=world.therapist,
        revoked_on=date(2026, 11, 10),
        received="paper",
        expected_version=1,
        now=NOW,
    )
    revocation.revoked_on = date(2026, 11, 12)
    with pytest.raises(ImmutableRecordError):
        revocation.save()
    with pytest.raises(ImmutableRecordError):
        Consent.objects.get(pk=row.pk).delete()


def test_a_mistaken_consent_is_entered_in_error_with_a_reason_and_leaves_the_list(world):
    row = part2(world)
    with pytest.raises(InvalidInput):
        mark_entered_in_error(row, by=world.therapist, reason="")
    mark_entered_in_error(row, by=world.therapist, reason="Recorded on the wrong chart")
    assert selectors.consents_for(world.participant, date(2026, 11, 20)) == []
    assert Consent.objects.get(pk=row.pk).entered_in_error_reason == "Recorded on the wrong chart"
    with pytest.raises(InvalidInput):
        revoke_consent(
            row,
            by=world.therapist,
            revoked_on=date(2026, 11, 10),
            received="paper",
            expected_version=1,
            now=NOW,
        )


def test_peer_specialists_front_desk_and_billing_do_not_record_consents(world):
    for persona in ("peer", "frontdesk", "billing"):
        with pytest.raises(AccessDenied):
            record_consent(
                world.participant,
                by=world.users[persona],
                kind="treatment",
                signed_on=date(2026, 9, 8),
                now=NOW,
            )
    assert not Consent.objects.exists()


def test_the_tab_lists_records_and_revokes_through_the_pages(world, login):
    client = login(world.therapist)
    url = reverse("consent:tab", args=[world.participant.public_id])
    page = client.get(url)
    text = page.content.decode()
    assert RIGHT_TO_REVOKE in text
    assert "Signed on (required)</label>" in text
    assert "Recipients (required for a Part 2 consent)</label>" in text
    assert 'value="Riverside' not in text  # the program's own name is offered instead
    assert f'value="{world.program.name}"' in text

    refused = client.post(
        url, {"kind": "part2", "signer": "participant", "signed_on": "2026-09-08", "discloser": "X"}
    )
    assert refused.status_code == 400
    assert refused.context["form"].errors["information"] == [
        "Describe specifically the information that may be disclosed."
    ]
    assert not Consent.objects.exists()

    form = {k: v.isoformat() if isinstance(v, date) else v for k, v in TPO.items() if v is not None}
    assert client.post(url, form | {"signer": "participant", "tpo": "on"}).status_code == 302
    row = Consent.objects.get()
    assert row.tpo and row.recipients == TPO_RECIPIENTS
    text = client.get(url).content.decode()
    assert "In force" in text and TPO_RECIPIENTS in text

    revoke = reverse("consent:revoke", args=[world.participant.public_id, row.public_id])
    response = client.post(revoke, {"revoked_on": "2026-11-10", "received": "paper", "version": 1})
    assert response.status_code == 302
    text = client.get(url).content.decode()
    assert "Revoked" in text and "in writing, on paper" in text
    again = client.post(
        revoke, {"revoked_on": "2026-11-10", "received": "paper", "version": 2}, follow=True
    )
    assert "This consent is already revoked." in again.content.decode()
    assert ConsentRevocation.objects.count() == 1


def test_the_api_records_lists_and_revokes(world, login):
    client = login(world.therapist)
    body = {k: v.isoformat() if isinstance(v, date) else v for k, v in PART2.items()}
    missing = client.post(
        api_url(world), json.dumps(body | {"purpose": ""}), content_type="application/json"
    )
    assert missing.status_code == 422
    assert missing.json()["detail"] == [
        {"field": "purpose", "message": "Say the purpose of the disclosure."}
    ]
    made = client.post(api_url(world), json.dumps(body), content_type="application/json")
    assert made.status_code == 201, made.content
    consent_id = made.json()["id"]
    listed = client.get(api_url(world)).json()
    assert [(c["id"], c["kind"], c["recipients"]) for c in listed] == [
        (consent_id, "part2", PART2["recipients"])
    ]
    assert listed[0]["right_to_revoke"] == RIGHT_TO_REVOKE
    revoke = f"{api_url(world)}/{consent_id}/revoke"
    stale = client.post(
        revoke,
        json.dumps({"revoked_on": "2026-11-10", "received": "paper", "version": 9}),
        content_type="application/json",
    )
    assert stale.status_code == 409
    done = client.post(
        revoke,
        json.dumps({"revoked_on": "2026-11-10", "received": "paper", "version": 1}),
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    assert (done.json()["revoked_on"], done.json()["version"]) == ("2026-11-10", 2)
    twice = client.post(
        revoke,
        json.dumps({"revoked_on": "2026-11-10", "received": "paper", "version": 2}),
        content_type="application/json",
    )
    assert twice.status_code == 422


def test_the_record_export_lists_the_consents(world):
    part2(world)
    section = export_record(world.participant, world.therapist)["consents"]
    assert [(c["kind"], c["recipients"], c["expires"]) for c in section] == [
        ("Consent to disclose Part 2 records", PART2["recipients"], "2026-12-31")
    ]


def test_a_revocation_received_after_discharge_is_still_recorded_on_the_page(world, login):
    row = part2(world)
    Episode.objects.filter(pk=world.episode.pk).update(
        status=EpisodeStatus.DISCHARGED, discharged_on=date(2026, 11, 25)
    )
    client = login(world.therapist)
    url = reverse("consent:tab", args=[world.participant.public_id])
    text = client.get(url).content.decode()
    assert "Record a signed consent" not in text
    assert "Record the revocation" in text
    revoke = reverse("consent:revoke", args=[world.participant.public_id, row.public_id])
    response = client.post(revoke, {"revoked_on": "2026-11-26", "received": "paper", "version": 1})
    assert response.status_code == 302
    assert ConsentRevocation.objects.get().consent == row
