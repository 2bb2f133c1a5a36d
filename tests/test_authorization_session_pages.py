"""Pages keyed by a session or a schedule run that list participants, × every role and method.

These pages carry no participant id, so the participant matrix does not reach them; each
shows the people on a session or a proposed week. Whoever sees a participant's name leaves
exactly one audit event naming them; everyone else sees no one; every method other than
GET and HEAD is answered 405 with nothing shown.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse

from attendance.tests.builders import enrol, make_session, session_now
from audit.models import AuditEvent, Outcome
from conftest import run_queued_tasks
from scheduling import publishing, services
from scheduling.tests.conftest import MONDAY, calendar  # noqa: F401 (a fixture, used by name)
from tests.authz import ALL_PERSONAS, HTTP_METHODS, NOT_STAFF, OTHER_ORGANIZATION

# Who may open each page, written out by hand. The session is facilitated by `outsider`,
# a therapist on no care team.
ROLL_CALL = {"director", "supervisor", "frontdesk", "billing", "outsider"}
CALENDAR_READERS = {
    "director",
    "supervisor",
    "frontdesk",
    "therapist",
    "counsellor",
    "prescriber",
    "nurse",
    "casemanager",
    "peer",
    "intake",
    "outsider",
}
NOTE_WRITERS = {"director", "supervisor", "outsider"}
# Of those, who sees the participant by name on the session page (schedule access to them).
SESSION_NAMES = CALENDAR_READERS - {"intake", "outsider"}


@dataclass(frozen=True)
class Page:
    url_name: str
    allowed: frozenset[str]
    shows: frozenset[str]  # personas who see the world's participant on it
    refused_status: int  # what the others get (a refusal, or "no such page" for non-readers)
    writes: frozenset[str] = frozenset()  # methods besides GET and HEAD the page serves


PAGES = {
    "attendance:roll_call": Page(
        "attendance:roll_call", frozenset(ROLL_CALL), frozenset(ROLL_CALL), 403
    ),
    "attendance:cancellation": Page(
        "attendance:cancellation", frozenset(ROLL_CALL), frozenset(ROLL_CALL), 403
    ),
    "scheduling:session": Page(
        "scheduling:session", frozenset(CALENDAR_READERS), frozenset(SESSION_NAMES), 404
    ),
    "scheduling:run": Page("scheduling:run", frozenset({"director"}), frozenset({"director"}), 404),
    # The group note: the session's facilitator (who holds note.sign), supervisors, directors.
    "notes:group": Page(
        "notes:group",
        frozenset(NOTE_WRITERS),
        frozenset(NOTE_WRITERS),
        403,
        writes=frozenset({"POST"}),
    ),
}


def _today_group(world):
    session = session_now(world.program, staff=[world.outsider], title="Coping skills")
    enrol(session, world.episode)
    return session


def _cancelled_group(world):
    day = world.program.today() + timedelta(days=1)
    session = make_session(world.program, day, staff=[world.outsider], title="Anger management")
    enrol(session, world.episode)
    return services.cancel_session(session, by=world.director, reason="Facilitator is ill")


def _finished_run(world):
    run = publishing.start_week_run(world.program, by=world.director, week_of=MONDAY, time_limit=5)
    assert run_queued_tasks() == 1
    return run


@pytest.fixture
def page_url(world, request):
    """The URL of one page under test, with what it lists set up first."""
    name = request.param
    if name == "scheduling:run":
        request.getfixturevalue("calendar")
        return name, reverse(name, args=[_finished_run(world).public_id])
    if name == "attendance:cancellation":
        return name, reverse(name, args=[_cancelled_group(world).public_id])
    return name, reverse(name, args=[_today_group(world).public_id])


def _events_since(user, before: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(actor=user).order_by("id")[before:])


@pytest.mark.parametrize("persona", ALL_PERSONAS)
@pytest.mark.parametrize("page_url", sorted(PAGES), indirect=True)
def test_whoever_sees_a_participant_on_the_page_leaves_exactly_one_event(
    world, login, page_url, persona
):
    name, url = page_url
    page = PAGES[name]
    user = world.users[persona]
    client = login(user)
    before = AuditEvent.objects.filter(actor=user).count()

    response = client.get(url)

    events = _events_since(user, before)
    shown = world.participant.display_name.encode() in response.content
    if persona in page.allowed:
        assert response.status_code == 200, (name, persona, response.status_code)
    elif persona in NOT_STAFF:
        assert response.status_code == 403
    elif persona in OTHER_ORGANIZATION:
        # As for a session id that names nothing: the answer does not tell it exists.
        assert response.status_code == 404, (name, persona, response.status_code)
    else:
        assert response.status_code == page.refused_status, (name, persona, response.status_code)
    assert shown == (persona in page.shows), (name, persona)
    if shown:
        assert [e.outcome for e in events] == [Outcome.ALLOWED]
        assert str(world.participant.public_id) in events[0].details["participants"]
    else:
        assert all(e.outcome == Outcome.REFUSED for e in events) and len(events) <= 1


@pytest.mark.parametrize(
    ("page_url", "method"),
    [
        (name, m)
        for name in sorted(PAGES)
        for m in HTTP_METHODS
        if m not in ("GET", "HEAD") and m not in PAGES[name].writes
    ],
    indirect=["page_url"],
)
def test_every_other_method_is_refused_with_nothing_shown(world, login, page_url, method):
    name, url = page_url
    client = login(world.director)
    before = AuditEvent.objects.count()

    response = client.generic(method, url)

    assert response.status_code == 405, (name, method, response.status_code)
    assert response.content == b""
    assert AuditEvent.objects.count() == before
