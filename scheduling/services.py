"""Writes to the program calendar, participants' scheduling profiles and dated sessions.

Each write is one transaction with its audit event. Calendar writes need a director or
supervisor; a participant's profile, availability and group preferences go through the
access policy with the SCHEDULE scope (the care team and the front desk edit them).
Schedule runs and publishing live in `scheduling.publishing`.
"""

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time
from itertools import pairwise
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Membership, Program, Site
from audit.models import Action
from audit.services import field_changes, record_event
from participants.access import Scope, require, require_capability
from participants.models import Episode
from scheduling.models import (
    AttendanceMode,
    AvailabilityWindow,
    Closure,
    Constraint,
    Enrolment,
    Group,
    GroupPreference,
    Room,
    SchedulingProfile,
    Session,
    SessionMode,
    StaffHours,
    Track,
    Weekday,
)
from tandem.errors import ConcurrentEdit, InvalidInput
from tandem.hooks import Hook
from tandem.lifecycle import lock_current, save_new_version
from tandem.templatetags.clock import day

Window = tuple[int, time, time]  # weekday (Monday = 0), local start, local end

# Called inside the cancellation's transaction as hook(session, by); attendance registers
# one to tell enrolled participants and list make-up options. Raise InvalidInput to refuse.
CancellationHook = Callable[[Session, Any], None]
CANCELLATION: Hook[CancellationHook] = Hook("scheduling.cancellation")


# Returns which of the given session pks have attendance recorded; publishing never
# replaces or deletes those. The attendance module registers one.
AttendanceProbe = Callable[[list[int]], set[int]]
ATTENDANCE_PROBES: Hook[AttendanceProbe] = Hook("scheduling.attendance_probes")


# Returns, for the session pks given where the participant (the first argument, a pk) has a
# roll call in force, the minutes it records them attending (0 when they were absent). The
# attendance module registers one.
AttendedMinutes = Callable[[int, list[int]], dict[int, int]]
ATTENDED_MINUTES: Hook[AttendedMinutes] = Hook("scheduling.attended_minutes")


# Called as hook(participant_ids, first_day, last_day) inside the transaction of a write that
# changed these participants' enrolments, or their sessions' status, time or minutes, dated
# first_day to last_day; attendance keeps its weekly dose totals current with it.
EnrolmentsChanged = Callable[[list[int], date, date], object]
ENROLMENTS_CHANGED: Hook[EnrolmentsChanged] = Hook("scheduling.enrolments_changed")


def enrolments_changed(participant_ids: Iterable[int], first: date, last: date) -> None:
    """Tell the modules that follow enrolments which participants' days changed."""
    ids = sorted(set(participant_ids))
    if ids:
        for hook in ENROLMENTS_CHANGED.implementations():
            hook(ids, first, last)


def sessions_with_attendance(session_ids: Iterable[int]) -> set[int]:
    """The sessions among `session_ids` that have attendance recorded (per the probes)."""
    ids = list(session_ids)
    found: set[int] = set()
    for probe in ATTENDANCE_PROBES.implementations():
        found |= probe(ids) if ids else set()
    return found


def attended_minutes(participant_id: int, session_ids: Iterable[int]) -> dict[int, int]:
    """Minutes the roll call records this participant attending, by session pk, for the
    sessions among `session_ids` that have one (per the attendance module)."""
    ids = list(session_ids)
    found: dict[int, int] = {}
    for hook in ATTENDED_MINUTES.implementations():
        found.update(hook(participant_id, ids) if ids else {})
    return found


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M")


def _end_of(start: time, minutes: int) -> int:
    return start.hour * 60 + start.minute + minutes


def _minute(value: time) -> int:
    return value.hour * 60 + value.minute


def describe_window(window: Window) -> str:
    day, start, end = window
    return f"{Weekday(day).label} {_hhmm(start)}–{_hhmm(end)}"


