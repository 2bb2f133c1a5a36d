"""The program's risk list and due list: what they show, one audit event naming everyone
shown, who may open them, and the same number of queries however many are in care."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from checkins.services import record_checkin
from conftest import make_participant
from measurement import next_due
from monitoring.models import Alert, Severity
from participants.models import CareTeamMember, CareTeamRole, Episode, EpisodeStatus
from tests.authz import ALL_PERSONAS, HTTP_METHODS

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=ZoneInfo("America/Chicago"))


@pytest.fixture(autouse=True)
def stored_due(world):
    """The world's episode is written directly, not admitted through the services."""
    next_due.refresh_episodes([world.episode])


def url(world) -> str:
    return reverse("measurement:lists", args=[world.program.public_id])


def in_care(world, count, start):
    """More participants in care, each with a safety answer (a critical alert) and nothing
    answered since admission (questionnaires due)."""
    from accounts.models import User
    from conftest import make_user

    for n in range(start, start + count):
        account = make_user(f"p{n}", kind=User.Kind.PARTICIPANT)
        person = make_participant(world.org, f"L-{n:06d}", user=account)
        episode = Episode.objects.create(
            participant=person,
            program=world.program,
            status=EpisodeStatus.ACTIVE,
            referred_on=date(2026, 9, 1),
            admitted_on=date(2026, 9, 8),
            primary_clinician=world.therapist,
        )
        CareTeamMember.objects.create(
            episode=episode, user=world.therapist, role=CareTeamRole.PRIMARY_CLINICIAN
        )
        next_due.refresh_episodes([episode])
        record_checkin(
            person,
            by=account,
            now=NOW - timedelta(days=1),
            mood=3,
            craving=2,
            used=False,
            safety=True,
        )


def get(client, world):
    with time_machine.travel(NOW, tick=False):
        return client.get(url(world))


def test_the_lists_show_who_is_at_risk_and_who_has_something_due(world, login):
    record_checkin(
        world.participant,
        by=world.participant_user,
        now=NOW - timedelta(days=2),
        mood=4,
        craving=3,
        used=True,
        substances=["alcohol"],
        safety=False,
    )
    page = get(login(world.director), world)
    text = page.content.decode()
    assert page.status_code == 200
    risk, due = text.split('id="due-heading"')
    assert world.participant.display_name in risk
    assert "Use reported in a check-in" in risk
    severity = Severity(Alert.objects.get(participant=world.participant).severity)
    assert f"<td>{severity.label}</td>" in risk and f"<td>{severity.value}</td>" not in risk
    a_day = r"<td>(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{4}</td>"
    assert re.search(a_day, risk) and re.search(a_day, due)
    assert not re.search(r"<td>\d{4}-\d{2}-\d{2}</td>", text)
    assert "PHQ-9" in due or "Patient Health Questionnaire" in due
    event = AuditEvent.objects.get(event_type="measurement.lists_viewed")
    assert event.details["participants"] == [str(world.participant.public_id)]


def test_the_lists_keep_the_same_number_of_queries_as_the_program_grows(world, login):
    client = login(world.director)
    in_care(world, 2, 1)
    get(client, world)
    with CaptureQueriesContext(connection) as few:
        assert get(client, world).status_code == 200
    in_care(world, 8, 10)
    with CaptureQueriesContext(connection) as many:
        page = get(client, world)
    assert page.status_code == 200
    assert page.content.decode().count("Safety answer yes in a check-in") == 10
    assert len(many) == len(few)


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_only_directors_and_supervisors_open_the_lists(world, login, persona):
    response = get(login(world.users[persona]), world)
    if persona in {"director", "supervisor"}:
        assert response.status_code == 200
    else:
        assert response.status_code in (403, 404)
        assert world.participant.display_name not in response.content.decode()
        assert not AuditEvent.objects.filter(event_type="measurement.lists_viewed").exists()


