"""The board's later figures against hand counts: follow-up reach per stage, abstinence at
discharge and at a follow-up (self-report and screens apart), change on the measures, notes
signed on time; each with small cells hidden, on the page, in the CSV and the API, in a
query count that stays flat as the program grows."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Administration
from checkins.models import CheckIn
from discharge.models import Discharge, FollowUp, FollowUpAnswers, FollowUpStatus
from discharge.types import DischargeType
from monitoring.models import Alert, Severity
from notes.models import ProgressNote
from outcomes import facts, selectors
from outcomes.tests.conftest import TODAY, stored_board
from screens import panels
from screens.models import DrugScreen, Panel, ScreenResult, UseReport

CHICAGO = ZoneInfo("America/Chicago")
LEFT_ON = date(2026, 6, 10)
RANGE = {"start": "2026-01-01", "end": "2026-11-18", "breakdown": "sex"}


def _filters(world):
    return selectors.Filters((world.org.pk,), start=date(2026, 1, 1), end=TODAY, today=TODAY)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=CHICAGO)


def _left(world, add, n: int) -> list[Discharge]:
    """n people who completed care on LEFT_ON, each with a discharge record."""
    episodes = add(
        n, referred_on=date(2026, 2, 1), admitted_on=date(2026, 2, 2), discharged_on=LEFT_ON
    )
    return [
        Discharge.objects.create(
            participant=e.participant,
            episode=e,
            type=DischargeType.COMPLETED,
            discharged_on=LEFT_ON,
            decided_by=world.director,
            reason="Synthetic test discharge.",
            recorded_by=world.director,
            recorded_at=timezone.now(),
        )
        for e in episodes
    ]


def _follow_up(world, record: Discharge, day: int, status: str, *, used: bool | None = None):
    row = FollowUp.objects.create(
        discharge=record,
        participant=record.participant,
        day=day,
        due_on=record.discharged_on + timedelta(days=day),
        status=status,
    )
    if used is not None:
        FollowUpAnswers.objects.create(
            follow_up=row,
            participant=record.participant,
            used_since_discharge=used,
            days_used=3 if used else 0,
            in_treatment=True,
            medication="none",
            employment="1",
            housing="3",
            recorded_by=world.director,
            recorded_at=_at(row.due_on),
        )
    return row


def _screen(
    world, participant, cup: Panel, at: datetime, positive: bool, validity: str = "valid"
) -> None:
    screen = DrugScreen.objects.create(
        participant=participant,
        panel=cup,
        specimen="urine",
        method="point-of-care",
        observed=True,
        collected_at=at,
        validity=validity,
        recorded_by=world.director,
    )
    tampered = validity in ("adulterated", "substituted")
    for number, analyte in enumerate(cup.analytes.all()):
        ScreenResult.objects.create(
            screen=screen,
            analyte=analyte,
            result="positive" if positive and number == 0 else "negative",
            flag="tampered-specimen"
            if tampered
            else "unexpected-positive"
            if positive and number == 0
            else "",
        )


def _phq9(world, record: Discharge, first: int, last: int) -> None:
    for total, day in ((first, date(2026, 2, 3)), (last, date(2026, 6, 1))):
        Administration.objects.create(
            participant=record.participant,
            episode=record.episode,
            instrument="phq-9",
            mode="staff-entered",
            completed_at=_at(day),
            complete=True,
            total=total,
            recorded_by=world.director,
        )


def test_follow_up_reach_per_stage_hides_a_small_stage(midweek, world, add):
    records = _left(world, add, 22)
    for number, record in enumerate(records):
        reached = number % 2 == 0
        _follow_up(
            world,
            record,
            7,
            FollowUpStatus.ANSWERED if reached else FollowUpStatus.NOT_REACHED,
            used=False if reached else None,
        )
    for number, record in enumerate(records[:12]):
        _follow_up(
            world, record, 30, FollowUpStatus.REACHED if number < 3 else FollowUpStatus.NOT_REACHED
        )
    _follow_up(world, records[0], 365, FollowUpStatus.SCHEDULED)  # not due yet
    board = stored_board(_filters(world), [world.site])
    week, month = board.stages
    assert (week.day, week.due, week.reached, week.reach_rate) == (7, 22, 11, 0.5)
    assert (month.day, month.due, month.reached, month.reach_rate) == (30, 12, None, None)
    assert "follow_up.day_30.reached" in board.suppressed
    assert "follow_up.day_30.not_reached" in board.suppressed
    assert week.abstinence.reported == 11 and week.abstinence.self_rate == 1.0
    assert week.abstinence.screened == 0 and week.abstinence.screen_rate is None


def test_abstinence_at_discharge_keeps_self_report_and_screens_apart(midweek, world, add):
    panels.seed()
    cup = Panel.objects.prefetch_related("analytes").get(code="urine-cup-hhs")
    records = _left(world, add, 24)
    in_window = _at(LEFT_ON - timedelta(days=10))
    for number, record in enumerate(records):
        CheckIn.objects.create(
            participant=record.participant,
            mood=5,
            craving=2,
            used=number >= 12,  # 12 say no use, 12 say use
            safety=False,
            recorded_by=world.director,
            recorded_at=in_window,
        )
        if number % 2:  # 12 screened: 11 negative, 1 positive
            _screen(world, record.participant, cup, in_window, positive=number == 1)
    # Use long before the window does not count against the last month of care.
    CheckIn.objects.create(
        participant=records[0].participant,
        mood=5,
        craving=2,
        used=True,
        safety=False,
        recorded_by=world.director,
        recorded_at=_at(LEFT_ON - timedelta(days=60)),
    )
    point = stored_board(_filters(world), [world.site]).abstinence
    assert (point.people, point.reported, point.self_abstinent) == (24, 24, 12)
    assert point.self_rate == 0.5
    assert (point.screened, point.screen_abstinent) == (12, None)  # 1 positive: hidden
    assert point.screen_rate is None


def test_a_use_report_in_the_last_month_counts_as_reported_and_its_last_use_as_used(
    midweek, world, add
):
    """A use report written in the month before discharge is word from the person, and says
    they used when the last use it gives falls in that month."""
    records = _left(world, add, 24)
    in_window = LEFT_ON - timedelta(days=10)
    for number, record in enumerate(records):
        UseReport.objects.create(
            participant=record.participant,
            # 12 last used in the month, 12 long before it.
            last_used_on=in_window if number >= 12 else LEFT_ON - timedelta(days=90),
            recorded_by=world.director,
            recorded_at=_at(in_window),
        )
    # Written before the month: no word from the last month.
    for record in _left(world, add, 12):
        UseReport.objects.create(
            participant=record.participant,
            last_used_on=LEFT_ON - timedelta(days=90),
            recorded_by=world.director,
            recorded_at=_at(LEFT_ON - timedelta(days=60)),
        )
    point = stored_board(_filters(world), [world.site]).abstinence
    assert (point.people, point.reported, point.self_abstinent) == (36, 24, 12)


def test_a_substituted_specimen_is_never_screen_verified_abstinence(midweek, world, add):
    """Clinical reference §10: a tampered specimen is a presumptive positive, so a clean
    screen beside it in the last month of care does not make that month screen-verified."""
    panels.seed()
    cup = Panel.objects.prefetch_related("analytes").get(code="urine-cup-hhs")
    records = _left(world, add, 24)
    for number, record in enumerate(records):
        _screen(world, record.participant, cup, _at(LEFT_ON - timedelta(days=20)), False)
        if number < 12:
            at = _at(LEFT_ON - timedelta(days=5))
            _screen(world, record.participant, cup, at, False, validity="substituted")
    point = stored_board(_filters(world), [world.site]).abstinence
    assert (point.screened, point.screen_abstinent, point.screen_rate) == (24, 12, 0.5)


def test_measures_give_reliable_improvement_recovery_and_mean_change(midweek, world, add):
    records = _left(world, add, 24)
    for record in records[:12]:
        _phq9(world, record, 20, 6)  # reliable improvement, below 10: recovered
    for record in records[12:23]:
        _phq9(world, record, 14, 9)  # 5 points: no reliable change by the IAPT rule (6)
    phq9, gad7, pcl5 = stored_board(_filters(world), [world.site]).measures
    assert (phq9.people, phq9.computed, phq9.improved, phq9.recovered) == (23, 23, 12, 12)
    assert phq9.improved_rate == 12 / 23
    changes = [-14] * 12 + [-5] * 11
    mean = sum(changes) / 23
    assert phq9.mean_change == round(mean, 2)
    sd = (sum((c - mean) ** 2 for c in changes) / 22) ** 0.5
    assert phq9.sd_change == round(sd, 2)
    assert gad7.people == 0 and pcl5.people == 0


def test_a_small_group_of_the_measures_takes_its_complement_with_it(midweek, world, add):
    records = _left(world, add, 22)
    for record in records[:12]:
        _phq9(world, record, 20, 6)
    for record in records[12:]:
        _phq9(world, record, 14, 13)  # 10 unchanged: hidden, and so is the improved count
    board = stored_board(_filters(world), [world.site])
    phq9 = board.measures[0]
    assert (phq9.people, phq9.improved, phq9.improved_rate) == (22, None, None)
    assert {"measures.phq-9.improved", "measures.phq-9.not_improved"} <= set(board.suppressed)


def test_notes_signed_on_time_hide_few_people_and_small_counts(midweek, world, add):
    episodes = add(24, referred_on=date(2026, 2, 1), admitted_on=date(2026, 2, 2))

    def note(episode, signed_after_hours: int | None) -> None:
        due = _at(date(2026, 3, 2), 17)
        signed = signed_after_hours is not None
        ProgressNote.objects.create(
            participant=episode.participant,
            organization_id=episode.participant.organization_id,
            episode=episode,
            kind="individual",
            service_date=date(2026, 3, 2),
            due_at=due,
            signed_at=due + timedelta(hours=signed_after_hours)
            if signed_after_hours is not None
            else None,
            signed_by=world.therapist if signed else None,
            recorded_by=world.therapist,
        )

    def figure():
        return stored_board(_filters(world), [world.site]).notes

    for episode in episodes[:10]:
        note(episode, -2)
    assert not figure().shown and figure().due is None
    for episode in episodes[10:12]:
        note(episode, -2)
    for episode in episodes[12:23]:
        note(episode, 5)
    notes = figure()
    assert (notes.due, notes.on_time, notes.late, notes.unsigned) == (23, 12, 11, 0)
    assert notes.on_time_rate == 12 / 23
    note(episodes[23], None)  # one unsigned note: it and a complement are hidden
    notes = figure()
    assert notes.unsigned is None and None in (notes.on_time, notes.late)


def test_the_page_csv_and_api_carry_the_later_figures(midweek, world, add, login):
    records = _left(world, add, 22)
    for record in records:
        _follow_up(world, record, 7, FollowUpStatus.ANSWERED, used=False)
        _phq9(world, record, 20, 6)
    facts.rebuild()
    client = login(world.director)
    page = client.post(reverse("outcomes:board"), RANGE).content.decode()
    for words in (
        "Follow-up reach by stage",
        "Abstinent by self-report",
        "Reliably improved, by instrument",
    ):
        assert words in page
    assert "No effect size is computed" in page
    rule = (
        "a drop of 6 points or more on the PHQ-9, 4 or more on the GAD-7, is reliable improvement"
    )
    assert rule in page and "Jacobson" not in page and "|RCI|" not in page
    csv = client.post(reverse("outcomes:board_csv"), RANGE).content.decode()
    assert "follow-up reach rate,day 7,1.0000," in csv
    assert "measures: share reliably improved,PHQ-9,1.0000," in csv
    assert "measures: reliable change rule,all,," in csv and rule in csv
    body = client.get("/api/v1/outcomes?from=2026-01-01&to=2026-11-18").json()
    assert rule in body["reliable_change_note"]
    assert body["follow_up_reach"] == [{"day": 7, "due": 22, "reached": 22, "reach_rate": 1.0}]
    phq9 = next(m for m in body["measures"] if m["instrument"] == "phq-9")
    assert (phq9["reliably_improved"], phq9["recovered_rate"], phq9["effect_size"]) == (
        22,
        1.0,
        None,
    )
    at_discharge = body["abstinence"][0]
    assert at_discharge["point"] == "discharge" and at_discharge["self_reported"] == 0
    assert body["notes_signed_on_time"]["due"] is None and "notes_on_time" in body["suppressed"]


def test_the_later_figures_cost_the_same_queries_as_the_program_grows(midweek, world, add, login):
    client = login(world.director)

    def queries() -> int:
        facts.rebuild()
        with CaptureQueriesContext(connection) as ctx:
            assert client.post(reverse("outcomes:board"), RANGE).status_code == 200
        return len(ctx.captured_queries)

    def grow(n: int) -> None:
        for number, record in enumerate(_left(world, add, n)):
            _follow_up(world, record, 7, FollowUpStatus.ANSWERED, used=number % 2 == 0)
            _follow_up(world, record, 30, FollowUpStatus.NOT_REACHED)
            _phq9(world, record, 20 - number % 5, 6 + number % 3)

    grow(12)
    few = queries()
    grow(30)
    assert queries() == few


def test_notes_count_by_the_day_they_are_due_in_the_programs_zone(midweek, world, add):
    """A note due late on the range's last evening in Chicago counts (it is already the next
    day in UTC); one due early on the first day after it does not, nor one due the evening
    before the range's first day."""
    episodes = add(13, referred_on=date(2025, 12, 1), admitted_on=date(2025, 12, 2))
    inside = [datetime.combine(TODAY, time(23, 30), tzinfo=CHICAGO)] * 11
    inside.append(datetime.combine(date(2026, 1, 1), time(0, 30), tzinfo=CHICAGO))
    outside = [
        datetime.combine(TODAY + timedelta(days=1), time(0, 30), tzinfo=CHICAGO),
        datetime.combine(date(2025, 12, 31), time(23, 30), tzinfo=CHICAGO),
    ]
    for episode, due in zip(episodes + episodes[:1], inside + outside, strict=True):
        ProgressNote.objects.create(
            participant=episode.participant,
            organization_id=episode.participant.organization_id,
            episode=episode,
            kind="individual",
            service_date=due.date(),
            due_at=due,
            recorded_by=world.therapist,
        )

    with timezone.override(CHICAGO):
        notes = stored_board(_filters(world), [world.site]).notes

    assert (notes.people, notes.due) == (12, 12)


