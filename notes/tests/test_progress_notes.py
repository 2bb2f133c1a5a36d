"""Individual notes: draft, sign and lock, late entries, entered-in-error, co-signature."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils.html import escape

from audit.models import AuditEvent
from notes import services
from notes.models import NoteSettings, ProgressNote
from notes.tests.conftest import NOW, dap
from tandem.errors import AccessDenied, InvalidInput
from tandem.records import ImmutableRecordError


def test_a_draft_changes_in_place_and_a_signed_note_never_does(world):
    note = services.draft_note(world.participant, dap(), by=world.therapist, now=NOW)
    changed = services.change_note(
        note, dap("Talked about the weekend."), by=world.therapist, expected_version=1
    )
    assert changed.version == 2
    signed = services.sign_note(changed, by=world.therapist, expected_version=2, now=NOW)
    assert signed.is_signed
    with pytest.raises(services.SignedNote):
        services.change_note(signed, dap("Rewritten."), by=world.therapist, expected_version=3)
    row = ProgressNote.objects.get(pk=note.pk)
    row.sections = {"Data": "tampered"}
    with pytest.raises(ImmutableRecordError):
        row.save()
    with pytest.raises(ImmutableRecordError):
        ProgressNote.objects.filter(pk=note.pk).update(sections={})
    assert ProgressNote.objects.get(pk=note.pk).sections["Data"] == "Talked about the weekend."


def test_signing_needs_an_objective_or_a_reason(world):
    note = services.draft_note(
        world.participant, dap(no_objective_reason=""), by=world.therapist, now=NOW
    )
    with pytest.raises(InvalidInput) as refused:
        services.sign_note(note, by=world.therapist, expected_version=1)
    assert refused.value.field == "objectives"


def test_only_the_author_signs(world):
    note = services.draft_note(world.participant, dap(), by=world.therapist, now=NOW)
    with pytest.raises(InvalidInput):
        services.sign_note(note, by=world.counsellor, expected_version=1)


def test_telehealth_records_where_the_participant_was(world):
    with pytest.raises(InvalidInput) as refused:
        services.draft_note(world.participant, dap(mode="telehealth"), by=world.therapist)
    assert refused.value.field == "participant_location"
    note = services.draft_note(
        world.participant,
        dap(mode="telehealth", participant_location="Home"),
        by=world.therapist,
    )
    assert note.participant_location == "Home"


@pytest.mark.parametrize("persona", ["frontdesk", "billing", "outsider", "intake", "auditor"])
def test_those_without_clinical_write_access_cannot_draft(world, persona):
    with pytest.raises(AccessDenied):
        services.draft_note(world.participant, dap(), by=world.users[persona])
    assert not ProgressNote.objects.exists()


def test_a_late_entry_is_a_new_signed_note_with_both_times(world):
    note = services.draft_note(world.participant, dap(), by=world.therapist, now=NOW)
    signed = services.sign_note(note, by=world.therapist, expected_version=1, now=NOW)
    event = datetime(2026, 11, 17, 10, 30, tzinfo=ZoneInfo("America/Chicago"))
    later = NOW + timedelta(days=1)
    late = services.add_late_entry(
        signed,
        by=world.therapist,
        text="Participant also mentioned a new job.",
        reason="Remembered after signing",
        event_at=event,
        now=later,
    )
    assert late.supersedes_id == signed.pk and late.is_signed
    assert late.event_at == event and late.recorded_at == later
    assert list(ProgressNote.objects.current()) == [late]
    assert ProgressNote.objects.get(pk=signed.pk).sections == signed.sections


def test_entered_in_error_needs_a_reason_and_leaves_the_chart(world):
    note = services.draft_note(world.participant, dap(), by=world.therapist, now=NOW)
    with pytest.raises(InvalidInput):
        services.mark_entered_in_error(note, by=world.therapist, reason="")
    services.mark_entered_in_error(note, by=world.therapist, reason="Wrong participant")
    assert not ProgressNote.objects.current().exists()
    assert AuditEvent.objects.filter(event_type="note.entered_in_error").count() == 1


def test_the_co_sign_queue_holds_notes_of_listed_roles_and_staff(world):
    from notes.selectors import cosign_queue

    settings = NoteSettings.objects.create(program=world.program, cosign_roles=["peer"])
    settings.cosign_staff.add(world.counsellor)
    notes = {}
    for persona in ("peer", "counsellor", "therapist"):
        note = services.draft_note(world.participant, dap(f"By {persona}"), by=world.users[persona])
        notes[persona] = services.sign_note(note, by=world.users[persona], expected_version=1)
    assert {n.pk for n in cosign_queue(world.supervisor)} == {
        notes["peer"].pk,
        notes["counsellor"].pk,
    }
    assert list(cosign_queue(world.therapist)) == []
    with pytest.raises(AccessDenied):
        services.cosign_note(notes["peer"], by=world.therapist)
    with pytest.raises(InvalidInput):
        services.cosign_note(notes["therapist"], by=world.supervisor)
    services.cosign_note(notes["peer"], by=world.supervisor)
    assert [n.pk for n in cosign_queue(world.supervisor)] == [notes["counsellor"].pk]
    with pytest.raises(InvalidInput):
        services.cosign_note(notes["peer"], by=world.director)


def test_the_co_sign_queue_holds_notes_in_force_only(world):
    """A note a late entry supersedes, or one entered in error, leaves the queue; the late
    entry, the version in force, takes its place."""
    from notes.selectors import cosign_queue

    NoteSettings.objects.create(program=world.program, cosign_roles=["peer"])
    signed = [
        services.sign_note(
            services.draft_note(world.participant, dap(text), by=world.peer),
            by=world.peer,
            expected_version=1,
        )
        for text in ("First", "Second")
    ]
    assert {n.pk for n in cosign_queue(world.supervisor)} == {n.pk for n in signed}
    late = services.add_late_entry(
        signed[0], by=world.peer, text="Also discussed housing.", reason="Remembered later"
    )
    assert [n.pk for n in cosign_queue(world.supervisor)] == [signed[1].pk, late.pk]
    services.mark_entered_in_error(signed[1], by=world.peer, reason="Wrong participant")
    assert [n.pk for n in cosign_queue(world.supervisor)] == [late.pk]


def test_a_late_entry_to_a_note_awaiting_co_signature_awaits_it_too(world):
    """Whoever adds it: the late entry is the version in force, so the co-signature the
    program asks for is not escaped by adding one."""
    from notes.selectors import cosign_queue

    NoteSettings.objects.create(program=world.program, cosign_roles=["peer"])
    note = services.draft_note(world.participant, dap(), by=world.peer)
    signed = services.sign_note(note, by=world.peer, expected_version=1)
    late = services.add_late_entry(
        signed, by=world.therapist, text="Also discussed housing.", reason="Remembered later"
    )
    assert late.cosign_required
    assert [n.pk for n in cosign_queue(world.supervisor)] == [late.pk]
    services.cosign_note(late, by=world.supervisor)
    again = services.add_late_entry(
        late, by=world.therapist, text="And work.", reason="Remembered later still"
    )
    assert not again.cosign_required


def test_a_note_is_not_written_for_a_service_still_to_come(world):
    tomorrow = NOW.astimezone(world.program.tz).date() + timedelta(days=1)
    with pytest.raises(InvalidInput) as refused:
        services.draft_note(
            world.participant, dap(service_date=tomorrow), by=world.therapist, now=NOW
        )
    assert refused.value.field == "service_date"
    assert not ProgressNote.objects.exists()
    note = services.draft_note(
        world.participant,
        dap(service_date=tomorrow - timedelta(days=1)),
        by=world.therapist,
        now=NOW,
    )
    assert note.service_date == NOW.astimezone(world.program.tz).date()


def test_a_note_tied_to_a_session_carries_the_sessions_date(world):
    from datetime import date

    from attendance.tests.builders import enrol, make_session

    session = make_session(
        world.program, date(2026, 11, 16), kind="individual", staff=[world.therapist]
    )
    enrol(session, world.episode)
    with pytest.raises(InvalidInput) as refused:
        services.draft_note(
            world.participant,
            dap(session=session, service_date=date(2026, 11, 17)),
            by=world.therapist,
            now=NOW,
        )
    assert refused.value.field == "service_date"
    note = services.draft_note(
        world.participant,
        dap(session=session, service_date=date(2026, 11, 16)),
        by=world.therapist,
        now=NOW,
    )
    assert note.session == session


def test_the_boards_co_sign_buttons_say_whose_note_each_signs(world, login):
    """A screen reader hears which note each Co-sign button signs, not a column of identical
    buttons, and the signer's name and the time read apart."""
    NoteSettings.objects.create(program=world.program, cosign_roles=["peer"])
    note = services.draft_note(world.participant, dap(), by=world.peer)
    services.sign_note(note, by=world.peer, expected_version=1)
    board = login(world.supervisor).get(reverse("notes:board")).content.decode()
    name = escape(world.participant.display_name)
    assert f'Co-sign<span class="visually-hidden"> {name}\'s note of ' in board
    assert f'<span class="name">{escape(str(world.peer))}</span> · ' in board
