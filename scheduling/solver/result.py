"""The result object and its JSON form.

A :class:`Result` is a schedule plus everything derived from it and what the solver proved.
Both the CP-SAT solver and the greedy baseline turn their schedules into results here, so the
two are always reported the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .analysis import Analysis
from .problem import MINUTES_PER_DAY, Problem, format_time
from .reasons import explain, not_running
from .schedule import Schedule, scheduled_minutes, session_rosters


@dataclass(frozen=True, slots=True)
class IndividualSlot:
    day: int
    start: int
    minutes: int
    staff: str


@dataclass(frozen=True, slots=True)
class ParticipantResult:
    sessions: tuple[str, ...]
    individual: IndividualSlot | None
    scheduled_minutes: int
    required_minutes: int
    full_dose: bool
    availability_minutes: int
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SessionResult:
    size: int
    runs: bool
    participants: tuple[str, ...]
    min_size_waived: bool
    not_running: str = ""
    """Why the session does not run (empty when it runs)."""


@dataclass(frozen=True, slots=True)
class LevelResult:
    """One objective level: best value found, proven bound (None if unknown), whether proven.

    ``value`` and ``bound`` are in the model's integer units; dividing by ``units`` gives natural
    units (only balance, a sum of size² / capacity, is scaled).
    """

    name: str
    sense: str
    value: int
    bound: int | None
    optimal: bool
    seconds: float
    units: int = 1

    def natural(self, number: int | None) -> float | int | None:
        if number is None or self.units == 1:
            return number
        return round(number / self.units, 4)


@dataclass(frozen=True)
class Result:
    status: str
    bound: int | None
    gap: float | None
    solve_seconds: float
    first_feasible_seconds: float | None
    method: str
    levels: tuple[LevelResult, ...] = ()
    participants: dict[str, ParticipantResult] = field(default_factory=dict)
    sessions: dict[str, SessionResult] = field(default_factory=dict)
    infeasible_reasons: tuple[str, ...] = ()
    availability_full_dose: int = 0
    settings: dict[str, Any] = field(default_factory=dict)
    start: tuple[str, int] | None = None
    """The constructive schedule the search started from: its method and full-dose count."""

    @property
    def full_dose(self) -> int:
        return sum(p.full_dose for p in self.participants.values())


def build_result(
    problem: Problem,
    analysis: Analysis,
    schedule: Schedule,
    *,
    status: str,
    levels: tuple[LevelResult, ...],
    solve_seconds: float,
    first_feasible_seconds: float | None,
    method: str,
    settings: dict[str, Any],
    started_from: tuple[str, int] | None = None,
) -> Result:
    """Derive rosters, minutes, flags and reasons for a schedule and package them."""
    minutes = scheduled_minutes(problem, schedule)
    rosters = session_rosters(problem, schedule)
    full_dose_proven = bool(levels) and levels[0].optimal
    reasons = explain(problem, analysis, schedule, full_dose_proven=full_dose_proven)
    idle = not_running(problem, analysis, schedule)
    participants = {}
    for pi, p in enumerate(problem.participants):
        plan = schedule[p.id]
        slot = None
        if plan.individual_start is not None and p.individual is not None:
            day, start = divmod(plan.individual_start, MINUTES_PER_DAY)
            slot = IndividualSlot(day, start, p.individual.minutes, p.individual.staff)
        participants[p.id] = ParticipantResult(
            sessions=plan.sessions,
            individual=slot,
            scheduled_minutes=minutes[p.id],
            required_minutes=p.required_minutes,
            full_dose=minutes[p.id] >= p.required_minutes,
            availability_minutes=analysis.availability_minutes[pi],
            reasons=tuple(reasons[p.id]),
        )
    sessions = {
        s.id: SessionResult(
            size=len(rosters[s.id]),
            runs=bool(rosters[s.id]),
            participants=tuple(rosters[s.id]),
            min_size_waived=0 < len(rosters[s.id]) < s.min_size,
            not_running=idle.get(s.id, ""),
        )
        for s in problem.sessions
    }
    full = sum(r.full_dose for r in participants.values())
    bound = levels[0].bound if levels and levels[0].bound is not None else None
    return Result(
        status=status,
        bound=None if bound is None else int(bound),
        gap=None if bound is None else (bound - full) / max(bound, 1),
        solve_seconds=solve_seconds,
        first_feasible_seconds=first_feasible_seconds,
        method=method,
        levels=levels,
        participants=participants,
        sessions=sessions,
        availability_full_dose=sum(
            analysis.availability_allows_full_dose(pi) for pi in range(len(problem.participants))
        ),
        settings=settings,
        start=started_from,
    )


def infeasible_result(
    analysis: Analysis, reasons: list[str], solve_seconds: float, settings: dict[str, Any]
) -> Result:
    """No schedule exists (pins that cannot all be honoured); reasons say which and why."""
    return Result(
        status="infeasible",
        bound=None,
        gap=None,
        solve_seconds=solve_seconds,
        first_feasible_seconds=None,
        method="analysis",
        infeasible_reasons=tuple(reasons),
        availability_full_dose=sum(
            analysis.availability_allows_full_dose(pi)
            for pi in range(len(analysis.problem.participants))
        ),
        settings=settings,
    )


def to_json(result: Result) -> dict[str, Any]:
    """The result as JSON-ready data (key order fixed so files diff cleanly)."""
    return {
        "status": result.status,
        "bound": result.bound,
        "gap": None if result.gap is None else round(result.gap, 6),
        "solve_seconds": round(result.solve_seconds, 3),
        "first_feasible_seconds": (
            None
            if result.first_feasible_seconds is None
            else round(result.first_feasible_seconds, 3)
        ),
        "method": result.method,
        "start": (
            None
            if result.start is None
            else {"method": result.start[0], "full_dose": result.start[1]}
        ),
        "full_dose": result.full_dose,
        "availability_full_dose": result.availability_full_dose,
        "objective": {
            level.name: {
                "sense": level.sense,
                "value": level.natural(level.value),
                "bound": level.natural(level.bound),
                "optimal": level.optimal,
                "seconds": round(level.seconds, 3),
            }
            for level in result.levels
        },
        "infeasible_reasons": list(result.infeasible_reasons),
        "settings": result.settings,
        "participants": {
            pid: {
                "sessions": list(r.sessions),
                "individual": (
                    {
                        "day": r.individual.day,
                        "start": format_time(r.individual.start),
                        "minutes": r.individual.minutes,
                        "staff": r.individual.staff,
                    }
                    if r.individual
                    else None
                ),
                "scheduled_minutes": r.scheduled_minutes,
                "required_minutes": r.required_minutes,
                "full_dose": r.full_dose,
                "availability_minutes": r.availability_minutes,
                "reasons": list(r.reasons),
            }
            for pid, r in result.participants.items()
        },
        "sessions": {
            sid: {
                "size": r.size,
                "runs": r.runs,
                "participants": list(r.participants),
                "min_size_waived": r.min_size_waived,
                "not_running": r.not_running,
            }
            for sid, r in result.sessions.items()
        },
    }
