"""Schedule runs, hand edits, publishing and mid-week admissions.

A run is built and solved in the background (`scheduling.tasks`); the director reviews its
proposal, moves people by hand if needed (the checker warns about broken rules), and
publishes it for a date range: dated sessions and enrolments are created or replaced in one
transaction. Sessions that started already or have attendance recorded are never touched.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from accounts.models import Program
from audit.services import record_event
from participants.access import require_capability
from participants.models import IN_CARE_STATUSES, Episode
from scheduling import proposal as proposals
from scheduling.models import (
    AttendanceMode,
    Closure,
    Enrolment,
    Group,
    Publication,
    ScheduleRun,
    Session,
    SessionMode,
)
from scheduling.problem_builder import staff_pk
from scheduling.services import enrolments_changed, sessions_with_attendance
from scheduling.weeks import dates_between, session_span, week_start
from tandem.errors import ConcurrentEdit, InvalidInput
from tandem.tasks import enqueue_after_commit

MIN_TIME_LIMIT, MAX_TIME_LIMIT = 5, 600
MAX_PUBLISH_WEEKS = 12
ABANDONED_AFTER = timedelta(minutes=10)
ACTIVE = (ScheduleRun.Status.QUEUED, ScheduleRun.Status.RUNNING)
# A published proposal may still be edited and published again (only the future changes).
EDITABLE = (ScheduleRun.Status.DONE, ScheduleRun.Status.PUBLISHED)
INDIVIDUAL_TITLE = "Individual session"


def start_week_run(
    program: Program,
    *,
    by,
    week_of: date,
    time_limit: int = 30,
    based_on: ScheduleRun | None = None,
) -> ScheduleRun:
    """Queue a solver run for the week containing `week_of`; it runs in the background."""
    role = require_capability(
        by,
        "schedule.build",
        [program.organization_id],
        refusal="Your role cannot build the schedule.",
    ).role
    if not MIN_TIME_LIMIT <= time_limit <= MAX_TIME_LIMIT:
        raise InvalidInput(
            f"How long to search for the best week must be {MIN_TIME_LIMIT} to {MAX_TIME_LIMIT} "
            "seconds.",
            field="time_limit",
        )
    if based_on is not None and (based_on.program_id != program.pk or not based_on.result):
        raise InvalidInput("Only a finished proposal of this program can seed a new run.")
    with transaction.atomic():
        Program.objects.select_for_update().filter(pk=program.pk).first()
        give_up_abandoned(program)
        if ScheduleRun.objects.filter(program=program, status__in=ACTIVE).exists():
            raise InvalidInput(
                "A schedule is already being built for this program. Wait for it to finish."
            )
        run = ScheduleRun.objects.create(
            program=program,
            week_start=week_start(week_of),
            time_limit=time_limit,
            created_by=by,
            based_on=based_on,
            message="Waiting to start",
        )
        record_event(
            actor=by,
            event_type="schedule_run.started",
            record=run,
            role=role,
            details={"week_start": run.week_start, "based_on": based_on.pk if based_on else None},
        )
        enqueue_after_commit("scheduling.tasks.run_week", run.pk)
    return run


def give_up_abandoned(program: Program) -> None:
    """Fail runs that cannot still be working (the server restarted, no worker is running)."""
    now = timezone.now()
    for run in ScheduleRun.objects.filter(program=program, status__in=ACTIVE):
        since = run.started_at or run.created_at
        if since + timedelta(seconds=run.time_limit) + ABANDONED_AFTER < now:
            ScheduleRun.objects.filter(pk=run.pk, status=run.status).update(
                status=ScheduleRun.Status.FAILED,
                finished_at=now,
                message=(
                    "Stopped without finishing (the server restarted, or no worker picked it "
                    "up). Nothing was changed."
                ),
            )


def current_proposal(run: ScheduleRun) -> dict:
    """The solver's result with the hand edits applied."""
    return proposals.apply_edits(run.problem, run.result, run.edits)