def test_alerts_count_by_the_day_they_were_raised_in_the_programs_zone(midweek, world, add):
    """As with notes: late on the range's last evening in Chicago is inside the range, early
    on the day after it and the evening before its first day are not."""
    episodes = add(13, referred_on=date(2025, 12, 1), admitted_on=date(2025, 12, 2))
    inside = [datetime.combine(TODAY, time(23, 30), tzinfo=CHICAGO)] * 11
    inside.append(datetime.combine(date(2026, 1, 1), time(0, 30), tzinfo=CHICAGO))
    outside = [
        datetime.combine(TODAY + timedelta(days=1), time(0, 30), tzinfo=CHICAGO),
        datetime.combine(date(2025, 12, 31), time(23, 30), tzinfo=CHICAGO),
    ]
    for episode, raised in zip(episodes + episodes[:1], inside + outside, strict=True):
        Alert.objects.create(
            participant=episode.participant,
            episode=episode,
            kind="test",
            severity=Severity.HIGH,
            title="Test alert",
            recorded_by=world.therapist,
            recorded_at=raised,
        )

    with timezone.override(CHICAGO):
        alerts = stored_board(_filters(world), [world.site]).alerts

    assert [(a.severity, a.people, a.raised) for a in alerts] == [(Severity.HIGH, 12, 12)]
