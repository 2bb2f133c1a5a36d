"""The board from its stored facts against the live definition of every figure, on a varied
program (every status, completed and not, records entered in error and superseded, screens
tampered with or confirmed negative, weekly minutes on both sides of the minimum), and the
facts kept current by the writes that change them."""

import dataclasses
import random
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import LevelOfCare, Site
from assessments.models import Administration
from attendance.models import WeeklyMinutes
from checkins.models import CheckIn
from discharge.models import Discharge, FollowUp, FollowUpAnswers, FollowUpStatus
from discharge.types import DischargeType
from monitoring.models import Alert, Severity
from notes.models import ProgressNote
from outcomes import facts, figures, selectors
from outcomes.models import (
    AlertFacts,
    DoseWeeks,
    EpisodeFacts,
    FollowUpFacts,
    NoteDays,
    NoteFacts,
    ReportingDemographics,
)
from outcomes.tests.conftest import TODAY, add_episode, stored_facts
from participants.models import Episode, EpisodeStatus, Participant
from screens import panels
from screens.models import DrugScreen, Panel, ScreenResult, UseReport

CHICAGO = ZoneInfo("America/Chicago")
FIRST = date(2025, 9, 1)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=CHICAGO)


def _day(rng: random.Random, low: date, high: date) -> date:
    return low + timedelta(days=rng.randrange(max((high - low).days, 1)))


def _in_error(row, world) -> None:
    """Mark a row entered in error as the lifecycle does (only those columns change)."""
    type(row).objects.filter(pk=row.pk).update(
        entered_in_error_at=timezone.now(),
        entered_in_error_by=world.director,
        entered_in_error_reason="Recorded on the wrong person.",
    )


def varied_program(world, seed: int, people: int) -> None:
    """`people` episodes with everything the board reads, chosen by a seeded generator."""
    rng = random.Random(seed)
    other_site = Site.objects.create(program=world.program, name="Annex")
    cup = Panel.objects.filter(analytes__isnull=False).distinct().first()
    assert cup is not None
    analytes = list(cup.analytes.all())
    for _ in range(people):
        referred = _day(rng, FIRST, TODAY)
        status = rng.choice(
            [
                EpisodeStatus.REFERRED,
                EpisodeStatus.DECLINED,
                EpisodeStatus.ACTIVE,
                EpisodeStatus.DISCHARGED,
                EpisodeStatus.DISCHARGED,
                EpisodeStatus.TRANSFERRED_OUT,
            ]
        )
        admitted = (
            None
            if status in (EpisodeStatus.REFERRED, EpisodeStatus.DECLINED) and rng.random() < 0.8
            else _day(rng, referred, TODAY)
        )
        left = (
            _day(rng, admitted, TODAY + timedelta(days=1))
            if admitted and status in (EpisodeStatus.DISCHARGED, EpisodeStatus.TRANSFERRED_OUT)
            else None
        )
        episode = add_episode(
            world,
            referred_on=referred,
            admitted_on=admitted,
            discharged_on=left,
            status=status,
            sex_at_birth=rng.choice(["female", "male", "intersex", "unknown"]),
            date_of_birth=_day(rng, date(1950, 1, 1), date(2010, 1, 1)),
        )
        participant = episode.participant
        episode.site = rng.choice([world.site, other_site, None])
        episode.level_of_care = rng.choice(list(LevelOfCare.values))
        episode.save(update_fields=["site", "level_of_care"])
        if rng.random() < 0.6:
            ReportingDemographics.objects.create(
                participant=participant,
                race=rng.choice(["white", "black", "asian", "not_reported"]),
                ethnicity=rng.choice(["hispanic", "not_hispanic", "not_reported"]),
            )
        if rng.random() < 0.03:
            _in_error(participant, world)
        if admitted:
            monday = admitted - timedelta(days=admitted.weekday())
            while monday < (left or TODAY) + timedelta(days=7):
                if rng.random() < 0.8:
                    WeeklyMinutes.objects.create(
                        episode=episode,
                        participant=participant,
                        week=monday,
                        minutes=rng.choice([0, 300, 539, 540, 700]),
                    )
                monday += timedelta(days=7)
        around = left or TODAY
        for _ in range(rng.randrange(4)):
            checkin = CheckIn.objects.create(
                participant=participant,
                episode=episode,
                mood=5,
                craving=3,
                used=rng.random() < 0.3,
                safety=False,
                recorded_by=world.director,
                recorded_at=_at(_day(rng, around - timedelta(days=45), around + timedelta(days=3))),
            )
            if rng.random() < 0.15:
                _in_error(checkin, world)
        if rng.random() < 0.3:
            UseReport.objects.create(
                participant=participant,
                last_used_on=_day(rng, around - timedelta(days=60), around),
                recorded_by=world.director,
                recorded_at=_at(_day(rng, around - timedelta(days=40), around + timedelta(days=2))),
            )
        for _ in range(rng.randrange(3)):
            screen = DrugScreen.objects.create(
                participant=participant,
                panel=cup,
                specimen="urine",
                method="point-of-care",
                observed=True,
                collected_at=_at(
                    _day(rng, around - timedelta(days=40), around + timedelta(days=40)), 23
                ),
                validity=rng.choice(["valid", "valid", "adulterated", "substituted"]),
                recorded_by=world.director,
            )
            for analyte in analytes:
                positive = rng.random() < 0.2
                ScreenResult.objects.create(
                    screen=screen,
                    analyte=analyte,
                    result="positive" if positive else "negative",
                    flag=rng.choice(["unexpected-positive", "expected-positive", ""])
                    if positive
                    else "",
                    confirmation=rng.choice(["", "", "negative", "positive"]),
                )
            if rng.random() < 0.1:
                _in_error(screen, world)
        for code in ("phq-9", "gad-7", "pcl-5"):
            earlier = None
            for _ in range(rng.randrange(4)):
                row = Administration.objects.create(
                    participant=participant,
                    episode=episode,
                    instrument=code,
                    mode="staff-entered",
                    completed_at=_at(_day(rng, referred, TODAY)),
                    complete=rng.random() < 0.9,
                    total=rng.randrange(0, 28) if rng.random() < 0.95 else None,
                    recorded_by=world.director,
                    supersedes=earlier if rng.random() < 0.2 else None,
                    supersede_reason="Corrected." if earlier else "",
                )
                if rng.random() < 0.1:
                    _in_error(row, world)
                earlier = row
        if left and status == EpisodeStatus.DISCHARGED and rng.random() < 0.85:
            record = Discharge.objects.create(
                participant=participant,
                episode=episode,
                type=rng.choice(
                    [DischargeType.COMPLETED, DischargeType.COMPLETED, DischargeType.LEFT_EARLY]
                ),
                discharged_on=left,
                decided_by=world.director,
                reason="Synthetic test discharge.",
                recorded_by=world.director,
                recorded_at=timezone.now(),
            )
            if rng.random() < 0.1:
                _in_error(record, world)
            for day in (7, 30):
                follow = FollowUp.objects.create(
                    discharge=record,
                    participant=participant,
                    day=day,
                    due_on=left + timedelta(days=day),
                    status=rng.choice(list(FollowUpStatus.values)),
                )
                if rng.random() < 0.5:
                    FollowUpAnswers.objects.create(
                        follow_up=follow,
                        participant=participant,
                        used_since_discharge=rng.random() < 0.3,
                        days_used=0,
                        in_treatment=True,
                        medication="none",
                        employment="1",
                        housing="3",
                        recorded_by=world.director,
                        recorded_at=_at(follow.due_on),
                    )
        if rng.random() < 0.5:
            Alert.objects.create(
                participant=participant,
                episode=episode,
                kind="test",
                severity=rng.choice(list(Severity.values)),
                title="Test alert",
                recorded_by=world.therapist,
                recorded_at=_at(_day(rng, FIRST, TODAY)),
            )
        for _ in range(rng.randrange(3)):
            due = _at(_day(rng, FIRST, TODAY), rng.choice([1, 12, 23]))
            note = ProgressNote.objects.create(
                participant=participant,
                organization_id=participant.organization_id,
                episode=episode,
                kind="individual",
                service_date=due.date(),
                due_at=due,
                recorded_by=world.therapist,
            )
            signed = rng.random()
            if signed < 0.7:
                ProgressNote.objects.filter(pk=note.pk).update(
                    signed_at=due + timedelta(hours=rng.choice([-5, 30])),
                    signed_by=world.therapist,
                )
            if rng.random() < 0.1:
                _in_error(note, world)
            elif rng.random() < 0.15:  # a correction: a new version, due as the first was
                ProgressNote.objects.create(
                    participant=participant,
                    organization_id=participant.organization_id,
                    episode=episode,
                    kind="individual",
                    service_date=due.date(),
                    due_at=due,
                    recorded_by=world.therapist,
                    supersedes=note,
                    supersede_reason="Corrected.",
                )


