"""A request decides access once per participant, and forgets when the care team changes."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import Action
from participants.access import (
    Scope,
    break_the_glass,
    decide,
    decisions_for_one_request,
    may,
)
from participants.models import CareTeamRole
from participants.services import add_care_team_member

# The policy's care-team membership check (the chart's care-team list is a separate query).
CARE_TEAM_CHECK = 'SELECT 1 AS "a" FROM "participants_careteammember"'


def _care_team_checks(queries) -> int:
    return sum(CARE_TEAM_CHECK in q["sql"] for q in queries.captured_queries)


def test_a_chart_read_decides_from_the_care_team_its_header_reads(world, login):
    client = login(world.therapist)
    url = reverse("participants:chart", args=[world.participant.public_id])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert _care_team_checks(queries) == 0


def test_a_chart_read_refuses_one_whose_care_team_membership_ended(world, login):
    membership = world.episode.care_team.get(user=world.therapist, ended_on__isnull=True)
    membership.ended_on = world.episode.referred_on
    membership.save()
    url = reverse("participants:chart", args=[world.participant.public_id])
    assert login(world.therapist).get(url).status_code == 403


def test_nothing_is_remembered_outside_a_request(world):
    with CaptureQueriesContext(connection) as queries:
        decide(world.therapist, world.participant, Action.VIEW, Scope.CLINICAL)
        decide(world.therapist, world.participant, Action.VIEW, Scope.CLINICAL)
    assert _care_team_checks(queries) == 2


def test_remembered_decisions_belong_to_their_user(world):
    with decisions_for_one_request():
        assert decide(world.therapist, world.participant, Action.VIEW, Scope.CLINICAL).allowed
        assert not decide(world.outsider, world.participant, Action.VIEW, Scope.CLINICAL).allowed


def test_a_care_team_change_in_the_same_request_is_seen(world):
    with decisions_for_one_request():
        assert not decide(world.outsider, world.participant, Action.VIEW, Scope.CLINICAL).allowed
        add_care_team_member(
            world.episode, user=world.outsider, role=CareTeamRole.COUNSELLOR, by=world.director
        )
        assert decide(world.outsider, world.participant, Action.VIEW, Scope.CLINICAL).allowed


def test_breaking_the_glass_in_the_same_request_is_seen(world):
    with decisions_for_one_request():
        assert not decide(world.outsider, world.participant, Action.VIEW, Scope.CLINICAL).allowed
        break_the_glass(world.outsider, world.participant, "Crisis call, chart needed now.")
        decision = decide(world.outsider, world.participant, Action.VIEW, Scope.CLINICAL)
        assert decision.allowed and decision.break_glass is not None


def test_staff_management_is_a_director_capability(world):
    assert may(world.director, "staff.manage", world.org.pk)
    assert not may(world.supervisor, "staff.manage", world.org.pk)
    assert not may(world.stranger, "staff.manage", world.org.pk)


def test_a_list_decision_answers_the_same_requests_later_questions(world):
    from participants.access import decide_many

    with decisions_for_one_request():
        decide_many(world.therapist, [world.participant], Action.VIEW, Scope.CLINICAL)
        with CaptureQueriesContext(connection) as queries:
            assert decide(world.therapist, world.participant, Action.VIEW, Scope.CLINICAL).allowed
    assert len(queries) == 0


def test_an_episode_leaving_screening_in_the_same_request_is_seen(world):
    """The intake clinician reaches a referral only while it waits for admission: declining
    it in the same request ends that, as the care team's changes do."""
    from participants.models import EpisodeStatus
    from participants.services import transition_episode

    with decisions_for_one_request():
        assert decide(world.intake, world.referral, Action.VIEW, Scope.CLINICAL).allowed
        transition_episode(
            world.referral_episode,
            to_status=EpisodeStatus.DECLINED,
            by=world.director,
            on=world.referral_episode.referred_on,
            reason="Chose another program.",
            confirmed=True,
            expected_version=world.referral_episode.version,
        )
        assert not decide(world.intake, world.referral, Action.VIEW, Scope.CLINICAL).allowed
