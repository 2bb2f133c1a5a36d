"""Placing a participant admitted mid-week into what is left of the published week.

Everyone else keeps exactly what was published: the solver sees only the new participant,
the remaining group sessions with their free seats, and the clinician's still-free hours.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from audit.models import Action
from audit.services import record_event
from participants.access import Scope, require
from participants.models import IN_CARE_STATUSES, Episode
from scheduling import eligibility
from scheduling.models import Enrolment, ScheduleRun, Session
from scheduling.problem_builder import build_admission_problem, staff_pk
from scheduling.publishing import give_up_abandoned, individual_session
from scheduling.services import enrolments_changed, sessions_with_attendance
from scheduling.solver import ProgressCallback, check, parse_problem, solve, to_json
from scheduling.weeks import week_bounds, week_start
from tandem.errors import InvalidInput
from tandem.tasks import enqueue_after_commit

ADMISSION_TIME_LIMIT = 10


@dataclass
class MidweekAdmission:
    """What a mid-week admission run did: the solver's input and output, and the new enrolments."""

    problem: dict
    result: dict
    enrolments: list[Enrolment]
    notes: list[str]
    """Pins that could not be kept this week, in words."""

    @property
    def summary(self) -> dict:
        """The week as a whole: `minutes` and `required` include what it already held."""
        rows = self.result.get("participants", {})
        row: dict[str, Any] = next(iter(rows.values()), {})
        week = self.problem.get("week_so_far", {})
        already = week.get("minutes", 0)
        return {
            "sessions": len(self.enrolments),
            "already": already,
            "minutes": already + row.get("scheduled_minutes", 0),
            "required": week.get("required", row.get("required_minutes", 0)),
            "reasons": row.get("reasons", []),
            "notes": self.notes,
        }


def _check_in_care(episode: Episode) -> None:
    if episode.status not in IN_CARE_STATUSES:
        raise InvalidInput("Only an admitted or active participant can be placed in groups.")
    held = eligibility.held_back(episode.program, [episode])
    if held:
        raise InvalidInput(held[episode.pk])


def request_midweek_admission(episode: Episode, *, by) -> ScheduleRun:
    """Queue the mid-week admission run of a newly admitted participant (runs in the background)."""
    _check_in_care(episode)
    decision = require(by, episode.participant, Action.CHANGE, Scope.SCHEDULE)
    program = episode.program
    with transaction.atomic():
        give_up_abandoned(program)
        if ScheduleRun.objects.filter(
            episode=episode, status__in=(ScheduleRun.Status.QUEUED, ScheduleRun.Status.RUNNING)
        ).exists():
            raise InvalidInput("Their place in this week's groups is already being worked out.")
        run = ScheduleRun.objects.create(
            program=program,
            kind=ScheduleRun.Kind.ADMISSION,
            episode=episode,
            week_start=week_start(program.today()),
            time_limit=ADMISSION_TIME_LIMIT,
            workers=1,
            created_by=by,
            message="Waiting to start",
        )
        record_event(
            actor=by,
            event_type="schedule_run.mid_week_started",
            participant=episode.participant,
            record=run,
            decision=decision,
            details={"mid_week_admission": True, "week_start": run.week_start},
        )
        enqueue_after_commit("scheduling.tasks.run_admission", run.pk)
    return run


def schedule_new_admission(
    episode: Episode,
    *,
    by,
    now: datetime | None = None,
    progress: ProgressCallback | None = None,
) -> MidweekAdmission:
    """Place a newly admitted participant in this week's remaining sessions; nobody else moves.

    Their own future, unattended schedule enrolments of this week are replaced, so running it
    twice gives the same week.
    """
    _check_in_care(episode)
    decision = require(by, episode.participant, Action.CHANGE, Scope.SCHEDULE)
    now = now or timezone.now()
    problem, sessions, notes = build_admission_problem(episode, now)
    if not problem["sessions"]:
        raise InvalidInput(
            "Nothing is left to join this week: no published group session still has a free "
            "seat. Build and publish next week."
        )
    parsed = parse_problem(problem)
    result = solve(parsed, time_limit=ADMISSION_TIME_LIMIT, workers=1, progress=progress)
    if result.status == "infeasible":
        # Each pin fits on its own but not together (days or clashes): place without them.
        notes.append("Their pinned groups cannot all be kept together this week.")
        problem["participants"][0]["pinned"] = []
        parsed = parse_problem(problem)
        result = solve(parsed, time_limit=ADMISSION_TIME_LIMIT, workers=1, progress=progress)
    payload = to_json(result)
    payload["violations"] = check(parsed, result)
    row = payload["participants"].get(str(episode.participant.public_id))
    monday = week_start(episode.program.today(now))
    _, week_end = week_bounds(episode.program, monday)
    with transaction.atomic():
        mine = list(
            Session.objects.select_for_update().filter(
                program=episode.program,
                starts_at__gt=now,
                starts_at__lt=week_end,
                enrolments__participant=episode.participant,
                enrolments__source=Enrolment.Source.SCHEDULE,
            )
        )
        attended = sessions_with_attendance([s.pk for s in mine])
        Enrolment.objects.filter(
            participant=episode.participant,
            source=Enrolment.Source.SCHEDULE,
            session__in=[s for s in mine if s.pk not in attended],
        ).delete()
        Session.objects.filter(
            pk__in=[
                s.pk for s in mine if s.kind == Session.Kind.INDIVIDUAL and s.pk not in attended
            ],
            enrolments__isnull=True,
        ).delete()
        chosen = [sessions[sid] for sid in (row["sessions"] if row else [])]
        # Seats may have gone since the solve started: lock, recount, skip any now full.
        list(Session.objects.select_for_update().filter(pk__in=[s.pk for s in chosen]))
        taken = dict(
            Session.objects.filter(pk__in=[s.pk for s in chosen])
            .annotate(taken=Count("enrolments"))
            .values_list("pk", "taken")
        )
        targets: list[Session] = [s for s in chosen if taken.get(s.pk, 0) < s.capacity]
        if row and row["individual"]:
            day = monday + timedelta(days=row["individual"]["day"])
            individual = individual_session(
                episode.program, day, row["individual"], problem["participants"][0]["mode"]
            )
            individual.save()
            individual.staff.set([staff_pk(row["individual"]["staff"])])
            targets.append(individual)
        enrolments = Enrolment.objects.bulk_create(
            Enrolment(
                session=s,
                participant=episode.participant,
                episode=episode,
                source=Enrolment.Source.SCHEDULE,
                created_by=by,
            )
            for s in targets
        )
        record_event(
            actor=by,
            event_type="enrolment.mid_week_added",
            participant=episode.participant,
            record_type="scheduling.Enrolment",
            record_id=str(episode.public_id),
            decision=decision,
            details={
                "mid_week_admission": True,
                "sessions": [str(s.public_id) for s in targets],
                "minutes": row["scheduled_minutes"] if row else 0,
            },
        )
        enrolments_changed([episode.participant_id], monday, monday + timedelta(days=6))
    return MidweekAdmission(problem, payload, enrolments, notes)