FILTERS: list[dict[str, object]] = [
    {},
    {"breakdown": "age_group"},
    {"breakdown": "race"},
    {"breakdown": "ethnicity"},
    {"breakdown": "site"},
    {"breakdown": "level_of_care"},
    {"sex": "female"},
    {"age_group": "26_34"},
    {"race": "not_recorded"},
    {"race": "white"},
    {"ethnicity": "not_recorded", "breakdown": "race"},
    {"level_of_care": "2.1"},
    {"start": date(2026, 3, 1), "end": date(2026, 8, 31)},
    {"start": date(2026, 6, 3), "end": date(2026, 6, 3)},
]


def _same(world, sites, **extra: Any) -> selectors.Board:
    filters = dataclasses.replace(
        selectors.Filters((world.org.pk,), start=FIRST, end=TODAY, today=TODAY), **extra
    )
    with timezone.override(CHICAGO):  # the program's zone, in which the facts were kept
        stored = selectors.board(filters, sites)
        live = selectors.live_board(filters, sites)
    assert stored.as_of is not None
    stored.as_of = None
    assert stored == live, extra
    return stored


@pytest.mark.parametrize("seed", [1, 2])
def test_every_figure_from_the_facts_is_the_live_figure(midweek, world, seed):
    panels.seed()
    varied_program(world, seed, people=150)
    facts.rebuild()
    sites = list(Site.objects.filter(program=world.program).order_by("name", "pk"))
    for extra in FILTERS:
        _same(world, sites, **extra)
    board = _same(world, sites)
    # The comparison speaks of shown figures, not only of hidden ones.
    assert board.completion.total.left_care and board.completion.total.completed
    assert board.retention.shown and board.dose.shown and board.dose.under
    assert board.waiting.shown and board.abstinence.people


