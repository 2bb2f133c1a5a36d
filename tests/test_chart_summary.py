"""The chart's clinical summary: what a clinician opening the chart reads at a glance, loaded
after the overview as its own audited clinical read, in a query count that does not grow
with the participant's history."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.template import Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.services import record_administration
from attendance.models import AttendanceStatus
from attendance.services import MISSED_KIND
from attendance.tests.builders import enrol, make_session, record
from audit.models import AuditEvent
from conftest import SUITE_NOW
from measurement.tests.conftest import phq9_answers
from monitoring.models import Severity
from monitoring.services import raise_alert
from notes.services import draft_note
from notes.tests.conftest import dap
from participants.access import Scope
from participants.chart import DUE, SUMMARY, SummarySection
from safety.services import confirm, save_draft
from worklist.services import create_task

CHICAGO = ZoneInfo("America/Chicago")
TODAY = SUITE_NOW.date()  # Tuesday 1 December 2026
HTMX = {"HTTP_HX_REQUEST": "true"}

# The session, user and roles, the participant with its episodes and care teams, and the
# audit event (1 each on PostgreSQL, 3 each elsewhere), then each section's reads: the open
# alerts (1), the latest C-SSRS (1), the safety plan in force with its draft (1), this week's
# sessions and dose (4, 5 in a week of admission or discharge) and the next sessions (1), the
# stay's scores (2), what is due (3), the plan review (at most 4), the reader's unsigned notes
# (1) and the open tasks (1).
SUMMARY_QUERY_BUDGET = {"postgresql": 23, "sqlite": 29}


def summary_url(participant) -> str:
    return reverse("participants:summary", args=[participant.public_id])


def give(world, code: str, answers: dict, at: datetime):
    return record_administration(
        world.participant,
        code=code,
        answers=answers,
        mode="staff-entered",
        by=world.director,
        completed_at=at,
    )


def history(world, *, weeks: int) -> None:
    """`weeks` weeks of the stay before this one: a PHQ-9, a session attended and an alert
    closed by the score each week, so a long history has many of every kind."""
    for week in range(weeks, 0, -1):
        day = TODAY - timedelta(weeks=week)
        give(world, "phq-9", phq9_answers(12), datetime.combine(day, time(10), tzinfo=CHICAGO))
        session = make_session(world.program, day, title=f"Group {week}")
        enrol(session, world.episode)
        record(session, world.episode, AttendanceStatus.PRESENT, 180)
        raise_alert(
            world.participant,
            kind=MISSED_KIND,
            severity=Severity.WARNING,
            title=f"Week {week}",
            dedupe_key=f"week-{week}",
        )


@pytest.fixture
def busy_day(world):
    """The participant's chart on Tuesday 1 December 2026 at 09:00: a PHQ-9 of 18 at
    admission and one of 6 this morning with a yes to item 9 (a same-day C-SSRS due), a
    high alert, a session this morning recorded and one this afternoon, one on Thursday,
    the therapist's unsigned note, an overdue task and a safety plan still a draft."""
    admission = datetime(2026, 9, 8, 10, tzinfo=CHICAGO)
    give(world, "phq-9", phq9_answers(18), admission)
    give(world, "phq-9", phq9_answers(6, item9=1), SUITE_NOW - timedelta(minutes=30))
    raise_alert(
        world.participant,
        kind="suicide-risk",
        severity=Severity.HIGH,
        title="Said at check-in she has no safe place tonight",
        dedupe_key="test-critical",
    )
    morning = make_session(world.program, TODAY, start=time(6, 0), minutes=120, title="Morning")
    enrol(morning, world.episode)
    record(morning, world.episode, AttendanceStatus.PRESENT, 120)
    enrol(
        make_session(world.program, TODAY, start=time(13, 0), title="Coping skills"), world.episode
    )
    enrol(
        make_session(
            world.program, date(2026, 12, 3), start=time(9, 0), title="Relapse prevention"
        ),
        world.episode,
    )
    draft_note(world.participant, dap(), by=world.therapist)
    create_task(
        title="Call the sponsor back",
        due_on=date(2026, 11, 30),
        by=world.therapist,
        participant=world.participant,
        owner=world.therapist,
    )
    save_draft(
        world.participant,
        by=world.therapist,
        steps={"warning_signs": "Not sleeping"},
        expected_version=None,
    )
    return world


def test_a_clinician_reads_the_risk_the_sessions_the_scores_and_what_is_due(busy_day, signed_in):
    world = busy_day
    page = signed_in(world.therapist).get(summary_url(world.participant), **HTMX)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<html" not in html  # a fragment for the overview, not a page
    # Risk: the open alerts by severity, the latest C-SSRS and the safety plan.
    # (the yes to item 9 raised the critical one)
    assert "2 open alerts</a>: 1 critical — act today, 1 high" in html
    assert "Said at check-in she has no safe place tonight" in html
    assert 'C-SSRS Screener: <span class="muted">never screened</span>' in html
    assert "<strong>none confirmed</strong>" in html and "(a draft is open)" in html
    # Sessions: today's, the next ones, this week's dose.
    assert '06:00 Morning (<span class="att att-present">present</span>)' in html
    assert "13:00 Coping skills (upcoming)" in html
    assert "Thu 3 Dec 2026 09:00 Relapse prevention" in html
    assert "2\u00a0h attended of" in html
    # Scores: the latest with its band and the reliable change since the stay's first.
    assert "<strong>6</strong> Mild" in html
    assert "from 18 (−12 points): Reliable improvement" in html
    # Due: the same-day C-SSRS first, the plan review, the note, the task.
    assert "<strong>C-SSRS Screener</strong> due the same day, since Tue 1 Dec 2026, 08:30" in html
    assert html.index("C-SSRS Screener</strong> due") < html.index("GAD-7")
    assert "<strong>No signed plan yet</strong>" in html
    assert "Your unsigned notes:" in html and "Individual note Tue 17 Nov 2026</a>" in html
    assert "Call the sponsor back" in html and "<strong>overdue</strong>, " in html