def edit_proposal(
    run: ScheduleRun, *, by, participant_id: str, session_id: str, action: str
) -> list[str]:
    """Move one participant into (action "add") or out of ("remove") a group of the proposal.

    Returns the checker's findings for the edited proposal: the edit is kept even when it
    breaks a rule, so the director can decide, but the warnings are shown until fixed.
    """
    role = require_capability(
        by,
        "schedule.build",
        [run.program.organization_id],
        refusal="Your role cannot change the proposal.",
    ).role
    if action not in ("add", "remove"):
        raise InvalidInput("Choose to add or remove.")
    with transaction.atomic():
        current = ScheduleRun.objects.select_for_update().get(pk=run.pk)
        if current.status not in EDITABLE or current.kind != ScheduleRun.Kind.WEEK:
            raise InvalidInput("Only a finished proposal can change.")
        if participant_id not in current.result.get("participants", {}):
            raise InvalidInput("That participant is not in this proposal.")
        if session_id not in {s["id"] for s in current.problem["sessions"]}:
            raise InvalidInput("That group is not part of this week.")
        chosen = current_proposal(current)["participants"][participant_id]["sessions"]
        if (action == "add") == (session_id in chosen):
            raise InvalidInput(
                "They are already in that group." if action == "add" else "They are not in it."
            )
        current.edits = [
            *current.edits,
            {
                "participant": participant_id,
                "session": session_id,
                "action": action,
                "by": by.pk,
                "at": timezone.now().isoformat(),
            },
        ]
        current.save(update_fields=["edits", "modified_at"])
        participant = (
            Episode.objects.filter(program=run.program, participant__public_id=participant_id)
            .select_related("participant")
            .first()
        )
        record_event(
            actor=by,
            event_type="schedule_run.edited",
            participant=participant.participant if participant else None,
            record=current,
            role=role,
            details={"edit": action, "group": session_id},
        )
    run.edits = current.edits
    return proposals.violations(current.problem, current_proposal(current))


# --- publishing ----------------------------------------------------------------------------


@dataclass
class _Plan:
    """What one publication wants to exist, keyed the way the database is."""

    groups: dict[tuple[int, date], Group] = field(default_factory=dict)
    individuals: list[tuple[str, date, dict]] = field(default_factory=list)
    enrol: dict[tuple[int, date], set[str]] = field(default_factory=lambda: defaultdict(set))


def _plan(chosen: dict, groups: dict[str, Group], days: list[date], closed: set[date], episodes):
    """Occurrences and enrolments wanted: open days only, from each person's admission on."""
    plan = _Plan()
    for pid, row in chosen["participants"].items():
        admitted = episodes[pid].admitted_on
        open_days = [d for d in days if d not in closed and (admitted is None or d >= admitted)]
        for sid in row["sessions"]:
            group = groups.get(sid)
            if group is None or not group.is_active:
                continue
            for day in open_days:
                if day.weekday() == group.weekday:
                    plan.groups[group.pk, day] = group
                    plan.enrol[group.pk, day].add(pid)
        individual = row.get("individual")
        if individual:
            plan.individuals.extend(
                (pid, day, individual) for day in open_days if day.weekday() == individual["day"]
            )
    return plan


def _group_session(program, group: Group, day: date, publication) -> Session:
    starts, ends = session_span(program, day, group.start_time, group.minutes)
    return Session(
        program=program,
        group=group,
        kind=Session.Kind.GROUP,
        title=group.title,
        date=day,
        starts_at=starts,
        ends_at=ends,
        minutes=group.minutes,
        mode=group.mode,
        room=group.room,
        video_link=group.video_link,
        capacity=min(group.capacity, group.room.capacity) if group.room else group.capacity,
        publication=publication,
    )


def publish_run(
    run: ScheduleRun,
    *,
    by,
    starts_on: date | None = None,
    ends_on: date | None = None,
    not_before: datetime | None = None,
    edits_seen: int | None = None,
) -> Publication:
    """Publish the proposal's weekly pattern on every open day from `starts_on` to `ends_on`.

    Creates the dated group sessions that run (not on closures), the individual sessions and
    the enrolments, replacing this range's future schedule enrolments. Only sessions starting
    at or after `not_before` (default: now) without attendance are created or replaced.
    Publishing the same run for the same range again changes nothing.

    `edits_seen`: how many hand edits the proposal had when the director reviewed it. An
    edit made since (by someone else, or in another tab) refuses the publication, so what is
    published is what was reviewed; the run stays locked from that check to the end.
    """
    role = require_capability(
        by,
        "schedule.publish",
        [run.program.organization_id],
        refusal="Your role cannot publish the schedule.",
    ).role
    with transaction.atomic():
        current = ScheduleRun.objects.select_for_update().select_related("program").get(pk=run.pk)
        if edits_seen is not None and len(current.edits) != edits_seen:
            raise ConcurrentEdit("proposal")
        publication = _publish(current, by, role, starts_on, ends_on, not_before)
    run.status, run.edits = current.status, current.edits
    return publication


