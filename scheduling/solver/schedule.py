"""Bare schedules and the objective values the lexicographic solve ranks them by.

A :data:`Schedule` is the decision only: who attends which group sessions and when each
individual session starts. Everything else (rosters, minutes, objective values) derives from it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .problem import Problem

LEVELS: tuple[tuple[str, str], ...] = (
    ("full_dose", "max"),
    ("shortfall", "min"),
    ("individuals", "max"),
    ("changes", "min"),
    ("balance", "min"),
    ("travel_days", "min"),
)
"""The lexicographic objectives, most important first, with their direction."""
MAX_BALANCE_SCALE = 100_000


@dataclass(frozen=True, slots=True)
class Plan:
    """One participant's week: group session ids in time order, individual start (week minute)."""

    sessions: tuple[str, ...] = ()
    individual_start: int | None = None


Schedule = dict[str, Plan]


def schedule_of(
    problem: Problem, chosen: list[list[int]], individual: list[int | None]
) -> Schedule:
    """The plans the constructive methods built, by participant, sessions in week order."""
    sessions = problem.sessions
    return {
        p.id: Plan(
            tuple(
                sessions[si].id
                for si in sorted(
                    chosen[pi], key=lambda si: (sessions[si].week_start, sessions[si].id)
                )
            ),
            individual[pi],
        )
        for pi, p in enumerate(problem.participants)
    }


def balance_scale(problem: Problem) -> int:
    """Integer scale for the balance level, exact when capacities share a small common multiple.

    Balance is the sum over sessions of size² / capacity; multiplying by the least common
    multiple of the capacities keeps every term an integer, as CP-SAT needs.
    """
    scale = 1
    for s in problem.sessions:
        if s.capacity:
            scale = math.lcm(scale, s.capacity)
    return scale if scale <= MAX_BALANCE_SCALE else MAX_BALANCE_SCALE


def balance_cost(size: int, capacity: int, scale: int) -> int:
    """One session's balance term in model units; convex in size, zero for an empty session."""
    return round(size * size * scale / capacity) if capacity else 0


def session_rosters(problem: Problem, schedule: Schedule) -> dict[str, list[str]]:
    """Roster per session id (participant ids in problem order)."""
    rosters: dict[str, list[str]] = {s.id: [] for s in problem.sessions}
    for p in problem.participants:
        for sid in schedule[p.id].sessions:
            rosters[sid].append(p.id)
    return rosters


def scheduled_minutes(problem: Problem, schedule: Schedule) -> dict[str, int]:
    sessions = {s.id: s for s in problem.sessions}
    out = {}
    for p in problem.participants:
        plan = schedule[p.id]
        minutes = sum(sessions[sid].minutes for sid in plan.sessions)
        if plan.individual_start is not None and p.individual is not None:
            minutes += p.one_to_one.minutes
        out[p.id] = minutes
    return out


def level_units(problem: Problem) -> dict[str, int]:
    """Model units per natural unit for each level (only balance is scaled)."""
    units = dict.fromkeys((name for name, _ in LEVELS), 1)
    units["balance"] = balance_scale(problem)
    return units


def level_values(problem: Problem, schedule: Schedule) -> dict[str, int]:
    """Each objective's value for a schedule, in the integer units the model uses."""
    sessions = {s.id: s for s in problem.sessions}
    minutes = scheduled_minutes(problem, schedule)
    rosters = session_rosters(problem, schedule)
    values = dict.fromkeys((name for name, _ in LEVELS), 0)
    for p in problem.participants:
        plan = schedule[p.id]
        got, need = minutes[p.id], p.required_minutes
        values["full_dose"] += got >= need
        values["shortfall"] += max(0, need - got)
        values["individuals"] += plan.individual_start is not None
        if p.id in problem.current:
            values["changes"] += len(set(problem.current[p.id]) ^ set(plan.sessions))
        values["travel_days"] += len(
            {sessions[sid].day for sid in plan.sessions if sessions[sid].mode == "in_person"}
        )
    scale = balance_scale(problem)
    for s in problem.sessions:
        values["balance"] += balance_cost(len(rosters[s.id]), s.capacity, scale)
    return values