def test_a_session_going_on_now_is_under_way_not_upcoming(world, signed_in):
    """At 09:00 a group that began at 08:30 is under way: "upcoming" would send the clinician
    looking for a session that has already started."""
    enrol(make_session(world.program, TODAY, start=time(8, 30), title="Check-in"), world.episode)
    html = signed_in(world.therapist).get(summary_url(world.participant), **HTMX).content.decode()
    assert "08:30 Check-in (under way)" in html


def test_a_chart_with_nothing_open_says_so(world, signed_in):
    """The referral, not yet admitted: nothing measured, nothing due."""
    html = signed_in(world.director).get(summary_url(world.referral), **HTMX).content.decode()
    for words in (
        "No open alerts.",
        "never screened",
        "none confirmed",
        "no sessions",
        "none scheduled",
        "not in care this week",
        "No scores this stay.",
        "No questionnaires due.",
        "No plan review due.",
        "No unsigned notes of yours.",
        "No open tasks.",
    ):
        assert words in html, words


def test_the_overview_loads_the_summary_for_those_who_read_the_clinical_record(world, signed_in):
    url = reverse("participants:chart", args=[world.participant.public_id])
    html = signed_in(world.therapist).get(url).content.decode()
    assert f'hx-get="{summary_url(world.participant)}" hx-trigger="load"' in html
    assert f'<a href="{summary_url(world.participant)}">Open the clinical summary</a>' in html
    for role in ("frontdesk", "billing"):
        page = signed_in(world.users[role]).get(url)
        assert page.status_code == 200
        assert "clinical-summary" not in page.content.decode()
        assert signed_in(world.users[role]).get(summary_url(world.participant)).status_code == 403


def test_each_read_of_the_summary_is_audited_as_a_clinical_read(world, signed_in):
    client = signed_in(world.therapist)
    before = AuditEvent.objects.count()
    assert client.get(summary_url(world.participant), **HTMX).status_code == 200
    event = AuditEvent.objects.latest("id")
    assert AuditEvent.objects.count() == before + 1
    assert event.event_type == "chart.viewed" and event.participant_id == world.participant.pk
    assert event.details["page"] == "participants:summary"


def test_without_javascript_the_link_opens_the_summary_under_the_chart_header(world, signed_in):
    html = signed_in(world.therapist).get(summary_url(world.participant)).content.decode()
    assert "<title>Clinical summary" in html
    assert world.participant.record_number in html  # the chart header
    assert "Clinical summary" in html and "No open alerts." in html


def test_a_module_adds_a_section_shown_only_to_those_who_may_read_its_scope(world, signed_in):
    said = Template("<p>{{ section.words }}</p>")

    def saying(scope: Scope) -> SummarySection:
        return SummarySection(
            f"test_{scope}", DUE, scope, 99, lambda read: {"template": said, "words": scope}
        )

    added = [saying(Scope.CLINICAL), saying(Scope.BILLING)]
    for section in added:
        SUMMARY.register(section)
    try:
        html = signed_in(world.therapist).get(summary_url(world.participant), **HTMX)
    finally:
        for section in added:
            SUMMARY.unregister(section)
    assert "<p>clinical</p>" in html.content.decode()
    assert "<p>billing</p>" not in html.content.decode()


def test_the_summary_reads_as_many_queries_after_months_of_history(world, signed_in):
    client = signed_in(world.therapist)
    url = summary_url(world.participant)
    client.get(url, **HTMX)
    with CaptureQueriesContext(connection) as short:
        assert client.get(url, **HTMX).status_code == 200
    history(world, weeks=12)
    with CaptureQueriesContext(connection) as long:
        page = client.get(url, **HTMX)
    assert "12 open alerts" in page.content.decode()
    assert len(long) == len(short), "\n".join(q["sql"] for q in long)
    assert len(long) <= SUMMARY_QUERY_BUDGET[connection.vendor], "\n".join(q["sql"] for q in long)


def test_the_safety_plan_in_force_and_its_draft_are_read_in_one_query(world, signed_in):
    """Two versions confirmed and a third drafted: the summary names the newer confirmed one
    and the open draft from one read of the plans."""
    for steps in ({"warning_signs": "Not sleeping"}, {"warning_signs": "Skipping meals"}):
        draft = save_draft(
            world.participant, by=world.therapist, steps=steps, expected_version=None
        )
        confirm(
            draft, by=world.therapist, expected_version=draft.version, written_with_participant=True
        )
    save_draft(
        world.participant,
        by=world.therapist,
        steps={"warning_signs": "Staying in bed"},
        expected_version=None,
    )
    with CaptureQueriesContext(connection) as read:
        page = signed_in(world.therapist).get(summary_url(world.participant), **HTMX)
    html = page.content.decode()
    assert "</a>: version 2, confirmed " in html and "(a draft is open)" in html
    plans = [q["sql"] for q in read if "safety_safetyplan" in q["sql"]]
    assert len(plans) == 1, "\n".join(plans)


def test_the_overview_does_none_of_the_summarys_reads(world, signed_in):
    """The overview keeps its own budget (test_chart_query_budget): the summary's sections
    are not made while it renders."""
    made = []
    spy = SummarySection("test_spy", DUE, Scope.CLINICAL, 99, lambda read: made.append(1))
    SUMMARY.register(spy)
    try:
        signed_in(world.therapist).get(
            reverse("participants:chart", args=[world.participant.public_id])
        )
    finally:
        SUMMARY.unregister(spy)
    assert made == []
