"""Notes due: within the program's hours after the session; overdue on the author's home and
the supervisor's board. The clock is passed in, never read."""

from datetime import UTC, date, datetime, time, timedelta

from attendance.tests.builders import enrol, make_session
from notes import services
from notes.models import NoteKind, NoteSettings
from notes.selectors import HOME_COUNT_SHOWN, DueRow, notes_due, overdue_notes
from notes.tests.conftest import dap
from participants.models import Participant
from scheduling.models import Session


def _session_pk(row: DueRow) -> int | None:
    return row.session.pk if row.session is not None else None


def _individual(world, day):
    session = make_session(
        world.program,
        day,
        minutes=50,
        title="Individual",
        kind=Session.Kind.INDIVIDUAL,
        staff=[world.therapist],
    )
    enrol(session, world.episode)
    return session


def test_a_note_is_due_the_programs_hours_after_its_session(world):
    day = world.program.today() - timedelta(days=3)
    session = _individual(world, day)
    note = services.draft_note(
        world.participant, dap(session=session, service_date=day), by=world.therapist
    )
    assert note.due_at == session.ends_at + timedelta(hours=24)
    NoteSettings.objects.create(program=world.program, due_hours=48)
    later = services.draft_note(
        world.participant, dap(session=session, service_date=day), by=world.therapist
    )
    assert later.due_at == session.ends_at + timedelta(hours=48)


def test_a_note_without_a_session_is_due_the_programs_hours_after_its_end_across_a_clock_change(
    midweek, world
):
    """The due time is that many hours of elapsed time, as after a session: a note of the
    Saturday before the clocks go back in Chicago (1 November 2026) ends at 10:50 CDT and
    is due 24 hours later, at 09:50 CST, not at 10:50 on the Sunday wall clock (25 hours)."""
    note = services.draft_note(
        world.participant,
        dap(service_date=date(2026, 10, 31), end_time=time(10, 50)),
        by=world.therapist,
    )
    note.refresh_from_db()
    ended = datetime(2026, 10, 31, 15, 50, tzinfo=UTC)
    assert note.due_at == ended + timedelta(hours=24)


def test_unsigned_notes_and_sessions_without_a_note_are_listed_and_overdue_after_the_due_time(
    world,
):
    day = world.program.today() - timedelta(days=2)
    empty = _individual(world, day)
    written = _individual(world, day - timedelta(days=1))
    note = services.draft_note(
        world.participant,
        dap(session=written, service_date=written.date),
        by=world.therapist,
    )
    just_after = empty.ends_at + timedelta(hours=1)
    rows = notes_due(world.therapist, now=just_after)
    by_what = {(r.what, _session_pk(r)): r for r in rows}
    assert by_what[("session", empty.pk)].overdue is False
    assert by_what[("draft", written.pk)].note == note
    late = empty.ends_at + timedelta(hours=25)
    assert by_what[("draft", written.pk)].overdue is True
    assert {r.what for r in notes_due(world.therapist, now=late) if r.overdue} == {
        "session",
        "draft",
    }
    assert [n.pk for n in overdue_notes(world.supervisor, now=late)] == [note.pk]
    assert list(overdue_notes(world.therapist, now=late)) == []
    services.sign_note(note, by=world.therapist, expected_version=1)
    assert list(overdue_notes(world.supervisor, now=late)) == []
    assert ("draft", written.pk) not in {
        (r.what, _session_pk(r)) for r in notes_due(world.therapist, now=late)
    }
    assert ("session", written.pk) not in {
        (r.what, _session_pk(r)) for r in notes_due(world.therapist, now=late)
    }