def validate_windows(windows: Sequence[Window]) -> list[Window]:
    """Weekly windows sorted; a window ending before it starts or two that overlap are refused."""
    for window in windows:
        day, start, end = window
        if day not in Weekday.values:
            raise InvalidInput(f"{day!r} is not a weekday.", field="windows")
        if end <= start:
            raise InvalidInput(
                f"The window {describe_window(window)} ends before it starts."
                if end < start
                else f"The window {describe_window(window)} is empty: it starts and ends at "
                f"{_hhmm(start)}.",
                field="windows",
            )
    ordered = sorted(windows)
    for first, second in pairwise(ordered):
        if first[0] == second[0] and second[1] < first[2]:
            raise InvalidInput(
                f"The windows {describe_window(first)} and {describe_window(second)} overlap. "
                "Merge them into one window or change the times.",
                field="windows",
            )
    return ordered


# --- the calendar -------------------------------------------------------------------------


CALENDAR_EVENTS = {
    Action.CREATE: "calendar.item_added",
    Action.CHANGE: "calendar.item_changed",
    Action.DELETE: "calendar.item_removed",
}


def _require_calendar_edit(by, program: Program, what: str) -> str:
    """The role that lets `by` change this program's calendar, or AccessDenied."""
    return require_capability(
        by, "calendar.edit", [program.organization_id], refusal=f"Your role cannot {what}."
    ).role


def _audit_calendar(by, role: str, action: Action, record, details: dict) -> None:
    record_event(
        actor=by, event_type=CALENDAR_EVENTS[action], record=record, role=role, details=details
    )


def save_track(
    program: Program, *, by, name: str, description: str = "", track: Track | None = None
) -> Track:
    """Create or rename a track (a bundle of groups such as "Morning track")."""
    role = _require_calendar_edit(by, program, "change the program calendar")
    name = (name or "").strip()
    if not name:
        raise InvalidInput("Give the track a name.", field="name")
    with transaction.atomic():
        is_new = track is None
        track = track or Track(program=program)
        before = {"name": track.name, "description": track.description}
        track.name, track.description = name, description.strip()
        track.save()
        _audit_calendar(
            by,
            role,
            Action.CREATE if is_new else Action.CHANGE,
            track,
            {"changes": field_changes(before, {"name": name, "description": track.description})},
        )
    return track


def save_room(site: Site, *, by, name: str, capacity: int, room: Room | None = None) -> Room:
    """Create or change a room; its capacity caps the groups held in it."""
    role = _require_calendar_edit(by, site.program, "change the program calendar")
    name = (name or "").strip()
    if not name:
        raise InvalidInput("Give the room a name.", field="name")
    if capacity is None or capacity < 1:
        raise InvalidInput("A room seats at least one person.", field="capacity")
    with transaction.atomic():
        is_new = room is None
        room = room or Room()
        before = {"site": room.site_id, "name": room.name, "capacity": room.capacity}
        room.site, room.name, room.capacity = site, name, capacity
        room.save()
        after = {"site": site.pk, "name": name, "capacity": capacity}
        _audit_calendar(
            by,
            role,
            Action.CREATE if is_new else Action.CHANGE,
            room,
            {"changes": field_changes(before, after)},
        )
    return room


GROUP_FIELDS = (
    "title",
    "curriculum_module",
    "track",
    "weekday",
    "start_time",
    "minutes",
    "mode",
    "room",
    "video_link",
    "capacity",
    "min_size",
    "is_active",
)


