"""A constructive schedule built for full dose on crowded programs: the solver's main start.

The simple greedy (:mod:`greedy`) seats people one by one until their minutes are met, so early
participants take seats that later ones, with fewer alternatives, needed; and it spends seats on
people who can never reach full dose. On programs where seats are short that loses more than a
third of the achievable full doses. This construction:

1. seats pins and the participants that fill pinned groups to their minimum;
2. takes everyone whose own constraints allow full dose, fewest ways to reach it first, and gives
   each a whole full-dose week or nothing: the cheapest combination of time slots, where a slot
   costs what the people still waiting for it would lose (their demand over its free seats), so
   scarce seats stay with those who have no alternative;
3. repairs groups left below their minimum size by recruiting people who can join, and closes
   and re-plans those that cannot be filled;
4. repairs with local moves: someone still short takes a seat in a full group when one of its
   members can move to another group and keep their own full dose;
5. spends the leftover seats on shortfall and places every individual session it can.

Every step keeps the schedule valid (checked by the same rules as the model), so the result is a
complete hint for CP-SAT and a fallback on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .analysis import Analysis, overlaps
from .problem import MINUTES_PER_DAY
from .schedule import Schedule, schedule_of

MAX_COMBINATIONS_COUNTED = 200
"""Counting a participant's full-dose combinations stops here: past it they are not scarce."""
MAX_SEARCH_NODES = 4000
"""Search nodes per participant when choosing their week; keeps 1,000 participants fast."""
OPEN_COST = 0.25
"""Extra cost of opening an empty room: it still has to gather its minimum size."""
SESSION_COST = 0.05
"""Cost per session used, so that of two equally scarce weeks the one with fewer seats wins."""
REPAIR_ROUNDS = 2


@dataclass(slots=True)
class _Slot:
    """Parallel rooms a participant could attend at one time (same span and mode)."""

    start: int
    end: int
    rooms: tuple[int, ...]

    @property
    def day(self) -> int:
        return self.start // MINUTES_PER_DAY

    @property
    def minutes(self) -> int:
        return self.end - self.start


