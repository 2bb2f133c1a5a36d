"""Saving in parts, concurrent edits, signing, and addenda that never touch signed content."""

import pytest

from audit.models import AuditEvent, Outcome
from discharge.tests.builders import discharge_world
from intake import selectors, services
from intake.models import Intake, IntakeSection, IntakeStatus
from tandem.errors import AccessDenied, ConcurrentEdit, InvalidInput


def _section(intake, key):
    return IntakeSection.objects.get(intake=intake, key=key)


def test_starting_an_intake_opens_draft_version_one_once(world, intake):
    assert (intake.number, intake.status, intake.supersedes) == (1, IntakeStatus.DRAFT, None)
    with pytest.raises(InvalidInput, match="already has an intake"):
        services.start_intake(world.episode, by=world.counsellor)


def test_a_closed_episode_gets_no_new_intake(world):
    discharge_world(world)
    world.episode.refresh_from_db()
    with pytest.raises(AccessDenied, match="chart is closed"):
        services.start_intake(world.episode, by=world.supervisor)


def test_each_section_saves_on_its_own_and_counts_its_versions(world, intake):
    first = services.save_section(
        intake, "legal", values={"arrests": "0"}, by=world.casemanager, expected_version=0
    )
    second = services.save_section(
        intake,
        "legal",
        values={"arrests": "1", "legal_status": "On probation until spring."},
        by=world.casemanager,
        expected_version=first.version,
    )
    assert (first.version, second.version) == (1, 2)
    assert _section(intake, "legal").data == {
        "arrests": "1",
        "legal_status": "On probation until spring.",
    }


def test_the_audit_event_names_changed_fields_but_never_their_content(world, intake):
    services.save_section(
        intake,
        "trauma",
        values={"history": "Assaulted in 2019.", "safe_now": "yes"},
        by=world.therapist,
        expected_version=0,
    )
    event = AuditEvent.objects.filter(record_type="intake.IntakeSection").latest("id")
    assert event.details["fields"] == ["history", "safe_now"]
    assert "Assaulted" not in str(event.details)


def test_the_second_of_two_editors_of_one_section_is_told_and_nothing_of_theirs_is_written(
    world, intake
):
    services.save_section(
        intake, "strengths", values={"strengths": "Funny."}, by=world.therapist, expected_version=0
    )
    with pytest.raises(ConcurrentEdit, match="changed by someone else"):
        services.save_section(
            intake,
            "strengths",
            values={"strengths": "Kind."},
            by=world.counsellor,
            expected_version=0,
        )
    assert _section(intake, "strengths").data == {"strengths": "Funny."}


def test_two_editors_of_different_sections_both_succeed(world, intake):
    services.save_section(
        intake, "medical", values={"allergies": "Penicillin"}, by=world.nurse, expected_version=0
    )
    services.save_section(
        intake, "supports", values={"family": "Sister nearby."}, by=world.peer, expected_version=0
    )
    assert IntakeSection.objects.filter(intake=intake).count() == 2


def test_a_save_that_changes_nothing_writes_nothing(world, intake):
    saved = services.save_section(
        intake, "legal", values={"arrests": "0"}, by=world.therapist, expected_version=0
    )
    events = AuditEvent.objects.count()
    again = services.save_section(
        intake, "legal", values={"arrests": "0"}, by=world.therapist, expected_version=saved.version
    )
    assert again.version == saved.version and AuditEvent.objects.count() == events


def test_signing_needs_the_required_answers(world, intake):
    with pytest.raises(InvalidInput) as error:
        services.sign_intake(intake, by=world.therapist, expected_version=intake.version)
    assert "What brings them to treatment now" in error.value.message
    assert "Primary substance" in error.value.message
    assert Intake.objects.get(pk=intake.pk).status == IntakeStatus.DRAFT


def test_signing_locks_the_version_with_a_hash_of_its_content(world, signed_intake):
    assert signed_intake.is_signed and signed_intake.signed_by == world.therapist
    assert len(signed_intake.content_sha256) == 64
    assert selectors.signed_content_intact(signed_intake)
    with pytest.raises(InvalidInput, match="already signed"):
        services.sign_intake(
            signed_intake, by=world.therapist, expected_version=signed_intake.version
        )