def _check_group(program: Program, data: dict[str, Any], facilitators: list, exclude_pk) -> None:
    """Every rule a recurring group must meet; the first broken one is reported."""
    if not (data.get("title") or "").strip():
        raise InvalidInput("Give the group a title.", field="title")
    minutes, start = data.get("minutes") or 0, data["start_time"]
    if minutes < 15:
        raise InvalidInput("A group lasts at least 15 minutes.", field="minutes")
    if _end_of(start, minutes) > 24 * 60:
        raise InvalidInput(
            f"A group starting at {_hhmm(start)} cannot last {minutes} minutes: it would run "
            "past midnight.",
            field="minutes",
        )
    capacity, min_size = data.get("capacity") or 0, data.get("min_size") or 0
    if capacity < 1:
        raise InvalidInput("Capacity must be at least 1.", field="capacity")
    if min_size > capacity:
        raise InvalidInput(
            f"The minimum size ({min_size}) is larger than the capacity ({capacity}).",
            field="min_size",
        )
    room, track = data.get("room"), data.get("track")
    if data["mode"] == SessionMode.IN_PERSON and room is None:
        raise InvalidInput("An in-person group needs a room.", field="room")
    if data["mode"] == SessionMode.VIRTUAL and not data.get("video_link"):
        raise InvalidInput("A virtual group needs a video link.", field="video_link")
    if room is not None and room.site.program_id != program.pk:
        raise InvalidInput("That room belongs to another program.", field="room")
    if room is not None and capacity > room.capacity:
        raise InvalidInput(
            f"{room.name} seats {room.capacity}; lower the capacity to {room.capacity} or "
            "choose a larger room.",
            field="capacity",
        )
    if track is not None and track.program_id != program.pk:
        raise InvalidInput("That track belongs to another program.", field="track")
    if not facilitators:
        raise InvalidInput("Choose at least one facilitator.", field="facilitators")
    staff_ids = set(
        Membership.objects.filter(
            organization_id=program.organization_id, is_active=True
        ).values_list("user_id", flat=True)
    )
    if any(user.pk not in staff_ids for user in facilitators):
        raise InvalidInput("Facilitators must be staff of this program.", field="facilitators")
    if room is not None and data.get("is_active", True):
        end = _end_of(start, minutes)
        for other in (
            Group.objects.filter(room=room, weekday=data["weekday"], is_active=True)
            .exclude(pk=exclude_pk)
            .order_by("start_time")
        ):
            if _minute(other.start_time) < end and _minute(start) < _end_of(
                other.start_time, other.minutes
            ):
                raise InvalidInput(
                    f"{room.name} is already used then by {other} "
                    f"({_hhmm(other.start_time)}, {other.minutes} minutes).",
                    field="room",
                )


def save_group(
    program: Program,
    *,
    by,
    data: dict[str, Any],
    facilitators: Iterable,
    group: Group | None = None,
    expected_version: int | None = None,
) -> Group:
    """Create or change a recurring group; groups are retired (is_active off), never deleted."""
    role = _require_calendar_edit(by, program, "change the program calendar")
    facilitators = list(facilitators)
    data = {**data, "is_active": data.get("is_active", True)}
    if data.get("mode") not in SessionMode.values:
        raise InvalidInput("Choose in person or virtual.", field="mode")
    if data["mode"] == SessionMode.VIRTUAL:
        data["room"] = None
    with transaction.atomic():
        if group is None:
            current = Group(program=program)
        else:
            current = lock_current(
                Group, group.pk, expected_version=expected_version or 0, what="group"
            )
        _check_group(program, data, facilitators, current.pk)
        before = {name: getattr(current, name) for name in GROUP_FIELDS}
        before["facilitators"] = sorted(u.pk for u in current.facilitators.all()) if group else []
        for name in GROUP_FIELDS:
            setattr(current, name, data.get(name, getattr(current, name)))
        current.title = current.title.strip()
        if group is None:
            current.save()
        else:
            save_new_version(current, GROUP_FIELDS)
        current.refresh_from_db()
        current.facilitators.set(facilitators)
        after = {name: getattr(current, name) for name in GROUP_FIELDS}
        after["facilitators"] = sorted(u.pk for u in facilitators)
        _audit_calendar(
            by,
            role,
            Action.CHANGE if group else Action.CREATE,
            current,
            {"changes": field_changes(before, after)},
        )
    return current


