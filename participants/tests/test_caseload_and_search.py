"""Caseload and search: the right people, no names in URLs, a fixed number of queries."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_participant
from participants.models import CareTeamMember, Episode


def _add_caseload(world, n):
    start = Episode.objects.count()
    for i in range(start, start + n):
        p = make_participant(world.org, f"T-1{i:05d}", legal_last_name=f"Load{i}")
        e = Episode.objects.create(
            participant=p, program=world.program, status="active", referred_on=date(2026, 10, 1)
        )
        CareTeamMember.objects.create(episode=e, user=world.therapist, role="therapist")


def test_caseload_lists_my_open_episodes_only(world, login):
    page = login(world.therapist).get("/")
    assert b"Robin Testperson" in page.content
    assert b"Casey" not in page.content  # a referral they are not on
    assert b"No one is on your caseload" in login(world.outsider).get("/").content


def test_caseload_query_count_does_not_grow_with_the_caseload(world, login):
    client = login(world.therapist)
    _add_caseload(world, 3)
    with CaptureQueriesContext(connection) as small:
        client.get("/")
    _add_caseload(world, 30)
    with CaptureQueriesContext(connection) as large:
        assert client.get("/").status_code == 200
    assert len(large) == len(small) <= 26  # one query per home panel module (tasks included)


def test_search_by_name_record_number_and_birth_date(world, login):
    client = login(world.frontdesk)
    url = reverse("participants:search")
    assert b"Testperson" in client.post(url, {"text": "robin"}).content
    assert b"Newcomer" in client.post(url, {"text": "T-000002"}).content
    by_dob = client.post(url, {"dob": "1990-05-17"}).content
    assert b"Testperson" in by_dob and b"Newcomer" in by_dob
    assert b"No participant matches" in client.post(url, {"text": "nobody-like-this"}).content


def test_search_never_reaches_another_organization(world, login):
    page = login(world.director).post(reverse("participants:search"), {"text": "Elsewhere"})
    assert b"No participant matches" in page.content


def test_search_terms_are_not_taken_from_the_query_string(world, login):
    page = login(world.frontdesk).get(reverse("participants:search") + "?text=robin")
    assert b"Testperson" not in page.content


def test_search_query_count_is_flat(world, login):
    client = login(world.therapist)
    _add_caseload(world, 3)
    with CaptureQueriesContext(connection) as small:
        client.post(reverse("participants:search"), {"text": "load"})
    _add_caseload(world, 30)
    with CaptureQueriesContext(connection) as large:
        client.post(reverse("participants:search"), {"text": "load"})
    assert len(large) == len(small) <= 26  # one query per home panel module (tasks included)


def _next_session_on(program, episode, start):
    from datetime import timedelta

    from scheduling.models import Enrolment, Session

    session = Session.objects.create(
        program=program,
        kind="group",
        title="Relapse prevention",
        date=start.date(),
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        minutes=180,
        mode="in_person",
    )
    Enrolment.objects.create(session=session, participant=episode.participant, episode=episode)


def _caseload_row(page: str, record_number: str) -> str:
    return (
        page.split(record_number)[0].rsplit("<tr>", 1)[1]
        + page.split(record_number)[1].split("</tr>")[0]
    )


def test_caseload_shows_the_next_session_in_the_programs_time_zone(world, login):
    """The page names its zone once above the table; a row says its zone's letters only when
    its program keeps another zone."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from accounts.services import create_program

    start = datetime.now(ZoneInfo("America/Chicago")).replace(
        hour=9, minute=0, second=0, microsecond=0
    ) + timedelta(days=2)
    _next_session_on(world.program, world.episode, start)
    east = create_program(world.org, name="East IOP", time_zone="America/New_York")
    person = make_participant(world.org, "T-EAST01", legal_last_name="Eastern")
    there = Episode.objects.create(
        participant=person, program=east, status="active", referred_on=date(2026, 10, 1)
    )
    CareTeamMember.objects.create(episode=there, user=world.therapist, role="therapist")
    _next_session_on(east, there, start)

    page = login(world.therapist).get("/").content.decode()

    assert "Times in Central time (America/Chicago)." in page
    here = _caseload_row(page, world.participant.record_number)
    assert f"<td>{start.strftime('%a %-d %b %Y')}, 09:00</td>" in here
    assert start.strftime("%Z") not in here
    eastern = start.astimezone(ZoneInfo("America/New_York"))
    assert eastern.strftime("%a %-d %b %Y, 10:00 %Z") in _caseload_row(page, "T-EAST01")


def test_search_shows_the_status_of_the_current_episode_not_an_earlier_one(world, login):
    """A readmitted participant is listed by the open episode, as their chart shows them,
    not by the discharged episode that happens to be stored first."""
    person = make_participant(world.org, "T-RE0001", legal_last_name="Readmitted")
    Episode.objects.create(
        participant=person,
        program=world.program,
        status="discharged",
        referred_on=date(2025, 1, 6),
        admitted_on=date(2025, 1, 13),
        discharged_on=date(2025, 3, 3),
    )
    Episode.objects.create(
        participant=person, program=world.program, status="active", referred_on=date(2026, 9, 1)
    )
    Episode.objects.create(
        participant=make_participant(world.org, "T-RE0002", legal_last_name="Readmittedtoo"),
        program=world.program,
        status="discharged",
        referred_on=date(2025, 1, 6),
    )
    html = login(world.frontdesk).post(reverse("participants:search"), {"text": "readmitted"})
    rows = html.content.decode().split("<tr>")[2:]

    assert len(rows) == 2
    assert "T-RE0001" in rows[0] and "<td>Active</td>" in rows[0]
    assert "Discharged" not in rows[0]
    assert "T-RE0002" in rows[1] and "<td>Discharged</td>" in rows[1]


def test_search_reads_fifty_results_in_one_query(world, login):
    """The results and each one's current status come from one statement: no episodes or
    care teams are loaded for the list."""
    _add_caseload(world, 30)
    client = login(world.frontdesk)
    with CaptureQueriesContext(connection) as queries:
        page = client.post(reverse("participants:search"), {"text": "load"})
    assert page.content.count(b"<td>Active</td>") == 30
    loads = [
        q["sql"]
        for q in queries
        if '"participants_episode"."participant_id" IN (' in q["sql"]
        or 'FROM "participants_careteammember"' in q["sql"]
    ]
    assert loads == []


def test_a_search_is_found_in_the_history_of_each_participant_it_showed(world, login):
    """A search result shows a name, a birth date and a record number: each person shown
    finds the search in their history, and someone it did not show does not."""
    login(world.frontdesk).post(reverse("participants:search"), {"text": "robin"})
    director = login(world.director)

    def history(participant) -> str:
        url = reverse("participants:history", args=[participant.public_id])
        return director.get(url).content.decode()

    assert "Frontdesk Tester searched for participants" in history(world.participant)
    assert "searched for participants" not in history(world.referral)


def test_search_results_give_the_birth_date_as_every_other_page_does(world, login):
    """Born Thu 17 May 1990, in the reader's words, not 1990-05-17."""
    page = login(world.frontdesk).post(reverse("participants:search"), {"text": "robin"})
    text = page.content.decode()
    assert "<td>Thu 17 May 1990</td>" in text and "1990-05-17" not in text
