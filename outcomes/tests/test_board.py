"""The board against a hand-built program: each figure, suppression on the page, the live
update after a discharge, the audited CSV, the API, and a flat query count."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from discharge.models import Discharge
from discharge.tests.builders import discharge_world
from discharge.types import DischargeType
from outcomes import facts, selectors
from outcomes.tests.conftest import TODAY, stored_board

RANGE = {"start": "2026-01-01", "end": "2026-11-18", "breakdown": "sex"}


def _filters(world, **extra):
    return selectors.Filters(
        (world.org.pk,), start=date(2026, 1, 1), end=TODAY, today=TODAY, **extra
    )


def _left_in_june(add, count: int):
    """`count` people referred and admitted in February who left care on 10 June."""
    return add(
        count,
        referred_on=date(2026, 2, 1),
        admitted_on=date(2026, 2, 2),
        discharged_on=date(2026, 6, 10),
    )


def test_referral_to_admission_against_hand_counts(midweek, world, add):
    # 12 people admitted in the range after waiting 2, 2, …, 13 days (plus the world's own
    # participant, referred 1 September, admitted 8 September: 7 days).
    for wait in range(2, 14):
        add(referred_on=date(2026, 6, 1), admitted_on=date(2026, 6, 1) + timedelta(days=wait))
    waiting = selectors.referral_to_admission(_filters(world))
    assert waiting.people == 13
    waits = sorted([*range(2, 14), 7])
    assert waiting.median_days == waits[6]  # the 7th of 13
    assert waiting.p90_days == waits[11]  # ceil(0.9 × 13) = 12th


def test_few_people_hide_every_figure(midweek, world, add):
    add(
        5,
        referred_on=date(2026, 3, 1),
        admitted_on=date(2026, 3, 2),
        discharged_on=date(2026, 4, 1),
    )
    board = stored_board(_filters(world), [world.site])
    assert board.completion.total.left_care is None
    assert not board.retention.shown and not board.waiting.shown and not board.dose.shown
    assert "total.left_care" in board.suppressed


def test_retention_is_kaplan_meier_with_the_still_in_care_censored(midweek, world, add):
    admitted = date(2026, 5, 4)
    add(
        10,
        referred_on=date(2026, 5, 1),
        admitted_on=admitted,
        discharged_on=admitted + timedelta(days=30),
    )
    add(
        10,
        referred_on=date(2026, 5, 1),
        admitted_on=admitted,
        discharged_on=admitted + timedelta(days=60),
    )
    # The world's participant (admitted 8 September) is still in care: censored at 71 days.
    retention = selectors.retention(_filters(world))
    assert retention.people == 21
    # Day 30: 10 of 21 leave → 11/21 stay. Day 60: 10 of the 11 still at risk leave → 1/21.
    assert retention.at_days[30] == pytest.approx(11 / 21)
    assert retention.at_days[60] == pytest.approx(1 / 21)
    assert [s.day for s in retention.steps] == [30, 60]
    assert retention.median_days == 60
    # After day 71 no one is at risk: the curve says nothing about day 90.
    assert retention.at_days[90] is None


def test_the_curve_stops_where_fewer_than_eleven_are_at_risk(midweek, world, add):
    admitted = date(2026, 5, 4)
    add(
        11,
        referred_on=date(2026, 5, 1),
        admitted_on=admitted,
        discharged_on=admitted + timedelta(days=20),
    )
    add(
        5,
        referred_on=date(2026, 5, 1),
        admitted_on=admitted,
        discharged_on=admitted + timedelta(days=40),
    )
    retention = selectors.retention(_filters(world))
    assert retention.people == 17
    assert [s.day for s in retention.steps] == [20]  # day 40: 6 at risk, not drawn
    assert retention.at_days[30] is None


def test_weekly_dose_counts_whole_weeks_under_the_minimum(midweek, world, add):
    from attendance.tests.builders import make_session  # noqa: F401 (builder import check)

    episodes = add(11, referred_on=date(2026, 10, 1), admitted_on=date(2026, 10, 5))
    dose = selectors.dose(_filters(world))
    # Admitted Monday 5 October; whole weeks up to the week before this one (16 November):
    # 5 Oct … 9 Nov = 6 weeks each, and the world's participant (admitted Tuesday 8 September,
    # first whole week 14 September) has 9.
    assert dose.people == 12
    assert dose.weeks == 11 * 6 + 9
    assert dose.under == dose.weeks  # no one attended anything
    assert len(episodes) == 11


def test_the_board_follows_a_discharge_once_its_queued_refresh_has_run(
    midweek, world, add, login, django_capture_on_commit_callbacks, run_tasks
):
    _left_in_june(add, 10)
    facts.rebuild()
    client = login(world.director)
    before = client.post(reverse("outcomes:board"), RANGE)
    assert before.context["board"].completion.total.left_care is None  # 10: hidden
    with django_capture_on_commit_callbacks(execute=True):
        discharge_world(world, by=world.director, on=date(2026, 11, 16), now=timezone.now())
    # The discharge's writes queued one refresh when they committed.
    assert run_tasks(counting_facts_refreshes=True) == 1
    after = client.post(reverse("outcomes:board"), RANGE)
    assert after.context["board"].completion.total.left_care == 11
    assert after.context["board"].as_of is not None
    assert b'id="as-of"' in after.content


def test_each_load_and_each_download_leave_one_event_without_participants(
    midweek, world, add, login
):
    _left_in_june(add, 12)
    facts.rebuild()
    client = login(world.director)
    start = AuditEvent.objects.count()
    page = client.post(reverse("outcomes:board"), RANGE)
    assert page.status_code == 200
    events = list(AuditEvent.objects.order_by("id")[start:])
    assert [e.event_type for e in events] == ["outcomes.board_viewed"]
    assert events[0].participant_id is None
    assert events[0].details["filters"]["from"] == "2026-01-01"
    start = AuditEvent.objects.count()
    download = client.post(reverse("outcomes:board_csv"), RANGE)
    assert download.status_code == 200
    assert download["Content-Type"] == "text/csv"
    body = download.content.decode()
    assert "left_care by all,All who left care,12," in body
    assert "Testperson" not in body and "T-0" not in body
    events = list(AuditEvent.objects.order_by("id")[start:])
    assert [e.event_type for e in events] == ["outcomes.exported"]


def test_the_page_names_no_one(midweek, world, add, login):
    _left_in_june(add, 12)
    facts.rebuild()
    page = login(world.director).post(reverse("outcomes:board"), RANGE).content.decode()
    assert "Testperson" not in page and "Robin" not in page and "T-000" not in page
    assert "<svg" in page and "Completion by month of discharge" in page


def test_the_api_gives_completion_with_hidden_cells_null(midweek, world, add, login):
    _left_in_june(add, 12)
    add(
        3,
        referred_on=date(2026, 2, 1),
        admitted_on=date(2026, 2, 2),
        discharged_on=date(2026, 7, 10),
    )
    facts.rebuild()
    client = login(world.director)
    body = client.get("/api/v1/outcomes?from=2026-01-01&to=2026-11-18").json()
    assert body["left_care"] == 15
    assert body["completed"] == 0 and body["completion_rate"] == 0
    july = next(m for m in body["months"] if m["month"] == "2026-07")
    assert july["left_care"] is None
    assert "month.2026-07.left_care" in body["suppressed"]
    # June's 12 alone would give July's 3 back from the total: June is hidden too.
    june = next(m for m in body["months"] if m["month"] == "2026-06")
    assert june["left_care"] is None


def test_completion_counts_the_discharges_recorded_as_completed(midweek, world, add, login):
    """22 left care in June: 11 completed, 11 left early (every count 11 or more: all shown)."""
    episodes = _left_in_june(add, 22)
    for number, episode in enumerate(episodes):
        Discharge.objects.create(
            participant=episode.participant,
            episode=episode,
            type=DischargeType.COMPLETED if number % 2 else DischargeType.LEFT_EARLY,
            discharged_on=episode.discharged_on,
            decided_by=world.director,
            reason="Synthetic test discharge.",
            recorded_by=world.director,
            recorded_at=timezone.now(),
        )
    facts.rebuild()
    body = login(world.director).get("/api/v1/outcomes?from=2026-01-01&to=2026-11-18").json()
    assert (body["left_care"], body["completed"], body["completion_rate"]) == (22, 11, 0.5)


def test_the_api_refuses_a_range_that_ends_before_it_starts(world, login):
    response = login(world.director).get("/api/v1/outcomes?from=2026-05-01&to=2026-01-01")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "to"


def test_the_board_costs_the_same_queries_for_ten_or_a_hundred(midweek, world, add, login):
    client = login(world.director)

    def queries() -> int:
        facts.rebuild()
        with CaptureQueriesContext(connection) as ctx:
            assert client.post(reverse("outcomes:board"), RANGE).status_code == 200
        return len(ctx.captured_queries)

    _left_in_june(add, 12)
    few = queries()
    for month in range(3, 11):
        add(
            12,
            referred_on=date(2026, 2, 1),
            admitted_on=date(2026, 2, 2),
            discharged_on=date(2026, month, 10),
            sex_at_birth="male",
        )
        add(12, referred_on=date(2026, 2, 1), admitted_on=date(2026, 2, 9))
    assert queries() == few


# The board's statements with every figure shown: the signed-in session, the filters'
# programs, sites and tracks, one grouped statement per figure (the three measures in one),
# when the facts were written, and the audit event; the audit event is more statements on
# SQLite, which has no single-statement append.
BOARD_QUERIES = {"postgresql": 15, "sqlite": 19}


def test_the_board_reads_every_figure_within_its_budget(midweek, world, add, login):
    _left_in_june(add, 12)
    facts.rebuild()
    client = login(world.director)
    client.get(reverse("outcomes:board"))
    with CaptureQueriesContext(connection) as ctx:
        assert client.post(reverse("outcomes:board"), RANGE).status_code == 200
    assert len(ctx.captured_queries) <= BOARD_QUERIES[connection.vendor]