def set_staff_hours(program: Program, user, *, by, windows: Sequence[Window]) -> list[StaffHours]:
    """Replace a staff member's weekly working hours for the program."""
    role = _require_calendar_edit(by, program, "change staff working hours")
    if not Membership.objects.filter(
        user=user, organization_id=program.organization_id, is_active=True
    ).exists():
        raise InvalidInput("That person is not staff of this program.")
    ordered = validate_windows(windows)
    with transaction.atomic():
        StaffHours.objects.filter(program=program, user=user).delete()
        rows = StaffHours.objects.bulk_create(
            StaffHours(program=program, user=user, weekday=d, start_time=s, end_time=e)
            for d, s, e in ordered
        )
        record_event(
            actor=by,
            event_type="calendar.staff_hours_set",
            organization=program.organization,
            record_type="scheduling.StaffHours",
            record_id=str(user.public_id),
            role=role,
            details={"program": program.pk, "hours": [describe_window(w) for w in ordered]},
        )
    return rows


def add_closure(program: Program, *, by, on: date, reason: str) -> Closure:
    """Close the program for a day; sessions already published that day are cancelled."""
    role = _require_calendar_edit(by, program, "close the program")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            "Say why the program is closed (for example the holiday).", field="reason"
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                closure = Closure.objects.create(program=program, date=on, reason=reason)
        except IntegrityError:
            raise InvalidInput(
                f"The program is already closed on {day(on)}.", field="date"
            ) from None
        _audit_calendar(by, role, Action.CREATE, closure, {"date": on, "reason": reason})
        for session in Session.objects.filter(
            program=program, date=on, status=Session.Status.SCHEDULED, ends_at__gt=timezone.now()
        ):
            cancel_session(session, by=by, reason=f"Program closed: {reason}")
    return closure


def remove_closure(closure: Closure, *, by) -> None:
    """Reopen a day; publish the week again to put its sessions back."""
    role = _require_calendar_edit(by, closure.program, "reopen the program")
    with transaction.atomic():
        _audit_calendar(
            by, role, Action.DELETE, closure, {"date": closure.date, "reason": closure.reason}
        )
        closure.delete()


def cancel_session(session: Session, *, by, reason: str, now: datetime | None = None) -> Session:
    """Cancel one dated session (a one-off), audit it and tell the modules that care.

    A session that has ended is history: it is held or missed, never cancelled afterwards.
    """
    role = _require_calendar_edit(by, session.program, "cancel sessions")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Say why the session is cancelled.", field="reason")
    now = now or timezone.now()
    with transaction.atomic():
        current = Session.objects.select_for_update().get(pk=session.pk)
        if current.status == Session.Status.CANCELLED:
            raise InvalidInput("This session is already cancelled.")
        if current.ends_at <= now:
            raise InvalidInput("This session has ended; a past session cannot be cancelled.")
        current.status = Session.Status.CANCELLED
        current.cancel_reason = reason[:200]
        save_new_version(current, ["status", "cancel_reason"])
        record_event(
            actor=by,
            event_type="session.cancelled",
            record=current,
            role=role,
            reason=current.cancel_reason,
            details={"status": "cancelled", "date": current.date},
            listed=[e.participant for e in current.enrolments.select_related("participant")],
        )
        for hook in CANCELLATION.implementations():
            hook(current, by)
    return current


def end_future_sessions(episode: Episode, *, on: date, by, now: datetime) -> dict[str, list[str]]:
    """When a participant leaves care: their future group enrolments end and their
    individual sessions are cancelled, releasing the clinician's slot.

    A leaving-care hook (registered in `SchedulingConfig.ready`), run inside the status
    change's transaction, which writes the audit event with what this returns. Sessions
    before the leaving date, already started, or with attendance recorded are kept.
    """
    future = Enrolment.objects.filter(
        episode=episode,
        session__date__gte=on,
        session__starts_at__gte=now,
        session__status=Session.Status.SCHEDULED,
    ).select_related("session")
    enrolments = list(future)
    kept = sessions_with_attendance(e.session_id for e in enrolments)
    enrolments = [e for e in enrolments if e.session_id not in kept]
    individual = [e.session for e in enrolments if e.session.kind == Session.Kind.INDIVIDUAL]
    Enrolment.objects.filter(pk__in=[e.pk for e in enrolments]).delete()
    Session.objects.filter(pk__in=[s.pk for s in individual]).update(
        status=Session.Status.CANCELLED,
        cancel_reason="The participant left care.",
        version=F("version") + 1,
        modified_at=now,
    )
    if enrolments:
        days = [e.session.date for e in enrolments]
        enrolments_changed([episode.participant_id], min(days), max(days))
    return {
        "enrolments_ended": [
            str(e.session.public_id) for e in enrolments if e.session.kind == Session.Kind.GROUP
        ],
        "individual_sessions_released": [str(s.public_id) for s in individual],
    }