def _publish(
    run: ScheduleRun,
    by,
    role: str,
    starts_on: date | None,
    ends_on: date | None,
    not_before: datetime | None,
) -> Publication:
    program = run.program
    if run.kind != ScheduleRun.Kind.WEEK or run.status not in EDITABLE:
        raise InvalidInput("Only a finished proposal can be published.")
    chosen = current_proposal(run)
    if not chosen.get("participants"):
        raise InvalidInput("This run has no schedule to publish; build the week again.")
    starts_on = starts_on or run.week_start
    ends_on = ends_on or starts_on + timedelta(days=6)
    if ends_on < starts_on:
        raise InvalidInput("The last day is before the first day.", field="ends_on")
    if (ends_on - starts_on).days >= MAX_PUBLISH_WEEKS * 7:
        raise InvalidInput(f"Publish at most {MAX_PUBLISH_WEEKS} weeks at a time.", field="ends_on")
    not_before = not_before or timezone.now()
    days = dates_between(starts_on, ends_on)
    groups = {
        str(g.public_id): g
        for g in Group.objects.filter(
            program=program, public_id__in=[s["id"] for s in run.problem["sessions"]]
        )
        .select_related("room")
        .prefetch_related("facilitators")
    }
    episodes = {
        str(e.participant.public_id): e
        for e in Episode.objects.filter(
            program=program,
            status__in=IN_CARE_STATUSES,
            participant__public_id__in=list(chosen["participants"]),
        ).select_related("participant")
    }
    chosen["participants"] = {
        pid: row for pid, row in chosen["participants"].items() if pid in episodes
    }
    closed = set(
        Closure.objects.filter(program=program, date__gte=starts_on, date__lte=ends_on).values_list(
            "date", flat=True
        )
    )
    modes = {p["id"]: p["mode"] for p in run.problem["participants"]}
    people = set(modes)
    plan = _plan(chosen, groups, days, closed, episodes)
    publication = Publication.objects.create(
        program=program, run=run, starts_on=starts_on, ends_on=ends_on, published_by=by
    )
    touched = _write_sessions(program, plan, publication, episodes, people, modes, not_before, by)
    for _, change in sorted(touched.items()):
        record_event(
            actor=by,
            event_type="enrolment.published",
            participant=change["participant"],
            record_type="scheduling.Enrolment",
            record_id=str(publication.public_id),
            role=role,
            details={
                "publication": str(publication.public_id),
                "added": change["added"],
                "removed": change["removed"],
            },
        )
    ScheduleRun.objects.filter(pk=run.pk).update(status=ScheduleRun.Status.PUBLISHED)
    record_event(
        actor=by,
        event_type="schedule.published",
        record=publication,
        role=role,
        details={
            "run": run.pk,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "closed": sorted(closed),
        },
        listed=[change["participant"] for change in touched.values()],
    )
    run.status = ScheduleRun.Status.PUBLISHED
    return publication


def _refresh(session: Session, fresh: Session, staff: list[int], publication) -> None:
    for name in ("title", "starts_at", "ends_at", "minutes", "mode", "room", "video_link"):
        setattr(session, name, getattr(fresh, name))
    session.capacity, session.publication = fresh.capacity, publication
    session.save()
    session.staff.set(staff)


def individual_session(
    program, day: date, individual: dict, mode: str, publication: Publication | None = None
) -> Session:
    """An unsaved dated individual session from a solver slot (day, start, minutes, staff)."""
    starts, ends = session_span(
        program, day, time.fromisoformat(individual["start"]), individual["minutes"]
    )
    return Session(
        program=program,
        kind=Session.Kind.INDIVIDUAL,
        title=INDIVIDUAL_TITLE,
        date=day,
        starts_at=starts,
        ends_at=ends,
        minutes=individual["minutes"],
        mode=SessionMode.VIRTUAL if mode == AttendanceMode.VIRTUAL else SessionMode.IN_PERSON,
        capacity=1,
        publication=publication,
    )


