"""Payers a Part 2 consent names, picked from the organization's list: the service days to
bill match on them, not on the consent's words; they are fixed once the consent is recorded."""

import html
import json
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from accounts.models import Organization
from audit.models import AuditEvent
from billing import selectors, services
from billing.models import ConsentPayer, Payer
from billing.tests.builders import LAST_WEEK, attended, cover, payer
from consent.models import Consent
from consent.services import record_consent
from participants.export import export_record
from tandem.errors import InvalidInput
from tandem.records import ImmutableRecordError

CONSENT: dict[str, Any] = {
    "kind": "part2",
    "signed_on": date(2026, 9, 8),
    "discloser": "Adult IOP",
    "information": "Attendance and diagnoses",
    "parts": ["diagnoses", "attendance"],
    "purpose": "Payment of claims",
    "expiry": "end_of_treatment",
}


def naming(world, *payers: Payer, recipients: str = ""):
    words = recipients or ", ".join(p.name for p in payers)
    return record_consent(
        world.participant,
        by=world.therapist,
        recipients=words,
        named={"payers": [str(p.public_id) for p in payers]},
        **CONSENT,
    )


def _lines(world):
    return selectors.service_days([world.program], LAST_WEEK)


def test_a_consent_naming_payer_a_lets_a_s_lines_be_billed_and_holds_b_s(world):
    a, b = payer(world), payer(world, "Lakeshore Medicaid", "S9480")
    cover(world, world.episode, a, ends_on=date(2026, 11, 24))
    cover(world, world.episode, b, starts_on=date(2026, 11, 25))
    attended(world.program, world.episode, date(2026, 11, 24), 180)
    attended(world.program, world.episode, date(2026, 11, 25), 180)
    consent = naming(world, a, recipients="My health plan, for the payment of claims")
    assert list(ConsentPayer.objects.values_list("consent", "payer")) == [(consent.pk, a.pk)]
    event = AuditEvent.objects.get(event_type="consent.recorded")
    assert event.details["payers"] == [a.pk]
    first, second = _lines(world)
    assert (first.payer, first.is_ready) == (a, True)
    assert (second.payer, second.held) == (b, [selectors.NO_CONSENT])


def test_a_payer_whose_name_is_inside_the_named_one_no_longer_matches(world):
    aetna = payer(world, "Aetna")
    better = payer(world, "Aetna Better Health")
    cover(world, world.episode, aetna)
    attended(world.program, world.episode, date(2026, 11, 24), 180)
    naming(world, better)
    (line,) = _lines(world)
    assert not line.is_ready
    assert line.held == [selectors.NAMED_IN_WORDS_ONLY]


def test_a_consent_naming_the_payer_in_words_and_from_the_list_is_ready(world):
    a = payer(world)
    cover(world, world.episode, a)
    attended(world.program, world.episode, date(2026, 11, 24), 180)
    naming(world, a, recipients="prairie health plan, claims department")
    (line,) = _lines(world)
    assert line.is_ready


def test_another_organization_s_payer_cannot_be_named_and_nothing_is_written(world):
    other = Payer.objects.create(
        organization=Organization.objects.exclude(pk=world.org.pk).get(),
        name="Elsewhere Health",
        per_diem_code="H0015",
    )
    for ids in ([str(other.public_id)], ["not an id"], [str(payer(world).public_id), "x"]):
        with pytest.raises(InvalidInput) as refused:
            record_consent(
                world.participant,
                by=world.therapist,
                recipients="Elsewhere Health",
                named={"payers": ids},
                **CONSENT,
            )
        assert refused.value.field == "payers"
        assert refused.value.message == "Choose payers from the program's list."
    assert not Consent.objects.exists()
    assert not ConsentPayer.objects.exists()
    assert not AuditEvent.objects.filter(event_type="consent.recorded").exists()


def test_the_payers_named_never_change_once_the_consent_is_recorded(world):
    a, b = payer(world), payer(world, "Lakeshore Medicaid", "S9480")
    consent = naming(world, a)
    row = ConsentPayer.objects.get()
    with pytest.raises(ImmutableRecordError):
        ConsentPayer.objects.filter(consent=consent).update(payer=b)
    with pytest.raises(ImmutableRecordError):
        ConsentPayer.objects.filter(consent=consent).delete()
    row.payer = b
    with pytest.raises(ImmutableRecordError):
        row.save()
    with pytest.raises(ImmutableRecordError):
        row.delete()
    with pytest.raises(InvalidInput) as again:
        services.name_payers(consent, [str(b.public_id)])
    assert "part of what was signed" in again.value.message
    assert list(ConsentPayer.objects.values_list("payer", flat=True)) == [a.pk]


def test_the_tab_offers_the_program_s_payers_records_them_and_shows_them(world, login):
    a, b = payer(world), payer(world, "Lakeshore Medicaid", "S9480")
    other = Payer.objects.create(
        organization=Organization.objects.exclude(pk=world.org.pk).get(),
        name="Elsewhere Health",
        per_diem_code="H0015",
    )
    client = login(world.therapist)
    url = reverse("consent:tab", args=[world.participant.public_id])
    page = client.get(url).content.decode()
    assert "<legend>Payers named</legend>" in page
    assert str(a.public_id) in page and str(b.public_id) in page
    assert "Elsewhere Health" not in page
    form = {k: v.isoformat() if isinstance(v, date) else v for k, v in CONSENT.items()}
    form |= {"signer": "participant", "recipients": "Prairie Health Plan"}
    refused = client.post(url, form | {"payers": [str(other.public_id)]})
    assert refused.status_code == 400
    assert refused.context["form"].errors["payers"] == ["Choose from the program's list."]
    assert not Consent.objects.exists() and not ConsentPayer.objects.exists()
    assert client.post(url, form | {"payers": [str(a.public_id)]}).status_code == 302
    assert list(ConsentPayer.objects.values_list("payer", flat=True)) == [a.pk]
    page = client.get(url).content.decode()
    assert "<dt>Payers named</dt><dd>Prairie Health Plan</dd>" in page
    section = export_record(world.participant, world.therapist)["consents"]
    assert [c["payers_named"] for c in section] == ["Prairie Health Plan"]


