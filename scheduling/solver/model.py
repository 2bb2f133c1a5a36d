"""The CP-SAT model and the lexicographic solve.

Stages (see :data:`STAGES`) are optimised one after another: each solve starts from the previous
schedule as a complete hint, and its levels are frozen as constraints before the next stage
starts, so a lower level can never trade away a higher one. The greedy schedule seeds the first
stage, so a valid schedule exists from the start even when the time limit is tiny.

The model works on time slots rather than rooms and keeps individual sessions as optional
intervals over left-justified grid starts; :class:`_Model` explains both choices.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from time import perf_counter
from typing import TypeVar

from ortools.sat.python import cp_model

from .analysis import Analysis, overlaps
from .construct import CONSTRUCTIONS, constructed_schedule
from .greedy import greedy_schedule
from .problem import GRID_MINUTES, MINUTES_PER_DAY, Problem
from .result import LevelResult, Result, build_result, infeasible_result
from .schedule import (
    LEVELS,
    Plan,
    Schedule,
    balance_cost,
    balance_scale,
    level_units,
    level_values,
    scheduled_minutes,
)

DEFAULT_TIME_LIMIT = 30.0
DEFAULT_WORKERS = 2
DEFAULT_SEED = 0
STAGES: tuple[tuple[str, ...], ...] = (
    ("full_dose",),
    ("shortfall",),
    ("individuals",),
    ("changes",),
    ("balance", "travel_days"),
)
"""Levels solved together. Balance and travel days share one solve with weights that provably
keep the order (travel can never outweigh one unit of balance): proving both at once took a
third of the effort of proving them one after the other."""
STAGE_WEIGHTS = (3, 2, 1, 1, 3)
"""How the time limit is shared among the stages after the first; unused time flows onward."""
FIRST_STAGE_SHARE = 0.85
"""Full dose, the level that matters most, may use this part of the time left; when it is
proven sooner the rest flows to the later stages. A fixed small share left it unconverged on
crowded programs while the later stages, which barely move, kept theirs."""
STAGE_LINEARIZATION = (2, 2, 1, 1, 1)
"""CP-SAT's linearization level per stage. At level 2 the LP keeps the half-reified links
between minutes, full dose and seats, so the full-dose bound reflects scarce seats: on crowded
programs it closes the gap in seconds where level 1 stays at the availability bound."""
STAGE_PRESOLVE = (True, True, True, True, False)
"""CP-SAT's presolve turns the clique links of travel days into clauses that its default LP
relaxation no longer sees; without presolve the last stage's bound closes several times faster,
while the earlier stages profit from presolve on small models."""
SINGLE_THREAD_STAGES = frozenset({0, 1})
"""Stages searched by one thread whatever ``workers`` says (full dose and shortfall, the level-2
stages). CP-SAT's portfolios for two workers, its default and one led by its full-LP worker, were
measured worse than one thread on crowded programs: at 1,000 participants 550 against 598 at full
dose in 60 s, at 400 participants 237 against 252 in 20 s."""
PRESOLVE_MAX_VARIABLES = 20_000
"""Above this model size presolve is skipped everywhere: at 1,000 participants it alone takes
longer than a stage's share of the time limit, before the hint is even tried."""
MIN_STAGE_SECONDS = 0.05
"""A stage with less time than this is skipped: loading the model alone would take longer."""
SETUP_SHARE = 0.1
"""Part of the time limit kept back for analysis, greedy, model building and the reasons."""


@dataclass(frozen=True, slots=True)
class Progress:
    """What a background task can show: overall fraction done, the current phase, a sentence."""

    fraction: float
    phase: str
    message: str


ProgressCallback = Callable[[Progress], None]


_Member = TypeVar("_Member")


