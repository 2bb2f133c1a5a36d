"""Whether a session has its note is stored on it (`Session.has_its_note`) and stays equal to
what its notes say through every write that changes them: a note drafted, moved to another
session, signed, given a late entry or entered in error, a group note saved or signed, a
member's section withdrawn at roll call, a session cancelled; the rebuild and the migration
that filled it agree. The notes due and the board count from it."""

import importlib
from datetime import timedelta
from io import StringIO

from django.apps import apps
from django.core.management import call_command

from attendance.tests.builders import enrol, make_session
from notes import services, session_notes
from notes.models import GroupNote, ProgressNote
from notes.selectors import board_counts, notes_due, sessions_needing_a_note
from notes.tests.conftest import dap
from scheduling.models import Session
from scheduling.services import cancel_session


def _live(session: Session) -> bool:
    """What the session's notes say, read the way the lists asked before it was stored."""
    if session.kind == Session.Kind.GROUP:
        return GroupNote.objects.filter(
            session=session, entered_in_error_at__isnull=True, signed_at__isnull=False
        ).exists()
    return ProgressNote.objects.filter(
        session=session, entered_in_error_at__isnull=True, group_note__isnull=True
    ).exists()


def _stored(session: Session) -> bool:
    return Session.objects.values_list("has_its_note", flat=True).get(pk=session.pk)


def _holds(session: Session, expected: bool) -> None:
    assert _stored(session) is expected
    assert _live(session) is expected


def _owed(world, session: Session) -> bool:
    after = session.ends_at + timedelta(hours=1)
    return sessions_needing_a_note(Session.objects.filter(pk=session.pk), now=after).exists()


def _individual(world, days_ago: int) -> Session:
    session = make_session(
        world.program,
        world.program.today() - timedelta(days=days_ago),
        minutes=50,
        title="Individual",
        kind=Session.Kind.INDIVIDUAL,
        staff=[world.therapist],
    )
    enrol(session, world.episode)
    return session


def test_a_note_drafted_signed_and_given_a_late_entry_keeps_its_session_documented(world):
    session = _individual(world, 2)
    _holds(session, False)
    assert _owed(world, session)
    note = services.draft_note(
        world.participant, dap(session=session, service_date=session.date), by=world.therapist
    )
    _holds(session, True)
    assert not _owed(world, session)
    signed = services.sign_note(note, by=world.therapist, expected_version=note.version)
    _holds(session, True)
    late = services.add_late_entry(
        signed, by=world.therapist, text="Called back later.", reason="Remembered a detail"
    )
    _holds(session, True)
    # The late entry withdrawn: the note it was added to is still in force.
    services.mark_entered_in_error(late, by=world.therapist, reason="Wrong participant")
    _holds(session, True)
    services.mark_entered_in_error(signed, by=world.therapist, reason="Wrong participant")
    _holds(session, False)
    assert _owed(world, session)


def test_a_draft_entered_in_error_leaves_its_session_owing_its_note_again(world):
    session = _individual(world, 3)
    note = services.draft_note(
        world.participant, dap(session=session, service_date=session.date), by=world.therapist
    )
    other = services.draft_note(
        world.participant, dap(session=session, service_date=session.date), by=world.therapist
    )
    services.mark_entered_in_error(note, by=world.therapist, reason="Written twice over")
    _holds(session, True)
    services.mark_entered_in_error(other, by=world.therapist, reason="Wrong session noted")
    _holds(session, False)
    rows = notes_due(world.therapist, now=session.ends_at + timedelta(hours=1))
    assert [(r.what, r.session.pk if r.session else None) for r in rows] == [
        ("session", session.pk)
    ]


def test_a_draft_moved_to_another_session_moves_the_fact_with_it(world):
    first, second = _individual(world, 4), _individual(world, 3)
    note = services.draft_note(
        world.participant, dap(session=first, service_date=first.date), by=world.therapist
    )
    _holds(first, True)
    _holds(second, False)
    services.change_note(
        note,
        dap(session=second, service_date=second.date),
        by=world.therapist,
        expected_version=note.version,
    )
    _holds(first, False)
    _holds(second, True)


def test_a_group_session_has_its_note_once_the_group_note_is_signed(world, group_session):
    session, episodes = group_session(2, staff=[world.counsellor])
    _holds(session, False)
    sections = [
        services.MemberSection(e.participant, text="Took part.", no_objective_reason="None yet")
        for e in episodes
    ]
    note = services.save_group_note(
        session, by=world.counsellor, narrative="Practised refusal skills.", members=sections
    )
    _holds(session, False)
    assert _owed(world, session)
    services.sign_group_note(note, by=world.counsellor, expected_version=note.version)
    _holds(session, True)
    assert not _owed(world, session)


def test_a_member_withdrawn_at_roll_call_changes_nothing_for_the_group_session(
    world, group_session
):
    from attendance.services import RollCallEntry

    session, episodes = group_session(2, staff=[world.counsellor])
    sections = [
        services.MemberSection(e.participant, text="Took part.", no_objective_reason="None yet")
        for e in episodes
    ]
    note = services.document_group(
        session, by=world.counsellor, narrative="Practised refusal skills.", members=sections
    )
    absent = RollCallEntry(episodes[1].participant, "excused")
    services.document_group(
        session,
        by=world.counsellor,
        narrative="Practised refusal skills.",
        members=sections,
        expected_version=note.version,
        roll_call=[absent],
        sign=True,
    )
    assert ProgressNote._base_manager.filter(
        session=session, entered_in_error_at__isnull=False
    ).exists()
    _holds(session, True)


def test_a_cancelled_session_is_owed_no_note_and_keeps_its_fact(world):
    session = make_session(
        world.program,
        world.program.today() + timedelta(days=2),
        minutes=50,
        title="Individual",
        kind=Session.Kind.INDIVIDUAL,
        staff=[world.therapist],
    )
    enrol(session, world.episode)
    held = session.ends_at + timedelta(hours=1)
    assert [r.what for r in notes_due(world.therapist, now=held)] == ["session"]
    assert board_counts(world.supervisor, now=session.ends_at + timedelta(days=2))["overdue"] == 1
    cancel_session(session, by=world.director, reason="Clinician off sick")
    _holds(session, False)
    assert notes_due(world.therapist, now=held) == []
    assert board_counts(world.supervisor, now=session.ends_at + timedelta(days=2))["overdue"] == 0


def test_the_rebuild_and_the_migration_set_every_session_from_its_notes(world, group_session):
    documented, owed = _individual(world, 2), _individual(world, 3)
    services.draft_note(
        world.participant, dap(session=documented, service_date=documented.date), by=world.therapist
    )
    group, episodes = group_session(1, staff=[world.counsellor])
    services.document_group(
        group,
        by=world.counsellor,
        narrative="Practised refusal skills.",
        members=[
            services.MemberSection(
                episodes[0].participant, text="Took part.", no_objective_reason="None yet"
            )
        ],
        sign=True,
    )
    expected = {documented.pk: True, owed.pk: False, group.pk: True}
    filled = importlib.import_module("notes.migrations.0007_session_has_its_note_filled").fill
    command = lambda: call_command("session_notes", stdout=StringIO())  # noqa: E731
    for rebuild in (session_notes.rebuild, lambda: filled(apps, None), command):
        Session.objects.update(has_its_note=False)
        Session.objects.filter(pk=owed.pk).update(has_its_note=True)
        rebuild()
        assert dict(Session.objects.values_list("pk", "has_its_note")) == expected