@pytest.mark.parametrize("breakdown", ["sex", "level_of_care", "site"])
def test_completion_by_month_and_by_group_counts_each_episode_that_left_care(
    midweek, world, breakdown
):
    """Each shown cell of both completion tables, stored and live, is the count of the
    episodes that left care in the range in that month or group, and of those completed."""
    from collections import Counter

    panels.seed()
    varied_program(world, 4, people=150)
    facts.rebuild()
    sites = list(Site.objects.filter(program=world.program).order_by("name", "pk"))
    left: Counter[tuple[str, str]] = Counter()
    done: Counter[tuple[str, str]] = Counter()
    for episode in Episode.objects.filter(
        program=world.program,
        participant__entered_in_error_at__isnull=True,
        status__in=selectors.LEFT_CARE,
        admitted_on__isnull=False,
        discharged_on__range=(FIRST, TODAY),
    ).select_related("participant"):
        group = {
            "sex": episode.participant.sex_at_birth,
            "level_of_care": episode.level_of_care,
            "site": str(episode.site_id),
        }[breakdown]
        completed = Discharge.objects.filter(
            episode=episode, type=DischargeType.COMPLETED, entered_in_error_at__isnull=True
        ).exists()
        for key in (("month", f"{episode.discharged_on:%Y-%m}"), ("group", group)):
            left[key] += 1
            done[key] += completed
    filters = selectors.Filters(
        (world.org.pk,), start=FIRST, end=TODAY, today=TODAY, breakdown=breakdown
    )
    for source in (selectors.STORED, selectors.LIVE):
        with timezone.override(CHICAGO):
            result = selectors.completion(filters, sites, source)
        shown = 0
        for table, rows in (("month", result.months), ("group", result.groups)):
            assert {row.key for row in rows} == {key for kind, key in left if kind == table}
            for row in rows:
                if row.left_care is not None:
                    assert row.left_care == left[table, row.key]
                    shown += 1
                if row.completed is not None:
                    assert row.completed == done[table, row.key]
        assert shown >= 3
        assert result.total.left_care == sum(n for (kind, _), n in left.items() if kind == "month")


@pytest.mark.parametrize("zone", [CHICAGO, ZoneInfo("Europe/Berlin")])
def test_notes_on_time_from_the_note_days_is_the_live_figure_for_any_range(midweek, world, zone):
    """Whole organizations count notes on time from their note days in the program's zone
    (any range, single days and daylight-saving changes included), and from the note facts
    in a zone none of their programs is in: both are the live figure."""
    from outcomes import care_figures

    panels.seed()
    varied_program(world, 3, people=150)
    facts.rebuild()
    orgs = (world.org.pk,)
    ranges = [
        (FIRST, TODAY),
        (date(2026, 3, 8), date(2026, 3, 8)),
        (date(2026, 3, 29), date(2026, 3, 29)),
        (date(2026, 11, 1), date(2026, 11, 1)),
        (date(2026, 2, 10), date(2026, 7, 31)),
        (date(2025, 10, 15), date(2026, 1, 14)),
    ]
    with timezone.override(zone):
        for start, end in ranges:
            filters = selectors.Filters(orgs, start=start, end=end, today=TODAY)
            stored = care_figures.stored_notes_on_time(None, orgs, start, end)
            live = care_figures.notes_on_time(
                selectors.episodes(filters).values("participant_id"), start, end
            )
            assert stored == live, (start, end)
            by_day = care_figures._notes_by_day(orgs, start, end)
            assert (by_day is not None) == (zone == CHICAGO)
        assert care_figures.stored_notes_on_time(None, orgs, FIRST, TODAY).shown


DOSE_RANGES = [
    (FIRST, TODAY),
    (date(2025, 12, 1), TODAY),
    (date(2026, 3, 4), date(2026, 3, 6)),  # inside one week: no whole week
    (date(2026, 3, 2), date(2026, 3, 8)),  # one whole week
    (date(2026, 2, 10), date(2026, 7, 31)),
    (date(2025, 1, 1), date(2025, 8, 31)),  # before anyone was admitted
    (date(2026, 11, 1), date(2027, 3, 1)),  # past today
    (TODAY, TODAY),
]


def _dose_weeks() -> set[tuple]:
    return set(
        DoseWeeks.objects.exclude(began=0, ended=0, began_in_care=0, met=0, week__gt=0)
        .values_list("organization_id", "week", "began", "ended", "began_in_care", "met")
        .order_by()
    )


@pytest.mark.parametrize("seed", [5, 6])
def test_the_weekly_dose_from_the_dose_weeks_is_the_figure_from_the_records(midweek, world, seed):
    """An unfiltered board counts the weekly dose from its organization's dose weeks, and for
    any range that is the figure worked out from the episode facts and from the records."""
    varied_program(world, seed, people=150)
    facts.rebuild()
    orgs = (world.org.pk,)
    by_week = {}
    for start, end in DOSE_RANGES:
        filters = selectors.Filters(orgs, start=start, end=end, today=TODAY)
        by_week[start, end] = selectors.dose(filters, selectors.STORED)
        live = selectors.dose(filters, selectors.LIVE)
        assert by_week[start, end] == live, (start, end)
        first = figures.first_full_week(start)
        stop = figures.last_countable_week(end, TODAY)
        assert (
            selectors._dose_by_week(
                orgs,
                facts.week_number(first),
                facts.week_number(stop),
                facts.week_number(figures.week_start_of(end + timedelta(days=1))),
            )
            == by_week[start, end]
        ), (start, end)
    assert by_week[FIRST, TODAY].shown and by_week[FIRST, TODAY].under
    # Without its mark of completeness the board counts from the episode facts: the same.
    DoseWeeks.objects.filter(week=0).delete()
    for (start, end), counted in by_week.items():
        filters = selectors.Filters(orgs, start=start, end=end, today=TODAY)
        assert selectors._dose_by_week(orgs, 0, 0, 0) is None
        assert selectors.dose(filters, selectors.STORED) == counted, (start, end)


