"""The list pages keep a flat query count as their data grows: a participant's notes, notes
due, the notes board with its co-sign queue, and the group-note screen."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attendance.tests.builders import active_participant, enrol, make_session
from notes import services
from notes.models import NoteSettings
from notes.tests.conftest import dap
from scheduling.models import Session


def _count(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _group(world, group_session, size):
    session, episodes = group_session(size)
    services.document_group(
        session,
        by=world.counsellor,
        narrative="Practised refusal skills.",
        members=[
            services.MemberSection(e.participant, text="Took part.", no_objective_reason="None")
            for e in episodes
        ],
        sign=True,
    )
    return session, episodes


def test_a_participants_notes_tab(world, login, group_session):
    NoteSettings.objects.create(program=world.program, cosign_roles=["peer"])
    client = login(world.therapist)
    url = reverse("notes:tab", args=[world.participant.public_id])

    def add(n):
        for i in range(n):
            note = services.draft_note(world.participant, dap(f"Visit {i} {n}"), by=world.peer)
            services.sign_note(note, by=world.peer, expected_version=1, justification="Weekly")

    add(2)
    few = _count(client, url)
    add(6)
    session, _ = group_session(1)
    enrol(session, world.episode)
    assert _count(client, url) == few


def test_notes_due_and_the_board(world, login):
    NoteSettings.objects.create(program=world.program, cosign_roles=["case_manager"])

    def add(n, tag):
        for i in range(n):
            person = active_participant(world, f"Q-{tag}{i:03d}", "Pat", f"Row{tag}{i}")
            services.draft_note(person.participant, dap(), by=world.therapist)
            led = make_session(
                world.program,
                world.program.today() - timedelta(days=2),
                kind=Session.Kind.INDIVIDUAL,
                staff=[world.therapist],
            )
            enrol(led, person)  # led, no note yet: on the board and the therapist's list
            note = services.draft_note(person.participant, dap(), by=world.casemanager)
            services.sign_note(note, by=world.casemanager, expected_version=1)

    add(2, "a")
    therapist, supervisor = login(world.therapist), None
    due = _count(therapist, reverse("notes:due"))
    supervisor = login(world.supervisor)
    board = _count(supervisor, reverse("notes:board"))
    home = _count(login(world.director), reverse("home"))
    add(6, "b")
    assert _count(login(world.therapist), reverse("notes:due")) == due
    assert _count(login(world.supervisor), reverse("notes:board")) == board
    assert _count(login(world.director), reverse("home")) == home


def test_the_group_note_screen(world, login, group_session):
    small, _ = _group(world, group_session, 2)
    client = login(world.counsellor)
    few = _count(client, reverse("notes:group", args=[small.public_id]))
    session, episodes = group_session(8, day=world.program.today() - timedelta(days=2))
    services.document_group(
        session,
        by=world.counsellor,
        narrative="Practised refusal skills.",
        members=[
            services.MemberSection(e.participant, text="Took part.", no_objective_reason="None")
            for e in episodes
        ],
        sign=True,
    )
    assert _count(client, reverse("notes:group", args=[session.public_id])) == few


def test_the_notes_due_list_and_the_board_are_paged(world, login):
    NoteSettings.objects.create(program=world.program, cosign_roles=["case_manager"])
    for i in range(52):
        note = services.draft_note(world.participant, dap(f"Visit {i}"), by=world.casemanager)
        services.sign_note(note, by=world.casemanager, expected_version=1, justification="Weekly")
        services.draft_note(world.participant, dap(f"Draft {i}"), by=world.therapist)
    due = login(world.therapist).get(reverse("notes:due")).content.decode()
    assert "Page 1 of 2 (52)" in due and due.count("Draft: ") == 50
    assert (
        login(world.therapist)
        .get(reverse("notes:due") + "?page=2")
        .content.decode()
        .count("Draft: ")
        == 2
    )
    board = login(world.supervisor).get(reverse("notes:board") + "?queue=2").content.decode()
    assert "Waiting for co-signature (52)" in board and "Page 2 of 2 (52)" in board
    # Paging the overdue drafts keeps the co-signature queue on its second page.
    assert 'href="?queue=2&amp;overdue=2"' in board


# The board's statements with a row in each of its three lists: the signed-in session, each
# list's page with its count in one query, who led the sessions and who was enrolled, and its
# audit event (more statements on SQLite, which has no single-statement append).
BOARD_QUERIES = {"postgresql": 8, "sqlite": 13}


def test_the_board_reads_its_three_lists_within_its_budget(world, login):
    NoteSettings.objects.create(program=world.program, cosign_roles=["case_manager"])
    person = active_participant(world, "Q-B001", "Pat", "Budget")
    services.draft_note(person.participant, dap(), by=world.therapist)
    led = make_session(
        world.program,
        world.program.today() - timedelta(days=2),
        kind=Session.Kind.INDIVIDUAL,
        staff=[world.therapist],
    )
    enrol(led, person)
    note = services.draft_note(person.participant, dap(), by=world.casemanager)
    services.sign_note(note, by=world.casemanager, expected_version=1)
    client = login(world.supervisor)
    page = client.get(reverse("notes:board")).content.decode()
    assert "Overdue notes not signed (1)" in page
    assert "Sessions with no note yet (1)" in page and "Waiting for co-signature (1)" in page
    assert _count(client, reverse("notes:board")) <= BOARD_QUERIES[connection.vendor]
