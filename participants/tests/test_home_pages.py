"""Each role lands on a home page made for it, and each stays flat in queries as data grows."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Program
from assessments.services import record_administration
from assessments.tests.administration_helpers import answers
from assessments.tests.scoring_helpers import fill
from attendance import dose
from attendance.models import AttendanceStatus
from attendance.tests.builders import active_participant, enrol, make_session, record
from audit.models import AuditEvent
from conftest import make_participant
from monitoring.models import Alert
from monitoring.services import raise_alert
from participants.home import census, programs, waited
from participants.models import OPEN_STATUSES, Episode, EpisodeStatus
from worklist.services import create_task


def _referral(world, n: int) -> Episode:
    person = make_participant(world.org, f"T-0090{n:02d}", legal_last_name=f"Referred{n}")
    return Episode.objects.create(
        participant=person,
        program=world.program,
        status=EpisodeStatus.REFERRED,
        referred_on=f"2026-10-{n + 1:02d}",
    )


def _phq9(world, episode, q9: int = 0):
    return record_administration(
        episode.participant,
        code="phq-9",
        answers=answers("phq-9", 1, q9=q9),
        mode="staff-entered",
        by=world.therapist,
    )


def test_director_sees_census_critical_alerts_referrals_and_under_dosed(world, login):
    _phq9(world, world.episode, q9=2)  # a critical answer raises a critical alert
    page = login(world.director).get("/").content.decode()
    for heading in (
        "Program census",
        "Open critical alerts (1)",
        "Referrals waiting (1)",
        "Under-dosed this week",
    ):
        assert heading in page
    assert "Robin Testperson" in page  # the critical alert's participant
    assert "My caseload" not in page


def _under_dosed_shown(client) -> int:
    page = client.get("/").content.decode()
    match = re.search(r"Adult IOP: <strong>(\d+)</strong> participants? cannot reach", page)
    assert match, page
    return int(match.group(1))


def test_the_directors_under_dosed_count_is_the_dose_pages(midweek, world, login):
    """The count on the home is the number of participants the dose page lists as unable to
    reach this week's requirement, and follows it as more are admitted."""
    client = login(world.director)
    week = dose.current_week(world.program)
    before = _under_dosed_shown(client)
    assert before == len(dose.at_risk(world.program, week)) > 0
    for n in range(3):
        active_participant(world, f"T-0060{n:02d}", "Short", f"Dose{n}")
    assert _under_dosed_shown(client) == before + 3 == len(dose.at_risk(world.program, week))


def _episodes_loaded(client) -> int:
    loaded = []

    def count(sender, **kwargs) -> None:
        loaded.append(1)

    post_init.connect(count, sender=Episode)
    try:
        assert client.get("/").status_code == 200
    finally:
        post_init.disconnect(count, sender=Episode)
    return len(loaded)


def test_the_directors_home_loads_no_row_per_participant_in_care(midweek, world, login):
    """The director's panels count in the database: admitting more participants loads no
    more episodes into the page."""
    client = login(world.director)
    client.get("/")
    few = _episodes_loaded(client)
    for n in range(8):
        active_participant(world, f"T-0050{n:02d}", "Many", f"Person{n}")
    assert _episodes_loaded(client) == few


def test_intake_sees_the_referral_queue_with_dates(world, login):
    page = login(world.intake).get("/").content.decode()
    assert "Referrals waiting (1)" in page
    assert "Casey Newcomer" in page and "Sun 1 Nov 2026" in page
    assert "Program census" not in page


def test_front_desk_sees_todays_sessions_and_arrivals(world, login):
    page = login(world.frontdesk).get("/").content.decode()
    assert "Today&#x27;s sessions and arrivals" in page or "Today's sessions and arrivals" in page
    assert "Referrals waiting" not in page and "My caseload" not in page


def test_clinician_caseload_has_status_next_session_dose_alerts_and_scores(world, login):
    _phq9(world, world.episode, q9=1)
    page = login(world.therapist).get("/").content.decode()
    for column in ("Status", "Next session", "This week", "Open alerts", "Latest scores"):
        assert f">{column}<" in page
    assert re.search(
        r'<span class="score" title="[^"<>]+, \d\d:\d\d [A-Z]+">PHQ-9 9 '
        r'<span class="muted small">[^<]+</span></span>',
        page,
    )
    assert "1 open" in page


