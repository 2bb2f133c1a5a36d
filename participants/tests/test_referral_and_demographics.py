"""Opening a referral and editing details, with concurrent edits detected."""

from datetime import date

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent
from participants.models import Episode, Participant
from participants.services import EPISODE_OPENED, create_referral


def test_intake_opens_a_referral_and_lands_on_the_chart(world, login):
    client = login(world.intake)
    response = client.post(
        reverse("participants:new"),
        {
            "legal_first_name": "Jordan",
            "legal_last_name": "Quill",
            "date_of_birth": "1988-02-29",
            "sex_at_birth": "unknown",
            "program": world.program.pk,
            "referred_on": "2026-11-20",
            "referral_source": "Primary care",
        },
    )
    assert response.status_code == 302
    person = Participant.objects.get(legal_last_name="Quill")
    assert person.record_number.startswith("T-")
    episode = person.episodes.get()
    assert episode.status == "referred"
    assert episode.care_team.get().user == world.intake
    assert AuditEvent.objects.filter(participant=person, action=Action.CREATE).exists()
    assert login(world.intake).get(response["Location"]).status_code == 200


def _refer(world, last_name: str) -> Episode:
    return create_referral(
        program=world.program,
        by=world.intake,
        demographics={
            "legal_first_name": "Jordan",
            "legal_last_name": last_name,
            "date_of_birth": date(1988, 2, 29),
        },
        referred_on=date(2026, 11, 20),
    )


def test_what_follows_an_episode_opening_is_given_the_referral_s_episode(world):
    opened: list[Episode] = []
    EPISODE_OPENED.register(opened.append)
    try:
        episode = _refer(world, "Quill")
    finally:
        EPISODE_OPENED.unregister(opened.append)
    assert opened == [episode]


def test_a_follower_of_an_episode_opening_that_fails_leaves_no_referral(world):
    """The followers run inside the referral's transaction, so a failing one undoes it."""

    def refuse(episode: Episode) -> None:
        raise RuntimeError("the follower failed")

    EPISODE_OPENED.register(refuse)
    try:
        with pytest.raises(RuntimeError):
            _refer(world, "Marsh")
    finally:
        EPISODE_OPENED.unregister(refuse)
    assert not Participant.objects.filter(legal_last_name="Marsh").exists()


def test_referral_with_bad_date_of_birth_writes_nothing(world, login):
    client = login(world.intake)
    count = Participant.objects.count()
    response = client.post(
        reverse("participants:new"),
        {
            "legal_first_name": "Jordan",
            "legal_last_name": "Quill",
            "date_of_birth": "1988-02-30",
            "sex_at_birth": "unknown",
            "program": world.program.pk,
            "referred_on": "2026-11-20",
        },
    )
    assert response.status_code == 400
    assert b"Enter a valid date" in response.content
    assert Participant.objects.count() == count


def test_front_desk_cannot_open_referrals(world, login):
    assert login(world.frontdesk).get(reverse("participants:new")).status_code == 403


def _form(world, **changes):
    p = world.participant
    data = {
        f: getattr(p, f)
        for f in [
            "legal_first_name",
            "legal_last_name",
            "preferred_name",
            "pronouns",
            "date_of_birth",
            "sex_at_birth",
            "gender_identity",
            "preferred_language",
            "phone",
            "email",
            "address",
            "emergency_contact_name",
            "emergency_contact_relationship",
            "emergency_contact_phone",
        ]
    }
    data["version"] = p.version
    data.update(changes)
    return data


def test_editing_details_keeps_before_and_after_in_the_history(world, login):
    client = login(world.frontdesk)
    response = client.post(
        reverse("participants:edit", args=[world.participant.public_id]),
        _form(world, phone="555-0199"),
    )
    assert response.status_code == 302
    change = AuditEvent.objects.filter(participant=world.participant, action=Action.CHANGE).latest(
        "id"
    )
    assert change.details["changes"] == {"phone": {"before": "", "after": "555-0199"}}


def test_a_stale_form_is_refused_and_the_other_edit_survives(world, login):
    url = reverse("participants:edit", args=[world.participant.public_id])
    stale = _form(world, phone="555-0101")
    login(world.therapist).post(url, _form(world, pronouns="they/them"))
    response = login(world.frontdesk).post(url, stale)
    assert response.status_code == 400
    assert b"changed by someone else" in response.content
    world.participant.refresh_from_db()
    assert (world.participant.pronouns, world.participant.phone) == ("they/them", "")


def test_a_new_referral_starts_on_the_programs_today(world, login):
    """Most referrals are entered the day they arrive: the date is filled in, still editable."""
    page = login(world.intake).get(reverse("participants:new")).content.decode()
    today = world.program.today().isoformat()
    assert f'name="referred_on" value="{today}"' in page
