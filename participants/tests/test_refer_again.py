"""A person whose care here has ended is referred again on their own record, not a second one."""

import threading
from datetime import date

import pytest
from django.db import connection, connections
from django.urls import reverse

from audit.models import AuditEvent, Outcome
from discharge.models import ReadmissionSignal
from discharge.tests.builders import discharge_world
from participants.models import CareTeamMember, CareTeamRole, Episode, EpisodeStatus, Participant
from participants.services import mark_entered_in_error, refer_again
from participants.tests.test_duplicate_people import _referral
from tandem.errors import AccessDenied, InvalidInput, TandemError

AGAIN = date(2026, 12, 1)


def _again(world, person=None, **changes) -> Episode:
    values = {
        "program": world.program,
        "by": world.intake,
        "referred_on": AGAIN,
        "referral_source": "Self",
        "site": world.site,
    } | changes
    return refer_again(person or world.participant, **values)


def _written() -> tuple[int, int, int, int]:
    return (
        Episode.objects.count(),
        CareTeamMember.objects.count(),
        ReadmissionSignal.objects.count(),
        AuditEvent.objects.filter(
            event_type="participant.referred_again", outcome=Outcome.ALLOWED
        ).count(),
    )


def test_a_discharged_person_referred_again_opens_a_new_episode_and_a_readmission(world):
    record = discharge_world(world)
    episode = _again(world)
    assert (episode.participant, episode.status, episode.referred_on, episode.site) == (
        world.participant,
        EpisodeStatus.REFERRED,
        AGAIN,
        world.site,
    )
    assert world.participant.episodes.count() == 2
    assert episode.care_team.get().user == world.intake
    assert episode.care_team.get().role == CareTeamRole.INTAKE
    signal = ReadmissionSignal.objects.get()
    assert (signal.discharge, signal.kind, signal.source_id, signal.noticed_on) == (
        record,
        "re_referral",
        str(episode.public_id),
        AGAIN,
    )
    event = AuditEvent.objects.get(event_type="participant.referred_again")
    assert (event.participant_id, event.actor_id) == (world.participant.pk, world.intake.pk)
    assert event.details == {"episode": str(episode.public_id), "program": world.program.pk}


def test_a_declined_referral_is_referred_again_without_a_readmission(world):
    Episode.objects.filter(pk=world.referral_episode.pk).update(status=EpisodeStatus.DECLINED)
    episode = _again(world, world.referral, by=world.therapist)
    assert episode.participant == world.referral
    assert not episode.care_team.exists()
    assert not ReadmissionSignal.objects.exists()


def _other_program(world):
    return world.other_org_participant.episodes.get().program


@pytest.mark.parametrize(
    ("case", "refusal", "says"),
    [
        ("open episode", InvalidInput, "already has an open referral or episode"),
        ("program of another organization", InvalidInput, "another organization"),
        ("staff of another organization", AccessDenied, "cannot open referrals"),
        ("site of another program", InvalidInput, "another program"),
        ("role without referral.open", AccessDenied, "cannot open referrals"),
        ("entered in error", InvalidInput, "entered in error"),
    ],
)
def test_a_refused_referral_again_writes_nothing(world, case, refusal, says):
    if case != "open episode":
        discharge_world(world)
    changes: dict = {}
    if case == "program of another organization":
        changes = {"program": _other_program(world), "site": None}
    elif case == "staff of another organization":
        changes = {"program": _other_program(world), "by": world.stranger, "site": None}
    elif case == "site of another program":
        changes = {"site": _other_program(world).sites.create(name="Elsewhere")}
    elif case == "role without referral.open":
        changes = {"by": world.frontdesk}
    elif case == "entered in error":
        mark_entered_in_error(world.participant, by=world.director, reason="Opened twice.")
    before = _written()
    with pytest.raises(refusal, match=says):
        _again(world, **changes)
    assert _written() == before
    refused = AuditEvent.objects.filter(
        event_type="participant.referred_again", outcome=Outcome.REFUSED
    )
    audited = [world.participant.pk] if refusal is AccessDenied else []
    assert list(refused.values_list("participant_id", flat=True)) == audited


@pytest.mark.django_db(transaction=True)
def test_two_people_referring_the_same_person_at_once_open_one_episode(world):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database cannot take writers from several threads")
    discharge_world(world)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def refer(by) -> None:
        try:
            start.wait()
            _again(world, by=by)
            outcomes.append("opened")
        except TandemError as exc:
            outcomes.append(exc.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=refer, args=(by,)) for by in (world.intake, world.director)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [
        "This person already has an open referral or episode.",
        "opened",
    ]
    assert world.participant.episodes.filter(status=EpisodeStatus.REFERRED).count() == 1


def test_the_referral_page_refers_a_match_whose_care_ended_again(world, login):
    discharge_world(world)
    client = login(world.intake)
    data = _referral(world, referred_on=AGAIN.isoformat(), referral_source="Self")
    page = client.post(reverse("participants:new"), data).content.decode()
    button = f'name="refer_again" value="{world.participant.public_id}">Refer this person again'
    assert button in page
    before = Participant.objects.count()
    response = client.post(
        reverse("participants:new"), data | {"refer_again": str(world.participant.public_id)}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("participants:chart", args=[world.participant.public_id])
    assert Participant.objects.count() == before
    episode = world.participant.episodes.get(status=EpisodeStatus.REFERRED)
    assert (episode.referred_on, episode.referral_source) == (AGAIN, "Self")
    assert ReadmissionSignal.objects.filter(source_id=str(episode.public_id)).exists()
    chart = client.get(response["Location"]).content.decode()
    assert "Referred again: a new episode is open on the existing record." in chart
    # The first answer showed the match; the second went on to the chart without showing it.
    assert AuditEvent.objects.filter(event_type="participant.likely_matches_shown").count() == 1


def test_a_match_in_care_shows_it_is_open_and_cannot_be_referred_again(world, login):
    client = login(world.intake)
    data = _referral(world)
    page = client.post(reverse("participants:new"), data).content.decode()
    assert "Referral or episode already open" in page
    assert "Refer this person again" not in page
    before = _written()
    refused = client.post(
        reverse("participants:new"), data | {"refer_again": str(world.participant.public_id)}
    )
    assert refused.status_code == 400
    assert "already has an open referral or episode" in refused.content.decode()
    assert _written() == before


def test_a_posted_id_of_another_organization_s_person_is_refused(world, login):
    other = world.other_org_participant
    Episode.objects.filter(participant=other).update(status=EpisodeStatus.DECLINED)
    data = _referral(
        world,
        legal_first_name=other.legal_first_name,
        legal_last_name=other.legal_last_name,
        date_of_birth=other.date_of_birth.isoformat(),
        phone="",
    )
    before = _written()
    response = login(world.intake).post(
        reverse("participants:new"), data | {"refer_again": str(other.public_id)}
    )
    assert response.status_code == 400
    assert "not one of the likely matches" in response.content.decode()
    assert _written() == before