def _write_sessions(
    program, plan: _Plan, publication, episodes, people: set[str], modes, not_before, by
) -> dict[str, dict]:
    """Create/replace the range's sessions and enrolments of the run's participants.

    Returns, per participant whose week changed, the participant and the public ids of the
    sessions added and removed. Participants outside the run (say, admitted since it was
    built) keep their enrolments.
    """
    existing = list(
        Session.objects.select_for_update()
        .filter(program=program, date__gte=publication.starts_on, date__lte=publication.ends_on)
        .prefetch_related(
            Prefetch("enrolments", queryset=Enrolment.objects.select_related("participant"))
        )
    )
    attended = sessions_with_attendance([s.pk for s in existing])
    frozen = {
        s.pk
        for s in existing
        if s.starts_at < not_before or s.pk in attended or s.status != Session.Status.SCHEDULED
    }
    have = {(s.pk, str(e.participant.public_id)): e for s in existing for e in s.enrolments.all()}
    by_group = {(s.group_id, s.date): s for s in existing if s.group_id is not None}
    by_individual = {
        (str(e.participant.public_id), s.date): s
        for s in existing
        if s.kind == Session.Kind.INDIVIDUAL
        for e in s.enrolments.all()
    }
    # Each new session with its staff and the participants it enrols.
    new: list[tuple[Session, list[int], set[str]]] = []
    wanted: set[tuple[int, str]] = set()
    for (group_pk, day), group in sorted(plan.groups.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        fresh = _group_session(program, group, day, publication)
        staff = [u.pk for u in group.facilitators.all()]
        session = by_group.get((group_pk, day))
        if session is None and fresh.starts_at >= not_before:
            new.append((fresh, staff, plan.enrol[group_pk, day]))
        elif session is not None and session.pk not in frozen:
            _refresh(session, fresh, staff, publication)
            wanted |= {(session.pk, pid) for pid in plan.enrol[group_pk, day]}
    for pid, day, individual in plan.individuals:
        fresh = individual_session(program, day, individual, modes.get(pid, ""), publication)
        staff = [staff_pk(individual["staff"])]
        session = by_individual.get((pid, day))
        if session is None and fresh.starts_at >= not_before:
            new.append((fresh, staff, {pid}))
        elif session is not None and session.pk not in frozen:
            _refresh(session, fresh, staff, publication)
            wanted.add((session.pk, pid))
    Session.objects.bulk_create([session for session, _, _ in new])
    Session.staff.through.objects.bulk_create(
        Session.staff.through(session_id=session.pk, user_id=pk)
        for session, staff, _ in new
        for pk in staff
    )
    for session, _, enrolled in new:
        wanted |= {(session.pk, pid) for pid in enrolled}
    stale = {
        key: e
        for key, e in have.items()
        if key[0] not in frozen
        and key[1] in people
        and e.source == Enrolment.Source.SCHEDULE
        and key not in wanted
    }
    Enrolment.objects.filter(pk__in=[e.pk for e in stale.values()]).delete()
    added = sorted(wanted - set(have))
    Enrolment.objects.bulk_create(
        Enrolment(
            session_id=session_pk,
            participant_id=episodes[pid].participant_id,
            episode=episodes[pid],
            source=Enrolment.Source.SCHEDULE,
            created_by=by,
        )
        for session_pk, pid in added
    )
    public = {s.pk: str(s.public_id) for s in existing} | {
        s.pk: str(s.public_id) for s, _, _ in new
    }
    who = {pid: e.participant for (_, pid), e in stale.items()}
    who |= {pid: e.participant for pid, e in episodes.items()}
    changes: dict[str, dict] = defaultdict(lambda: {"added": [], "removed": []})
    for session_pk, pid in added:
        changes[pid]["added"].append(public[session_pk])
    for session_pk, pid in stale:
        changes[pid]["removed"].append(public[session_pk])
    for pid, change in changes.items():
        change["participant"] = who[pid]
    kept = {session_pk for session_pk, _ in wanted} | {
        session_pk for session_pk, _ in set(have) - set(stale)
    }
    Session.objects.filter(
        pk__in=[
            s.pk
            for s in existing
            if s.pk not in frozen and s.publication_id is not None and s.pk not in kept
        ]
    ).delete()
    enrolments_changed(
        [e.participant_id for e in have.values()]
        + [episodes[pid].participant_id for _, pid in added],
        publication.starts_on,
        publication.ends_on,
    )
    return dict(changes)