def test_the_printed_copy_names_the_payers_the_consent_relies_on(world, login):
    a = payer(world)
    naming(world, a, recipients="Prairie Health Plan, claims")
    client = login(world.therapist)
    copy = client.post(
        reverse("consent:disclose", args=[world.participant.public_id]),
        {
            "to": "other",
            "recipient": "Prairie Health Plan",
            "what": "face_sheet",
            "consent": str(Consent.objects.get().public_id),
        },
    )
    assert copy.status_code == 200
    assert "<dt>Payers named</dt><dd>Prairie Health Plan</dd>" in copy.content.decode()


def test_the_api_names_payers_refuses_another_organization_s_and_shows_them(world, login):
    a = payer(world)
    other = Payer.objects.create(
        organization=Organization.objects.exclude(pk=world.org.pk).get(),
        name="Elsewhere Health",
        per_diem_code="H0015",
    )
    cover(world, world.episode, a)
    attended(world.program, world.episode, date(2026, 11, 24), 180)
    client = login(world.therapist)
    url = f"/api/v1/participants/{world.participant.public_id}/consents"
    body = {k: v.isoformat() if isinstance(v, date) else v for k, v in CONSENT.items()}
    body["recipients"] = "Prairie Health Plan"
    for ids in ([str(other.public_id)], ["not an id"], [str(a.public_id), "x"]):
        refused = client.post(
            url, json.dumps(body | {"named": {"payers": ids}}), content_type="application/json"
        )
        assert refused.status_code == 422
        assert refused.json()["detail"] == [
            {"field": "named.payers", "message": "Choose payers from the program's list."}
        ]
    unknown = client.post(
        url, json.dumps(body | {"named": {"plans": ["x"]}}), content_type="application/json"
    )
    assert unknown.json()["detail"][0]["field"] == "named"
    assert not Consent.objects.exists() and not ConsentPayer.objects.exists()
    made = client.post(
        url,
        json.dumps(body | {"named": {"payers": [str(a.public_id)]}}),
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    named = {"payers": [{"id": str(a.public_id), "name": "Prairie Health Plan"}]}
    assert made.json()["named"] == named
    assert client.get(url).json()[0]["named"] == named
    (line,) = _lines(world)
    assert line.is_ready


def test_the_api_lists_the_payers_a_consent_may_name_to_those_who_record_consents(world, login):
    """An API client learns the payer ids `named` takes from the API itself: its own
    organization's payers only, and only for a role that records consents."""
    a = payer(world)
    b = payer(world, name="Lakeside Medicaid", code="S9480")
    Payer.objects.create(
        organization=Organization.objects.exclude(pk=world.org.pk).get(),
        name="Elsewhere Health",
        per_diem_code="H0015",
    )
    url = "/api/v1/consent-recipient-lists"
    listed = login(world.therapist).get(url)
    assert listed.status_code == 200
    assert listed.json() == [
        {
            "key": "payers",
            "label": "Payers named",
            "choices": [
                {"id": str(b.public_id), "name": "Lakeside Medicaid"},
                {"id": str(a.public_id), "name": "Prairie Health Plan"},
            ],
        }
    ]
    elsewhere = login(world.users["stranger"]).get(url).json()  # another organization's director
    assert [c["name"] for c in elsewhere[0]["choices"]] == ["Elsewhere Health"]
    for persona in ("billing", "frontdesk", "peer"):
        refused = login(world.users[persona]).get(url)
        assert refused.status_code == 403
        assert "Payers" not in refused.content.decode()


def test_the_blank_form_offers_the_organization_s_payers_as_boxes_to_tick(world, login):
    """The paper the participant signs lists the payers the tab will record, and only their
    organization's: another organization's form lists its own."""
    client = login(world.therapist)
    url = reverse("consent:form", args=[world.participant.public_id])
    prompt = "Payers named: tick each one this consent names as a recipient."
    assert prompt not in html.unescape(client.get(url).content.decode())
    payer(world)
    payer(world, "Lakeshore Medicaid", "S9480")
    Payer.objects.create(
        organization=Organization.objects.exclude(pk=world.org.pk).get(),
        name="Elsewhere Health",
        per_diem_code="H0015",
    )

    page = html.unescape(client.get(url).content.decode())

    assert prompt in page
    assert "<li>☐ Lakeshore Medicaid</li>\n    <li>☐ Prairie Health Plan</li>" in page
    assert "Elsewhere Health" not in page
    spanish = html.unescape(client.get(url + "?language=es").content.decode())
    assert (
        "Pagadores nombrados: marque cada uno que este consentimiento nombra como destinatario."
        in spanish
    )
    assert "<li>☐ Prairie Health Plan</li>" in spanish
    elsewhere = login(world.users["stranger"]).get(
        reverse("consent:form", args=[world.other_org_participant.public_id])
    )
    assert elsewhere.status_code == 200
    text = html.unescape(elsewhere.content.decode())
    assert "<li>☐ Elsewhere Health</li>" in text
    assert "Prairie Health Plan" not in text and "Lakeshore Medicaid" not in text
