"""The public program page: what it says, in English and Spanish, and its self-referral form
(honeypot, rate limit, nothing shown back, a referral opened with its audit event)."""

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from outcomes.models import ProgramProfile, SelfReferralAttempt
from outcomes.public import SELF_REFERRAL, SENDS_PER_HOUR
from participants.models import Episode, Participant

PERSON = {
    "first_name": "Dana",
    "last_name": "Selfreferrer",
    "date_of_birth": "1991-04-12",
    "phone": "555-0142",
    "email": "",
    "preferred_language": "Spanish",
    "website": "",
}


@pytest.fixture
def profile(world):
    return ProgramProfile.objects.create(
        program=world.program,
        slug="adult-iop",
        summary="Treatment for substance use and mental health together.",
        summary_es="Tratamiento para el consumo de sustancias y la salud mental a la vez.",
        treats="Alcohol use\nDepression",
        treats_es="Consumo de alcohol\nDepresión",
        hours="Morning track: Monday, Wednesday, Thursday 9:00–12:00",
        languages="English, Spanish",
        languages_es="Inglés, español",
        insurance="Medicaid\nMedicare",
        staff_qualifications="Licensed clinical social workers (LCSW)",
        virtual=True,
        phone="555-0100",
        self_referral_recipient=world.intake,
    )


def _send(client, profile, **changes):
    return client.post(reverse("front_door", args=[profile.slug]), {**PERSON, **changes})


def test_the_page_says_what_the_program_is(profile):
    page = Client().get(reverse("front_door", args=[profile.slug]))
    assert page.status_code == 200
    text = page.content.decode()
    for words in ("Alcohol use", "Medicaid", "LCSW", "English, Spanish", "in person and online"):
        assert words in text
    assert '<html lang="en">' in text


def test_the_page_in_spanish(profile):
    page = Client().get(reverse("front_door_es", args=[profile.slug]))
    text = page.content.decode()
    assert '<html lang="es">' in text
    assert "Qué tratamos" in text
    assert "Consumo de alcohol" in text
    assert "Tratamiento para el consumo de sustancias" in text
    assert "What we treat" not in text


def test_a_self_referral_opens_a_referral_with_its_audit_events(profile, world):
    before = Participant.objects.count()
    response = _send(Client(), profile)
    assert response.status_code == 302
    assert Participant.objects.count() == before + 1
    episode = Episode.objects.get(participant__legal_last_name="Selfreferrer")
    assert episode.referral_source == SELF_REFERRAL
    assert episode.program == world.program
    assert episode.participant.preferred_language == "Spanish"
    types = set(
        AuditEvent.objects.filter(participant=episode.participant).values_list(
            "event_type", flat=True
        )
    )
    assert {"participant.referred", "outcomes.self_referral_received"} <= types


def test_nothing_sent_is_shown_back(profile):
    client = Client()
    response = _send(client, profile)
    assert response.status_code == 302
    thanks = client.get(response["Location"])
    text = thanks.content.decode()
    assert "Thank you" in text
    for sent in ("Dana", "Selfreferrer", "555-0142", "1991"):
        assert sent not in text
    # A second referral of the same person is taken the same way (intake sorts out likely
    # matches): the person is not told they are already known.
    again = _send(client, profile)
    assert again.status_code == 302
    assert "Selfreferrer" not in client.get(again["Location"]).content.decode()


def test_the_honeypot_opens_nothing_and_looks_the_same(profile):
    before = Participant.objects.count()
    response = _send(Client(), profile, website="http://spam.example")
    assert response.status_code == 302
    assert response["Location"] == reverse("front_door_thanks", args=[profile.slug])
    assert Participant.objects.count() == before


def test_more_than_a_few_sends_an_hour_are_refused(profile):
    client = Client()
    for i in range(SENDS_PER_HOUR):
        assert _send(client, profile, last_name=f"Person{i}").status_code == 302
    before = Participant.objects.count()
    refused = _send(client, profile, last_name="Onetoomany")
    assert refused.status_code == 429
    assert Participant.objects.count() == before
    assert "Onetoomany" not in refused.content.decode()
    # Another sender is not held back.
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert _send(other, profile, last_name="Elsewhere").status_code == 302
    assert SelfReferralAttempt.objects.filter(sender__contains="203.0.113.9").count() == 0


def test_a_form_with_a_missing_contact_is_sent_back_without_a_referral(profile):
    before = Participant.objects.count()
    response = _send(Client(), profile, phone="", email="")
    assert response.status_code == 400
    assert Participant.objects.count() == before


def test_an_unpublished_page_is_not_there(profile):
    profile.is_published = False
    profile.save()
    assert Client().get(reverse("front_door", args=[profile.slug])).status_code == 404


def test_the_self_check_links_to_the_program_pages(profile):
    page = Client().get(reverse("self_check")).content.decode()
    assert reverse("front_door_list") in page
    listing = Client().get(reverse("front_door_list")).content.decode()
    assert reverse("front_door", args=[profile.slug]) in listing
