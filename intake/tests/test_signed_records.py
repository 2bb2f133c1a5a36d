"""A signed intake version and its sections never change, whichever way a write comes in;
a withdrawn diagnosis leaves the current list."""

import pytest

from intake import services
from intake.models import Diagnosis, Intake, IntakeSection
from tandem.records import ImmutableRecordError


def test_a_draft_changes_in_place_through_a_queryset(world, intake):
    assert IntakeSection.objects.filter(intake=intake).update(data={}) == 0
    assert Intake.objects.filter(pk=intake.pk).update(content_sha256="draft") == 1


def test_a_signed_intake_refuses_queryset_updates_and_deletes(world, signed_intake):
    with pytest.raises(ImmutableRecordError):
        Intake.objects.filter(pk=signed_intake.pk).update(content_sha256="0" * 64)
    with pytest.raises(ImmutableRecordError):
        Intake.objects.all().update(signed_at=None)
    with pytest.raises(ImmutableRecordError):
        Intake.objects.filter(pk=signed_intake.pk).delete()
    signed_intake.content_sha256 = "0" * 64
    with pytest.raises(ImmutableRecordError):
        signed_intake.save()
    with pytest.raises(ImmutableRecordError):
        Intake.objects.bulk_update([signed_intake], ["content_sha256"])
    assert Intake.objects.get(pk=signed_intake.pk).content_sha256 != "0" * 64


def test_the_sections_of_a_signed_intake_refuse_every_write_path(world, signed_intake):
    sections = IntakeSection.objects.filter(intake=signed_intake)
    with pytest.raises(ImmutableRecordError):
        sections.update(data={"rewritten": True})
    with pytest.raises(ImmutableRecordError):
        sections.delete()
    row = sections.first()
    assert row is not None
    row.data = {"rewritten": True}
    with pytest.raises(ImmutableRecordError):
        row.save()
    with pytest.raises(ImmutableRecordError):
        IntakeSection.objects.bulk_update([row], ["data"])
    assert not IntakeSection.objects.filter(data={"rewritten": True}).exists()


def test_an_addendum_supersedes_the_signed_version_and_is_the_current_one(world, signed_intake):
    services.save_section(
        signed_intake,
        "legal",
        values={"arrests": "1"},
        by=world.therapist,
        expected_version=0,
        addendum_reason="Disclosed an arrest in the second session.",
    )
    addendum = Intake.objects.current().get(episode=world.episode)
    assert (addendum.number, addendum.supersedes_id) == (2, signed_intake.pk)
    assert addendum.supersede_reason == "Disclosed an arrest in the second session."
    assert not addendum.is_signed


def test_a_diagnosis_entered_in_error_is_withdrawn_with_who_when_and_why(world):
    d = services.add_diagnosis(
        world.episode,
        code="F12.20",
        status="confirmed",
        made_on=world.program.today(),
        by=world.therapist,
    )
    d = services.change_diagnosis_status(
        d,
        to_status="entered_in_error",
        note="Wrong participant's chart.",
        by=world.therapist,
        expected_version=1,
    )
    assert (d.entered_in_error_by, d.entered_in_error_reason) == (
        world.therapist,
        "Wrong participant's chart.",
    )
    assert d.entered_in_error_at is not None and not d.is_active
    assert not Diagnosis.objects.current().filter(pk=d.pk).exists()
    with pytest.raises(ImmutableRecordError):
        Diagnosis.objects.filter(pk=d.pk).delete()


def test_the_exported_record_dates_a_signature_by_the_programs_day(world, ready_intake):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    from intake.export import intake_section
    from intake.services import sign_intake

    evening = datetime(2026, 11, 17, 20, 30, tzinfo=ZoneInfo("America/Chicago"))
    with time_machine.travel(evening, tick=False):  # 02:30 on the 18th in UTC
        sign_intake(ready_intake, by=world.therapist, expected_version=ready_intake.version)
    rows = intake_section(world.participant)
    assert {row["signed"] for row in rows} == {f"{world.therapist}, 2026-11-17"}
