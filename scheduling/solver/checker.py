"""An independent checker for results: every hard rule, re-derived from the problem alone.

It reads the JSON form of a result (so it can vet files written by any version of the solver)
and shares no code with the CP-SAT model or the greedy, so a modelling bug shows up here. Only an
"infeasible" claim is confirmed through the static analysis of pins.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .analysis import Analysis
from .problem import (
    GRID_MINUTES,
    MINUTES_PER_DAY,
    Problem,
    Session,
    covered,
    format_span,
)
from .result import Result, to_json

STATUSES = ("optimal", "feasible", "infeasible")


def _minute(text: Any) -> int | None:
    if not isinstance(text, str) or len(text) != 5 or text[2] != ":":
        return None
    hours, minutes = text[:2], text[3:]
    if not (hours.isdigit() and minutes.isdigit()) or int(hours) > 23 or int(minutes) > 59:
        return None
    return int(hours) * 60 + int(minutes)


def _clash(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _staff_free(problem: Problem, staff: str, start: int, end: int) -> bool:
    return covered(problem.staff_by_id[staff].availability, start, end)


def check(problem: Problem, result: Result | Mapping[str, Any]) -> list[str]:
    """Every violated rule as a sentence; an empty list means the result is valid."""
    data = to_json(result) if isinstance(result, Result) else result
    out: list[str] = []
    status = data.get("status")
    if status not in STATUSES:
        return [f"status {status!r} is not one of {', '.join(STATUSES)}"]
    if status == "infeasible":
        if not data.get("infeasible_reasons"):
            out.append("status is infeasible but no infeasible_reasons are given")
        if not Analysis(problem).pin_errors:
            out.append("status is infeasible but every pin can be honoured")
        return out

    sessions: dict[str, Session] = {s.id: s for s in problem.sessions}
    rows = data.get("participants", {})
    for extra in sorted(set(rows) - {p.id for p in problem.participants}):
        out.append(f'participant "{extra}" is not in the problem')
    rosters: dict[str, list[str]] = {sid: [] for sid in sessions}
    individuals: dict[str, list[tuple[str, int, int]]] = {}
    for p in problem.participants:
        row = rows.get(p.id)
        who = f'participant "{p.id}"'
        if row is None:
            out.append(f"{who} is missing from the result")
            continue
        assigned = list(row.get("sessions", []))
        spans: list[tuple[int, int, str]] = []
        minutes = 0
        days: set[int] = set()
        for sid in assigned:
            s = sessions.get(sid)
            if s is None:
                out.append(f'{who} is assigned unknown session "{sid}"')
                continue
            if assigned.count(sid) > 1:
                out.append(f'{who} is assigned session "{sid}" more than once')
            rosters[sid].append(p.id)
            minutes += s.minutes
            days.add(s.day)
            spans.append((s.week_start, s.week_end, f'session "{sid}"'))
            if sid in p.excluded:
                out.append(f'{who} is assigned excluded session "{sid}"')
            if not p.accepts_mode(s.mode):
                out.append(f'{who} ({p.mode}) is assigned {s.mode} session "{sid}"')
            if not covered(p.availability, s.week_start, s.week_end):
                out.append(
                    f'{who} is assigned session "{sid}" ({s.describe()}) outside their availability'
                )
        for sid in p.pinned:
            if sid not in assigned:
                out.append(f'{who} is not assigned pinned session "{sid}"')
        slot = row.get("individual")
        if slot is not None:
            out.extend(_check_individual(problem, p, slot, spans, days, individuals))
            if p.individual is not None and isinstance(slot, Mapping):
                minutes += p.one_to_one.minutes
        for k, a in enumerate(spans):
            for b in spans[k + 1 :]:
                if _clash(a[:2], b[:2]):
                    out.append(f"{who} is double-booked: {a[2]} and {b[2]} overlap")
        if len(days) > p.max_days:
            out.append(f"{who} attends on {len(days)} days but max_days is {p.max_days}")
        if row.get("scheduled_minutes") != minutes:
            out.append(
                f"{who} has scheduled_minutes {row.get('scheduled_minutes')} but the sessions add up to {minutes}"
            )
        if row.get("full_dose") != (minutes >= p.required_minutes):
            out.append(
                f"{who} has full_dose {row.get('full_dose')} but {minutes} of {p.required_minutes} minutes are scheduled"
            )

    running = {sid for sid, members in rosters.items() if members}
    for sid, members in rosters.items():
        s = sessions[sid]
        if len(members) > s.capacity:
            out.append(f'session "{sid}" has {len(members)} participants but capacity {s.capacity}')
        if 0 < len(members) < s.min_size:
            out.append(
                f'session "{sid}" runs with {len(members)} participants, below min_size {s.min_size}'
            )
        if members:
            for t in s.staff:
                if not _staff_free(problem, t, s.week_start, s.week_end):
                    out.append(
                        f'session "{sid}" runs but staff "{t}" is not available {s.describe()}'
                    )
        reported = data.get("sessions", {}).get(sid)
        if reported is not None and (
            reported.get("size") != len(members) or reported.get("runs") != bool(members)
        ):
            out.append(
                f'session "{sid}" is reported with size {reported.get("size")} / runs {reported.get("runs")} '
                f"but {len(members)} participants are assigned"
            )
    out.extend(_check_staff(problem, running, individuals))
    return out


def _check_individual(
    problem: Problem,
    p: Any,
    slot: Any,
    spans: list[tuple[int, int, str]],
    days: set[int],
    individuals: dict[str, list[tuple[str, int, int]]],
) -> list[str]:
    """Rules for one individual session; records it per staff member for the staff checks."""
    who = f'participant "{p.id}"'
    if p.individual is None:
        return [f"{who} has no individual session in the problem but one is scheduled"]
    if not isinstance(slot, Mapping):
        return [f"{who} has a malformed individual session {slot!r}"]
    out = []
    day, start = slot.get("day"), _minute(slot.get("start"))
    if not isinstance(day, int) or isinstance(day, bool) or not 0 <= day <= 6 or start is None:
        return [f"{who} has an individual session with a bad day or start: {dict(slot)!r}"]
    if slot.get("staff") != p.one_to_one.staff:
        out.append(
            f'{who} has their individual with "{slot.get("staff")}" instead of "{p.one_to_one.staff}"'
        )
    if slot.get("minutes") != p.one_to_one.minutes:
        out.append(
            f"{who} has a {slot.get('minutes')}-minute individual instead of {p.one_to_one.minutes}"
        )
    if start % GRID_MINUTES:
        out.append(
            f"{who} has an individual starting at {slot.get('start')}, off the 15-minute grid"
        )
    week_start = day * MINUTES_PER_DAY + start
    week_end = week_start + p.one_to_one.minutes
    where = format_span(day, start, start + p.one_to_one.minutes)
    if start + p.one_to_one.minutes > MINUTES_PER_DAY:
        out.append(f"{who} has an individual running past midnight")
    if not covered(p.availability, week_start, week_end):
        out.append(f"{who} has an individual ({where}) outside their availability")
    staff = p.one_to_one.staff
    if not _staff_free(problem, staff, week_start, week_end):
        out.append(f'{who} has an individual ({where}) when staff "{staff}" is not available')
    spans.append((week_start, week_end, "their individual session"))
    days.add(day)
    individuals.setdefault(staff, []).append((p.id, week_start, week_end))
    return out


def _check_staff(
    problem: Problem, running: set[str], individuals: dict[str, list[tuple[str, int, int]]]
) -> list[str]:
    """No staff member is in two places: running sessions and individual sessions."""
    out = []
    for staff in problem.staff:
        items = [
            (s.week_start, s.week_end, f'session "{s.id}"')
            for s in problem.sessions
            if s.id in running and staff.id in s.staff
        ]
        items += [
            (a, b, f'the individual of "{pid}"') for pid, a, b in individuals.get(staff.id, [])
        ]
        items.sort()
        for k, a in enumerate(items):
            for b in items[k + 1 :]:
                if b[0] >= a[1]:
                    break
                out.append(f'staff "{staff.id}" is double-booked: {a[2]} and {b[2]} overlap')
    return out
