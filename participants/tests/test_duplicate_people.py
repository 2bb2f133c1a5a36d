"""A referral for someone who already has a record shows that record first."""

from django.urls import reverse

from audit.models import AuditEvent
from participants.duplicates import similar_names
from participants.models import Participant


def _referral(world, **changes) -> dict:
    """The conftest participant again: Robin Testperson, born 1990-05-17."""
    world.participant.phone = "(555) 010-2030"
    world.participant.save(update_fields=["phone"])
    return {
        "legal_first_name": "ROBIN",
        "legal_last_name": "Testpérson",
        "date_of_birth": "1990-05-17",
        "sex_at_birth": "unknown",
        "phone": "555 010 2030",
        "program": world.program.pk,
        "referred_on": "2026-11-20",
    } | changes


def test_a_second_referral_of_the_same_person_shows_the_match_and_creates_nothing(world, login):
    data = _referral(world)
    before = Participant.objects.count()
    response = login(world.intake).post(reverse("participants:new"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "This person may already have a record" in page
    assert "Open the existing record" in page
    assert reverse("participants:chart", args=[world.participant.public_id]) in page
    assert "birth date and name, phone" in page
    assert "<td>Thu 17 May 1990</td>" in page and "<td>1990-05-17</td>" not in page
    assert Participant.objects.count() == before
    shown = AuditEvent.objects.get(event_type="participant.likely_matches_shown")
    assert shown.details["participants"] == [str(world.participant.public_id)]


def test_creating_anyway_without_a_reason_is_refused(world, login):
    data = _referral(world, duplicate_reason="   ")
    before = Participant.objects.count()
    response = login(world.intake).post(reverse("participants:new"), data)
    assert response.status_code == 400
    assert "write why a new record is needed" in response.content.decode()
    assert Participant.objects.count() == before


def test_creating_anyway_with_a_reason_creates_and_keeps_the_reason(world, login):
    reason = "Existing record belongs to a different person with the same name."
    data = _referral(world, duplicate_reason=reason)
    response = login(world.intake).post(reverse("participants:new"), data)
    assert response.status_code == 302
    created = Participant.objects.exclude(pk=world.participant.pk).get(legal_last_name="Testpérson")
    event = AuditEvent.objects.get(event_type="participant.referred", participant=created)
    assert event.reason == reason
    assert event.details["likely_matches"] == [str(world.participant.public_id)]
    # The page went on to the new chart without showing the matches: the referral's event
    # names them, and no "shown" event claims a read that did not happen.
    assert not AuditEvent.objects.filter(event_type="participant.likely_matches_shown").exists()


def test_a_match_by_email_alone_is_shown(world, login):
    world.participant.email = "robin@example.org"
    world.participant.save(update_fields=["email"])
    data = _referral(
        world,
        legal_first_name="Sam",
        legal_last_name="Other",
        date_of_birth="1970-01-01",
        phone="",
        email="ROBIN@example.org",
    )
    response = login(world.intake).post(reverse("participants:new"), data)
    assert response.status_code == 400
    assert "Open the existing record" in response.content.decode()


def test_records_in_another_organization_are_not_shown(world, login):
    other = world.other_org_participant
    data = _referral(
        world,
        legal_first_name=other.legal_first_name,
        legal_last_name=other.legal_last_name,
        date_of_birth=other.date_of_birth.isoformat(),
        phone="",
    )
    response = login(world.intake).post(reverse("participants:new"), data)
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(event_type="participant.likely_matches_shown").exists()


def test_name_similarity_ignores_case_accents_and_short_first_names():
    assert similar_names("Zoë", "Martín", "ZOE", "martin")
    assert similar_names("Rob", "Testperson", "Robin", "Testperson")
    assert not similar_names("Alex", "Smith", "Jordan", "Quill")