def test_the_caseload_names_each_score_s_band_as_its_instrument_does(world, login):
    """A clinician reads Zone IV and Probable PTSD, not the codes zone-4 and probable-ptsd."""
    for code, total in (("audit", 24), ("pcl-5", 40)):
        record_administration(
            world.participant,
            code=code,
            answers=fill(code, total),
            mode="staff-entered",
            by=world.therapist,
        )
    page = login(world.therapist).get("/").content.decode()
    assert '<span class="muted small">Zone IV</span>' in page
    assert '<span class="muted small">Probable PTSD</span>' in page
    assert "zone-4" not in page and "probable-ptsd" not in page


def test_the_caseload_row_escapes_what_was_typed_and_names_a_high_alert(world, login):
    episode = active_participant(world, "T-009901", "<b>Ada</b>", "O'Hara & Co")
    raise_alert(episode.participant, kind="manual", severity="high", title="Called in distress")
    page = login(world.therapist).get("/").content.decode()
    assert (
        '&lt;b&gt;Ada&lt;/b&gt; O&#x27;Hara &amp; Co</a> <span class="muted">(she/her)</span>'
        in page
    )
    assert "<b>Ada</b>" not in page
    alerts_url = f"/alerts/{episode.participant.public_id}/"
    assert f'<a href="{alerts_url}">1 open</a> <strong>(high)</strong>' in page


def test_the_caseload_keeps_names_whole_and_breaks_the_programs_only_at_its_spaces(world, login):
    """In a narrow column "Dual-" over "Diagnosis", or "Dana" over "Reyes", was what a browser
    made of them: a clinician's name reads whole, a program's may wrap at a space."""
    world.program.name = "Dual-Diagnosis <Adult> IOP"
    world.program.save(update_fields=["name"])
    page = login(world.therapist).get("/").content.decode()
    row = page[page.index(world.participant.record_number) :].split("</tr>")[0]
    assert '<td><span class="nowrap">Dual-Diagnosis</span> &lt;Adult&gt; IOP</td>' in row
    assert f'<td><span class="name">{world.therapist}</span></td>' in row


def test_caseload_pages_beyond_twenty_five(world, login):
    for n in range(30):
        active_participant(world, f"T-0080{n:02d}", "Paged", f"Person{n:02d}")
    client = login(world.therapist)
    first = client.get("/").content.decode()
    assert "Page 1 of 2 (31 participants)" in first
    second = client.get("/?page=2").content.decode()
    assert "Page 2 of 2" in second
    assert "Person29" in second and "Person29" not in first
    assert "Page 2 of 2" in client.get("/?page=9").content.decode()  # past the end: the last
    # A number no database OFFSET holds is past the end too, not a server error.
    assert "Page 2 of 2" in client.get("/?page=" + "9" * 30).content.decode()


def _count(client) -> int:
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["therapist", "director", "intake", "frontdesk"])
def test_home_queries_do_not_grow_with_the_program(world, login, persona):
    client = login(world.users[persona])
    _phq9(world, world.episode, q9=1)
    few = _count(client)
    for n in range(6):
        episode = active_participant(world, f"T-0070{n:02d}", "More", f"Person{n}")
        _phq9(world, episode, q9=1)
        _referral(world, n)
    assert _count(client) == few


def _home_events(client) -> list:
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    assert client.get("/").status_code == 200
    return list(AuditEvent.objects.filter(pk__gt=before).order_by("pk"))


def test_the_clinicians_home_leaves_one_event_naming_everyone_it_shows(world, login):
    """The caseload page, the alerts and the tasks on the home are one `home.viewed` event
    that names each participant shown, list by list (with the alerts and tasks shown)."""
    _phq9(world, world.episode, q9=1)  # an alert for the therapist
    other = active_participant(world, "T-009500", "Tasked", "Person")
    task = create_task(
        title="Call back",
        due_on=date(2026, 10, 1),
        participant=other.participant,
        owner=world.therapist,
        by=world.therapist,
    )
    alert = Alert.objects.get(participant=world.participant)
    robin, tasked = str(world.participant.public_id), str(other.participant.public_id)

    events = _home_events(login(world.therapist))

    assert [e.event_type for e in events] == ["home.viewed"]
    details = events[0].details
    assert details["participants"] == sorted({robin, tasked})
    assert sorted(details["lists"]["caseload"]["participants"]) == sorted([robin, tasked])
    assert details["lists"]["alerts"] == {
        "participants": [robin],
        "records": [str(alert.public_id)],
    }
    assert details["lists"]["tasks"] == {
        "participants": [tasked],
        "records": [str(task.public_id)],
    }
    assert events[0].organization_id == world.org.pk