def test_a_group_session_is_due_until_its_group_note_is_signed(world, group_session):
    session, episodes = group_session(2, staff=[world.counsellor])
    after = session.ends_at + timedelta(hours=30)
    assert [(r.what, r.overdue) for r in notes_due(world.counsellor, now=after)] == [
        ("group", True)
    ]
    services.document_group(
        session,
        by=world.counsellor,
        narrative="Practised refusal skills.",
        members=[
            services.MemberSection(e.participant, text="Took part.", no_objective_reason="None yet")
            for e in episodes
        ],
        sign=True,
    )
    assert notes_due(world.counsellor, now=after) == []
    assert NoteKind.GROUP in {n.kind for n in episodes[0].participant.progress_notes.all()}


def test_the_authors_home_shows_unsigned_and_overdue_notes(world, login):
    from django.urls import reverse

    day = world.program.today() - timedelta(days=3)
    draft = services.draft_note(
        world.participant,
        dap(
            session=_individual(world, day - timedelta(days=1)),
            service_date=day - timedelta(days=1),
        ),
        by=world.therapist,
    )
    _individual(world, day)  # led, no note yet
    page = login(world.therapist).get(reverse("home")).content.decode()
    panel = page[page.index('id="notes-due-heading"') :].split("</section>")[0]
    assert "2 overdue" in panel
    assert reverse("notes:note", args=[world.participant.public_id, draft.public_id]) in panel
    assert "draft not signed" in panel and "no note yet" in panel
    assert 'id="notes-due-heading"' not in login(world.counsellor).get("/").content.decode()


def test_the_homes_drafts_say_which_session_or_kind_of_note_they_are(world, login):
    from django.urls import reverse

    day = world.program.today() - timedelta(days=2)
    services.draft_note(
        world.participant,
        dap(session=_individual(world, day), service_date=day),
        by=world.therapist,
    )
    services.draft_note(
        world.participant, dap(kind=NoteKind.FAMILY, service_date=day), by=world.therapist
    )
    page = login(world.therapist).get(reverse("home")).content.decode()
    panel = page[page.index('id="notes-due-heading"') :].split("</section>")[0]
    when = day.strftime("%a %-d %b %Y")
    assert f"{world.participant.display_name} · Individual {when}</a> — draft not signed" in panel
    assert f"{world.participant.display_name} · Family note {when}</a> — draft not signed" in panel