def test_refreshes_change_the_dose_weeks_as_a_rebuild_writes_them(midweek, world):
    """Each refresh changes the dose weeks by the difference its episodes' facts make, so
    after discharges, readmissions, attendance and a record entered in error they are what
    a rebuild writes from the facts."""
    varied_program(world, 7, people=80)
    facts.rebuild()
    rng = random.Random(7)
    episodes = list(
        Episode.objects.filter(program=world.program, admitted_on__isnull=False).order_by("pk")
    )
    changed = rng.sample(episodes, 30)
    for episode in changed[:10]:
        assert episode.admitted_on is not None
        Episode.objects.filter(pk=episode.pk).update(
            status=EpisodeStatus.DISCHARGED,
            discharged_on=_day(rng, episode.admitted_on, TODAY + timedelta(days=1)),
        )
    for episode in changed[10:20]:
        Episode.objects.filter(pk=episode.pk).update(
            status=EpisodeStatus.ACTIVE, discharged_on=None
        )
    for episode in changed[20:27]:
        WeeklyMinutes.objects.filter(episode=episode).update(minutes=600)
    for episode in changed[27:]:
        _in_error(episode.participant, world)
    facts.refresh([episode.pk for episode in changed])
    refreshed = _dose_weeks()
    assert refreshed
    facts.rebuild()
    assert refreshed == _dose_weeks()


def test_a_participant_entered_in_error_leaves_the_facts(midweek, world, add):
    episode = add(referred_on=date(2026, 2, 1), admitted_on=date(2026, 2, 2))[0]
    facts.rebuild()
    assert EpisodeFacts.objects.filter(episode=episode).exists()
    _in_error(episode.participant, world)
    facts.refresh([episode.pk])
    assert not EpisodeFacts.objects.filter(episode=episode).exists()


def test_met_weeks_keep_the_weeks_in_care_only():
    # Admitted Wednesday 7 January 2026: the first whole week is Monday 12 January.
    first, bits = facts.met_weeks(
        date(2026, 1, 7),
        date(2026, 2, 4),  # discharged in the week of 2 February: that week is not whole
        [date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 26), date(2026, 2, 2)],
    )
    assert first == facts.week_number(date(2026, 1, 12))
    assert bits == "101"  # 12 Jan met, 19 Jan not, 26 Jan met; 5 Jan and 2 Feb not whole


def test_writes_through_the_services_queue_one_refresh_that_brings_the_facts_current(
    midweek, world, django_capture_on_commit_callbacks, run_tasks
):
    """The world's participant's last use is recorded and they are discharged, through the
    services: each write queues a refresh when it commits, and once the queue has run the
    stored facts are the ones a rebuild writes."""
    from discharge.tests.builders import discharge_world
    from screens.services import record_last_use

    facts.rebuild()
    episode = world.participant.episodes.get()
    before = EpisodeFacts.objects.get(episode=episode)
    assert before.status == EpisodeStatus.ACTIVE and before.reported is False
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record_last_use(world.participant, by=world.therapist, last_used_on=date(2026, 11, 10))
    assert len(callbacks) >= 1
    with django_capture_on_commit_callbacks(execute=True):
        discharge_world(world, by=world.director, on=TODAY, now=timezone.now())
    assert run_tasks(counting_facts_refreshes=True) >= 1
    after = EpisodeFacts.objects.get(episode=episode)
    assert after.status == EpisodeStatus.DISCHARGED and after.discharged_on == TODAY
    assert after.reported and after.used
    refreshed = {f.name: getattr(after, f.name) for f in EpisodeFacts._meta.concrete_fields}
    facts.rebuild()
    rebuilt = EpisodeFacts.objects.get(episode=episode)
    assert refreshed == {
        **{f.name: getattr(rebuilt, f.name) for f in EpisodeFacts._meta.concrete_fields},
        "refreshed_at": refreshed["refreshed_at"],
    }


