"""The clinical-record base: locked records stay locked whichever way a write comes in,
withdrawn and corrected records leave `current()`, and stale versioned edits are refused."""

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from assessments.models import Administration
from assessments.services import mark_entered_in_error, record_administration
from assessments.tests.administration_helpers import answers
from audit.models import AuditEvent
from participants import services as participant_services
from participants.access import visible_participants
from participants.models import Participant
from placement.models import DimensionRating, LevelOfCareDecision, ReferralOut
from placement.tests.builders import record as record_decision
from tandem import lifecycle
from tandem.errors import ConcurrentEdit, InvalidInput
from tandem.records import ImmutableRecordError

MARKED_AT = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)


def _phq9(world, **kwargs) -> Administration:
    return record_administration(
        world.participant,
        code="phq-9",
        answers=answers("phq-9"),
        mode="staff-entered",
        by=world.therapist,
        **kwargs,
    )


def test_a_decision_cannot_be_changed_by_a_queryset_update(world):
    decision = record_decision(world.episode, by=world.therapist)
    with pytest.raises(ImmutableRecordError):
        LevelOfCareDecision.objects.filter(pk=decision.pk).update(chosen_level="2.5")
    with pytest.raises(ImmutableRecordError):
        LevelOfCareDecision.objects.all().update(reason="rewritten")
    assert LevelOfCareDecision.objects.get(pk=decision.pk).chosen_level == decision.chosen_level


def test_a_decision_cannot_be_changed_by_bulk_update_or_deleted_in_bulk(world):
    decision = record_decision(world.episode, by=world.therapist)
    decision.chosen_level = "2.5"
    with pytest.raises(ImmutableRecordError):
        LevelOfCareDecision.objects.bulk_update([decision], ["chosen_level"])
    with pytest.raises(ImmutableRecordError):
        LevelOfCareDecision.objects.filter(pk=decision.pk).delete()
    assert LevelOfCareDecision.objects.get(pk=decision.pk).chosen_level != "2.5"


def test_the_ratings_of_a_decision_are_as_locked_as_the_decision(world):
    decision = record_decision(world.episode, by=world.therapist)
    with pytest.raises(ImmutableRecordError):
        DimensionRating.objects.filter(decision=decision).update(rating=4)
    with pytest.raises(ImmutableRecordError):
        DimensionRating.objects.filter(decision=decision).delete()
    rating = decision.ratings.first()
    assert rating is not None
    rating.rating = 4
    with pytest.raises(ImmutableRecordError):
        rating.save()
    with pytest.raises(ImmutableRecordError):
        rating.delete()
    assert sorted(decision.ratings.values_list("rating", flat=True)) != [4] * 6


def test_a_referral_out_cannot_be_rewritten(world):
    decision = record_decision(
        world.episode,
        by=world.therapist,
        level="2.5",
        refer_to="Partial hospital",
        reason="Needs a day program",
    )
    with pytest.raises(ImmutableRecordError):
        ReferralOut.objects.filter(decision=decision).update(to_provider="Somewhere else")
    assert ReferralOut.objects.get(decision=decision).to_provider == "Partial hospital"


def test_an_administration_refuses_every_write_path(world):
    row = _phq9(world)
    row.total = 27
    with pytest.raises(ImmutableRecordError):
        row.save()
    with pytest.raises(ImmutableRecordError):
        Administration.objects.filter(pk=row.pk).update(total=27)
    with pytest.raises(ImmutableRecordError):
        Administration.objects.bulk_update([row], ["total"])
    with pytest.raises(ImmutableRecordError):
        row.delete()
    with pytest.raises(ImmutableRecordError):
        Administration.objects.all().delete()
    assert Administration.objects.get(pk=row.pk).total != 27


def test_a_locked_record_can_still_be_marked_entered_in_error(world):
    row = _phq9(world)
    marked = mark_entered_in_error(row, by=world.therapist, reason="Recorded on the wrong chart")
    assert (marked.entered_in_error_by, marked.entered_in_error_reason) == (
        world.therapist,
        "Recorded on the wrong chart",
    )
    assert marked.entered_in_error and marked.entered_in_error_at is not None
    event = AuditEvent.objects.filter(record_id=str(row.public_id)).order_by("-id").first()
    assert event is not None
    assert event.details["changes"] == {"entered_in_error": {"before": False, "after": True}}


def test_entered_in_error_and_superseded_rows_leave_current(world):
    kept = _phq9(world)
    wrong = _phq9(world)
    corrected = _phq9(world)
    mark_entered_in_error(wrong, by=world.therapist, reason="Recorded on the wrong chart")
    correction = _phq9(world, supersedes=corrected, reason="Item 3 was misread")
    current = set(Administration.objects.current().values_list("pk", flat=True))
    assert current == {kept.pk, correction.pk}
    assert set(Administration.objects.entered_in_error().values_list("pk", flat=True)) == {wrong.pk}
    assert Administration.objects.count() == 4


def test_a_superseded_decision_leaves_current(world):
    first = record_decision(world.episode, by=world.therapist)
    second = record_decision(world.episode, by=world.therapist)
    assert list(LevelOfCareDecision.objects.current()) == [second]
    assert second.supersedes == first


def test_a_correction_of_a_corrected_record_is_refused(world):
    row = _phq9(world)
    _phq9(world, supersedes=row, reason="Item 3 was misread")
    with pytest.raises(InvalidInput, match="already corrected"):
        _phq9(world, supersedes=row, reason="Item 4 was misread")


def test_entered_in_error_needs_a_reason_in_the_database_too(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.filter(pk=world.referral.pk).update(entered_in_error_at=MARKED_AT)


def test_a_participant_record_can_be_marked_entered_in_error(world, login, client):
    participant_services.mark_entered_in_error(
        world.referral, by=world.intake, reason="Duplicate of an existing record"
    )
    world.referral.refresh_from_db()
    assert world.referral.entered_in_error_by == world.intake
    assert world.referral not in visible_participants(world.intake)
    assert world.referral not in Participant.objects.current()
    login(world.intake)
    page = reverse("participants:chart", args=[world.referral.public_id])
    assert client.get(page).status_code == 404


def test_marking_twice_is_refused(world):
    participant_services.mark_entered_in_error(
        world.referral, by=world.intake, reason="Duplicate of an existing record"
    )
    with pytest.raises(InvalidInput, match="already"):
        participant_services.mark_entered_in_error(
            world.referral, by=world.intake, reason="Duplicate again"
        )


def test_a_stale_versioned_edit_is_refused_and_changes_nothing(world):
    participant_services.update_demographics(
        world.participant, by=world.therapist, changes={"pronouns": "they/them"}, expected_version=1
    )
    with pytest.raises(ConcurrentEdit):
        participant_services.update_demographics(
            world.participant,
            by=world.therapist,
            changes={"pronouns": "he/him"},
            expected_version=1,
        )
    world.participant.refresh_from_db()
    assert (world.participant.pronouns, world.participant.version) == ("they/them", 2)


def test_lock_check_bump_saves_only_the_named_columns(world):
    with transaction.atomic():
        row = lifecycle.lock_current(
            Participant, world.participant.pk, expected_version=1, what="participant record"
        )
        row.pronouns = "they/them"
        row.phone = "not saved"
        lifecycle.save_new_version(row, ["pronouns"])
    world.participant.refresh_from_db()
    assert (world.participant.pronouns, world.participant.phone, world.participant.version) == (
        "they/them",
        "",
        2,
    )
