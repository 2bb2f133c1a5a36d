"""Plain-words explanations for every participant left below full dose (or without an individual).

Each statement is provable from the problem and the schedule: bounds come from the exact
per-participant optimisation in :func:`analysis.max_minutes`, relaxing one constraint at a time to
show which one binds; competition for seats is described from the final rosters.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .analysis import (
    MODE_WORDS,
    Analysis,
    Span,
    day_list,
    incompatibilities,
    max_minutes,
    overlaps,
)
from .problem import DAY_NAMES, MINUTES_PER_DAY, Problem, Session, Window, format_time
from .schedule import Schedule, scheduled_minutes, session_rosters

MAX_LISTED = 6
OUTSIDE_OWN_CONTROL = frozenset({"excluded", "mode", "staff"})


def _ids(ids: Sequence[str]) -> str:
    """Quoted ids, shortened after a few so reasons stay readable."""
    shown = [f'"{i}"' for i in ids[:MAX_LISTED]]
    if len(ids) > MAX_LISTED:
        shown.append(f"{len(ids) - MAX_LISTED} more")
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _part_of_day(window: Window) -> str:
    if window.start >= 5 * 60 and window.end <= 13 * 60:
        return "mornings"
    if window.start >= 12 * 60 and window.end <= 18 * 60:
        return "afternoons"
    if window.start >= 16 * 60:
        return "evenings"
    return f"{format_time(window.start)}–{format_time(window.end)}"


def describe_availability(windows: Iterable[Window]) -> str:
    """E.g. "Tue and Thu evenings" or "Mon, Wed and Fri 09:00–14:00 and Sat mornings"."""
    groups: dict[str, list[int]] = {}
    for w in windows:
        groups.setdefault(_part_of_day(w), []).append(w.day)
    pieces = [f"{day_list(days)} {label}" for label, days in groups.items()]
    return pieces[0] if len(pieces) == 1 else ", ".join(pieces[:-1]) + " and " + pieces[-1]


class _Explainer:
    def __init__(self, analysis: Analysis, schedule: Schedule, full_dose_proven: bool) -> None:
        self.analysis = analysis
        self.problem: Problem = analysis.problem
        self.schedule = schedule
        self.full_dose_proven = full_dose_proven
        self.rosters = session_rosters(self.problem, schedule)
        self.minutes = scheduled_minutes(self.problem, schedule)
        self.staff_busy: dict[str, list[tuple[int, int, str]]] = {}
        for s in self.problem.sessions:
            if self.rosters[s.id]:
                for t in s.staff:
                    self.staff_busy.setdefault(t, []).append(
                        (s.week_start, s.week_end, f'session "{s.id}"')
                    )
        for q in self.problem.participants:
            start = schedule[q.id].individual_start
            if start is not None and q.individual:
                self.staff_busy.setdefault(q.one_to_one.staff, []).append(
                    (start, start + q.one_to_one.minutes, "an individual session")
                )

    def sessions_allowing(self, pi: int, allowed: frozenset[str]) -> list[int]:
        """Sessions the participant could attend if the incompatibility codes in ``allowed`` were
        lifted."""
        p = self.problem.participants[pi]
        return [
            i
            for i, s in enumerate(self.problem.sessions)
            if set(incompatibilities(self.problem, p, s)) <= allowed
        ]

    def bound(
        self,
        pi: int,
        *,
        allowed: frozenset[str] = frozenset(),
        pins: bool = True,
        max_days: int | None = None,
        individual: bool = True,
    ) -> int:
        """Reachable minutes with some of the participant's own constraints lifted."""
        p = self.problem.participants[pi]
        spans = self.analysis.participant_spans(
            pi, sessions=self.sessions_allowing(pi, allowed), forced=pins, individual=individual
        )
        return max_minutes(*spans, p.max_days if max_days is None else max_days) or 0

    def explain(self, pi: int) -> list[str]:
        p = self.problem.participants[pi]
        reasons: list[str] = []
        if self.minutes[p.id] < p.required_minutes:
            if self.analysis.availability_minutes[pi] < p.required_minutes:
                reasons.extend(self.own_limits(pi))
            else:
                reasons.extend(self.competition(pi))
        if p.individual and self.schedule[p.id].individual_start is None:
            reasons.append(self.individual_missing(pi))
        return reasons

    def own_limits(self, pi: int) -> list[str]:
        """The participant's own constraints cap them below full dose; say which ones bind."""
        p = self.problem.participants[pi]
        need, reach = p.required_minutes, self.analysis.availability_minutes[pi]
        reasons: list[str] = []
        if not p.availability:
            reasons.append("has no availability entered")
        else:
            offered = self.bound(pi, allowed=OUTSIDE_OWN_CONTROL, pins=False, max_days=7)
            if offered < need:
                groups_only = self.bound(
                    pi, allowed=OUTSIDE_OWN_CONTROL, pins=False, max_days=7, individual=False
                )
                note = (
                    f" (including their {p.one_to_one.minutes}-minute individual session)"
                    if p.individual and groups_only < offered
                    else ""
                )
                reasons.append(
                    f"available only {describe_availability(p.availability)}, which offer "
                    f"{offered} of the {need} required minutes{note}"
                )
        relaxed: list[tuple[int, str]] = []
        mode_reach = self.bound(pi, allowed=frozenset({"mode"}))
        if mode_reach > reach:
            other = "virtual" if p.mode == "in_person" else "in-person"
            relaxed.append(
                (
                    mode_reach,
                    f"attends {MODE_WORDS[p.mode]} only; {other} sessions would let them reach "
                    f"{mode_reach} minutes",
                )
            )
        excluded_reach = self.bound(pi, allowed=frozenset({"excluded"}))
        if excluded_reach > reach:
            relaxed.append(
                (
                    excluded_reach,
                    f"is excluded from {_ids(list(p.excluded))}; without the exclusions they could "
                    f"reach {excluded_reach} minutes",
                )
            )
        staff_reach = self.bound(pi, allowed=frozenset({"staff"}))
        if staff_reach > reach:
            blocked = [
                i
                for i, s in enumerate(self.problem.sessions)
                if incompatibilities(self.problem, p, s) == ("staff",)
            ]
            staff_ids = sorted({t for i in blocked for t in self.analysis.unstaffed[i]})
            relaxed.append(
                (
                    staff_reach,
                    f"sessions {_ids([self.problem.sessions[i].id for i in blocked])} fit their "
                    f"availability but cannot run because staff {_ids(staff_ids)} are not "
                    f"available then; otherwise they could reach {staff_reach} minutes",
                )
            )
        days_reach = self.bound(pi, max_days=7)
        if days_reach > reach:
            relaxed.append(
                (
                    days_reach,
                    f"may attend at most {p.max_days} day{'s' if p.max_days != 1 else ''} a week, "
                    f"which caps them at {reach} minutes; without that limit they could reach "
                    f"{days_reach}",
                )
            )
        pins_reach = self.bound(pi, pins=False)
        if p.pinned and pins_reach > reach:
            relaxed.append(
                (
                    pins_reach,
                    f"their pinned sessions {_ids(list(p.pinned))} rule out other options; "
                    f"without the pins they could reach {pins_reach} minutes",
                )
            )
        relaxed.sort(key=lambda item: -item[0])
        reasons.extend(text for _, text in relaxed)
        if not reasons:
            reasons.append(
                f"their availability, mode, exclusions, pins and day limit together allow only "
                f"{reach} of the {need} required minutes"
            )
        return reasons

    def competition(self, pi: int) -> list[str]:
        """Availability allows full dose; explain which seats went elsewhere."""
        problem, analysis = self.problem, self.analysis
        p = problem.participants[pi]
        plan = self.schedule[p.id]
        mine = set(plan.sessions)
        open_seats = [
            i
            for i in analysis.options[pi]
            if problem.sessions[i].id in mine
            or 0 < len(self.rosters[problem.sessions[i].id]) < problem.sessions[i].capacity
        ]
        spans, pins, _ = analysis.participant_spans(pi, sessions=open_seats, individual=False)
        if plan.individual_start is not None and p.individual:
            pins.append(Span(plan.individual_start, plan.individual_start + p.one_to_one.minutes))
        residual = max_minutes(spans, pins, [], p.max_days) or 0
        reasons = [
            f"their availability allows {analysis.availability_minutes[pi]} of the "
            f"{p.required_minutes} required minutes, but with everyone else's places as scheduled "
            f"the open seats offer them at most {residual}"
        ]
        full, thin, never, staff_busy = [], [], [], []
        for i in analysis.options[pi]:
            s = problem.sessions[i]
            size = len(self.rosters[s.id])
            if s.id in mine:
                continue
            if size >= s.capacity:
                full.append(s.id)
            elif size == 0:
                busy = self._staff_busy(s)
                if i in analysis.never_runs:
                    never.append(s.id)
                elif busy:
                    staff_busy.append(f'"{s.id}" (staff "{busy[0]}" is busy with {busy[1]})')
                else:
                    thin.append(s.id)
        if full:
            reasons.append(f"full: {_ids(full)}")
        if never:
            reasons.append(
                f"cannot run because too few participants could ever attend to reach the "
                f"minimum group size: {_ids(never)}"
            )
        if staff_busy:
            reasons.append(
                "not running because staff are busy: " + ", ".join(staff_busy[:MAX_LISTED])
            )
        if thin:
            reasons.append(
                f"not running because not enough participants were assigned to reach the "
                f"minimum group size: {_ids(thin)}"
            )
        reasons.append(
            "no schedule gives more participants a full dose"
            if self.full_dose_proven
            else "the search stopped before it could show that no schedule gives more "
            "participants a full dose"
        )
        return reasons

    def not_running(self, si: int) -> str:
        """Why an empty session does not run, from the same facts the participants' reasons use."""
        analysis = self.analysis
        s = self.problem.sessions[si]
        if si in analysis.unstaffed:
            return f"no facilitator free: {_ids(list(analysis.unstaffed[si]))} not available then"
        could = len(analysis.attendable[si])
        if si in analysis.never_runs:
            if not could:
                return "no participant can attend it (availability, mode or exclusions)"
            return (
                f"only {could} participant{'s' if could != 1 else ''} could ever attend it, "
                f"fewer than its minimum of {s.min_size}"
            )
        busy = self._staff_busy(s)
        if busy:
            return f'no facilitator free: "{busy[0]}" runs {busy[1]} at the same time'
        return (
            f"fewer than its minimum of {max(s.min_size, 1)} were placed in it; "
            f"{could} participant{'s' if could != 1 else ''} could attend it"
        )

    def _staff_busy(self, session: Session) -> tuple[str, str] | None:
        """A staff member of this empty session who runs something else meanwhile."""
        for t in session.staff:
            for start, end, what in self.staff_busy.get(t, ()):
                if overlaps(session.week_start, session.week_end, start, end):
                    return t, what
        return None

    def individual_missing(self, pi: int) -> str:
        p = self.problem.participants[pi]
        ind = p.one_to_one
        what = f'their {ind.minutes}-minute individual session with "{ind.staff}"'
        if not self.analysis.individual_starts[pi]:
            return (
                f'{what} cannot be placed: their availability and "{ind.staff}"\'s never share '
                f"a {ind.minutes}-minute slot on the 15-minute grid"
            )
        _, pins, inds = self.analysis.participant_spans(pi, sessions=())
        pinned_days = {s.day for s in pins}
        if not any(
            not any(overlaps(c.start, c.end, f.start, f.end) for f in pins)
            and (c.day in pinned_days or len(pinned_days) < p.max_days)
            for c in inds
        ):
            return (
                f'{what} cannot be placed: every slot they share with "{ind.staff}" clashes '
                f"with their pinned sessions or their day limit"
            )
        free = self._free_individual_slot(pi, inds)
        if free is not None:
            day, minute = divmod(free, MINUTES_PER_DAY)
            return (
                f"{what} is not placed although {DAY_NAMES[day]} {format_time(minute)} is free; "
                f"the search stopped before placing it"
            )
        return (
            f'{what} is not placed: every slot they share with "{ind.staff}" is taken by '
            f'"{ind.staff}"\'s other sessions, their own group sessions or their day limit'
        )

    def _free_individual_slot(self, pi: int, candidates: Sequence[Span]) -> int | None:
        """A start where the individual could be added to this schedule as it stands."""
        problem = self.problem
        p = problem.participants[pi]
        own = [problem.sessions[problem.session_index[s]] for s in self.schedule[p.id].sessions]
        days = {s.day for s in own}
        busy = [(a, b) for a, b, _ in self.staff_busy.get(p.one_to_one.staff, ())]
        busy.extend((s.week_start, s.week_end) for s in own)
        for c in candidates:
            if (c.day in days or len(days) < p.max_days) and not any(
                overlaps(c.start, c.end, a, b) for a, b in busy
            ):
                return c.start
        return None


def explain(
    problem: Problem, analysis: Analysis, schedule: Schedule, *, full_dose_proven: bool
) -> dict[str, list[str]]:
    """Reasons per participant id; empty for participants at full dose with their individual."""
    explainer = _Explainer(analysis, schedule, full_dose_proven)
    return {p.id: explainer.explain(pi) for pi, p in enumerate(problem.participants)}


def not_running(problem: Problem, analysis: Analysis, schedule: Schedule) -> dict[str, str]:
    """Why each session nobody was placed in does not run, by session id."""
    explainer = _Explainer(analysis, schedule, full_dose_proven=False)
    return {
        s.id: explainer.not_running(si)
        for si, s in enumerate(problem.sessions)
        if not explainer.rosters[s.id]
    }
