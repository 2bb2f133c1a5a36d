"""After discharge the chart is read-only, by the policy, except the aftercare part and
addenda to signed records."""

import pytest
from django.urls import reverse

from audit.models import Action
from discharge.tests.builders import DISCHARGE_DAY, discharge_world, summary_of
from participants.access import CLOSED_CHART_MESSAGE, Scope, decide, refusal_message
from tandem.errors import AccessDenied
from tandem.templatetags import clock


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


def test_the_participant_is_told_their_stay_ended_and_staff_what_stays_open(world):
    """One refusal, worded for whom it refuses: the participant is spoken to, never told
    about "the participant" and their chart; staff keep the sentence about the chart."""
    discharge_world(world)
    own = decide(world.participant_user, world.participant, Action.CREATE, Scope.CLINICAL)
    staff = decide(world.director, world.participant, Action.CHANGE, Scope.CLINICAL)
    assert own.closed_chart and staff.closed_chart
    assert refusal_message(own).startswith("Your time in the program has ended")
    assert refusal_message(staff) == CLOSED_CHART_MESSAGE


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


def test_a_signed_note_takes_a_late_entry_after_discharge_but_no_new_draft(world, login):
    from notes import services as notes
    from notes.models import ProgressNote
    from notes.tests.conftest import NOW, dap

    draft = notes.draft_note(world.participant, dap(), by=world.therapist, now=NOW)
    signed = notes.sign_note(draft, by=world.therapist, expected_version=1, now=NOW)
    discharge_world(world)
    response = login(world.therapist).post(
        reverse("notes:late_entry", args=[world.participant.public_id, signed.public_id]),
        {"text": "Also named a sponsor.", "reason": "Remembered after discharge"},
    )
    assert response.status_code == 302
    late = ProgressNote.objects.get(supersedes=signed)
    assert late.is_signed and "sponsor" in late.addendum
    with pytest.raises(AccessDenied):
        notes.draft_note(world.participant, dap(), by=world.therapist, now=NOW)


def test_a_signed_plan_takes_a_revision_after_discharge_signed_like_any_other(world, login):
    from plans import services as plans
    from plans.models import TreatmentPlan
    from plans.tests.builders import signed_plan

    signed = signed_plan(world)
    discharge_world(world)
    client = login(world.therapist)
    tab = client.get(reverse("plans:plan", args=[world.participant.public_id]))
    assert "Start the revision" in tab.content.decode()
    response = client.post(
        reverse("plans:revise", args=[world.participant.public_id, signed.public_id]),
        {"change_summary": "Aftercare goal agreed at discharge."},
    )
    assert response.status_code == 302
    revision = TreatmentPlan.objects.get(revises=signed)
    goal = revision.goals.get()
    args = [world.participant.public_id, revision.public_id]
    response = client.post(
        reverse("plans:edit", args=args),
        {
            "kind": "goal",
            "version": revision.version,
            "row": goal.public_id,
            "problem": goal.problem.public_id,
            "text": "Keep feeling like myself after the program",
        },
    )
    assert response.status_code == 302
    revision.refresh_from_db()
    response = client.post(reverse("plans:sign", args=args), {"version": revision.version})
    assert response.status_code == 302
    revision.refresh_from_db()
    assert revision.is_signed and revision.goals.get().text.startswith("Keep feeling")
    with pytest.raises(AccessDenied):
        plans.start_plan(world.episode, by=world.therapist)


def test_the_signed_summary_takes_an_addendum_after_discharge_signed_like_any_other(world, login):
    from discharge import summary

    record = discharge_world(world)
    first = summary_of(record)
    first = summary.save_text(
        first, by=world.therapist, text={"course": "Attended well."}, expected_version=1
    )
    summary.sign(first, by=world.therapist, expected_version=first.version)
    url = reverse("discharge:summary_save", args=[world.participant.public_id, first.public_id])
    client = login(world.therapist)
    words = {"course": "Attended well.", "condition_at_discharge": "Stable."}
    client.post(
        url, {**words, "version": 2, "action": "addendum", "addendum_reason": "Add condition"}
    )
    addendum = summary_of(record)
    assert addendum.supersedes_id == first.pk and not addendum.is_signed
    url = reverse("discharge:summary_save", args=[world.participant.public_id, addendum.public_id])
    client.post(url, {**words, "version": addendum.version, "action": "sign"})
    addendum.refresh_from_db()
    assert addendum.is_signed and addendum.condition_at_discharge == "Stable."


def test_only_a_licensed_clinician_signs_the_discharge_summary(world, login):
    from audit.models import AuditEvent
    from discharge import summary

    record = discharge_world(world)
    draft = summary.save_text(
        summary_of(record), by=world.peer, text={"course": "Attended well."}, expected_version=1
    )
    with pytest.raises(AccessDenied, match="licensed clinician"):
        summary.sign(draft, by=world.peer, expected_version=draft.version)
    assert not summary_of(record).is_signed
    assert AuditEvent.objects.filter(outcome="refused", actor=world.peer).count() == 1
    tab = reverse("discharge:tab", args=[world.participant.public_id])
    assert 'value="sign"' not in login(world.peer).get(tab).content.decode()
    assert 'value="sign"' in login(world.therapist).get(tab).content.decode()
    signed = summary.sign(draft, by=world.therapist, expected_version=draft.version)
    assert signed.is_signed and signed.signed_by == world.therapist


def test_a_note_waiting_for_its_co_signature_is_co_signed_after_discharge(world, login):
    from notes import services as notes
    from notes.models import CoSignature, NoteSettings
    from notes.selectors import cosign_queue
    from notes.tests.conftest import NOW, dap

    NoteSettings.objects.create(program=world.program, cosign_roles=["peer"])
    draft = notes.draft_note(world.participant, dap(), by=world.peer, now=NOW)
    signed = notes.sign_note(draft, by=world.peer, expected_version=1, now=NOW)
    assert signed.cosign_required
    discharge_world(world)
    response = login(world.supervisor).post(
        reverse("notes:cosign", args=[world.participant.public_id, signed.public_id])
    )
    assert response.status_code == 302
    assert CoSignature.objects.get().note == signed
    assert list(cosign_queue(world.supervisor)) == []


def test_a_signed_plan_is_co_signed_after_discharge(world, login):
    from plans.models import Cosignature
    from plans.tests.builders import signed_plan

    plan = signed_plan(world)
    discharge_world(world)
    client = login(world.supervisor)
    tab = client.get(reverse("plans:plan", args=[world.participant.public_id]))
    assert "Co-sign this plan" in tab.content.decode()
    response = client.post(
        reverse("plans:cosign", args=[world.participant.public_id, plan.public_id])
    )
    assert response.status_code == 302
    assert Cosignature.objects.get().plan == plan


@pytest.mark.parametrize(
    ("tab", "what"),
    [
        ("medications:tab", "the list can no longer be changed."),
        ("safety:tab", "the safety plan can no longer be changed."),
        ("casemanagement:tab", "barriers and referrals can no longer be changed."),
    ],
)
def test_a_closed_chart_s_tab_says_why_its_form_is_gone(world, login, tab, what):
    """Where the form was, the tab says the stay ended, when and how, rather than leaving a
    clinician wondering why there is nothing to fill in."""
    client = login(world.director)
    url = reverse(tab, args=[world.participant.public_id])
    assert what not in client.get(url).content.decode()
    discharge_world(world)
    page = client.get(url).content.decode()
    assert f"This stay ended on {clock.day(DISCHARGE_DAY)} (discharged): {what}" in page