def test_the_home_and_notes_due_read_drafts_in_the_same_queries_however_many(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    day = world.program.today() - timedelta(days=3)
    client = login(world.therapist)

    def draft_and_count(n: int) -> list[int]:
        for _ in range(n):
            session = _individual(world, day)
            services.draft_note(
                world.participant, dap(session=session, service_date=day), by=world.therapist
            )
        counts = []
        for url in ("/", "/notes/due/"):
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
        return counts

    assert draft_and_count(1) == draft_and_count(3)


def _board_line(page: str) -> str:
    return page[page.index("Notes board</a>:") :].split("</p>")[0]


def test_the_boards_counts_on_the_supervisors_home_are_every_note_of_the_organization(
    midweek, world, login
):
    """The home's counts match counts made here from every note and its participant's
    organization: the overdue drafts and the notes waiting for a co-signature of this
    organization, none withdrawn, corrected, co-signed or of another organization. At
    midweek, the drafts of the day before are past their due time."""
    from django.utils import timezone

    from notes.models import CoSignature, ProgressNote

    NoteSettings.objects.create(program=world.program, cosign_roles=["case_manager"])
    for i in range(3):
        services.draft_note(world.participant, dap(f"Draft {i}"), by=world.therapist)
    withdrawn = services.draft_note(world.participant, dap("Wrong chart"), by=world.therapist)
    services.mark_entered_in_error(withdrawn, by=world.therapist, reason="Wrong chart")
    signed = []
    for i in range(4):
        note = services.draft_note(world.participant, dap(f"Visit {i}"), by=world.casemanager)
        signed.append(
            services.sign_note(
                note, by=world.casemanager, expected_version=1, justification="Weekly"
            )
        )
    services.cosign_note(signed[0], by=world.supervisor)
    services.add_late_entry(
        signed[1], by=world.casemanager, text="Also said.", reason="Remembered later"
    )
    elsewhere = services.draft_note(world.other_org_participant, dap(), by=world.stranger)
    assert elsewhere.organization_id != world.org.pk

    page = login(world.supervisor).get("/").content.decode()
    now = timezone.now()
    ours = {
        n.pk: n
        for n in ProgressNote.objects.all()
        if Participant.objects.get(pk=n.participant_id).organization_id == world.org.pk
    }
    superseded = {n.supersedes_id for n in ours.values()}
    in_force = [
        n for n in ours.values() if n.entered_in_error_at is None and n.pk not in superseded
    ]
    cosigned = set(CoSignature.objects.values_list("note_id", flat=True))
    overdue = [n for n in in_force if n.signed_at is None and n.due_at and n.due_at < now]
    waiting = [
        n
        for n in in_force
        if n.signed_at
        and n.cosign_required
        and n.pk not in cosigned
        and n.signed_by_id != world.supervisor.pk
    ]
    assert (len(overdue), len(waiting)) == (3, 3)  # the late entry waits in place of its note
    assert (
        f"{len(overdue)} overdue in the program · {len(waiting)} waiting for co-signature"
        in _board_line(page)
    )


def _led(world, day, title, *, start=time(9, 0), program=None, staff=None, episode=None, **extra):
    """An individual session of `day` led with no note yet."""
    session = make_session(
        program or world.program,
        day,
        start=start,
        minutes=50,
        title=title,
        kind=Session.Kind.INDIVIDUAL,
        staff=staff if staff is not None else [world.therapist],
        **extra,
    )
    enrol(session, episode or world.episode)
    return session


def _unwritten(page: str) -> str:
    """The board's list of sessions with no note yet."""
    return page[page.index("Sessions with no note yet (") :].split("</table>")[0]


def test_the_board_and_the_supervisors_home_count_sessions_led_with_no_note_past_due(
    midweek, world, login, group_session
):
    """The board counts what the authors' own lists count as overdue: the therapist's
    one-to-one and the counsellor's group of two days ago, led with no note. A cancelled
    session, one of this morning (not yet due) and another organization's never count."""
    from django.urls import reverse

    from accounts.models import Program
    from participants.models import Episode

    today = world.program.today()
    one_to_one = _led(world, today - timedelta(days=2), "Monday one-to-one")
    group, _ = group_session(2, day=today - timedelta(days=2))
    _led(world, today - timedelta(days=2), "Cancelled one-to-one", status="cancelled")
    _led(world, today, "This morning's one-to-one")
    other = world.other_org_participant
    _led(
        world,
        today - timedelta(days=2),
        "Elsewhere one-to-one",
        program=Program.objects.get(organization_id=other.organization_id),
        staff=[world.stranger],
        episode=Episode.objects.get(participant=other),
    )

    for author in (world.therapist, world.counsellor):
        home = login(author).get(reverse("home")).content.decode()
        assert "1 overdue</span>" in home
    board = login(world.supervisor).get(reverse("notes:board")).content.decode()
    listed = _unwritten(board)
    assert "Sessions with no note yet (2)" in listed
    assert "Monday one-to-one" in listed and world.participant.display_name in listed
    assert reverse("notes:group", args=[group.public_id]) in listed
    assert listed.index("Monday one-to-one") < listed.index(group.title)  # ended first
    for never in ("Cancelled", "This morning", "Elsewhere", other.display_name):
        assert never not in board
    assert "2 overdue in the program" in _board_line(
        login(world.supervisor).get("/").content.decode()
    )
    assert "Elsewhere one-to-one" in _unwritten(
        login(world.stranger).get(reverse("notes:board")).content.decode()
    )

    note = services.draft_note(
        world.participant,
        dap(session=one_to_one, service_date=one_to_one.date),
        by=world.therapist,
    )
    board = login(world.supervisor).get(reverse("notes:board")).content.decode()
    assert "Monday one-to-one" not in _unwritten(board)
    assert "Overdue notes not signed (1)" in board  # the draft, overdue in its turn
    services.sign_note(note, by=world.therapist, expected_version=1)
    assert "1 overdue in the program" in _board_line(
        login(world.supervisor).get("/").content.decode()
    )


def test_the_home_counts_up_to_99_overdue_and_the_board_counts_them_all(
    midweek, world, login, group_session
):
    """A program far behind on its notes: the home says 99+ (counting thousands on every load
    of a director's home cost more than the rest of the page), the board gives the number."""
    from django.urls import reverse

    day = world.program.today() - timedelta(days=2)
    for _ in range(HOME_COUNT_SHOWN):
        group_session(0, day=day)
    assert "99 overdue in the program" in _board_line(
        login(world.supervisor).get("/").content.decode()
    )
    group_session(0, day=day)
    assert "99+ overdue in the program" in _board_line(
        login(world.supervisor).get("/").content.decode()
    )
    board = login(world.supervisor).get(reverse("notes:board")).content.decode()
    assert f"Sessions with no note yet ({HOME_COUNT_SHOWN + 1})" in board


def test_a_session_no_one_was_named_to_lead_says_so_on_the_board(midweek, world, login):
    """An empty "Led by" cell reads as a gap in the page; the board says who there is to ask."""
    from django.urls import reverse

    _led(world, world.program.today() - timedelta(days=2), "Unled one-to-one", staff=[])
    row = _unwritten(login(world.supervisor).get(reverse("notes:board")).content.decode())
    assert "No one named to lead it" in row.split("Unled one-to-one")[0].rsplit("<tr>", 1)[1]


def test_the_history_says_which_list_of_notes_was_seen(world, login):
    """ "viewed notes due" read as if notes had been opened; the trail names the list."""
    from django.urls import reverse

    from audit.models import AuditEvent
    from audit.selectors import sentence

    _individual(world, world.program.today() - timedelta(days=1))
    login(world.therapist).get(reverse("notes:due"))
    event = AuditEvent.objects.filter(event_type="notes.due_viewed").latest()
    assert sentence(event).endswith(" viewed the list of notes to write, sign or co-sign")


def test_a_draft_without_a_session_says_its_kind_and_date_on_notes_due(world, login):
    """A dash in the Session column left the author guessing which draft it was; the home's
    panel already said "Individual note" and its date."""
    from django.urls import reverse

    from tandem.templatetags.clock import day as written

    day = world.program.today() - timedelta(days=1)
    services.draft_note(world.participant, dap(service_date=day), by=world.therapist)
    page = login(world.therapist).get(reverse("notes:due")).content.decode()
    row = page.split(f"Draft: {world.participant.display_name}")[1].split("</tr>")[0]
    assert f"Individual note · {written(day)}" in row


def test_the_home_notes_due_and_the_board_name_the_time_zone_once(midweek, world, login):
    """ "12:50 CST" on every row is noise a tired reader reads past: each list names the
    program's zone once above its rows, as the caseload does, and a row says its day and
    time."""
    from django.urls import reverse

    day = world.program.today() - timedelta(days=3)
    session = _individual(world, day)  # 09:00–09:50 in Chicago, due 24 hours after
    services.draft_note(
        world.participant, dap(session=session, service_date=day), by=world.therapist
    )
    _individual(world, day - timedelta(days=1))  # led, no note yet
    due = (day + timedelta(days=1)).strftime("%a %-d %b %Y") + ", 09:50"
    once = "Times in Central time (America/Chicago)."

    home = login(world.therapist).get(reverse("home")).content.decode()
    panel = home[home.index('id="notes-due-heading"') :].split("</section>")[0]
    listed = login(world.therapist).get(reverse("notes:due")).content.decode()
    board = login(world.supervisor).get(reverse("notes:board")).content.decode()

    assert f"overdue since {due}</span>" in panel
    assert f"<strong>Overdue</strong> since {due}</td>" in listed
    assert f"<td>{due}</td>" in board
    for page in (panel, listed, board):
        assert page.count(once) == 1
        assert "CST" not in page and "CDT" not in page