def test_the_directors_home_leaves_one_event_naming_everyone_it_shows(world, login):
    _phq9(world, world.episode, q9=2)  # a critical alert
    referred = _referral(world, 1)
    alert = Alert.objects.get(participant=world.participant, severity="critical")

    events = _home_events(login(world.director))

    assert [e.event_type for e in events] == ["home.viewed"]
    lists = events[0].details["lists"]
    assert lists["critical_alerts"] == {
        "participants": [str(world.participant.public_id)],
        "records": [str(alert.public_id)],
    }
    assert str(referred.participant.public_id) in lists["referrals"]["participants"]
    assert set(events[0].details["participants"]) == {
        pid for listed in lists.values() for pid in listed["participants"]
    }


def test_a_home_that_shows_no_one_leaves_no_event(world, login):
    assert _home_events(login(world.frontdesk)) == []


def test_the_census_counts_every_open_episode_of_the_directors_programs(world):
    """Per program and status, as counted one episode at a time; other organizations' and
    closed episodes are left out."""
    second = Program.objects.create(organization=world.org, name="Evening IOP")
    for n in range(3):
        _referral(world, n)
        active_participant(world, f"T-0095{n:02d}", "Counted", f"Person{n}")
    person = make_participant(world.org, "T-009600")
    Episode.objects.create(
        participant=person, program=second, status=EpisodeStatus.ADMITTED, referred_on="2026-10-01"
    )
    Episode.objects.create(
        participant=person,
        program=second,
        status=EpisodeStatus.DISCHARGED,
        referred_on="2026-09-01",
    )
    plain: dict[str, dict[str, int]] = {}
    for e in Episode.objects.select_related("program"):
        if e.program.organization_id == world.org.pk and e.status in OPEN_STATUSES:
            counts = plain.setdefault(e.program.name, {})
            counts[e.get_status_display()] = counts.get(e.get_status_display(), 0) + 1

    request = RequestFactory().get("/")
    request.user = world.director
    shown = {row["program"]: dict(row["counts"]) for row in census(programs(request))}

    assert shown == plain
    assert set(shown) == {"Adult IOP", "Evening IOP"}


# The census as the template wrote it, row by row, before the rows were written in Python.
_CENSUS_AS_TEMPLATE = """{% for p in panel.programs %}
  <p><strong>{{ p.program }}</strong>: {{ p.total }} open episode{{ p.total|pluralize }}</p>
  <table class="list compact counts">
    <thead><tr>{% for label, n in p.counts %}<th scope="col">{{ label }}</th>{% endfor %}</tr></thead>
    <tbody><tr>{% for label, n in p.counts %}<td>{{ n }}</td>{% endfor %}</tr></tbody>
  </table>
  {% endfor %}"""


def test_the_census_rows_are_the_templates_with_a_hostile_program_name(world):
    """Written in Python, the census's rows are the markup the template wrote, a program's
    name escaped alike, one episode and several alike."""
    from django.template import Context, Template

    from participants.home import census_rows

    hostile = Program.objects.create(organization=world.org, name="<b>&\"'")
    person = make_participant(world.org, "T-009700")
    Episode.objects.create(
        participant=person, program=hostile, status=EpisodeStatus.ADMITTED, referred_on="2026-10-01"
    )
    _referral(world, 1)
    request = RequestFactory().get("/")
    request.user = world.director
    counted = census(programs(request))

    assert census_rows(counted) == Template(_CENSUS_AS_TEMPLATE).render(
        Context({"panel": {"programs": counted}})
    )
    assert "&lt;b&gt;&amp;&quot;&#x27;" in census_rows(counted)
    assert ": 1 open episode</p>" in census_rows(counted)


def test_a_long_referral_queue_says_how_many_wait_beyond_the_rows_shown(world, login):
    """The home lists the referrals waiting longest and counts all of them, so a director
    of a large program is not told fifty when more wait."""
    from participants.home import REFERRAL_ROWS

    for n in range(REFERRAL_ROWS + 1):
        Episode.objects.create(
            participant=make_participant(world.org, f"T-Q{n:05d}", legal_last_name=f"Queue{n}"),
            program=world.program,
            status="referred",
            referred_on=date(2026, 11, 2),
        )
    page = login(world.intake).get("/").content.decode()
    waiting = REFERRAL_ROWS + 2  # and the world's own referral, referred first

    assert f"Referrals waiting ({waiting})" in page
    assert f"The {REFERRAL_ROWS} waiting longest are listed" in page
    assert page.index("Casey Newcomer") < page.index("Queue0")
    assert page.count("<tr><td><a href=") == REFERRAL_ROWS


