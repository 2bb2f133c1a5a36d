"""A simple, honest greedy baseline: the yardstick for the CP-SAT solver and its first hint.

Pins first, with the participants that bring pinned groups up to their minimum size
(``Analysis.pinned_fill``); then participants with the fewest options pick sessions (current ones first, then
groups that already run) until their required minutes are met, then their individual session goes
in the earliest free slot. Groups left under their minimum size are dissolved and their members
re-seated in running groups, repeatedly, until every running group is large enough.
Every step keeps the schedule valid, so the result always passes the checker.
"""

from __future__ import annotations

from time import perf_counter

from .analysis import Analysis, overlaps
from .problem import MINUTES_PER_DAY, Problem
from .result import LevelResult, Result, build_result, infeasible_result
from .schedule import LEVELS, Schedule, level_units, level_values, schedule_of


class _Greedy:
    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.problem = analysis.problem
        n = len(self.problem.participants)
        self.chosen: list[list[int]] = [[] for _ in range(n)]
        self.individual: list[int | None] = [None] * n
        self.members: list[set[int]] = [set() for _ in self.problem.sessions]
        self.committed = [count > 0 for count in analysis.pin_count]
        self.staff_sessions: dict[str, list[int]] = {}
        for si, session in enumerate(self.problem.sessions):
            for t in session.staff:
                self.staff_sessions.setdefault(t, []).append(si)
        self.staff_individuals: dict[str, list[tuple[int, int]]] = {}

    def runs(self, si: int) -> bool:
        return bool(self.members[si]) or self.committed[si]

    def staff_free(self, staff: str, start: int, end: int) -> bool:
        """Whether the staff member has no running session or individual overlapping the span."""
        sessions = self.problem.sessions
        return not any(
            self.runs(si) and overlaps(start, end, sessions[si].week_start, sessions[si].week_end)
            for si in self.staff_sessions.get(staff, ())
        ) and not any(overlaps(start, end, a, b) for a, b in self.staff_individuals.get(staff, ()))

    def minutes(self, pi: int) -> int:
        p = self.problem.participants[pi]
        total = sum(self.problem.sessions[si].minutes for si in self.chosen[pi])
        return total + (p.one_to_one.minutes if self.individual[pi] is not None else 0)

    def days(self, pi: int) -> set[int]:
        days = {self.problem.sessions[si].day for si in self.chosen[pi]}
        start = self.individual[pi]
        if start is not None:
            days.add(start // MINUTES_PER_DAY)
        return days

    def busy(self, pi: int) -> list[tuple[int, int]]:
        spans = [
            (self.problem.sessions[si].week_start, self.problem.sessions[si].week_end)
            for si in self.chosen[pi]
        ]
        start = self.individual[pi]
        if start is not None:
            spans.append((start, start + self.problem.participants[pi].one_to_one.minutes))
        return spans

    def fits(self, pi: int, day: int, start: int, end: int) -> bool:
        """Whether the participant is free then and the day keeps them within max_days."""
        days = self.days(pi)
        if day not in days and len(days) >= self.problem.participants[pi].max_days:
            return False
        return not any(overlaps(start, end, a, b) for a, b in self.busy(pi))

    def can_join(self, pi: int, si: int, running_only: bool) -> bool:
        s = self.problem.sessions[si]
        if si in self.analysis.never_runs or len(self.members[si]) >= s.capacity:
            return False
        if not self.runs(si) and (
            running_only or not all(self.staff_free(t, s.week_start, s.week_end) for t in s.staff)
        ):
            return False
        return self.fits(pi, s.day, s.week_start, s.week_end)

    def join(self, pi: int, si: int) -> None:
        self.chosen[pi].append(si)
        self.members[si].add(pi)

    def fill(self, pi: int, target: int, running_only: bool) -> None:
        """Add sessions until the participant reaches ``target`` minutes or runs out of options."""
        p = self.problem.participants[pi]
        current = set(self.problem.current.get(p.id, ()))
        order = sorted(
            self.analysis.options[pi],
            key=lambda si: (
                self.problem.sessions[si].id not in current,
                not self.runs(si),
                self.problem.sessions[si].week_start,
                si,
            ),
        )
        for si in order:
            if self.minutes(pi) >= target:
                return
            if si not in self.chosen[pi] and self.can_join(pi, si, running_only):
                self.join(pi, si)

    def place_individual(self, pi: int) -> None:
        p = self.problem.participants[pi]
        if p.individual is None or self.individual[pi] is not None:
            return
        for start in self.analysis.individual_starts[pi]:
            end = start + p.one_to_one.minutes
            if self.fits(pi, start // MINUTES_PER_DAY, start, end) and self.staff_free(
                p.one_to_one.staff, start, end
            ):
                self.individual[pi] = start
                self.staff_individuals.setdefault(p.one_to_one.staff, []).append((start, end))
                return

    def run(self) -> Schedule:
        problem, analysis = self.problem, self.analysis
        for pi, pins in enumerate(analysis.pinned):
            for si in pins:
                self.join(pi, si)
        for pi, si in analysis.pinned_fill:
            self.join(pi, si)
        order = sorted(
            range(len(problem.participants)),
            key=lambda pi: (analysis.availability_minutes[pi], len(analysis.options[pi]), pi),
        )
        for pi in order:
            p = problem.participants[pi]
            reserve = p.one_to_one.minutes if p.individual and analysis.individual_starts[pi] else 0
            self.fill(pi, p.required_minutes - reserve, running_only=False)
            self.place_individual(pi)
            self.fill(pi, p.required_minutes, running_only=False)
        while under := [
            si
            for si, s in enumerate(problem.sessions)
            if 0 < len(self.members[si]) < s.min_size and not self.committed[si]
        ]:
            displaced = sorted({pi for si in under for pi in self.members[si]})
            for si in under:
                for pi in self.members[si]:
                    self.chosen[pi].remove(si)
                self.members[si].clear()
            for pi in displaced:
                self.fill(pi, problem.participants[pi].required_minutes, running_only=True)
        for pi in order:
            self.place_individual(pi)
        return schedule_of(problem, self.chosen, self.individual)


def greedy_schedule(analysis: Analysis) -> Schedule:
    """A valid schedule for a problem whose pins are possible (``analysis.pin_errors`` empty)."""
    return _Greedy(analysis).run()


def solve_greedy(problem: Problem) -> Result:
    """The greedy baseline as a full :class:`Result` (status "feasible", no bounds)."""
    started = perf_counter()
    analysis = Analysis(problem)
    if analysis.pin_errors:
        return infeasible_result(analysis, analysis.pin_errors, perf_counter() - started, {})
    schedule = greedy_schedule(analysis)
    elapsed = perf_counter() - started
    values = level_values(problem, schedule)
    units = level_units(problem)
    levels = tuple(
        LevelResult(name, sense, values[name], None, False, 0.0, units[name])
        for name, sense in LEVELS
    )
    return build_result(
        problem,
        analysis,
        schedule,
        status="feasible",
        levels=levels,
        solve_seconds=elapsed,
        first_feasible_seconds=elapsed,
        method="greedy",
        settings={},
    )