def clear_scheduling_profile(episode: Episode, *, on: date, by, now: datetime) -> dict:
    """When a participant leaves care: their scheduling profile (availability, pinned and
    excluded groups, individual clinician) goes, so no later solve or mid-week admission run
    plans around someone who is no longer here.

    A leaving-care hook run inside the status change's transaction; the status change's
    audit event keeps what was cleared. A readmission starts a new episode and profile.
    """
    profile = SchedulingProfile.objects.filter(episode=episode).first()
    if profile is None:
        return {}
    cleared = {
        "availability_windows": profile.windows.count(),
        "group_preferences": sorted(
            str(group_id)
            for group_id in profile.preferences.values_list("group__public_id", flat=True)
        ),
        "individual_staff": profile.individual_staff_id,
    }
    profile.delete()
    return {"scheduling_profile_cleared": cleared}


# --- a participant's scheduling profile ---------------------------------------------------

PROFILE_FIELDS = (
    "mode",
    "max_days",
    "required_minutes",
    "individual_minutes",
    "individual_staff",
    "constraints",
    "note",
)


def _locked_profile(episode: Episode, expected_version: int) -> SchedulingProfile:
    """The profile row locked for writing (created on first save), or ConcurrentEdit."""
    profile = SchedulingProfile.objects.select_for_update().filter(episode=episode).first()
    if profile is None:
        if expected_version != 1:
            raise ConcurrentEdit("scheduling profile")
        try:
            with transaction.atomic():
                profile = SchedulingProfile.objects.create(episode=episode)
        except IntegrityError:
            raise ConcurrentEdit("scheduling profile") from None
        return profile
    if profile.version != expected_version:
        raise ConcurrentEdit("scheduling profile")
    return profile


def _bump(profile: SchedulingProfile) -> SchedulingProfile:
    save_new_version(profile, PROFILE_FIELDS)
    profile.refresh_from_db()
    return profile


MINUTES_IN_A_WEEK = 7 * 24 * 60


def _check_profile(episode: Episode, changes: dict[str, Any]) -> None:
    program = episode.program
    if changes["mode"] not in AttendanceMode.values:
        raise InvalidInput("Choose how they attend.", field="mode")
    if not 1 <= (changes["max_days"] or 0) <= 7:
        raise InvalidInput("Days per week must be between 1 and 7.", field="max_days")
    required = changes["required_minutes"]
    if required is not None and required < program.min_weekly_minutes:
        raise InvalidInput(
            f"The program requires at least {program.min_weekly_minutes} minutes a week; leave "
            "the field empty to use that, or enter more.",
            field="required_minutes",
        )
    if required is not None and required > MINUTES_IN_A_WEEK:
        raise InvalidInput(
            "Required minutes cannot be more than a week holds: a week has "
            f"{MINUTES_IN_A_WEEK} minutes.",
            field="required_minutes",
        )
    if changes["individual_minutes"] and not 15 <= changes["individual_minutes"] <= 180:
        raise InvalidInput(
            "An individual session lasts 15 to 180 minutes (0 for none).",
            field="individual_minutes",
        )
    staff = changes["individual_staff"]
    if (
        staff is not None
        and not Membership.objects.filter(
            user=staff, organization_id=program.organization_id, is_active=True
        ).exists()
    ):
        raise InvalidInput("The individual session must be with staff of this program.")
    unknown = set(changes["constraints"]) - set(Constraint.values)
    if unknown:
        raise InvalidInput(f"Unknown constraint(s): {', '.join(sorted(unknown))}.")