def test_signing_a_version_someone_saved_after_you_opened_it_is_refused(world, ready_intake):
    opened_at = ready_intake.version
    services.save_section(
        ready_intake,
        "strengths",
        values={"strengths": "Patient."},
        by=world.peer,
        expected_version=0,
    )
    with pytest.raises(ConcurrentEdit):
        services.sign_intake(ready_intake, by=world.therapist, expected_version=opened_at)


@pytest.mark.parametrize("persona", ["peer", "nurse", "casemanager"])
def test_only_a_licensed_clinician_signs_and_the_refusal_is_audited(world, ready_intake, persona):
    with pytest.raises(AccessDenied, match="licensed clinician"):
        services.sign_intake(
            ready_intake, by=world.users[persona], expected_version=ready_intake.version
        )
    refusal = AuditEvent.objects.filter(actor=world.users[persona]).latest("id")
    assert refusal.outcome == Outcome.REFUSED
    assert Intake.objects.get(pk=ready_intake.pk).status == IntakeStatus.DRAFT


def test_changing_a_signed_intake_needs_a_reason(world, signed_intake):
    with pytest.raises(InvalidInput) as error:
        services.save_section(
            signed_intake,
            "presenting",
            values={**_section(signed_intake, "presenting").data, "presenting_problem": "Changed"},
            by=world.therapist,
            expected_version=1,
        )
    assert error.value.field == "addendum_reason"
    assert Intake.objects.filter(episode=world.episode).count() == 1


def test_a_save_to_a_signed_intake_starts_an_addendum_and_the_signed_content_never_changes(
    world, signed_intake
):
    signed_presenting = dict(_section(signed_intake, "presenting").data)

    row = services.save_section(
        signed_intake,
        "presenting",
        values={**signed_presenting, "presenting_problem": "Also using cocaine at weekends."},
        by=world.counsellor,
        expected_version=1,
        addendum_reason="Disclosed cocaine use in the second session.",
    )

    addendum = row.intake
    assert (addendum.number, addendum.status, addendum.supersedes_id) == (
        2,
        "draft",
        signed_intake.pk,
    )
    assert addendum.supersede_reason == "Disclosed cocaine use in the second session."
    assert row.data["presenting_problem"] == "Also using cocaine at weekends."
    assert _section(addendum, "substance_use").data == _section(signed_intake, "substance_use").data
    signed_intake.refresh_from_db()
    assert signed_intake.is_signed
    assert _section(signed_intake, "presenting").data == signed_presenting
    assert selectors.signed_content_intact(signed_intake)


def test_a_second_addendum_to_the_same_signed_version_is_a_concurrent_edit(world, signed_intake):
    values = {**_section(signed_intake, "presenting").data, "presenting_problem": "One"}
    services.save_section(
        signed_intake,
        "presenting",
        values=values,
        by=world.therapist,
        expected_version=1,
        addendum_reason="First correction.",
    )
    with pytest.raises(ConcurrentEdit):
        services.save_section(
            signed_intake,
            "presenting",
            values={**values, "presenting_problem": "Two"},
            by=world.counsellor,
            expected_version=1,
            addendum_reason="Second correction.",
        )
    assert Intake.objects.filter(episode=world.episode).count() == 2


def test_an_addendum_is_signed_in_turn_and_the_history_keeps_every_version(world, signed_intake):
    values = {**_section(signed_intake, "presenting").data, "presenting_problem": "Updated"}
    addendum = services.save_section(
        signed_intake,
        "presenting",
        values=values,
        by=world.therapist,
        expected_version=1,
        addendum_reason="Updated after family session.",
    ).intake
    services.sign_intake(addendum, by=world.supervisor, expected_version=addendum.version)

    versions = selectors.intake_versions(world.episode)

    assert [(v.number, v.status) for v in versions] == [(2, "signed"), (1, "signed")]
    assert versions[0].supersedes == versions[1]
    assert all(selectors.signed_content_intact(v) for v in versions)
