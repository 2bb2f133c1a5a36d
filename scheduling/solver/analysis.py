"""Facts about a problem that need no search: who can attend what, where individuals fit,
which pins are impossible, and an exact per-participant upper bound on reachable minutes.

The CP-SAT model, the greedy baseline and the reasons all start from these facts, so the three
agree on what "compatible" means.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from ortools.sat.python import cp_model

from .problem import (
    DAY_NAMES,
    GRID_MINUTES,
    MINUTES_PER_DAY,
    Participant,
    Problem,
    Session,
    covered,
)

PINNED_FILL_SECONDS = 30.0
"""Ample for the small model that fills pinned groups: it holds only those groups' candidates."""
MODE_WORDS = {"in_person": "in person", "virtual": "virtually"}
SESSION_MODE_WORDS = {"in_person": "in-person", "virtual": "virtual"}


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def unavailable_staff(problem: Problem, session: Session) -> tuple[str, ...]:
    """Staff of the session whose availability does not cover its whole span."""
    return tuple(
        t
        for t in session.staff
        if not covered(problem.staff_by_id[t].availability, session.week_start, session.week_end)
    )


def incompatibilities(problem: Problem, p: Participant, session: Session) -> tuple[str, ...]:
    """Every reason the participant can never attend the session, as codes (empty if they can)."""
    reasons = []
    if session.id in p.excluded:
        reasons.append("excluded")
    if not covered(p.availability, session.week_start, session.week_end):
        reasons.append("availability")
    if not p.accepts_mode(session.mode):
        reasons.append("mode")
    if unavailable_staff(problem, session):
        reasons.append("staff")
    return tuple(reasons)


def incompatibility(problem: Problem, p: Participant, session: Session) -> str | None:
    """The first reason the participant can never attend the session, or None if they can."""
    reasons = incompatibilities(problem, p, session)
    return reasons[0] if reasons else None