def save_profile(
    episode: Episode, *, by, changes: dict[str, Any], expected_version: int
) -> SchedulingProfile:
    """Set how a participant attends: mode, days, required minutes, individual session."""
    changes = {name: changes.get(name) for name in PROFILE_FIELDS}
    changes["constraints"] = list(changes["constraints"] or [])
    changes["note"] = (changes["note"] or "").strip()
    changes["individual_minutes"] = changes["individual_minutes"] or 0
    _check_profile(episode, changes)
    decision = require(by, episode.participant, Action.CHANGE, Scope.SCHEDULE)
    with transaction.atomic():
        profile = _locked_profile(episode, expected_version)
        before = {name: getattr(profile, name) for name in PROFILE_FIELDS}
        for name, value in changes.items():
            setattr(profile, name, value)
        profile = _bump(profile)
        after = {name: getattr(profile, name) for name in PROFILE_FIELDS}
        for row in (before, after):
            staff = row["individual_staff"]
            row["individual_staff"] = staff.pk if staff is not None else None
        record_event(
            actor=by,
            event_type="schedule.profile_changed",
            participant=episode.participant,
            record=profile,
            decision=decision,
            details={"changes": field_changes(before, after)},
        )
    return profile


def set_availability(
    episode: Episode, *, by, windows: Sequence[Window], expected_version: int
) -> SchedulingProfile:
    """Replace the participant's weekly availability windows (local time)."""
    ordered = validate_windows(windows)
    decision = require(by, episode.participant, Action.CHANGE, Scope.SCHEDULE)
    with transaction.atomic():
        profile = _locked_profile(episode, expected_version)
        before = [
            describe_window((w.weekday, w.start_time, w.end_time)) for w in profile.windows.all()
        ]
        profile.windows.all().delete()
        AvailabilityWindow.objects.bulk_create(
            AvailabilityWindow(profile=profile, weekday=d, start_time=s, end_time=e)
            for d, s, e in ordered
        )
        profile = _bump(profile)
        record_event(
            actor=by,
            event_type="schedule.availability_changed",
            participant=episode.participant,
            record=profile,
            decision=decision,
            details={
                "availability": {"before": before, "after": [describe_window(w) for w in ordered]}
            },
        )
    return profile


def set_preferences(
    episode: Episode,
    *,
    by,
    pinned: Iterable[Group],
    excluded: Iterable[Group],
    expected_version: int,
) -> SchedulingProfile:
    """Replace the groups this participant must keep (pins) and must never join (exclusions)."""
    pinned, excluded = list(pinned), list(excluded)
    both = {g.pk for g in pinned} & {g.pk for g in excluded}
    if both:
        name = next(str(g) for g in pinned if g.pk in both)
        raise InvalidInput(f"{name} cannot be both kept and excluded.", field="pinned")
    if any(g.program_id != episode.program_id for g in pinned + excluded):
        raise InvalidInput("Those groups belong to another program.")
    decision = require(by, episode.participant, Action.CHANGE, Scope.SCHEDULE)
    with transaction.atomic():
        profile = _locked_profile(episode, expected_version)
        profile.preferences.all().delete()
        GroupPreference.objects.bulk_create(
            [
                GroupPreference(profile=profile, group=g, kind=GroupPreference.Kind.PIN)
                for g in pinned
            ]
            + [
                GroupPreference(profile=profile, group=g, kind=GroupPreference.Kind.EXCLUDE)
                for g in excluded
            ]
        )
        profile = _bump(profile)
        record_event(
            actor=by,
            event_type="schedule.groups_pinned",
            participant=episode.participant,
            record=profile,
            decision=decision,
            details={
                "pinned": [str(g.public_id) for g in pinned],
                "excluded": [str(g.public_id) for g in excluded],
            },
        )
    return profile
