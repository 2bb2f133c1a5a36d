"""A critical alert follows the case to whoever is the participant's primary clinician."""

from datetime import date

import pytest

from assessments.services import record_administration
from audit.models import Action, AuditEvent
from monitoring.models import Alert
from monitoring.selectors import open_alerts_assigned_to
from participants.access import Scope, decide
from participants.models import CareTeamMember, CareTeamRole
from participants.services import add_care_team_member
from placement import services as placement
from placement.tests.builders import record

PHQ9_ITEM_9_ABOVE_0 = {str(i): 0 for i in range(1, 9)} | {"9": 2}


@pytest.fixture
def screened(world):
    """The world's referral, with its intake clinician and a decision for the IOP."""
    world.referral_episode.care_team.create(user=world.intake, role=CareTeamRole.INTAKE)
    record(world.referral_episode, by=world.intake)
    return world.referral_episode


def _suicide_risk_alert(world) -> Alert:
    record_administration(
        world.referral,
        code="phq-9",
        answers=PHQ9_ITEM_9_ABOVE_0,
        mode="staff-entered",
        by=world.intake,
    )
    return Alert.objects.get(participant=world.referral, kind="suicide-risk")


def _admit(world, episode):
    episode.refresh_from_db()
    return placement.admit(
        episode,
        by=world.intake,
        on=date(2026, 11, 9),
        primary_clinician=world.therapist,
        expected_version=episode.version,
    )


def test_an_alert_raised_at_screening_moves_to_the_primary_clinician_at_admission(world, screened):
    alert = _suicide_risk_alert(world)
    assert list(alert.assigned_to.all()) == [world.intake]

    _admit(world, screened)

    assert list(alert.assigned_to.all()) == [world.therapist]
    assert alert in open_alerts_assigned_to(world.therapist)
    assert alert not in open_alerts_assigned_to(world.intake)
    moved = AuditEvent.objects.get(record_id=str(alert.public_id), action=Action.CHANGE)
    assert moved.details["changes"]["assigned_to"] == {
        "before": [world.intake.pk],
        "after": [world.therapist.pk],
    }


def test_the_intake_row_ends_at_admission_and_with_it_clinical_access(world, screened):
    assert decide(world.intake, world.referral, Action.VIEW, Scope.CLINICAL).allowed
    _admit(world, screened)
    intake_row = CareTeamMember.objects.get(episode=screened, role=CareTeamRole.INTAKE)
    assert intake_row.ended_on == date(2026, 11, 9)
    assert not decide(world.intake, world.referral, Action.VIEW, Scope.CLINICAL).allowed


def test_open_alerts_move_when_the_primary_clinician_is_replaced(world):
    alert = Alert.objects.create(
        participant=world.participant,
        episode=world.episode,
        kind="suicide-risk",
        severity="critical",
        title="PHQ-9 item 9 answered above 0",
    )
    alert.assigned_to.set([world.therapist, world.casemanager])
    done = Alert.objects.create(
        participant=world.participant,
        kind="k",
        severity="critical",
        title="t",
        status="acknowledged",
    )
    done.assigned_to.set([world.therapist])

    add_care_team_member(
        world.episode,
        user=world.outsider,
        role=CareTeamRole.PRIMARY_CLINICIAN,
        by=world.director,
        replaces=world.therapist,
    )

    assert set(alert.assigned_to.all()) == {world.outsider, world.casemanager}
    assert list(done.assigned_to.all()) == [world.therapist]


def test_an_alert_closes_when_the_record_it_was_raised_from_is_entered_in_error(world, screened):
    from assessments.models import Administration
    from assessments.services import mark_entered_in_error
    from monitoring.models import AlertStatus

    alert = _suicide_risk_alert(world)
    other = Alert.objects.create(
        participant=world.referral, kind="k", severity="high", title="Raised from something else"
    )
    administration = Administration.objects.get(participant=world.referral, instrument="phq-9")

    mark_entered_in_error(administration, by=world.intake, reason="Recorded for the wrong person")

    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED
    assert alert.acknowledged_by == world.intake
    assert "entered in error: Recorded for the wrong person" in alert.acknowledgement_note
    assert open_alerts_assigned_to(world.intake) == []
    assert Alert.objects.get(pk=other.pk).status == AlertStatus.OPEN
    closing = AuditEvent.objects.get(record_id=str(alert.public_id), action=Action.CHANGE)
    assert closing.details["source_entered_in_error"] is True