def test_a_rolled_back_write_queues_nothing(midweek, world, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        try:
            with transaction.atomic():
                facts.mark([world.participant.pk])
                raise RuntimeError
        except RuntimeError:
            pass
    assert callbacks == []


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(seed=st.integers(min_value=0, max_value=10_000), people=st.integers(20, 40))
def test_property_facts_equal_live_for_any_program(midweek, world, seed, people):
    from django.db import transaction

    panels.seed()
    try:
        with transaction.atomic():  # each example starts from the same world
            varied_program(world, seed, people)
            facts.rebuild()
            sites = list(Site.objects.filter(program=world.program).order_by("name", "pk"))
            for extra in ({}, {"breakdown": "site"}, {"sex": "male"}):
                _same(world, sites, **extra)
            raise _Undo
    except _Undo:
        pass


class _Undo(Exception):
    pass


def test_participants_outside_the_range_and_other_organizations_do_not_count(world):
    """The facts of another organization's episodes never reach this one's board."""
    facts.rebuild()
    others = EpisodeFacts.objects.exclude(organization_id=world.org.pk)
    ours = EpisodeFacts.objects.filter(organization_id=world.org.pk)
    assert ours.exists()
    filters = selectors.Filters((world.org.pk,), start=FIRST, end=TODAY, today=TODAY)
    kept = set(selectors.facts(filters).values_list("participant_id", flat=True))
    assert kept.isdisjoint(set(others.values_list("participant_id", flat=True)))
    assert Participant.objects.filter(pk__in=kept, organization=world.org).count() == len(kept)


def _alert_facts() -> dict[int, tuple]:
    return {
        row[0]: row[1:]
        for row in AlertFacts.objects.values_list(
            "alert_id", "severity", "recorded_at", "acknowledged_at", "previous_at"
        )
    }


def test_alerts_raised_and_closed_through_the_services_bring_the_facts_current(
    midweek, world, django_capture_on_commit_callbacks, run_tasks
):
    """An alert raised and then acknowledged (a queryset update no `post_save` sees) queues
    a refresh each time, after which the alert facts are the ones a rebuild writes and the
    board's alert response is the live one."""
    from monitoring.services import acknowledge, raise_alert

    facts.rebuild()
    assert AlertFacts.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        first = raise_alert(
            world.participant, kind="test", severity=Severity.CRITICAL, title="First"
        )
        second = raise_alert(
            world.participant, kind="test", severity=Severity.CRITICAL, title="Second"
        )
    run_tasks()
    raised = _alert_facts()
    assert set(raised) == {first.pk, second.pk}
    assert raised[second.pk][3] == first.recorded_at and raised[first.pk][3] is None
    assert raised[first.pk][2] is None
    with django_capture_on_commit_callbacks(execute=True):
        acknowledge(first, by=world.therapist, note="Called them; safe with family.")
    run_tasks()
    closed = _alert_facts()
    assert closed[first.pk][2] is not None
    facts.rebuild()
    assert _alert_facts() == closed
    filters = selectors.Filters((world.org.pk,), start=FIRST, end=TODAY, today=TODAY)
    with timezone.override(CHICAGO):
        assert selectors.alert_response(filters, selectors.STORED) == selectors.alert_response(
            filters, selectors.LIVE
        )


def test_a_person_is_counted_once_per_severity_however_many_alerts_fall_in_the_range(
    midweek, world
):
    """Twelve people with alerts before and inside the range, a few of them several times:
    the stored people count is the live distinct count, so the severity is shown, and it
    stays hidden with one person fewer."""
    people = [world.participant] + [
        add_episode(world, referred_on=date(2026, 1, 5), admitted_on=date(2026, 1, 6)).participant
        for _ in range(11)
    ]
    for index, person in enumerate(people):
        for day in [date(2026, 2, 1), date(2026, 6, 2)][: 1 + index % 2] + (
            [date(2026, 6, 3)] if index % 3 == 0 else []
        ):
            Alert.objects.create(
                participant=person,
                kind="test",
                severity=Severity.HIGH,
                title="High",
                recorded_at=_at(day),
            )
    facts.rebuild()
    filters = selectors.Filters((world.org.pk,), start=date(2026, 3, 1), end=TODAY, today=TODAY)
    with timezone.override(CHICAGO):
        stored = selectors.alert_response(filters, selectors.STORED)
        live = selectors.alert_response(filters, selectors.LIVE)
    assert stored == live
    high = next(row for row in stored if row.severity == Severity.HIGH)
    assert high.people == 6 + 2 and not high.shown
    wider = dataclasses.replace(filters, start=FIRST)
    with timezone.override(CHICAGO):
        stored = selectors.alert_response(wider, selectors.STORED)
        assert stored == selectors.alert_response(wider, selectors.LIVE)
    assert next(row for row in stored if row.severity == Severity.HIGH).people == 12


def test_alerts_raised_in_bulk_for_missed_check_ins_reach_the_facts(
    world, django_capture_on_commit_callbacks, run_tasks
):
    """The engagement alerts a missed check-in raises are written in bulk, with no
    `post_save`; they still queue the refresh that stores them."""
    from checkins.services import missed_checkins, record_checkin

    sent_at = datetime(2026, 11, 16, 9, 0, tzinfo=CHICAGO)
    record_checkin(
        world.participant,
        by=world.participant_user,
        now=sent_at,
        mood=6,
        craving=2,
        used=False,
        safety=False,
        hours_slept=7,
    )
    run_tasks()
    facts.rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        raised = missed_checkins(now=sent_at + timedelta(days=4))
    assert raised
    run_tasks()
    assert set(_alert_facts()) >= {alert.pk for alert in raised}


def _follow_up_facts() -> dict[int, tuple]:
    return {
        row[0]: row[1:]
        for row in FollowUpFacts.objects.values_list(
            "follow_up_id", "episode_id", "day", "due_on", "reached", "answered", "left_on"
        )
    }


def test_an_opt_out_stops_the_follow_ups_in_the_facts_too(
    midweek, world, django_capture_on_commit_callbacks, run_tasks
):
    """Discharging schedules follow-ups, which reach the facts; opting out stops the pending
    ones with a queryset update, and the refresh the consent's change queues drops them."""
    from discharge import followups
    from discharge.tests.builders import discharge_world

    with django_capture_on_commit_callbacks(execute=True):
        record = discharge_world(world, by=world.director)
    run_tasks()
    scheduled = _follow_up_facts()
    assert scheduled and set(scheduled) == set(
        FollowUp.objects.filter(discharge=record).values_list("pk", flat=True)
    )
    with django_capture_on_commit_callbacks(execute=True):
        followups.opt_out(record.consent, by=world.therapist, expected_version=1)
    run_tasks()
    assert _follow_up_facts() == {}
    facts.rebuild()
    assert _follow_up_facts() == {}


def test_every_step_of_a_follow_up_through_the_services_reaches_the_facts(
    world, django_capture_on_commit_callbacks, run_tasks
):
    """Discharged with follow-ups by phone: listed for a call, called and reached, answered
    on a call, then an opt-out. After each step's refresh the follow-up facts are the ones a
    rebuild writes, and the step changed them."""
    import time_machine

    from discharge import followups
    from discharge.questionnaire import OutcomesForm
    from discharge.tests.builders import CALL_ANSWERS, DISCHARGE_DAY, at, discharge_world

    def step(write) -> dict[int, tuple]:
        with django_capture_on_commit_callbacks(execute=True):
            write()
        run_tasks()
        kept = _follow_up_facts()
        facts.rebuild()
        assert _follow_up_facts() == kept
        return kept

    def due(day: int) -> FollowUp:
        return FollowUp.objects.get(discharge__participant=world.participant, day=day)

    form = OutcomesForm(CALL_ANSWERS)
    assert form.is_valid()
    answers = {**form.answers(), "who5": {str(i): 3 for i in range(1, 6)}}
    record = None

    def discharge() -> None:
        nonlocal record
        record = discharge_world(world, channel="phone")

    seen = [step(discharge)]
    assert len(seen[-1]) == 5 and not any(row[3] for row in seen[-1].values())
    assert {row[5] for row in seen[-1].values()} == {DISCHARGE_DAY}
    with time_machine.travel(at(DISCHARGE_DAY + timedelta(days=31), 11, world.program)):
        seen.append(step(lambda: run_tasks()))
        seen.append(
            step(
                lambda: followups.record_call(
                    due(7),
                    by=world.casemanager,
                    reached=True,
                    note="Doing well.",
                    expected_version=due(7).version,
                )
            )
        )
        assert seen[-1][due(7).pk][3] is True
        seen.append(
            step(
                lambda: followups.record_answers_on_call(
                    due(30), by=world.casemanager, answers=answers, now=timezone.now()
                )
            )
        )
    assert seen[-1][due(30).pk][3:5] == (True, True)
    assert record is not None
    seen.append(
        step(lambda: followups.opt_out(record.consent, by=world.therapist, expected_version=1))
    )
    assert set(seen[-1]) == {due(7).pk, due(30).pk}


def test_screens_reported_use_and_check_ins_through_the_services_each_queue_a_refresh(
    world, django_capture_on_commit_callbacks, run_tasks
):
    """A screen recorded (its results written in bulk, which no `post_save` sees), a
    result's confirmation, a last use entered and a check-in each queue one refresh of the
    participant's facts when they commit."""
    from django_tasks_db.models import DBTaskResult

    from checkins.services import record_checkin
    from screens.services import record_confirmation, record_last_use, record_screen

    panels.seed()
    cup = Panel.objects.prefetch_related("analytes").get(code="urine-cup-hhs")
    codes = [a.code for a in cup.analytes.all()]
    collected = _at(date(2026, 11, 16))
    run_tasks()

    def refreshes(write) -> list[Any]:
        with django_capture_on_commit_callbacks(execute=True):
            write()
        queued = [
            row.args_kwargs["args"][0]
            for row in DBTaskResult.objects.filter(task_path="outcomes.tasks.refresh_facts")
            .ready()
            .order_by("enqueued_at")
        ]
        run_tasks()
        return queued

    screen = None

    def screen_it() -> None:
        nonlocal screen
        screen = record_screen(
            world.participant,
            by=world.therapist,
            panel=cup,
            results={code: "positive" if code == codes[0] else "negative" for code in codes},
            collected_at=collected,
            observed=True,
            validity="valid",
            now=collected,
        )

    assert refreshes(screen_it) == [[world.participant.pk]]
    assert screen is not None
    positive = ScreenResult.objects.get(screen=screen, analyte__code=codes[0])
    assert refreshes(
        lambda: record_confirmation(positive, by=world.therapist, confirmation="sent")
    ) == [[world.participant.pk]]
    assert refreshes(
        lambda: record_last_use(
            world.participant, by=world.therapist, last_used_on=date(2026, 11, 10), now=collected
        )
    ) == [[world.participant.pk]]
    assert refreshes(
        lambda: record_checkin(
            world.participant,
            by=world.participant_user,
            now=collected,
            mood=6,
            craving=2,
            used=False,
            safety=False,
            hours_slept=7,
        )
    ) == [[world.participant.pk]]


def _stored() -> tuple[dict, dict, dict]:
    """Every stored episode and note fact, without when it was written, and the counts of
    every note day that counts any."""
    episodes = {
        row["episode_id"]: {k: v for k, v in row.items() if k != "refreshed_at"}
        for row in EpisodeFacts.objects.values()
    }
    notes = {row["note_id"]: row for row in NoteFacts.objects.values()}
    days = {
        (org, zone, day, previous): counts
        for org, zone, day, previous, *counts in NoteDays.objects.values_list(
            "organization_id", "zone", "day", "previous_day", "due", "on_time", "late", "unsigned"
        )
        if day == 0 or any(counts)
    }
    return episodes, notes, days


@pytest.fixture
def through_services(django_capture_on_commit_callbacks, run_tasks):
    """Run one write through its service, commit it, and run the refresh it queued: returns
    whose facts the queued refreshes asked for and the write's result, after checking that the
    stored facts are then the ones a rebuild writes."""
    from django_tasks_db.models import DBTaskResult

    def step(write) -> tuple[set[int], Any]:
        run_tasks()
        with django_capture_on_commit_callbacks(execute=True):
            result = write()
        asked = {
            pk
            for row in DBTaskResult.objects.filter(task_path="outcomes.tasks.refresh_facts").ready()
            for pk in row.args_kwargs["args"][0]
        }
        run_tasks()
        kept = _stored()
        facts.rebuild()
        assert _stored() == kept
        return asked, result

    return step


def test_referrals_demographics_and_withdrawals_through_the_services_reach_the_facts(
    midweek, world, through_services
):
    """A referral opened, its participant's sex and date of birth changed, their race and
    ethnicity recorded, their episode moved on, and the record withdrawn, each through its
    service: each queues a refresh of that participant, after which the stored facts are the
    ones a rebuild writes, and the write shows in them."""
    from outcomes import demographics
    from participants import services

    facts.rebuild()
    asked, episode = through_services(
        lambda: services.create_referral(
            program=world.program,
            by=world.intake,
            demographics={
                "legal_first_name": "Avery",
                "legal_last_name": "Quinlan",
                "date_of_birth": date(1988, 3, 4),
                "sex_at_birth": "female",
            },
            referred_on=TODAY,
            site=world.site,
        )
    )
    person = episode.participant
    assert asked == {person.pk}
    stored = EpisodeFacts.objects.get(episode=episode)
    assert (stored.status, stored.referred_on, stored.sex_at_birth) == (
        EpisodeStatus.REFERRED,
        TODAY,
        "female",
    )

    asked, _ = through_services(
        lambda: services.update_demographics(
            person,
            by=world.director,
            changes={"sex_at_birth": "male", "date_of_birth": date(1970, 1, 2)},
            expected_version=Participant.objects.get(pk=person.pk).version,
        )
    )
    assert asked == {person.pk}
    stored = EpisodeFacts.objects.get(episode=episode)
    assert (stored.sex_at_birth, stored.date_of_birth) == ("male", date(1970, 1, 2))

    asked, _ = through_services(
        lambda: demographics.record(
            person, by=world.director, race="asian", ethnicity="hispanic", expected_version=0
        )
    )
    assert asked == {person.pk}
    assert EpisodeFacts.objects.get(episode=episode).race == "asian"

    asked, _ = through_services(
        lambda: services.transition_episode(
            episode,
            to_status=EpisodeStatus.SCREENING,
            by=world.director,
            on=TODAY,
            expected_version=episode.version,
        )
    )
    assert EpisodeFacts.objects.get(episode=episode).status == EpisodeStatus.SCREENING

    asked, _ = through_services(
        lambda: services.mark_entered_in_error(
            Participant.objects.get(pk=person.pk), by=world.director, reason="Opened twice."
        )
    )
    assert asked == {person.pk}
    assert not EpisodeFacts.objects.filter(episode=episode).exists()


def test_a_person_referred_again_through_the_service_reaches_the_facts(
    midweek, world, through_services
):
    """A discharged participant referred again on their record: the referral queues a refresh
    of that participant, after which the new episode is in the facts beside the discharged one."""
    from discharge.tests.builders import discharge_world
    from participants import services

    facts.rebuild()
    through_services(
        lambda: discharge_world(world, by=world.director, on=TODAY, now=timezone.now())
    )
    asked, episode = through_services(
        lambda: services.refer_again(
            world.participant, program=world.program, by=world.intake, referred_on=TODAY
        )
    )
    assert asked == {world.participant.pk}
    assert dict(
        EpisodeFacts.objects.filter(episode__participant=world.participant).values_list(
            "episode_id", "status"
        )
    ) == {world.episode.pk: EpisodeStatus.DISCHARGED, episode.pk: EpisodeStatus.REFERRED}


def test_progress_notes_through_the_services_reach_the_facts(midweek, world, through_services):
    """A note drafted, its day changed, signed, a late entry added, and a group note saved
    and signed for its members, each through the notes services: each queues a refresh of
    the participants whose notes changed, after which the note facts are the ones a rebuild
    writes, and the write shows in them."""
    from attendance.tests.builders import active_participant, enrol, make_session
    from notes import services
    from notes.tests.conftest import dap

    facts.rebuild()
    asked, note = through_services(
        lambda: services.draft_note(world.participant, dap(), by=world.therapist)
    )
    assert asked == {world.participant.pk}
    drafted = NoteFacts.objects.get(note=note)
    assert drafted.state == NoteFacts.UNSIGNED and drafted.due_at == note.due_at

    asked, note = through_services(
        lambda: services.change_note(
            note,
            dap(service_date=date(2026, 11, 16)),
            by=world.therapist,
            expected_version=note.version,
        )
    )
    assert asked == {world.participant.pk}
    assert NoteFacts.objects.get(note=note).due_at == note.due_at != drafted.due_at

    asked, note = through_services(
        lambda: services.sign_note(note, by=world.therapist, expected_version=note.version)
    )
    assert asked == {world.participant.pk}
    assert NoteFacts.objects.get(note=note).state != NoteFacts.UNSIGNED

    asked, _ = through_services(
        lambda: services.add_late_entry(
            note, by=world.therapist, text="Called back later.", reason="Remembered later."
        )
    )
    assert asked == {world.participant.pk}

    session = make_session(
        world.program, TODAY - timedelta(days=1), minutes=90, staff=[world.counsellor]
    )
    episodes = [active_participant(world, f"G-{i}", "Member", f"N{i}") for i in range(2)]
    for episode in episodes:
        enrol(session, episode)
    members = [
        services.MemberSection(
            e.participant, text="Took part.", no_objective_reason="Plan not signed yet"
        )
        for e in episodes
    ]
    people = {e.participant_id for e in episodes}
    asked, group = through_services(
        lambda: services.save_group_note(
            session, by=world.counsellor, narrative="Urge surfing.", members=members
        )
    )
    assert asked == people
    assert {row.state for row in NoteFacts.objects.filter(participant_id__in=people)} == {
        NoteFacts.UNSIGNED
    }
    asked, _ = through_services(
        lambda: services.sign_group_note(group, by=world.counsellor, expected_version=1)
    )
    assert asked == people
    assert NoteFacts.UNSIGNED not in {
        row.state for row in NoteFacts.objects.filter(participant_id__in=people)
    }


def test_a_rolled_back_service_write_queues_nothing(
    midweek, world, django_capture_on_commit_callbacks
):
    """A referral and a note written through their services in a transaction that then
    rolls back ask for no refresh, then or with the next write that commits."""
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from notes.services import draft_note
    from notes.tests.conftest import dap
    from participants.services import create_referral

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        try:
            with transaction.atomic():
                create_referral(
                    program=world.program,
                    by=world.intake,
                    demographics={
                        "legal_first_name": "Avery",
                        "legal_last_name": "Quinlan",
                        "date_of_birth": date(1988, 3, 4),
                    },
                    referred_on=TODAY,
                )
                draft_note(world.participant, dap(), by=world.therapist)
                raise _Undo
        except _Undo:
            pass
    assert callbacks == []
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint rolled back inside a commit
                draft_note(world.participant, dap(), by=world.therapist)
                raise _Undo
        except _Undo:
            pass
        facts.mark([world.referral.pk])
    queued = DBTaskResult.objects.filter(task_path="outcomes.tasks.refresh_facts")
    assert [row.args_kwargs["args"] for row in queued] == [[[world.referral.pk], []]]


@pytest.mark.parametrize(
    "model",
    [
        "participants.Participant",
        "participants.Episode",
        "notes.ProgressNote",
        "accounts.Program",
        "outcomes.ReportingDemographics",
    ],
)
def test_the_facts_follow_the_services_and_no_save_signal(model):
    """The facts follow the services' extension points: a row saved past them (a fixture, a
    bulk load) is brought in by a rebuild, so no signal receiver of outcomes listens to it."""
    from django.apps import apps
    from django.db.models import signals

    sender = apps.get_model(model)
    for signal in (signals.pre_save, signals.post_save, signals.post_delete):
        sync, asynchronous = signal._live_receivers(sender)
        assert not [
            r for r in [*sync, *asynchronous] if r.__module__.split(".")[0] == "outcomes"
        ], (model, signal)


def test_a_refresh_queued_by_an_earlier_version_with_programs_still_runs(world, run_tasks):
    """Before saving a program stopped marking its episodes, the task also took program ids:
    such a task, still queued at an upgrade, refreshes every episode of those programs."""
    from outcomes.tasks import refresh_facts

    facts.rebuild()
    EpisodeFacts.objects.all().delete()
    refresh_facts.enqueue([], [], [world.program.pk])
    assert run_tasks(counting_facts_refreshes=True) == 1
    in_program = Episode.objects.filter(program=world.program).count()
    assert in_program > 0
    assert EpisodeFacts.objects.filter(episode__program=world.program).count() == in_program


def _queued_refreshes() -> list[Any]:
    from django_tasks_db.models import DBTaskResult

    return [
        row.args_kwargs["args"]
        for row in DBTaskResult.objects.filter(task_path="outcomes.tasks.refresh_facts").order_by(
            "enqueued_at"
        )
    ]


def test_writes_inside_rebuilt_after_queue_no_refresh_and_the_block_ends_with_a_rebuild(
    midweek, world, django_capture_on_commit_callbacks
):
    """A last use entered through its service inside the block, and a mark for another
    organization's participant, queue nothing; the facts of both organizations are rebuilt
    when it ends. The same write after the block queues its refresh as always."""
    from screens.services import record_last_use

    EpisodeFacts.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True), facts.rebuilt_after([world.org.pk]):
        record_last_use(world.participant, by=world.therapist, last_used_on=date(2026, 11, 10))
        facts.mark([world.other_org_participant.pk])
    assert _queued_refreshes() == []
    stored = stored_facts()
    assert EpisodeFacts.objects.filter(participant_id=world.other_org_participant.pk).exists()
    facts.rebuild()
    assert stored == stored_facts()

    with django_capture_on_commit_callbacks(execute=True):
        record_last_use(world.participant, by=world.therapist, last_used_on=date(2026, 11, 12))
    assert _queued_refreshes() == [[[world.participant.pk], []]]


def test_a_rebuilt_after_block_that_raises_queues_what_its_writes_marked_and_holds_no_more(
    midweek, world, django_capture_on_commit_callbacks
):
    """The block's writes that committed before it raised get their refresh queued, as
    without the block, and nothing is rebuilt; marks after it queue again."""
    from screens.services import record_last_use

    def write_then_fail() -> None:
        with facts.rebuilt_after([world.org.pk]):
            record_last_use(world.participant, by=world.therapist, last_used_on=date(2026, 11, 10))
            raise _Undo

    EpisodeFacts.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(_Undo):
        write_then_fail()
    assert _queued_refreshes() == [[[world.participant.pk], []]]
    assert not EpisodeFacts.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        facts.mark([world.referral.pk])
    assert _queued_refreshes()[1:] == [[[world.referral.pk], []]]