def test_a_short_referral_queue_lists_every_referral_without_a_note(world, login):
    page = login(world.intake).get("/").content.decode()
    assert "Referrals waiting (1)" in page and "waiting longest" not in page


# The most queries each home may take with every panel showing something: the session, the
# user with their roles, the caseload and its columns or the oversight panels, each panel's
# own (the tasks panel two, as the task list reads them: every open task's keys, decided
# before the first rows are read, so the panel is full and counts what the list counts; the
# drug screens to review one, their unexpected results),
# the policy's decision for the people the panels list (one query for a clinician,
# none for a director, whose role reaches everyone), and the one audit event. SQLite reads
# the roles apart from the user and moves the audit chain in three statements, and lists
# the participants shown in a fourth, where PostgreSQL takes one.
HOME_QUERY_BUDGET = {
    "postgresql": {"therapist": 17, "director": 22},
    "sqlite": {"therapist": 22, "director": 26},
}


def _busy(world) -> None:
    """Something on every panel of both homes: a caseload with alerts and scores, a
    session led today, a draft note, a task overdue, a critical alert, a referral and a drug
    screen to review."""
    from attendance.tests.builders import enrol, make_session
    from notes.services import draft_note
    from notes.tests.conftest import dap
    from screens import panels
    from screens.models import Panel
    from screens.services import record_screen

    _phq9(world, world.episode, q9=2)
    _referral(world, 1)
    today = make_session(
        world.program, world.program.today(), staff=[world.therapist, world.director]
    )
    enrol(today, world.episode)
    draft_note(world.participant, dap(), by=world.therapist)
    draft_note(world.participant, dap("Seen by the director."), by=world.director)
    panels.seed()
    cup = Panel.objects.get(code="urine-cup-hhs")
    collected = datetime(2026, 11, 16, 9, 30, tzinfo=ZoneInfo("America/Chicago"))
    record_screen(
        world.participant,
        by=world.therapist,
        panel=cup,
        results={a.code: "positive" if a.code == "THC" else "negative" for a in cup.analytes.all()},
        collected_at=collected,
        observed=True,
        now=collected,
    )
    for owner in (world.therapist, world.director):
        create_task(
            title="Call back",
            due_on=date(2026, 10, 1),
            participant=world.participant,
            owner=owner,
            by=owner,
        )


@pytest.mark.parametrize("persona", ["therapist", "director"])
def test_each_home_keeps_to_its_query_budget(midweek, world, login, persona):
    """At noon, after the morning's session: its note is due, so the notes panel reads the
    program's note deadlines too (the fuller of the day's two states)."""
    _busy(world)
    client = login(world.users[persona])
    page = client.get("/").content.decode()
    assert "My sessions today" in page and "Notes to write or sign" in page
    assert "Drug screens to review" in page
    assert _count(client) <= HOME_QUERY_BUDGET[connection.vendor][persona]


def test_my_sessions_today_are_those_of_the_programs_own_today(world, login):
    """At 8 pm in Chicago it is already tomorrow in UTC: the panel lists the sessions the
    facilitator runs on Chicago's date, not those of the day before or after, nor another
    facilitator's."""
    import time_machine
    from django.urls import reverse

    from attendance.tests.builders import make_session

    evening = datetime(2026, 11, 18, 20, 0, tzinfo=ZoneInfo("America/Chicago"))
    with time_machine.travel(evening, tick=False):
        mine = make_session(
            world.program, date(2026, 11, 18), title="Mine", staff=[world.therapist]
        )
        for day, staff in (
            (date(2026, 11, 17), world.therapist),
            (date(2026, 11, 19), world.therapist),
            (date(2026, 11, 18), world.counsellor),
        ):
            make_session(world.program, day, title=f"Other {day}", staff=[staff])
        page = login(world.therapist).get("/").content.decode()
    panel = page[page.index('id="my-sessions-heading"') :].split("</section>")[0]
    assert reverse("attendance:roll_call", args=[mine.public_id]) in panel
    assert panel.count('<li class="session-item') == 1


