"""A person whose care here has ended is referred again on their own record, not a second one."""

import threading
from datetime import date

import pytest
from django.db import connection, connections

from audit.models import AuditEvent
from discharge.models import ReadmissionSignal
from discharge.tests.builders import discharge_world
from participants.models import CareTeamMember, CareTeamRole, Episode, EpisodeStatus
from participants.services import mark_entered_in_error, refer_again
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
        AuditEvent.objects.filter(event_type="participant.referred_again").count(),
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
        ("other organization", InvalidInput, "another organization"),
        ("site of another program", InvalidInput, "another program"),
        ("role without referral.open", AccessDenied, "cannot open referrals"),
        ("entered in error", InvalidInput, "entered in error"),
    ],
)
def test_a_refused_referral_again_writes_nothing(world, case, refusal, says):
    if case != "open episode":
        discharge_world(world)
    changes: dict = {}
    if case == "other organization":
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