@pytest.mark.parametrize("method", sorted(set(HTTP_METHODS) - {"GET", "HEAD"}))
def test_every_other_method_is_refused_with_nothing_shown(world, login, method):
    response = login(world.director).generic(method, url(world))
    assert response.status_code == 405
    assert response.content == b""


def test_both_lists_are_paged_in_their_order(world, login):
    """Each list pages on its own: the pages follow one another without a gap or an overlap
    in the order of the whole list, past the end is the last page, and the view takes
    `?risk=` and `?due=`."""
    from measurement.lists import program_lists

    in_care(world, 5, 1)

    def lists(**pages):
        with time_machine.travel(NOW, tick=False):
            return program_lists(world.director, [world.program], now=NOW, **pages)

    whole = lists()
    assert whole.risk_total == len(whole.risk) == 5 and whole.due_total == len(whole.due) >= 5
    pages = [lists(limit=2, risk_page=n, due_page=n) for n in (1, 2, 3)]
    assert [r.episode.pk for p in pages for r in p.risk] == [r.episode.pk for r in whole.risk]
    assert [r.episode.pk for p in pages for r in p.due][:5] == [r.episode.pk for r in whole.due][:5]
    assert pages[1].risk_page.number == 2 and pages[1].risk_total == 5
    assert lists(limit=2, risk_page=9).risk_page.number == 3
    assert lists(limit=2, risk_page="x").risk_page.number == 1
    with time_machine.travel(NOW, tick=False):
        page = login(world.director).get(url(world) + "?risk=2&due=1")
    assert page.status_code == 200


def test_the_due_list_reads_its_total_with_its_page(world):
    """The due list's total comes with its page's rows; a page past the end reads the total
    on its own and shows the last page, the same rows as asking for it."""
    from measurement.lists import program_lists

    in_care(world, 5, 1)

    def lists(**pages):
        with time_machine.travel(NOW, tick=False):
            return program_lists(world.director, [world.program], now=NOW, limit=2, **pages)

    def queries(**pages) -> int:
        with CaptureQueriesContext(connection) as seen:
            lists(**pages)
        return len(seen)

    first = lists()
    last = (first.due_total + 1) // 2
    assert first.due_total >= 5 and len(first.due) == 2
    past = lists(due_page=9)
    assert past.due_page.number == last and past.due_total == first.due_total
    assert [r.episode.pk for r in past.due] == [r.episode.pk for r in lists(due_page=last).due]
    assert lists(due_page="x").due_page.number == 1
    assert queries(due_page=9) == queries(due_page=1) + 2
    # A number too large for the database's OFFSET is past the end too, not a server error;
    # one below the first page is the first.
    for asked, due_shown, risk_shown in (("9" * 20, last, 3), ("0", 1, 1), ("-1", 1, 1)):
        pages = lists(due_page=asked, risk_page=asked)
        assert (pages.due_page.number, pages.risk_page.number) == (due_shown, risk_shown)
        assert pages.risk_total == 5 and len(pages.risk) == (1 if risk_shown == 3 else 2)
    assert queries(due_page=last) == queries(due_page=1)


def test_a_record_entered_in_error_leaves_both_lists_and_the_completion_figure(world, login):
    from measurement.home import completion
    from measurement.lists import program_lists
    from participants.services import mark_entered_in_error

    record_checkin(
        world.participant,
        by=world.participant_user,
        now=NOW - timedelta(days=2),
        mood=4,
        craving=3,
        used=True,
        substances=["alcohol"],
        safety=False,
    )
    mark_entered_in_error(world.participant, by=world.director, reason="Opened for someone else")

    page = get(login(world.director), world)
    found = program_lists(world.director, [world.program], now=NOW)
    [figure] = completion([world.program], now=NOW)

    assert world.participant.display_name not in page.content.decode()
    assert (found.risk_total, found.due_total) == (0, 0)
    assert (figure.in_care, figure.up_to_date) == (0, 0)
