"""The director's "Dose this week": who cannot reach their requirement, largest gap first."""

from datetime import datetime, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attendance.dose import current_week
from attendance.tests.builders import active_participant, enrol, make_session, record
from audit.models import AuditEvent
from participants.models import Episode
from scheduling.models import SchedulingProfile


@pytest.fixture
def this_week(midweek, world, roster):
    """Two one-hour groups early on this Monday, both over by midweek (in the program's zone)."""
    program = world.program
    monday = datetime.combine(current_week(program), time(0), tzinfo=program.tz)
    past = [
        make_session(program, monday.date(), start=start, minutes=60, title=f"Group {start:%H}")
        for start in (time(0, 0), time(1, 1))
    ]
    for s in past:
        for episode in roster:
            enrol(s, episode)
    return past


def test_director_sees_who_is_short_sorted_by_shortfall(midweek, world, login, roster, this_week):
    SchedulingProfile.objects.create(episode=roster[1], required_minutes=60)  # Alex: met
    for s in this_week:
        record(s, roster[0], "present", 60)
        record(s, roster[1], "present", 60)
        record(s, roster[2], "late", 30)
    client = login(world.director)

    response = client.get(reverse("attendance:dose_this_week"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Abbott" not in page  # Alex met a 1-hour requirement
    # Shortfalls: Casey 9 h (nothing recorded), Blair 8 h, Robin 7 h.
    names = ["Casey Cho", "Blair Booker", "Robin Testperson"]
    assert sorted(names, key=page.index) == names
    assert "2\u00a0h" in page  # Casey's two sessions are over but not yet recorded
    assert "Offer a make-up session" in page
    assert reverse("attendance:make_up", args=[roster[3].participant.public_id]) in page
    event = AuditEvent.objects.filter(record_type="attendance.DoseWeek").get()
    assert str(roster[3].participant.public_id) in event.details["participants"]
    assert str(roster[1].participant.public_id) not in event.details["participants"]


def test_zero_reads_0_h_attended_and_nothing_still_to_come_reads_a_dash(
    midweek, world, login, roster, this_week
):
    """Casey's two sessions are over and not yet recorded: none attended, none to come."""
    page = login(world.director).get(reverse("attendance:dose_this_week")).content.decode()

    row = page[page.index("Casey Cho") : page.index("</tr>", page.index("Casey Cho"))]
    assert "<td>0\u00a0h</td><td>—</td><td>2\u00a0h</td>" in row
    assert "0\u00a0min" not in page and "0 min" not in page


@pytest.mark.parametrize("persona", ["billing", "auditor", "participant_user"])
def test_dose_page_is_for_clinicians_and_schedule_oversight(world, login, persona):
    assert login(world.users[persona]).get(reverse("attendance:dose_this_week")).status_code == 403


@pytest.mark.parametrize("persona", ["therapist", "casemanager"])
def test_clinicians_see_this_weeks_dose_for_their_own_caseload(world, login, roster, persona):
    outside = active_participant(world, "T-000099", "Pat", "Elsewhere")
    outside.care_team.all().delete()

    response = login(world.users[persona]).get(reverse("attendance:dose_this_week"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "My caseload this week" in page
    assert "Blair Booker" in page and "Casey Cho" in page
    assert "Elsewhere" not in page
    event = AuditEvent.objects.filter(record_type="attendance.DoseWeek").get()
    assert str(roster[2].participant.public_id) in event.details["participants"]
    assert str(outside.participant.public_id) not in event.details["participants"]


def test_clinicians_dose_page_queries_do_not_grow_with_caseload(world, login, roster):
    client = login(world.casemanager)
    url = reverse("attendance:dose_this_week")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(10):
        active_participant(world, f"T-0008{n:02d}", "Added", f"Person{n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert b"Person9" in response.content
    assert len(many) == len(few)


def test_dose_page_queries_do_not_grow_with_participants(midweek, world, login, roster, this_week):
    client = login(world.director)
    url = reverse("attendance:dose_this_week")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(10):
        episode = active_participant(world, f"T-0007{n:02d}", "Added", f"Person{n}")
        for s in this_week:
            enrol(s, episode)
            record(s, episode, "present", 60)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert b"Person9" in response.content
    assert len(many) == len(few)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_the_dose_page_answers_reads_only(world, login, roster, method):
    client = login(world.director)
    before = AuditEvent.objects.count()

    response = client.generic(method, reverse("attendance:dose_this_week"))

    assert response.status_code == 405
    assert response.content == b""
    assert AuditEvent.objects.count() == before


def test_the_dose_lists_are_paged_and_only_the_shown_page_is_audited(world, login, roster):
    for n in range(22):
        active_participant(world, f"T-0005{n:02d}", "Paged", f"Zz{n:02d}")
    param = f"page-{world.program.public_id}"
    url = reverse("attendance:dose_this_week")

    first = login(world.director).get(url).content.decode()
    second = login(world.director).get(url, {param: 2}).content.decode()
    mine = login(world.therapist).get(url, {"mine": 2}).content.decode()

    # Nothing is scheduled: all 26 are short by the whole week, by last name.
    assert "Page 1 of 2 (26)" in first and f"?{param}=2" in first
    assert "Zz20" in first and "Zz21" not in first
    assert "Zz21" in second and "Abbott" not in second and "Page 2 of 2 (26)" in second
    assert "Zz21" in mine and "Abbott" not in mine and "Page 2 of 2 (26)" in mine
    director_event, _, therapist_event = AuditEvent.objects.filter(
        record_type="attendance.DoseWeek"
    ).order_by("id")
    assert len(director_event.details["participants"]) == 25
    assert therapist_event.details["participants"] == [
        str(Episode.objects.get(participant__legal_last_name="Zz21").participant.public_id)
    ]
    # Past the end, even past what the database's OFFSET holds, is the last page; anything
    # else that is not a page, the first.
    for asked, number in (("9" * 20, 2), ("0", 1), ("-1", 1), ("abc", 1)):
        director = login(world.director).get(url, {param: asked}).content.decode()
        assert f"Page {number} of 2 (26)" in director, asked
        therapist = login(world.therapist).get(url, {"mine": asked}).content.decode()
        assert f"Page {number} of 2 (26)" in therapist, asked


def test_the_rows_escape_what_they_show_and_link_back_to_the_page(midweek, world, login, roster):
    """The rows are written with every value escaped, on the director's list and on a
    clinician's caseload, and each make-up link comes back to the dose page."""
    person = roster[2].participant
    person.legal_first_name = "<b>Blair</b>"
    person.save(update_fields=["legal_first_name"])
    page_url = reverse("attendance:dose_this_week")

    director = login(world.director).get(page_url).content.decode()
    assert "&lt;b&gt;Blair&lt;/b&gt;" in director and "<b>Blair</b>" not in director
    make_up = reverse("attendance:make_up", args=[person.public_id])
    assert f'href="{make_up}?next={page_url}"' in director

    mine = login(world.therapist).get(page_url).content.decode()
    assert "&lt;b&gt;Blair&lt;/b&gt;" in mine and "<b>Blair</b>" not in mine
    assert "<td><strong>9\u00a0h</strong></td>" in mine  # nothing attended of the 9 hours


def test_a_record_number_beside_a_name_is_never_broken_over_two_lines(
    midweek, world, login, roster, this_week
):
    """The record number reads as one word, "DEMO-00025", never "DEMO-" over "00025"."""
    page = login(world.director).get(reverse("attendance:dose_this_week")).content.decode()
    number = roster[3].participant.record_number
    assert f'<span class="muted small nowrap">{number}</span>' in page