def _maximal_groups(
    spans: Sequence[tuple[int, int, _Member]], smallest: int = 2
) -> list[list[_Member]]:
    """Maximal sets of pairwise-overlapping spans with at least ``smallest`` members.

    Spans on a line form an interval graph: sweeping start and end points, the set of open spans
    just before an end point that follows a start point is a maximal clique, and every maximal
    clique arises this way.
    """
    events = sorted(
        [(a, 1, k) for k, (a, _, _) in enumerate(spans)]
        + [(b, 0, k) for k, (_, b, _) in enumerate(spans)]
    )
    groups: list[list[_Member]] = []
    open_spans: dict[int, None] = {}
    grew = False
    for _, is_start, k in events:
        if is_start:
            open_spans[k] = None
            grew = True
            continue
        if grew and len(open_spans) >= smallest:
            groups.append([spans[j][2] for j in sorted(open_spans)])
        grew = False
        del open_spans[k]
    return groups


@dataclass(slots=True)
class _Slot:
    """Parallel rooms: runnable sessions with the same day, start, length and mode."""

    start: int
    end: int
    mode: str
    rooms: list[int]

    @property
    def day(self) -> int:
        return self.start // MINUTES_PER_DAY


class _Model:
    """Variables and constraints for one problem, plus hint/read helpers for schedules.

    Participants choose time slots, not rooms: parallel rooms of a slot differ only in capacity,
    staff and the ids that pins, exclusions and ``current`` name. So a participant with no such
    tie to a slot gets one literal for the slot and is counted into per-room integer "generic"
    places, while tied participants keep one literal per room. This removes the room symmetry
    and shrinks the model by the number of rooms per slot.

    Individual sessions are optional fixed-size intervals whose start is 15 x an integer with a
    sparse domain (the allowed grid starts). A literal per allowed start was tried: its LP is a
    little stronger but the model grows several-fold and every level solved slower.
    """

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.problem = problem = analysis.problem
        self.m = m = cp_model.CpModel()
        sessions = problem.sessions
        usable = [[si for si in opts if si not in analysis.never_runs] for opts in analysis.options]
        slot_index: dict[tuple[int, int, str], int] = {}
        self.slots: list[_Slot] = []
        self.slot_of: dict[int, int] = {}
        for si in sorted({si for opts in usable for si in opts}):
            s = sessions[si]
            key = (s.week_start, s.week_end, s.mode)
            if key not in slot_index:
                slot_index[key] = len(self.slots)
                self.slots.append(_Slot(s.week_start, s.week_end, s.mode, []))
            self.slots[slot_index[key]].rooms.append(si)
            self.slot_of[si] = slot_index[key]
        order = sorted(range(len(self.slots)), key=lambda g: (self.slots[g].start, g))
        rank = {g: k for k, g in enumerate(order)}
        self.slots = [self.slots[g] for g in order]
        self.slot_of = {si: rank[g] for si, g in self.slot_of.items()}

        self.y: dict[tuple[int, int], cp_model.IntVar] = {}
        self.x: dict[tuple[int, int], cp_model.IntVar] = {}
        self.generic: dict[int, list[int]] = {}
        self.generic_pairs: set[tuple[int, int]] = set()
        self.options: list[list[int]] = []
        for pi, p in enumerate(problem.participants):
            ties = {problem.session_index[sid] for sid in p.pinned + p.excluded}
            ties |= {problem.session_index[sid] for sid in problem.current.get(p.id, ())}
            rooms_by_slot: dict[int, list[int]] = {}
            for si in usable[pi]:
                rooms_by_slot.setdefault(self.slot_of[si], []).append(si)
            self.options.append(sorted(rooms_by_slot))
            for g, rooms in sorted(rooms_by_slot.items()):
                y = self.y[pi, g] = m.new_bool_var(f"y_{pi}_{g}")
                slot_rooms = self.slots[g].rooms
                if rooms == slot_rooms and not ties & set(slot_rooms):
                    self.generic.setdefault(g, []).append(pi)
                    self.generic_pairs.add((pi, g))
                    continue
                for si in rooms:
                    self.x[pi, si] = m.new_bool_var(f"x_{pi}_{si}")
                m.add(sum(self.x[pi, si] for si in rooms) == y)
            for si in analysis.pinned[pi]:
                m.add(self.x[pi, si] == 1)

        self.count: dict[int, cp_model.IntVar] = {}
        for g, people in sorted(self.generic.items()):
            for si in self.slots[g].rooms:
                self.count[si] = m.new_int_var(0, sessions[si].capacity, f"generic_{si}")
            m.add(
                sum(self.count[si] for si in self.slots[g].rooms)
                == sum(self.y[pi, g] for pi in people)
            )
        self.members: dict[int, list[int]] = {}
        for pi, si in self.x:
            self.members.setdefault(si, []).append(pi)
        self.size: dict[int, cp_model.LinearExprT] = {}
        self.run: dict[int, cp_model.IntVar] = {}
        for si in sorted(set(self.members) | set(self.count)):
            s = sessions[si]
            size = cp_model.LinearExpr.sum([self.x[pi, si] for pi in self.members.get(si, [])])
            if si in self.count:
                size += self.count[si]
            self.size[si] = size
            run = self.run[si] = m.new_bool_var(f"run_{si}")
            m.add(size <= s.capacity * run)
            m.add(size >= run)
            if analysis.pin_count[si]:
                m.add(run == 1)
            if s.min_size > 1:
                m.add(size >= s.min_size * run)
            for pi in self.members.get(si, []):
                m.add_implication(self.x[pi, si], run)
        for g, people in sorted(self.generic.items()):
            # Someone in the slot means some room of it runs (what x <= run says per room).
            rooms_running = sum(self.run[si] for si in self.slots[g].rooms)
            for pi in people:
                m.add(self.y[pi, g] <= rooms_running)
        self._participant_overlaps()
        self._individuals()
        self._staff_overlaps()
        self._days()
        self.objectives = self._objectives()
        self.units = level_units(problem)

    def _slot_spans(self, pi: int) -> list[tuple[int, int, cp_model.IntVar]]:
        return [(self.slots[g].start, self.slots[g].end, self.y[pi, g]) for g in self.options[pi]]

    def _participant_overlaps(self) -> None:
        for pi in range(len(self.problem.participants)):
            for group in _maximal_groups(self._slot_spans(pi)):
                self.m.add_at_most_one(group)

    def _individuals(self) -> None:
        """Optional interval per individual, per-day literals, no overlap with own sessions."""
        m, problem = self.m, self.problem
        self.placed: dict[int, cp_model.IntVar] = {}
        self.slot: dict[int, cp_model.IntVar] = {}
        self.interval: dict[int, cp_model.IntervalVar] = {}
        self.ind_day: dict[tuple[int, int], cp_model.IntVar] = {}
        for pi, p in enumerate(problem.participants):
            starts = self.analysis.individual_starts[pi]
            if p.individual is None or not starts:
                continue
            length = p.one_to_one.minutes
            placed = self.placed[pi] = m.new_bool_var(f"placed_{pi}")
            slot = self.slot[pi] = m.new_int_var_from_domain(
                cp_model.Domain.from_values([c // GRID_MINUTES for c in starts]), f"slot_{pi}"
            )
            self.interval[pi] = m.new_optional_fixed_size_interval_var(
                GRID_MINUTES * slot, length, placed, f"ind_{pi}"
            )
            by_day: dict[int, list[int]] = {}
            for c in starts:
                by_day.setdefault(c // MINUTES_PER_DAY, []).append(c)
            spans_by_day: dict[int, list[tuple[int, int, cp_model.IntVar]]] = {}
            for span in self._slot_spans(pi):
                spans_by_day.setdefault(span[0] // MINUTES_PER_DAY, []).append(span)
            for day, day_starts in by_day.items():
                if len(by_day) == 1:
                    lit = placed
                else:
                    lit = m.new_bool_var(f"ind_day_{pi}_{day}")
                    m.add_linear_expression_in_domain(
                        slot, cp_model.Domain.from_values([c // GRID_MINUTES for c in day_starts])
                    ).only_enforce_if(lit)
                self.ind_day[pi, day] = lit
                for start, end, y in spans_by_day.get(day, []):
                    # Starts are sorted, so the clashing ones form one contiguous run.
                    lo = bisect_left(day_starts, start - length + 1)
                    hi = bisect_left(day_starts, end)
                    if lo >= hi:
                        continue
                    allowed = day_starts[:lo] + day_starts[hi:]
                    if allowed:
                        m.add_linear_expression_in_domain(
                            slot, cp_model.Domain.from_values([c // GRID_MINUTES for c in allowed])
                        ).only_enforce_if([y, lit])
                    else:
                        m.add_bool_or([y.Not(), lit.Not()])
            if len(by_day) > 1:
                m.add(sum(self.ind_day[pi, d] for d in by_day) == placed)

    def _staff_overlaps(self) -> None:
        """A staff member does one thing at a time: running sessions and individuals."""
        m, problem, sessions = self.m, self.problem, self.problem.sessions
        by_staff: dict[str, list[int]] = {}
        for si in self.run:
            for t in sessions[si].staff:
                by_staff.setdefault(t, []).append(si)
        individuals: dict[str, list[int]] = {}
        for pi in self.placed:
            individuals.setdefault(problem.participants[pi].one_to_one.staff, []).append(pi)
        for t in sorted(set(by_staff) | set(individuals)):
            own = by_staff.get(t, [])
            spans = [(sessions[si].week_start, sessions[si].week_end, self.run[si]) for si in own]
            for group in _maximal_groups(spans):
                m.add_at_most_one(group)
            people = individuals.get(t, [])
            if not people:
                continue
            reach = sorted(
                {
                    (c, c + problem.participants[pi].one_to_one.minutes)
                    for pi in people
                    for c in self.analysis.individual_starts[pi]
                }
            )
            intervals = [self.interval[pi] for pi in people]
            for si in own:
                s = sessions[si]
                if any(overlaps(a, b, s.week_start, s.week_end) for a, b in reach):
                    intervals.append(
                        m.new_optional_fixed_size_interval_var(
                            s.week_start, s.minutes, self.run[si], f"staff_{t}_{si}"
                        )
                    )
            if len(intervals) > 1:
                m.add_no_overlap(intervals)

    def _days(self) -> None:
        """At most max_days distinct days with any session, individual included."""
        m = self.m
        self.attend: dict[tuple[int, int], cp_model.IntVar] = {}
        for pi, p in enumerate(self.problem.participants):
            spans: dict[int, list[tuple[int, int, cp_model.IntVar]]] = {}
            for span in self._slot_spans(pi):
                spans.setdefault(span[0] // MINUTES_PER_DAY, []).append(span)
            individual_days = {day: lit for (qi, day), lit in self.ind_day.items() if qi == pi}
            days = sorted(set(spans) | set(individual_days))
            if len(days) <= p.max_days:
                continue
            for day in days:
                att = self.attend[pi, day] = m.new_bool_var(f"attend_{pi}_{day}")
                for group in _maximal_groups(spans.get(day, []), smallest=1):
                    m.add(att >= sum(group))
                if day in individual_days:
                    m.add_implication(individual_days[day], att)
            m.add(sum(self.attend[pi, d] for d in days) <= p.max_days)

    def _objectives(self) -> dict[str, cp_model.LinearExpr]:
        m, problem, sessions = self.m, self.problem, self.problem.sessions
        self.full: dict[int, cp_model.IntVar] = {}
        self.short: dict[int, cp_model.IntVar] = {}
        full_terms: list[cp_model.LinearExprT] = []
        short_terms: list[cp_model.LinearExprT] = []
        changes: list[cp_model.LinearExprT] = []
        for pi, p in enumerate(problem.participants):
            need = p.required_minutes
            slots = [self.slots[g] for g in self.options[pi]]
            attended = [self.y[pi, g] for g in self.options[pi]]
            minutes = sum((s.end - s.start) * y for s, y in zip(slots, attended, strict=True))
            if pi in self.placed:
                minutes += p.one_to_one.minutes * self.placed[pi]
            reach = self.analysis.runnable_minutes[pi]
            if need == 0:
                full_terms.append(1)
            else:
                short = self.short[pi] = m.new_int_var(max(0, need - reach), need, f"short_{pi}")
                m.add(short >= need - minutes)
                short_terms.append(short)
                if reach >= need:
                    full = self.full[pi] = m.new_bool_var(f"full_{pi}")
                    m.add(minutes >= need).only_enforce_if(full)
                    m.add(short + need * full <= need)
                    # Sessions come whole: spell out the count that full dose implies, which
                    # the LP relaxation would otherwise meet with fractions of sessions.
                    longest = max((s.end - s.start for s in slots), default=0)
                    if longest:
                        bonus = p.one_to_one.minutes if pi in self.placed else 0
                        m.add(sum(attended) >= -(-(need - bonus) // longest) * full)
                    full_terms.append(full)
            if p.id in problem.current:
                current = {problem.session_index[s] for s in problem.current[p.id]}
                changes.append(len(current))
                for g in self.options[pi]:
                    if (pi, g) in self.generic_pairs:
                        changes.append(self.y[pi, g])
                        continue
                    changes.extend(
                        -self.x[pi, si] if si in current else self.x[pi, si]
                        for si in self.slots[g].rooms
                        if (pi, si) in self.x
                    )
        self.scale = balance_scale(problem)
        self.balance: dict[int, cp_model.IntVar] = {}
        for si, size in self.size.items():
            s = sessions[si]
            cost = [balance_cost(k, s.capacity, self.scale) for k in range(s.capacity + 1)]
            var = self.balance[si] = m.new_int_var(0, cost[-1], f"balance_{si}")
            # Lower convex envelope of the feasible sizes {0} ∪ [lowest, capacity]: the chord
            # from empty to the smallest running size, then one tangent per unit step.
            lowest = max(1, s.min_size)
            m.add(lowest * var >= cost[lowest] * size)
            for k in range(lowest, s.capacity):
                slope = cost[k + 1] - cost[k]
                m.add(var >= slope * size - slope * k + cost[k])
        travel_terms: list[cp_model.LinearExprT] = []
        self.travel: dict[tuple[int, int], cp_model.IntVar] = {}
        for pi in range(len(problem.participants)):
            by_day: dict[int, list[tuple[int, int, cp_model.IntVar]]] = {}
            for g in self.options[pi]:
                slot = self.slots[g]
                if slot.mode == "in_person":
                    by_day.setdefault(slot.day, []).append((slot.start, slot.end, self.y[pi, g]))
            for day in sorted(by_day):
                groups = _maximal_groups(by_day[day], smallest=1)
                if len(groups) == 1:
                    travel_terms.append(sum(groups[0]))
                    continue
                trav = self.travel[pi, day] = m.new_bool_var(f"travel_{pi}_{day}")
                for group in groups:
                    m.add(trav >= sum(group))
                travel_terms.append(trav)
        self.travel_terms = len(travel_terms)
        # Bounds that need no search: who can reach full dose, minutes nobody can add,
        # individuals that have some slot at all; zero for the rest.
        self.static_bounds = {name: 0 for name, _ in LEVELS}
        self.static_bounds["full_dose"] = sum(
            1 if not isinstance(t, int) else t for t in full_terms
        )
        self.static_bounds["shortfall"] = sum(
            max(0, p.required_minutes - self.analysis.runnable_minutes[pi])
            for pi, p in enumerate(problem.participants)
        )
        self.static_bounds["individuals"] = len(self.placed)
        total = cp_model.LinearExpr.sum
        return {
            "full_dose": total(full_terms),
            "shortfall": total(short_terms),
            "individuals": total(list(self.placed.values())),
            "changes": total(changes),
            "balance": total(list(self.balance.values())),
            "travel_days": total(travel_terms),
        }

    def hint(self, schedule: Schedule) -> None:
        """Give the solver a complete assignment derived from a valid schedule."""
        m, problem, sessions = self.m, self.problem, self.problem.sessions
        m.clear_hints()  # type: ignore[no-untyped-call]  # unannotated in ortools
        values: dict[cp_model.IntVar, int] = {}
        rooms = [
            {problem.session_index[sid] for sid in schedule[p.id].sessions}
            for p in problem.participants
        ]
        for (pi, g), y in self.y.items():
            values[y] = int(bool(rooms[pi] & set(self.slots[g].rooms)))
        for (pi, si), x in self.x.items():
            values[x] = int(si in rooms[pi])
        counted = dict.fromkeys(self.count, 0)
        for g, people in self.generic.items():
            for pi in people:
                for si in rooms[pi] & set(self.slots[g].rooms):
                    counted[si] += 1
        for si, var in self.count.items():
            values[var] = counted[si]
        sizes = dict.fromkeys(self.run, 0)
        for pi in range(len(problem.participants)):
            for si in rooms[pi]:
                sizes[si] += 1
        for si, run in self.run.items():
            values[run] = int(sizes[si] > 0)
            values[self.balance[si]] = balance_cost(sizes[si], sessions[si].capacity, self.scale)
        for pi, placed in self.placed.items():
            start = schedule[problem.participants[pi].id].individual_start
            values[placed] = int(start is not None)
            first = self.analysis.individual_starts[pi][0]
            values[self.slot[pi]] = (first if start is None else start) // GRID_MINUTES
        for (pi, day), lit in self.ind_day.items():
            start = schedule[problem.participants[pi].id].individual_start
            values[lit] = int(start is not None and start // MINUTES_PER_DAY == day)
        minutes = scheduled_minutes(problem, schedule)
        for pi, short in self.short.items():
            p = problem.participants[pi]
            values[short] = max(0, p.required_minutes - minutes[p.id])
        for pi, full in self.full.items():
            p = problem.participants[pi]
            values[full] = int(minutes[p.id] >= p.required_minutes)
        for (pi, day), att in self.attend.items():
            start = schedule[problem.participants[pi].id].individual_start
            days = {sessions[si].day for si in rooms[pi]}
            if start is not None:
                days.add(start // MINUTES_PER_DAY)
            values[att] = int(day in days)
        for (pi, day), trav in self.travel.items():
            values[trav] = int(
                any(
                    sessions[si].day == day and sessions[si].mode == "in_person" for si in rooms[pi]
                )
            )
        for var, value in values.items():
            m.add_hint(var, value)

    def read(self, solver: cp_model.CpSolver) -> Schedule:
        """The schedule in a solution; generic places go to rooms in participant order."""
        problem, sessions = self.problem, self.problem.sessions
        chosen: list[list[int]] = [[] for _ in problem.participants]
        for (pi, si), x in self.x.items():
            if solver.boolean_value(x):
                chosen[pi].append(si)
        for g, people in sorted(self.generic.items()):
            seats = [si for si in self.slots[g].rooms for _ in range(solver.value(self.count[si]))]
            attending = [pi for pi in people if solver.boolean_value(self.y[pi, g])]
            for pi, si in zip(attending, seats, strict=True):
                chosen[pi].append(si)
        schedule: Schedule = {}
        for pi, p in enumerate(problem.participants):
            start = None
            if pi in self.placed and solver.boolean_value(self.placed[pi]):
                start = solver.value(self.slot[pi]) * GRID_MINUTES
            ordered = sorted(chosen[pi], key=lambda si: (sessions[si].week_start, sessions[si].id))
            schedule[p.id] = Plan(tuple(sessions[si].id for si in ordered), start)
        return schedule


class _Listener(cp_model.CpSolverSolutionCallback):
    """Reports each improving solution of a level and remembers when the first one arrived."""

    def __init__(self, report: Callable[[float, float], None]) -> None:
        super().__init__()
        self.report = report

    def on_solution_callback(self) -> None:
        self.report(self.objective_value, self.best_objective_bound)


def _has_variables(objective: cp_model.LinearExprT) -> bool:
    """Objectives built from no variables are plain ints: nothing to optimise."""
    return not isinstance(objective, int)


def _stage_objective(model: _Model, names: tuple[str, ...]) -> tuple[cp_model.LinearExprT, int]:
    """One objective for the stage, and the weight of its first level.

    A single level is used as is (negated when maximised). The (balance, travel_days) pair
    becomes ``weight * balance + travel_days`` with ``weight`` one more than the largest
    possible travel count, so one unit of balance always outweighs every travel difference.
    """
    if len(names) == 1:
        sense = dict(LEVELS)[names[0]]
        objective = model.objectives[names[0]]
        return (-objective if sense == "max" else objective), 1
    if names != ("balance", "travel_days"):
        raise ValueError(f"no weights defined for stage {names}")
    weight = model.travel_terms + 1
    return weight * model.objectives["balance"] + model.objectives["travel_days"], weight


def _best_start(analysis: Analysis) -> tuple[str, Schedule]:
    """The best of the simple greedy and the constructions, by the whole priority list.

    Every one of them is a valid schedule, and every later step only replaces the incumbent
    with something at least as good, so the result is never below any of them.
    """
    starts = [("greedy", greedy_schedule(analysis))]
    starts += [(name, constructed_schedule(analysis, name)) for name in CONSTRUCTIONS]
    return min(starts, key=lambda start: _rank(analysis.problem, start[1]))


def _rank(problem: Problem, schedule: Schedule) -> tuple[int, ...]:
    """All levels as one tuple where smaller is better (maximised levels negated)."""
    values = level_values(problem, schedule)
    return tuple(-values[name] if sense == "max" else values[name] for name, sense in LEVELS)


def _solve_stage(
    model: _Model,
    names: tuple[str, ...],
    stage: int,
    incumbent: Schedule,
    budget: float,
    workers: int,
    seed: int,
    report: Callable[[float, float], None],
) -> tuple[list[LevelResult], Schedule, bool, bool]:
    """Optimise one stage from the incumbent, then freeze its levels at the values reached.

    Returns the level reports, the new incumbent, whether CP-SAT produced a solution and whether
    the incumbent is now CP-SAT's.
    Values are recomputed from the schedule itself, so the frozen constraints are always met by
    the hint of the next stage.
    """
    m = model.m
    started = perf_counter()
    objective, weight = _stage_objective(model, names)
    solver = cp_model.CpSolver()
    status = cp_model.UNKNOWN
    if budget >= MIN_STAGE_SECONDS:
        model.hint(incumbent)
        m.minimize(objective)
        solver.parameters.max_time_in_seconds = budget
        solver.parameters.num_workers = 1 if stage in SINGLE_THREAD_STAGES else workers
        solver.parameters.random_seed = seed
        solver.parameters.linearization_level = STAGE_LINEARIZATION[stage]
        solver.parameters.cp_model_presolve = STAGE_PRESOLVE[stage] and (
            len(m.proto.variables) <= PRESOLVE_MAX_VARIABLES
        )
        status = solver.solve(m, _Listener(report))
    if status in (cp_model.INFEASIBLE, cp_model.MODEL_INVALID):
        raise RuntimeError(
            f"CP-SAT reports {solver.status_name(status)} for {names}, "
            "although the hinted schedule is valid"
        )
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    taken = False
    if found:
        candidate = model.read(solver)
        # Both meet every frozen level; keep the new one only if it is better on the whole
        # priority list, so a stage that merely ties never hands worse lower levels onward.
        if _rank(model.problem, candidate) <= _rank(model.problem, incumbent):
            incumbent, taken = candidate, True
    values = level_values(model.problem, incumbent)
    optimal = status == cp_model.OPTIMAL
    seconds = perf_counter() - started
    levels = []
    for k, name in enumerate(names):
        sense = dict(LEVELS)[name]
        value = values[name]
        bound: int | None = value if optimal else None
        if found and not optimal and k == 0:
            # The lower levels add at most weight - 1, so this bounds the first level.
            raw = math.ceil((solver.best_objective_bound - (weight - 1)) / weight - 1e-9)
            bound = -raw if sense == "max" else raw
        static = model.static_bounds[name]
        if sense == "max":
            bound = static if bound is None else min(bound, static)
        elif k == 0 or optimal:
            bound = static if bound is None else max(bound, static)
        level_optimal = optimal or bound == value
        m.add(
            model.objectives[name] >= value if sense == "max" else model.objectives[name] <= value
        )
        levels.append(
            LevelResult(name, sense, value, bound, level_optimal, seconds, model.units[name])
        )
    return levels, incumbent, found, taken


def solve(
    problem: Problem,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    workers: int = DEFAULT_WORKERS,
    seed: int = DEFAULT_SEED,
    progress: ProgressCallback | None = None,
) -> Result:
    """Schedule everyone, optimising the levels of :data:`schedule.LEVELS` in strict priority.

    Returns within about ``time_limit`` seconds. Status "optimal" means every level was proven
    optimal; "feasible" means a valid schedule whose ``gap`` bounds how many more participants
    could reach full dose; "infeasible" means the pins cannot all be honoured
    (``infeasible_reasons`` says which). ``progress`` is called from the solver's thread.
    """
    started = perf_counter()
    settings = {"time_limit": time_limit, "workers": workers, "seed": seed}

    def tell(fraction: float, phase: str, message: str) -> None:
        if progress is not None:
            progress(Progress(min(1.0, max(0.0, fraction)), phase, message))

    tell(0.0, "analysis", "checking availability and pins")
    analysis = Analysis(problem)
    if analysis.pin_errors:
        tell(1.0, "done", "infeasible: some pins cannot be honoured")
        return infeasible_result(analysis, analysis.pin_errors, perf_counter() - started, settings)
    start_method, start_schedule = _best_start(analysis)
    incumbent = start_schedule
    tell(0.02, "model", f"{start_method} schedule ready; building the model")
    model = _Model(analysis)
    deadline = started + time_limit * (1 - SETUP_SHARE)
    to_solve = [
        k
        for k, names in enumerate(STAGES)
        if any(_has_variables(model.objectives[name]) for name in names)
    ]
    total_weight = sum(STAGE_WEIGHTS[k] for k in to_solve) or 1
    weight_done = 0
    first_feasible: list[float] = []
    method = start_method
    levels: list[LevelResult] = []
    for k, names in enumerate(STAGES):
        if k not in to_solve:
            values = level_values(problem, incumbent)
            levels.extend(
                LevelResult(
                    name,
                    dict(LEVELS)[name],
                    values[name],
                    values[name],
                    True,
                    0.0,
                    model.units[name],
                )
                for name in names
            )
            continue
        phase = names[0]
        weight = STAGE_WEIGHTS[k]
        left = max(0.0, deadline - perf_counter())
        if k == to_solve[0] and len(to_solve) > 1:
            budget = left * FIRST_STAGE_SHARE
        else:
            budget = left * weight / (total_weight - weight_done)
        base = 0.05 + 0.9 * weight_done / total_weight
        share = 0.9 * weight / total_weight
        weight_done += weight
        stage_started = perf_counter()

        def report(
            value: float,
            bound: float,
            phase: str = phase,
            base: float = base,
            share: float = share,
            budget: float = budget,
            stage_started: float = stage_started,
        ) -> None:
            if not first_feasible:
                first_feasible.append(perf_counter() - started)
            done = min(1.0, (perf_counter() - stage_started) / budget) if budget else 1.0
            tell(base + share * done, phase, f"{phase}: best {value:g}, bound {bound:g}")

        stage_levels, incumbent, _, taken = _solve_stage(
            model, names, k, incumbent, budget, workers, seed, report
        )
        if taken:
            method = "cp-sat"
        levels.extend(stage_levels)
        proven = " (optimal)" if stage_levels[0].optimal else ""
        summary = ", ".join(f"{lv.name} {lv.natural(lv.value):g}" for lv in stage_levels)
        tell(base + share, phase, summary + proven)
    status = "optimal" if all(level.optimal for level in levels) else "feasible"
    result = build_result(
        problem,
        analysis,
        incumbent,
        status=status,
        levels=tuple(levels),
        solve_seconds=perf_counter() - started,
        first_feasible_seconds=first_feasible[0] if first_feasible else None,
        method=method,
        started_from=(start_method, level_values(problem, start_schedule)["full_dose"]),
        settings=settings,
    )
    tell(1.0, "done", f"{status}: {result.full_dose} participants at full dose")
    return result