def individual_starts(problem: Problem, p: Participant) -> tuple[int, ...]:
    """Week minutes on the 15-minute grid where the individual fits both calendars."""
    if p.individual is None:
        return ()
    length = p.one_to_one.minutes
    starts: list[int] = []
    for w in p.availability:
        for v in problem.staff_by_id[p.one_to_one.staff].availability:
            if v.day != w.day:
                continue
            lo, hi = max(w.week_start, v.week_start), min(w.week_end, v.week_end)
            first = -(-lo // GRID_MINUTES) * GRID_MINUTES
            starts.extend(range(first, hi - length + 1, GRID_MINUTES))
    return tuple(sorted(starts))


def _grid_up(minute: int) -> int:
    return -(-minute // GRID_MINUTES) * GRID_MINUTES


def left_justified_starts(
    problem: Problem, options: Sequence[Sequence[int]]
) -> list[tuple[int, ...]]:
    """Individual starts that cannot slide 15 minutes earlier, per participant.

    Sliding an individual earlier changes no objective, and it stays valid unless something ends
    within the 15 minutes before it: the start of a shared window, the end of a group session of
    the participant or of the clinician, or the end of another individual of that clinician.
    Sliding every individual as far as it goes therefore turns any schedule into an equally good
    one whose starts all lie in this set: grid-rounded anchors, closed under chaining individuals
    of one clinician back to back. It keeps about a third of the grid and loses no optimum.
    """
    sessions = problem.sessions
    staff_ends: dict[str, set[int]] = {}
    for s in sessions:
        for t in s.staff:
            staff_ends.setdefault(t, set()).add(_grid_up(s.week_end))
    valid: dict[int, set[int]] = {}
    chosen: dict[int, set[int]] = {}
    caseload: dict[str, list[int]] = {}
    for pi, p in enumerate(problem.participants):
        if p.individual is None:
            continue
        t = p.one_to_one.staff
        valid[pi] = set(individual_starts(problem, p))
        anchors = {_grid_up(sessions[si].week_end) for si in options[pi]} | staff_ends.get(t, set())
        for w in p.availability:
            for v in problem.staff_by_id[t].availability:
                if v.day == w.day:
                    anchors.add(_grid_up(max(w.week_start, v.week_start)))
        chosen[pi] = anchors & valid[pi]
        caseload.setdefault(t, []).append(pi)
    for people in caseload.values():
        frontier = {pi: set(chosen[pi]) for pi in people}
        while any(frontier.values()):
            ends = {
                _grid_up(c + problem.participants[q].one_to_one.minutes)
                for q in people
                for c in frontier[q]
            }
            frontier = {pi: (ends & valid[pi]) - chosen[pi] for pi in people}
            for pi in people:
                chosen[pi] |= frontier[pi]
    return [tuple(sorted(chosen.get(pi, ()))) for pi in range(len(problem.participants))]


@dataclass(frozen=True, slots=True)
class Span:
    """A candidate activity for the per-participant bound: week span and minutes it earns."""

    start: int
    end: int

    @property
    def day(self) -> int:
        return self.start // MINUTES_PER_DAY

    @property
    def minutes(self) -> int:
        return self.end - self.start


def _best_disjoint(spans: Sequence[Span]) -> int:
    """Weighted interval scheduling: the most minutes from pairwise non-overlapping spans."""
    ordered = sorted(spans, key=lambda s: (s.end, s.start))
    ends = [s.end for s in ordered]
    best = [0] * (len(ordered) + 1)
    for i, span in enumerate(ordered):
        fits_after = bisect_right(ends, span.start, 0, i)
        best[i + 1] = max(best[i], best[fits_after] + span.minutes)
    return best[-1]


def max_minutes(
    spans: Iterable[Span],
    forced: Iterable[Span],
    individual: Iterable[Span],
    max_days: int,
) -> int | None:
    """Exact maximum of minutes one participant can collect, ignoring everyone else.

    Chooses non-overlapping ``spans`` (all of ``forced`` included) plus at most one of the
    ``individual`` assignments, on at most ``max_days`` distinct days. Returns None when the forced
    spans alone are impossible. Exact because days are independent apart from the day count and the
    single individual: solve each day with and without the individual, then combine days by DP.
    """
    by_day: dict[int, list[Span]] = {}
    forced_by_day: dict[int, list[Span]] = {}
    ind_by_day: dict[int, list[Span]] = {}
    for target, items in ((by_day, spans), (forced_by_day, forced), (ind_by_day, individual)):
        # Parallel rooms of one time slot are the same span; one copy gives the same maximum.
        for span in sorted(set(items), key=lambda sp: (sp.start, sp.end)):
            target.setdefault(span.day, []).append(span)
    day_values: list[tuple[bool, int, int | None]] = []  # (must attend, without ind, with ind)
    for day in sorted(set(by_day) | set(forced_by_day) | set(ind_by_day)):
        pins = forced_by_day.get(day, [])
        if any(overlaps(a.start, a.end, b.start, b.end) for a in pins for b in pins if a != b):
            return None
        pinned_minutes = sum(s.minutes for s in set(pins))
        free = [
            s
            for s in by_day.get(day, [])
            if not any(overlaps(s.start, s.end, f.start, f.end) for f in pins)
        ]
        without = pinned_minutes + _best_disjoint(free)
        with_ind: int | None = None
        memo: dict[tuple[int, ...], int] = {}
        for ind in ind_by_day.get(day, []):
            if any(overlaps(ind.start, ind.end, f.start, f.end) for f in pins):
                continue
            blocked = tuple(
                i for i, s in enumerate(free) if overlaps(ind.start, ind.end, s.start, s.end)
            )
            if blocked not in memo:
                memo[blocked] = _best_disjoint(
                    [s for i, s in enumerate(free) if i not in set(blocked)]
                )
            value = pinned_minutes + ind.minutes + memo[blocked]
            with_ind = value if with_ind is None else max(with_ind, value)
        day_values.append((bool(pins), without, with_ind))
    # best[d][used_individual] = most minutes using d days so far; None = unreachable.
    limit = min(max_days, len(day_values))
    best: list[list[int | None]] = [[None, None] for _ in range(limit + 1)]
    best[0][0] = 0
    for must, without, with_ind in day_values:
        nxt: list[list[int | None]] = [[None, None] for _ in range(limit + 1)]
        for d in range(limit + 1):
            for used in (0, 1):
                reached = best[d][used]
                if reached is None:
                    continue
                options = [] if must else [(d, used, reached)]
                if d < limit:
                    options.append((d + 1, used, reached + without))
                    if with_ind is not None and not used:
                        options.append((d + 1, 1, reached + with_ind))
                for nd, nu, nv in options:
                    current = nxt[nd][nu]
                    if current is None or nv > current:
                        nxt[nd][nu] = nv
        best = nxt
    values = [v for row in best for v in row if v is not None]
    return max(values) if values else None


class Analysis:
    """Static facts about one problem, computed once and shared by model, greedy and reasons."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        sessions = problem.sessions
        self.unstaffed = {
            i: missing for i, s in enumerate(sessions) if (missing := unavailable_staff(problem, s))
        }
        self.options: list[tuple[int, ...]] = []
        self.individual_starts: list[tuple[int, ...]] = []
        self.pinned: list[tuple[int, ...]] = []
        by_time = sorted(range(len(sessions)), key=lambda i: (sessions[i].week_start, i))
        staffed = [i for i in by_time if i not in self.unstaffed]
        for p in problem.participants:
            # Same test as incompatibility(), ordered cheapest first: this loop is the hot spot.
            excluded = {problem.session_index[sid] for sid in p.excluded}
            compatible = tuple(
                i
                for i in staffed
                if p.accepts_mode(sessions[i].mode)
                and i not in excluded
                and covered(p.availability, sessions[i].week_start, sessions[i].week_end)
            )
            self.options.append(compatible)
            self.pinned.append(tuple(problem.session_index[s] for s in p.pinned))
        self.individual_starts = left_justified_starts(problem, self.options)
        self.attendable: list[list[int]] = [[] for _ in sessions]
        for pi, opts in enumerate(self.options):
            for si in opts:
                self.attendable[si].append(pi)
        self.pin_count = [0] * len(sessions)
        for pins in self.pinned:
            for si in pins:
                self.pin_count[si] += 1

    @cached_property
    def never_runs(self) -> frozenset[int]:
        """Sessions that cannot run: unstaffed, or too few possible attendees and no pin."""
        return frozenset(
            i
            for i, s in enumerate(self.problem.sessions)
            if i in self.unstaffed
            or (self.pin_count[i] == 0 and len(self.attendable[i]) < max(s.min_size, 1))
        )

    @cached_property
    def pin_errors(self) -> list[str]:
        """Every pin that no schedule can honour, in plain words (empty when pins are fine)."""
        problem, sessions = self.problem, self.problem.sessions
        errors: list[str] = []
        for p, pins in zip(problem.participants, self.pinned, strict=True):
            for si in pins:
                s = sessions[si]
                why = incompatibility(problem, p, s)
                where = (
                    f'participant "{p.id}" is pinned to session "{s.id}" ({s.describe()}), which'
                )
                if why == "availability":
                    errors.append(f"{where} lies outside their availability")
                elif why == "mode":
                    errors.append(
                        f"{where} is {SESSION_MODE_WORDS[s.mode]} "
                        f"but they attend {MODE_WORDS[p.mode]} only"
                    )
                elif why == "staff":
                    names = ", ".join(f'"{t}"' for t in self.unstaffed[si])
                    errors.append(
                        f"{where} cannot run because staff {names} are not available then"
                    )
            for a, b in _overlapping_pairs([sessions[i] for i in pins]):
                errors.append(
                    f'participant "{p.id}" is pinned to sessions "{a.id}" and "{b.id}", which overlap'
                )
            days = {sessions[i].day for i in pins}
            if len(days) > p.max_days:
                errors.append(
                    f'participant "{p.id}" is pinned to sessions on {len(days)} days '
                    f"but may attend at most {p.max_days} days a week"
                )
        for i, s in enumerate(sessions):
            if self.pin_count[i] > s.capacity:
                errors.append(
                    f'session "{s.id}" has {self.pin_count[i]} pinned participants '
                    f"but a capacity of {s.capacity}"
                )
        pinned_sessions = [s for i, s in enumerate(sessions) if self.pin_count[i]]
        for a, b in _overlapping_pairs(pinned_sessions):
            for t in sorted(set(a.staff) & set(b.staff)):
                errors.append(
                    f'sessions "{a.id}" and "{b.id}" both hold pins and overlap, '
                    f'but both need staff "{t}"'
                )
        if not errors:
            errors.extend(self._pinned_minimum_errors())
        return errors

    @cached_property
    def pinned_fill(self) -> tuple[tuple[int, int], ...]:
        """(participant, session) places that bring every pinned group up to its minimum size.

        A pinned group must run, and a running group holds at least ``min_size`` people, so some
        participants who are not pinned there have to join it. Found once, before any search, by
        a small exact model over the pinned groups alone: nothing else has to run, so a schedule
        exists exactly when this model has a solution. Empty when pins alone reach the minimums
        (or when the pins are impossible; see :attr:`pin_errors`).
        """
        return self._pinned_fill_model[0]

    def _short_pinned_groups(self) -> list[int]:
        sessions = self.problem.sessions
        return [
            si
            for si, s in enumerate(sessions)
            if 0 < self.pin_count[si] < s.min_size and si not in self.unstaffed
        ]

    def _pinned_minimum_errors(self) -> list[str]:
        sessions = self.problem.sessions
        errors = []
        for si in self._short_pinned_groups():
            s = sessions[si]
            if len(self.attendable[si]) < s.min_size:
                errors.append(
                    f'session "{s.id}" ({s.describe()}) holds pins, so it must run with at least '
                    f"{s.min_size} participants, but only {len(self.attendable[si])} can attend it"
                )
        if errors:
            return errors
        _, status = self._pinned_fill_model
        if status == "filled":
            return []
        names = ", ".join(f'"{sessions[si].id}"' for si in self._short_pinned_groups())
        if status == "impossible":
            return [
                f"the pinned sessions {names} cannot all reach their minimum group size: too few "
                "of the participants who could join them are free at those times and within "
                "their day limits"
            ]
        return [
            f"no way was found within {PINNED_FILL_SECONDS:g} s to bring the pinned sessions "
            f"{names} up to their minimum group size; remove or move some of those pins"
        ]

    @cached_property
    def _pinned_fill_model(self) -> tuple[tuple[tuple[int, int], ...], str]:
        """The fill of short pinned groups (see :attr:`pinned_fill`) and "filled", "impossible"
        (proven) or "unknown" (the small model ran out of time)."""
        sessions = self.problem.sessions
        short = self._short_pinned_groups()
        if not short:
            return (), "filled"
        pinned_sessions = [si for si, count in enumerate(self.pin_count) if count]
        m = cp_model.CpModel()
        join: dict[tuple[int, int], cp_model.IntVar] = {}
        for si in short:
            for pi in self.attendable[si]:
                if si not in self.pinned[pi]:
                    join[pi, si] = m.new_bool_var(f"join_{pi}_{si}")
        for si in short:
            s = sessions[si]
            joined = sum(join[pi, s2] for (pi, s2) in join if s2 == si)
            m.add(joined + self.pin_count[si] >= s.min_size)
            m.add(joined + self.pin_count[si] <= s.capacity)
        for pi, p in enumerate(self.problem.participants):
            mine = [si for si in short if (pi, si) in join]
            if not mine:
                continue
            fixed = [si for si in self.pinned[pi] if si in pinned_sessions]
            chosen = [(si, join[pi, si]) for si in mine] + [(si, 1) for si in fixed]
            for k, (a, lit_a) in enumerate(chosen):
                for b, lit_b in chosen[k + 1 :]:
                    sa, sb = sessions[a], sessions[b]
                    if overlaps(sa.week_start, sa.week_end, sb.week_start, sb.week_end):
                        m.add(lit_a + lit_b <= 1)
            pinned_days = {sessions[si].day for si in fixed}
            extra_days: dict[int, list[cp_model.IntVar]] = {}
            for si in mine:
                if sessions[si].day not in pinned_days:
                    extra_days.setdefault(sessions[si].day, []).append(join[pi, si])
            if len(pinned_days) + len(extra_days) > p.max_days:
                used = []
                for day, lits in sorted(extra_days.items()):
                    on = m.new_bool_var(f"day_{pi}_{day}")
                    for lit in lits:
                        m.add_implication(lit, on)
                    used.append(on)
                m.add(sum(used) + len(pinned_days) <= p.max_days)
        # Prefer the people with the most options: they lose least by giving up a slot.
        m.minimize(
            sum((1 + 1000 // (1 + len(self.options[pi]))) * v for (pi, _), v in join.items())
        )
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = 0
        solver.parameters.max_time_in_seconds = PINNED_FILL_SECONDS
        status = solver.solve(m)
        if status == cp_model.INFEASIBLE:
            return (), "impossible"
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return (), "unknown"
        fill = tuple(sorted(key for key, v in join.items() if solver.boolean_value(v)))
        return fill, "filled"

    def participant_spans(
        self,
        pi: int,
        *,
        sessions: Iterable[int] | None = None,
        forced: bool = True,
        individual: bool = True,
    ) -> tuple[list[Span], list[Span], list[Span]]:
        """The spans :func:`max_minutes` needs for participant ``pi`` (by default: their options)."""
        problem = self.problem
        chosen = self.options[pi] if sessions is None else sessions
        spans = [Span(problem.sessions[i].week_start, problem.sessions[i].week_end) for i in chosen]
        pins = (
            [
                Span(problem.sessions[i].week_start, problem.sessions[i].week_end)
                for i in self.pinned[pi]
            ]
            if forced
            else []
        )
        ind = problem.participants[pi].individual
        inds = (
            [Span(c, c + ind.minutes) for c in self.individual_starts[pi]]
            if ind is not None and individual
            else []
        )
        return spans, pins, inds

    @cached_property
    def availability_minutes(self) -> list[int]:
        """Per participant, the most minutes their own constraints allow (capacity ignored).

        Zero when one of their pins is impossible: then no schedule exists at all.
        """
        out = []
        for pi, p in enumerate(self.problem.participants):
            possible = set(self.pinned[pi]) <= set(self.options[pi])
            out.append((possible and max_minutes(*self.participant_spans(pi), p.max_days)) or 0)
        return out

    @cached_property
    def runnable_minutes(self) -> list[int]:
        """Like :attr:`availability_minutes` but without sessions that can never run."""
        out = []
        for pi, p in enumerate(self.problem.participants):
            usable = [i for i in self.options[pi] if i not in self.never_runs]
            if len(usable) == len(self.options[pi]):
                out.append(self.availability_minutes[pi])
                continue
            possible = set(self.pinned[pi]) <= set(usable)
            spans = self.participant_spans(pi, sessions=usable)
            out.append((possible and max_minutes(*spans, p.max_days)) or 0)
        return out

    def availability_allows_full_dose(self, pi: int) -> bool:
        return self.availability_minutes[pi] >= self.problem.participants[pi].required_minutes


def _overlapping_pairs(sessions: Sequence[Session]) -> list[tuple[Session, Session]]:
    ordered = sorted(sessions, key=lambda s: (s.week_start, s.id))
    return [
        (a, b)
        for k, a in enumerate(ordered)
        for b in ordered[k + 1 :]
        if overlaps(a.week_start, a.week_end, b.week_start, b.week_end)
    ]


def day_list(days: Iterable[int]) -> str:
    """Day names in words: Mon / Mon and Wed / Mon, Wed and Fri."""
    names = [DAY_NAMES[d] for d in sorted(set(days))]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
