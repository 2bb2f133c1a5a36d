"""After discharge the chart is read-only, by the policy, except the aftercare part and
addenda to signed records."""

from django.urls import reverse

from audit.models import Action
from discharge.tests.builders import discharge_world
from participants.access import CLOSED_CHART_MESSAGE, Scope, decide


def test_clinical_and_schedule_writes_are_refused_after_discharge(world):
    assert decide(world.director, world.participant, Action.CHANGE, Scope.CLINICAL).allowed
    discharge_world(world)
    for user in (world.director, world.supervisor):
        for scope in (Scope.CLINICAL, Scope.SCHEDULE):
            decision = decide(user, world.participant, Action.CHANGE, scope)
            assert not decision.allowed and decision.closed_chart
        assert decide(user, world.participant, Action.VIEW, Scope.CLINICAL).allowed
        assert decide(user, world.participant, Action.CHANGE, Scope.AFTERCARE).allowed


def test_the_care_team_at_discharge_keeps_reading_and_the_aftercare_part(world):
    discharge_world(world)
    therapist = world.therapist
    assert decide(therapist, world.participant, Action.VIEW, Scope.CLINICAL).allowed
    assert decide(therapist, world.participant, Action.CHANGE, Scope.AFTERCARE).allowed
    assert not decide(therapist, world.participant, Action.CHANGE, Scope.CLINICAL).allowed
    assert not decide(world.outsider, world.participant, Action.VIEW, Scope.CLINICAL).allowed
    assert not decide(world.frontdesk, world.participant, Action.VIEW, Scope.AFTERCARE).allowed


def test_a_participant_adds_no_self_report_after_discharge(world):
    user = world.participant_user
    assert decide(user, world.participant, Action.CREATE, Scope.CLINICAL).allowed
    discharge_world(world)
    assert not decide(user, world.participant, Action.CREATE, Scope.CLINICAL).allowed
    assert decide(user, world.participant, Action.VIEW, Scope.AFTERCARE).allowed


def test_a_chart_page_write_after_discharge_is_refused_with_the_reason(world, login):
    discharge_world(world)
    client = login(world.director)
    response = client.post(
        reverse("participants:care_team_add", args=[world.participant.public_id]),
        {"user": world.outsider.pk, "role": "therapist"},
    )
    assert response.status_code == 403
    assert CLOSED_CHART_MESSAGE in response.content.decode()


def test_a_new_referral_opens_the_chart_again(world):
    from participants.models import Episode

    discharge_world(world)
    Episode.objects.create(
        participant=world.participant, program=world.program, referred_on=world.episode.referred_on
    )
    assert decide(world.director, world.participant, Action.CHANGE, Scope.CLINICAL).allowed


def test_a_signed_intake_takes_an_addendum_after_discharge_signed_like_any_other(world, login):
    from intake import services as intake
    from intake.models import Intake, IntakeSection
    from intake.tests.builders import fill_required

    signed = intake.start_intake(world.episode, by=world.therapist)
    signed = fill_required(signed, world.therapist)
    signed = intake.sign_intake(signed, by=world.therapist, expected_version=signed.version)
    discharge_world(world)
    section = IntakeSection.objects.get(intake=signed, key="presenting")
    response = login(world.therapist).post(
        reverse(
            "intake:save_section", args=[world.participant.public_id, signed.public_id, "legal"]
        ),
        {"version": 0, "arrests": "1", "addendum_reason": "Disclosed an arrest at the last visit."},
    )
    assert response.status_code == 302
    addendum = Intake.objects.get(supersedes=signed)
    assert IntakeSection.objects.get(intake=addendum, key="legal").data["arrests"] == "1"
    assert section.data == IntakeSection.objects.get(pk=section.pk).data
    signed_addendum = intake.sign_intake(
        addendum, by=world.therapist, expected_version=addendum.version
    )
    assert signed_addendum.is_signed
    assert not decide(world.therapist, world.participant, Action.CHANGE, Scope.CLINICAL).allowed