def test_a_clinician_who_left_the_organization_no_longer_sees_its_participants_at_home(
    world, login
):
    """A counsellor's alert, task and draft note about a participant stay theirs when their
    role in that organization ends; working on in another organization, their home and their
    lists leave that participant out, as the policy now refuses them the record."""
    from accounts.models import Membership, Role
    from notes.services import draft_note
    from notes.tests.conftest import dap

    counsellor = world.counsellor
    raise_alert(
        world.participant,
        kind="test",
        severity="high",
        title="Missed two sessions",
        assign_to=[counsellor],
    )
    create_task(
        title="Call back",
        due_on=date(2026, 10, 1),
        participant=world.participant,
        owner=counsellor,
        by=counsellor,
    )
    draft_note(world.participant, dap(), by=counsellor)
    stays = active_participant(world, "T-009700", "Still", "Seen")
    create_task(
        title="Book the family session",
        due_on=date(2026, 10, 2),
        participant=stays.participant,
        owner=world.therapist,
        by=world.therapist,
    )
    Membership.objects.filter(user=counsellor, organization=world.org).update(is_active=False)
    elsewhere = Program.objects.get(name="Other IOP").organization
    Membership.objects.create(user=counsellor, organization=elsewhere, role=Role.COUNSELLOR)
    client = login(counsellor)

    events = _home_events(client)
    pages = [client.get(url).content.decode() for url in ("/", "/tasks/", "/notes/due/")]

    for page in pages:
        assert "Robin" not in page
    assert str(world.participant.public_id) not in str([e.details for e in events])
    assert "Still Seen" in login(world.therapist).get("/tasks/").content.decode()


def test_the_referral_queue_lists_only_the_organizations_where_the_role_brings_it(world, login):
    """An intake coordinator here who is a therapist elsewhere sees this organization's
    referrals, not those of the other, whose records the policy refuses a therapist off
    their care teams."""
    from accounts.models import Membership, Role

    elsewhere = world.other_org_participant.organization
    Membership.objects.create(user=world.intake, organization=elsewhere, role=Role.THERAPIST)

    page = login(world.intake).get("/").content.decode()

    assert "Casey Newcomer" in page and "Referrals waiting (1)" in page
    assert "Elsewhere" not in page


@pytest.mark.parametrize(("persona", "page"), [("auditor", "audit:trail")])
def test_a_home_with_nothing_listed_names_the_roles_own_pages(world, login, persona, page):
    """The auditor has no caseload or panels: their home says so and leads to their pages
    rather than leaving a blank card (billing's home counts last week's service days)."""
    main = re.search(
        r"<main.*?</main>", login(world.users[persona]).get("/").content.decode(), re.S
    )
    assert main is not None
    assert "Nothing is listed on this page for your role" in main.group(0)
    assert f'href="{reverse(page)}"' in main.group(0)
    assert 'href="/"' not in main.group(0)


@pytest.mark.parametrize(
    ("referred", "shown"),
    [
        (date(2026, 12, 5), "0 days"),
        (date(2026, 12, 4), "1 day"),
        (date(2026, 11, 28), "1 week"),
        (date(2026, 11, 9), "3 weeks, 5 days"),
    ],
)
def test_a_referrals_wait_is_in_whole_days_as_it_is_dated_not_timed(referred, shown):
    """A referral dated yesterday has waited "1 day", not "1 day, 20 hours" counted from a
    midnight nobody referred at."""
    assert waited(referred, date(2026, 12, 5)).replace("\xa0", " ") == shown


def test_the_caseload_week_keeps_each_duration_whole_and_says_on_track_met_or_short(
    midweek, world, login
):
    """ "3 h 30 min of 9 h" never breaks inside a duration, and every row says where the week
    stands in the words of the attendance tab: On track, Met or how much it is short by."""
    week = dose.current_week(world.program)
    on_track = active_participant(world, "T-009101", "Ona", "Track")
    met = active_participant(world, "T-009102", "Jo", "Done")
    active_participant(world, "T-009103", "Sam", "Less")
    monday = make_session(world.program, week, minutes=210)
    later = [make_session(world.program, week + timedelta(days=d)) for d in (3, 4)]
    for episode in (on_track, met):
        enrol(monday, episode)
        record(monday, episode, AttendanceStatus.PRESENT, 210)
    for s in later:
        enrol(s, on_track)
    big = make_session(world.program, week + timedelta(days=1), minutes=330)
    enrol(big, met)
    record(big, met, AttendanceStatus.PRESENT, 330)

    page = login(world.therapist).get("/").content.decode()

    def cell(name: str) -> str:
        row = next(r for r in page.split("<tr") if name in r)
        return next(c for c in row.split("</td>") if " of " in c or " short" in c)

    nbsp = "\u00a0"
    assert f"3{nbsp}h{nbsp}30{nbsp}min of 9{nbsp}h" in cell("Track")
    assert "On track" in cell("Track")
    assert "Met" in cell("Done") and f"9{nbsp}h of 9{nbsp}h" in cell("Done")
    assert f"9{nbsp}h short" in cell("Less")