class _Builder:
    def __init__(self, analysis: Analysis, order: str) -> None:
        self.analysis = analysis
        self.problem = problem = analysis.problem
        self.sessions = problem.sessions
        self.order_kind = order
        n = len(problem.participants)
        self.chosen: list[list[int]] = [[] for _ in range(n)]
        self.individual: list[int | None] = [None] * n
        self.members: list[set[int]] = [set() for _ in self.sessions]
        self.locked: list[set[int]] = [set() for _ in range(n)]
        self.closed: set[int] = set(analysis.never_runs)
        self.staff_sessions: dict[str, list[int]] = {}
        for si, s in enumerate(self.sessions):
            for t in s.staff:
                self.staff_sessions.setdefault(t, []).append(si)
        self.staff_individuals: dict[str, dict[int, tuple[int, int]]] = {}
        self.slots: list[list[_Slot]] = []
        for opts in analysis.options:
            by_key: dict[tuple[int, int], list[int]] = {}
            for si in opts:
                if si in self.closed:
                    continue
                s = self.sessions[si]
                by_key.setdefault((s.week_start, s.week_end), []).append(si)
            self.slots.append(
                [_Slot(a, b, tuple(rooms)) for (a, b), rooms in sorted(by_key.items())]
            )
        self.slot_demand: dict[tuple[int, int], float] = {}

    # --- state queries -------------------------------------------------------------------

    def required(self, pi: int) -> int:
        return self.problem.participants[pi].required_minutes

    def minutes(self, pi: int) -> int:
        total = sum(self.sessions[si].minutes for si in self.chosen[pi])
        if self.individual[pi] is None:
            return total
        return total + self.problem.participants[pi].one_to_one.minutes

    def full(self, pi: int) -> bool:
        return self.minutes(pi) >= self.required(pi)

    def days(self, pi: int) -> set[int]:
        days = {self.sessions[si].day for si in self.chosen[pi]}
        start = self.individual[pi]
        if start is not None:
            days.add(start // MINUTES_PER_DAY)
        return days

    def busy(self, pi: int) -> list[tuple[int, int]]:
        spans = [
            (self.sessions[si].week_start, self.sessions[si].week_end) for si in self.chosen[pi]
        ]
        start = self.individual[pi]
        if start is not None:
            spans.append((start, start + self.problem.participants[pi].one_to_one.minutes))
        return spans

    def staff_free(self, staff: str, start: int, end: int, ignore: int | None = None) -> bool:
        """No running session (other than ``ignore``) or individual of the staff member overlaps."""
        for si in self.staff_sessions.get(staff, ()):
            if si != ignore and self.members[si]:
                s = self.sessions[si]
                if overlaps(start, end, s.week_start, s.week_end):
                    return False
        return not any(
            overlaps(start, end, a, b) for a, b in self.staff_individuals.get(staff, {}).values()
        )

    def room_open_for(self, si: int) -> bool:
        """A seat is free and the room runs or its staff can run it."""
        s = self.sessions[si]
        if si in self.closed or len(self.members[si]) >= s.capacity:
            return False
        if self.members[si]:
            return True
        return all(self.staff_free(t, s.week_start, s.week_end) for t in s.staff)

    def best_room(self, slot: _Slot) -> int | None:
        """Fill running rooms first (the one with most seats left), else open the largest."""
        running = [si for si in slot.rooms if self.members[si] and self.room_open_for(si)]
        if running:
            return max(running, key=lambda si: (self.free(si), -si))
        empty = [si for si in slot.rooms if self.room_open_for(si)]
        if empty:
            return max(empty, key=lambda si: (self.sessions[si].capacity, -si))
        return None

    def free(self, si: int) -> int:
        return self.sessions[si].capacity - len(self.members[si])

    def slot_free(self, slot: _Slot) -> int:
        return sum(self.free(si) for si in slot.rooms if self.room_open_for(si))

    # --- changes ---------------------------------------------------------------------------

    def join(self, pi: int, si: int) -> None:
        self.chosen[pi].append(si)
        self.members[si].add(pi)

    def leave(self, pi: int, si: int) -> None:
        self.chosen[pi].remove(si)
        self.members[si].discard(pi)

    def set_individual(self, pi: int, start: int | None) -> None:
        ind = self.problem.participants[pi].individual
        if ind is None:
            self.individual[pi] = start
            return
        if self.individual[pi] is not None:
            self.staff_individuals[ind.staff].pop(pi, None)
        self.individual[pi] = start
        if start is not None:
            self.staff_individuals.setdefault(ind.staff, {})[pi] = (start, start + ind.minutes)

    def clear(self, pi: int) -> None:
        """Drop everything but the sessions the participant is locked into."""
        for si in list(self.chosen[pi]):
            if si not in self.locked[pi]:
                self.leave(pi, si)
        if self.individual[pi] is not None:
            self.set_individual(pi, None)

    def individual_start(self, pi: int, rooms: Sequence[int] = ()) -> int | None:
        """The earliest start where the individual fits, given extra ``rooms`` about to be joined."""
        p = self.problem.participants[pi]
        if p.individual is None:
            return None
        spans = self.busy(pi) + [
            (self.sessions[si].week_start, self.sessions[si].week_end) for si in rooms
        ]
        days = self.days(pi) | {self.sessions[si].day for si in rooms}
        length = p.one_to_one.minutes
        for start in self.analysis.individual_starts[pi]:
            end = start + length
            day = start // MINUTES_PER_DAY
            if day not in days and len(days) >= p.max_days:
                continue
            if any(overlaps(start, end, a, b) for a, b in spans):
                continue
            if not self.staff_free(p.one_to_one.staff, start, end):
                continue
            if any(
                t == p.one_to_one.staff and overlaps(start, end, s.week_start, s.week_end)
                for si in rooms
                for s in (self.sessions[si],)
                for t in s.staff
            ):
                continue
            return start
        return None

    # --- choosing a week ---------------------------------------------------------------------

    def combinations(
        self,
        pi: int,
        cost_of: Callable[[_Slot], float | None],
        limit: int,
        count_only: bool = False,
    ) -> tuple[int, list[_Slot] | None, bool]:
        """Search slot sets that reach the participant's required minutes.

        Returns (combinations seen, the cheapest set found or None, whether it needs the
        individual session). ``cost_of(slot)`` is None for a slot that cannot be used now.
        """
        p = self.problem.participants[pi]
        need = p.required_minutes - self.minutes(pi)
        has_ind = (
            p.individual is not None
            and self.individual[pi] is None
            and bool(self.analysis.individual_starts[pi])
        )
        bonus = p.one_to_one.minutes if has_ind else 0
        busy = self.busy(pi)
        base_days = self.days(pi)
        usable: list[tuple[_Slot, float]] = []
        for slot in self.slots[pi]:
            if any(si in self.chosen[pi] for si in slot.rooms):
                continue
            if any(overlaps(slot.start, slot.end, a, b) for a, b in busy):
                continue
            cost = cost_of(slot)
            if cost is not None:
                usable.append((slot, cost))
        suffix = [0] * (len(usable) + 1)
        for k in range(len(usable) - 1, -1, -1):
            suffix[k] = suffix[k + 1] + usable[k][0].minutes
        best: list[Any] = [None, None, False]
        seen = 0
        nodes = 0
        picked: list[_Slot] = []

        def leaf(with_ind: bool, cost: float) -> bool:
            """Record a complete set unless its individual cannot be placed."""
            nonlocal seen
            if with_ind and not count_only and not self.individual_fits(pi, picked):
                return False
            seen += 1
            if not count_only and (best[0] is None or cost < best[0]):
                best[0], best[1], best[2] = cost, list(picked), with_ind
            return True

        def dfs(k: int, minutes: int, cost: float, days: set[int]) -> bool:
            """Returns False to stop the whole search."""
            nonlocal nodes
            nodes += 1
            if nodes > MAX_SEARCH_NODES or seen >= limit:
                return False
            if minutes >= need:
                leaf(False, cost)
                return seen < limit
            if minutes + bonus >= need and leaf(True, cost):
                return seen < limit
            if minutes + bonus + suffix[k] < need:
                return True
            if best[0] is not None and cost >= best[0] and not count_only:
                return True
            for j in range(k, len(usable)):
                slot, slot_cost = usable[j]
                if picked and overlaps(slot.start, slot.end, picked[-1].start, picked[-1].end):
                    continue
                new_days = days | {slot.day}
                if len(new_days) > p.max_days:
                    continue
                picked.append(slot)
                go_on = dfs(j + 1, minutes + slot.minutes, cost + slot_cost, new_days)
                picked.pop()
                if not go_on:
                    return False
            return True

        if need <= 0:
            return 1, [], False
        dfs(0, 0, 0.0, set(base_days))
        return seen, best[1], best[2]

    def individual_fits(self, pi: int, slots: Sequence[_Slot]) -> bool:
        rooms = [self.best_room(slot) for slot in slots]
        chosen = [si for si in rooms if si is not None]
        if len(chosen) < len(rooms):
            return False
        return self.individual_start(pi, chosen) is not None

    def cost(self, slot: _Slot) -> float | None:
        free = self.slot_free(slot)
        if free <= 0:
            return None
        demand = self.slot_demand.get((slot.start, slot.end), 0.0)
        opening = 0.0 if any(self.members[si] for si in slot.rooms) else OPEN_COST
        return demand / free + opening + SESSION_COST

    def plan(self, pi: int) -> bool:
        """Give the participant a full-dose week now, or change nothing and return False."""
        _, slots, with_ind = self.combinations(pi, self.cost, MAX_COMBINATIONS_COUNTED)
        if slots is None:
            return self.full(pi)
        rooms = []
        for slot in slots:
            si = self.best_room(slot)
            if si is None:
                return False
            rooms.append(si)
        start = self.individual_start(pi, rooms) if with_ind else None
        if with_ind and start is None:
            return False
        for si in rooms:
            self.join(pi, si)
        if start is not None:
            self.set_individual(pi, start)
        return True

    def reachable(self, pi: int) -> bool:
        return self.analysis.runnable_minutes[pi] >= self.required(pi)

    # --- phases ------------------------------------------------------------------------------

    def seat_pins(self) -> None:
        for pi, pins in enumerate(self.analysis.pinned):
            for si in pins:
                self.join(pi, si)
                self.locked[pi].add(si)
        for pi, si in self.analysis.pinned_fill:
            self.join(pi, si)
            self.locked[pi].add(si)

    def order(self, candidates: list[int]) -> list[int]:
        ways = {
            pi: self.combinations(pi, lambda slot: 0.0, MAX_COMBINATIONS_COUNTED, True)[0]
            for pi in candidates
        }
        slack = {pi: self.analysis.runnable_minutes[pi] - self.required(pi) for pi in candidates}
        if self.order_kind == "slack":
            return sorted(candidates, key=lambda pi: (slack[pi], ways[pi], pi))
        return sorted(candidates, key=lambda pi: (ways[pi], slack[pi], pi))

    def register_demand(self, pi: int, sign: float) -> None:
        slots = self.slots[pi]
        if not slots:
            return
        share = (
            sign * self.problem.participants[pi].required_minutes / sum(s.minutes for s in slots)
        )
        for slot in slots:
            key = (slot.start, slot.end)
            self.slot_demand[key] = self.slot_demand.get(key, 0.0) + share

    def under_minimum(self) -> list[int]:
        return [si for si, s in enumerate(self.sessions) if 0 < len(self.members[si]) < s.min_size]

    def can_join(self, pi: int, si: int) -> bool:
        s = self.sessions[si]
        if si in self.chosen[pi] or not self.room_open_for(si):
            return False
        if any(overlaps(s.week_start, s.week_end, a, b) for a, b in self.busy(pi)):
            return False
        days = self.days(pi)
        return s.day in days or len(days) < self.problem.participants[pi].max_days

    def repair_minimums(self) -> None:
        """Recruit into groups below their minimum; close and re-plan those that stay short."""
        while under := self.under_minimum():
            for si in under:
                if not 0 < len(self.members[si]) < self.sessions[si].min_size:
                    continue
                candidates = sorted(
                    (pi for pi in self.analysis.attendable[si] if self.can_join(pi, si)),
                    key=lambda pi: (self.full(pi), self.minutes(pi), pi),
                )
                needed = self.sessions[si].min_size - len(self.members[si])
                if len(candidates) >= needed:
                    for pi in candidates[:needed]:
                        self.join(pi, si)
                    continue
                displaced = sorted(self.members[si])
                self.closed.add(si)
                for pi in displaced:
                    self.leave(pi, si)
                for pi in displaced:
                    if self.reachable(pi) and not self.full(pi):
                        self.clear(pi)
                        self.plan(pi)

    def eject(self, pi: int) -> bool:
        """Make room for ``pi`` in a full slot by moving one member elsewhere, then plan ``pi``."""
        for slot in self.slots[pi]:
            if self.slot_free(slot) > 0 or not any(self.members[si] for si in slot.rooms):
                continue

            # Only worth a move if one seat here would complete a full-dose week.
            def cost_with_seat(other: _Slot, slot: _Slot = slot) -> float | None:
                return 0.0 if other is slot else self.cost(other)

            _, week, _ = self.combinations(pi, cost_with_seat, 1)
            if week is None or slot not in week:
                continue
            for si in slot.rooms:
                if si in self.closed or not self.members[si]:
                    continue
                for qi in sorted(self.members[si]):
                    if si in self.locked[qi]:
                        continue
                    target = self.relocation(qi, si)
                    if target is None and self.full(qi):
                        continue
                    self.leave(qi, si)
                    if target is not None:
                        self.join(qi, target)
                    if (self.full(qi) or target is None) and self.plan(pi) and self.full(pi):
                        return True
                    if target is not None:
                        self.leave(qi, target)
                    self.join(qi, si)
        return False

    def relocation(self, qi: int, si: int) -> int | None:
        """Another running room with a free seat that keeps ``qi`` at full dose without ``si``."""
        s = self.sessions[si]
        need = self.required(qi) - (self.minutes(qi) - s.minutes)
        self.leave(qi, si)
        try:
            for slot in self.slots[qi]:
                if slot.minutes < need:
                    continue
                for ri in slot.rooms:
                    if ri != si and self.members[ri] and self.can_join(qi, ri):
                        return ri
            return None
        finally:
            self.join(qi, si)

    def fill_shortfall(self) -> None:
        """Leftover seats in running groups go to those still short, fewest minutes first."""
        short = [pi for pi in range(len(self.chosen)) if not self.full(pi)]
        for pi in sorted(short, key=lambda pi: (self.minutes(pi), pi)):
            for slot in self.slots[pi]:
                if self.full(pi):
                    break
                for si in slot.rooms:
                    if self.members[si] and self.can_join(pi, si):
                        self.join(pi, si)
                        break

    def place_individuals(self, people: Sequence[int]) -> None:
        for pi in people:
            if self.individual[pi] is None:
                start = self.individual_start(pi)
                if start is not None:
                    self.set_individual(pi, start)

    def run(self) -> Schedule:
        self.seat_pins()
        n = len(self.problem.participants)
        candidates = [pi for pi in range(n) if self.reachable(pi) and not self.full(pi)]
        for pi in candidates:
            self.register_demand(pi, 1.0)
        order = self.order(candidates)
        for pi in order:
            self.register_demand(pi, -1.0)
            self.plan(pi)
        self.repair_minimums()
        for _ in range(REPAIR_ROUNDS):
            moved = False
            for pi in order:
                if not self.full(pi) and self.eject(pi):
                    moved = True
            self.repair_minimums()
            if not moved:
                break
        self.place_individuals(order)
        self.fill_shortfall()
        self.place_individuals(range(n))
        return self.schedule()

    def schedule(self) -> Schedule:
        return schedule_of(self.problem, self.chosen, self.individual)


CONSTRUCTIONS = ("fewest-ways", "least-slack")


def constructed_schedule(analysis: Analysis, order: str = "fewest-ways") -> Schedule:
    """A valid full-dose-first schedule (pins must be possible: ``analysis.pin_errors`` empty).

    ``order`` is "fewest-ways" (fewest full-dose combinations first) or "least-slack" (least
    spare availability first).
    """
    return _Builder(analysis, "slack" if order == "least-slack" else "ways").run()
