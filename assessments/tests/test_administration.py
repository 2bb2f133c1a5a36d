"""Recording administrations: scored by the shared scorer, audited, alerting, immutable."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import Administration, ImmutableRecordError
from assessments.services import InvalidAnswers, mark_entered_in_error
from assessments.tests.administration_helpers import answers
from audit.models import Action, AuditEvent, Outcome
from monitoring.models import Alert, AlertStatus
from participants.models import CareTeamMember, CareTeamRole
from tandem.errors import AccessDenied, InvalidInput


def test_record_scores_with_the_shared_scorer_and_audits_the_write(world, record):
    row = record("phq-9", answers("phq-9", 2))

    assert (row.total, row.band, row.positive, row.complete) == (
        18,
        "moderately-severe",
        True,
        True,
    )
    assert row.episode == world.episode
    assert row.recorded_by == world.therapist
    assert row.thresholds == {"positive_threshold": {"value": 10, "basis": "default"}}
    event = AuditEvent.objects.get(record_id=str(row.public_id), action=Action.CREATE)
    assert event.actor == world.therapist
    assert event.participant == world.participant
    assert event.details["instrument"] == "phq-9"
    assert "answers" not in event.details


def test_phq9_item_9_above_zero_alerts_the_primary_clinician(world, record):
    row = record("phq-9", answers("phq-9", q9=1), by=world.counsellor)

    alert = Alert.objects.get(participant=world.participant)
    assert alert.kind == "suicide-risk"
    assert alert.severity == "critical"
    assert alert.title == "PHQ-9 item 9 answered above 0 — same-day suicide risk assessment"
    assert list(alert.assigned_to.all()) == [world.therapist]
    assert alert.source_id == str(row.public_id)
    assert alert.recorded_by == world.counsellor
    assert row.critical_flags[0]["code"] == "suicide-risk"


def test_phq9_item_9_zero_raises_no_alert_even_with_a_high_total(world, record):
    record("phq-9", answers("phq-9", 3, q9=0))
    assert not Alert.objects.exists()


@pytest.mark.parametrize(
    ("given", "level", "severity"),
    [
        ({"1": 1, "2": 0, "6": 0}, "low risk", "warning"),
        ({"1": 1, "2": 1, "3": 1, "4": 0, "5": 0, "6": 0}, "moderate risk", "high"),
        ({"1": 0, "2": 0, "6": 1, "6a": 0}, "moderate risk", "high"),
        ({"1": 1, "2": 1, "3": 1, "4": 1, "5": 0, "6": 0}, "high risk", "critical"),
        ({"1": 0, "2": 0, "6": 1, "6a": 1}, "high risk", "critical"),
    ],
)
def test_cssrs_yes_alerts_with_the_risk_level_in_the_title(world, record, given, level, severity):
    record("cssrs-screener", given)

    alert = Alert.objects.get(participant=world.participant)
    assert (alert.kind, alert.severity) == ("suicide-risk", severity)
    assert level in alert.title
    assert alert.title.startswith("C-SSRS")


def test_cssrs_all_no_raises_no_alert(world, record):
    row = record("cssrs-screener", {"1": 0, "2": 0, "6": 0})
    assert (row.band, row.positive) == ("none", False)
    assert not Alert.objects.exists()


def test_incomplete_cssrs_with_a_yes_still_alerts_as_critical(world, record):
    row = record("cssrs-screener", {"1": 1, "2": 1}, allow_incomplete=True)

    assert not row.complete
    alert = Alert.objects.get()
    assert alert.severity == "critical"
    assert "undetermined" in alert.title


def test_invalid_answers_are_refused_per_item_and_nothing_is_written(world, record):
    given = {**answers("phq-9"), "9": 7, "12": 1}
    del given["3"]
    with pytest.raises(InvalidAnswers) as caught:
        record("phq-9", given)

    items = {error["item"] for error in caught.value.errors}
    assert items == {"3", "9", "12"}
    assert not Administration.objects.exists()
    assert not AuditEvent.objects.filter(record_type="assessments.Administration").exists()


def test_missing_answers_can_be_recorded_knowingly_as_incomplete(record):
    row = record("phq-9", {"1": 1, "2": 2}, allow_incomplete=True)
    assert (row.complete, row.total, row.band, row.positive) == (False, None, "", None)


def test_unknown_instrument_is_invalid_input(record):
    with pytest.raises(InvalidInput, match="No instrument has the code"):
        record("phq-99", {"1": 0})


@pytest.mark.parametrize(
    ("sex", "expected_sex", "positive"),
    [("female", "female", True), ("male", "male", False), ("intersex", "unknown", True)],
)
def test_audit_c_threshold_uses_the_record_sex_at_birth(world, record, sex, expected_sex, positive):
    world.participant.sex_at_birth = sex
    world.participant.save()

    row = record("audit-c", {"1": 1, "2": 1, "3": 1})

    assert row.context == {"sex": expected_sex}
    assert row.positive is positive
    assert ("threshold-assumed" in {f["code"] for f in row.flags}) is (expected_sex == "unknown")


def test_an_explicit_context_sex_wins_over_the_record(record):
    row = record("audit-c", {"1": 1, "2": 1, "3": 1}, context={"sex": "male"})
    assert (row.context, row.positive) == ({"sex": "male"}, False)


def test_program_override_is_stored_with_the_threshold_basis(record):
    row = record(
        "dast-10",
        answers("dast-10", 0, q1=1, q2=1, q3=1, q4=1),
        overrides={"positive_threshold": 4},
    )
    assert row.overrides == {"positive_threshold": 4}
    assert row.thresholds["positive_threshold"] == {"value": 4, "basis": "program-override"}
    assert (row.total, row.positive) == (3, False)


def test_a_submitted_administration_cannot_be_edited_or_deleted(record):
    row = record()
    row.total = 27
    with pytest.raises(ImmutableRecordError):
        row.save()
    with pytest.raises(ImmutableRecordError):
        Administration.objects.filter(pk=row.pk).update(answers={"1": 3})
    with pytest.raises(ImmutableRecordError):
        row.delete()
    with pytest.raises(ImmutableRecordError):
        Administration.objects.all().delete()
    assert Administration.objects.get(pk=row.pk).total == 0


def test_a_correction_supersedes_with_a_reason_and_keeps_the_original(world, record):
    original = record("phq-9", answers("phq-9", 1))

    corrected = record(
        "phq-9", answers("phq-9", 1, q4=3), supersedes=original, reason="Item 4 copied wrongly."
    )

    assert corrected.supersedes == original
    assert corrected.total == 11
    assert corrected.completed_at == original.completed_at
    assert Administration.objects.get(pk=original.pk).total == 9
    event = AuditEvent.objects.get(record_id=str(corrected.public_id))
    assert event.reason == "Item 4 copied wrongly."
    assert event.details["supersedes"] == str(original.public_id)


def test_a_correction_needs_a_reason_the_same_instrument_and_the_newest_version(world, record):
    original = record()
    with pytest.raises(InvalidInput, match="Say why"):
        record(supersedes=original, reason=" ")
    with pytest.raises(InvalidInput, match="same instrument"):
        record("gad-7", supersedes=original, reason="Wrong form chosen")
    record(supersedes=original, reason="Item 2 misread")
    with pytest.raises(InvalidInput, match="already corrected"):
        record(supersedes=original, reason="Second attempt")


def test_another_participants_administration_cannot_be_superseded(world, record):
    CareTeamMember.objects.create(
        episode=world.referral_episode, user=world.therapist, role=CareTeamRole.THERAPIST
    )
    theirs = record(participant=world.referral)
    with pytest.raises(InvalidInput, match="another record"):
        record(supersedes=theirs, reason="Wrong chart entirely")


def test_entered_in_error_strikes_out_without_changing_the_answers(world, record):
    row = record("phq-9", answers("phq-9", 1))

    marked = mark_entered_in_error(row, by=world.therapist, reason="Recorded on the wrong chart")

    assert (
        marked.entered_in_error and marked.entered_in_error_reason == "Recorded on the wrong chart"
    )
    assert marked.total == 9
    with pytest.raises(InvalidInput, match="already marked"):
        mark_entered_in_error(marked, by=world.therapist, reason="Again, wrong chart")
    with pytest.raises(InvalidInput, match="marked entered in error"):
        record(supersedes=marked, reason="Fix the answers")
    assert (
        AuditEvent.objects.filter(record_id=str(row.public_id), action=Action.CHANGE).count() == 1
    )


def test_the_participants_own_account_may_add_a_self_report(world, record):
    row = record("phq-9", answers("phq-9", 1, q9=2), mode="self-report", by=world.participant_user)

    assert (row.mode, row.recorded_by) == ("self-report", world.participant_user)
    assert AuditEvent.objects.get(record_id=str(row.public_id)).role == "participant"
    assert Alert.objects.get().status == AlertStatus.OPEN


def test_the_participants_own_account_cannot_enter_staff_administrations(world, record):
    with pytest.raises(InvalidInput, match="self-reports only"):
        record(mode="staff-entered", by=world.participant_user)
    assert not Administration.objects.exists()


def test_a_participant_account_cannot_write_to_someone_elses_record(world, record):
    with pytest.raises(AccessDenied):
        record(participant=world.referral, mode="self-report", by=world.participant_user)
    refused = AuditEvent.objects.get(participant=world.referral, outcome=Outcome.REFUSED)
    assert refused.actor == world.participant_user


def test_roles_without_clinical_access_are_refused_and_the_refusal_is_audited(world, record):
    with pytest.raises(AccessDenied):
        record(by=world.frontdesk)
    assert AuditEvent.objects.filter(actor=world.frontdesk, outcome=Outcome.REFUSED).count() == 1
    assert not Administration.objects.exists()


def test_licensed_paper_forms_have_no_self_report_mode(record):
    with pytest.raises(InvalidInput, match="licensed paper form"):
        record("cssrs-screener", {"1": 0, "2": 0, "6": 0}, mode="self-report")


def test_completion_time_cannot_be_in_the_future(record):
    with pytest.raises(InvalidInput, match="future"):
        record(completed_at=timezone.now() + timedelta(hours=2))


def test_a_correction_with_item_9_still_positive_does_not_open_a_second_alert(record):
    original = record("phq-9", answers("phq-9", q9=1))
    record("phq-9", answers("phq-9", 1, q9=1), supersedes=original, reason="Items 1-8 misread")
    assert Alert.objects.count() == 1
