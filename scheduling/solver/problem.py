"""The scheduling problem: immutable dataclasses plus parsing and validation of the JSON input.

Times are kept as minutes. A *week minute* is ``day * 1440 + minute of day`` (Monday = day 0),
which turns every "does A overlap B" question into plain integer comparisons.
Validation collects every problem it finds so one run shows the planner all the fixes needed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MINUTES_PER_DAY = 24 * 60
GRID_MINUTES = 15
SESSION_MODES = ("in_person", "virtual")
PARTICIPANT_MODES = ("in_person", "virtual", "either")
DEFAULT_REQUIRED_MINUTES = 540

_TIME = re.compile(r"^(\d\d):(\d\d)$")


class ProblemError(ValueError):
    """Invalid input; ``messages`` names every offending entry, one plain sentence each."""

    def __init__(self, messages: Iterable[str]) -> None:
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


def format_time(minute: int) -> str:
    """Minute of day as "HH:MM" (1440 prints as "24:00", the end of the day)."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def format_span(day: int, start: int, end: int) -> str:
    """A span inside one day, e.g. "Tue 18:00–21:00"."""
    return f"{DAY_NAMES[day]} {format_time(start)}–{format_time(end)}"


@dataclass(frozen=True, slots=True)
class Window:
    """An availability window inside one day, as minutes of that day, end exclusive."""

    day: int
    start: int
    end: int

    @property
    def week_start(self) -> int:
        return self.day * MINUTES_PER_DAY + self.start

    @property
    def week_end(self) -> int:
        return self.day * MINUTES_PER_DAY + self.end

    def covers(self, week_start: int, week_end: int) -> bool:
        return self.week_start <= week_start and week_end <= self.week_end


def covered(windows: Iterable[Window], week_start: int, week_end: int) -> bool:
    """Whether the span lies entirely inside one of the windows."""
    return any(w.covers(week_start, week_end) for w in windows)


@dataclass(frozen=True, slots=True)
class Session:
    """A group session that runs once a week if enough participants are assigned to it."""

    id: str
    day: int
    start: int
    minutes: int
    capacity: int
    min_size: int
    mode: str
    staff: tuple[str, ...]

    @property
    def end(self) -> int:
        return self.start + self.minutes

    @property
    def week_start(self) -> int:
        return self.day * MINUTES_PER_DAY + self.start

    @property
    def week_end(self) -> int:
        return self.week_start + self.minutes

    def describe(self) -> str:
        return format_span(self.day, self.start, self.end)


@dataclass(frozen=True, slots=True)
class Staff:
    id: str
    availability: tuple[Window, ...]


@dataclass(frozen=True, slots=True)
class Individual:
    """The weekly one-to-one session with the participant's primary clinician."""

    staff: str
    minutes: int


@dataclass(frozen=True, slots=True)
class Participant:
    id: str
    required_minutes: int
    mode: str
    max_days: int
    availability: tuple[Window, ...]
    individual: Individual | None
    pinned: tuple[str, ...]
    excluded: tuple[str, ...]

    def accepts_mode(self, mode: str) -> bool:
        return self.mode in ("either", mode)

    @property
    def one_to_one(self) -> Individual:
        """Their individual session, where the caller already knows they have one."""
        if self.individual is None:
            raise ValueError(f'participant "{self.id}" has no individual session')
        return self.individual


@dataclass(frozen=True)
class Problem:
    """A validated problem. Build it with :func:`parse_problem`, which guarantees consistency."""

    sessions: tuple[Session, ...]
    staff: tuple[Staff, ...]
    participants: tuple[Participant, ...]
    current: Mapping[str, tuple[str, ...]]

    @cached_property
    def session_index(self) -> dict[str, int]:
        return {s.id: i for i, s in enumerate(self.sessions)}

    @cached_property
    def staff_by_id(self) -> dict[str, Staff]:
        return {s.id: s for s in self.staff}


class _Collector:
    """Reads raw JSON values, recording a message for every problem instead of stopping."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def integer(
        self, where: str, raw: Mapping[str, Any], key: str, default: int | None = None
    ) -> int | None:
        if key not in raw or raw[key] is None:
            if default is None:
                self.error(where, f'missing "{key}"')
            return default
        value: Any = raw[key]
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                self.error(where, f'"{key}" must be a whole number, not {json.dumps(value)}')
                return None
        if value < 0:
            self.error(where, f'"{key}" must not be negative ({value})')
            return None
        return int(value)

    def text(
        self, where: str, raw: Mapping[str, Any], key: str, default: str | None = None
    ) -> str | None:
        value = raw.get(key, default)
        if value is None:
            self.error(where, f'missing "{key}"')
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(where, f'"{key}" must be a non-empty string, not {json.dumps(value)}')
            return None
        return value

    def choice(
        self, where: str, raw: Mapping[str, Any], key: str, options: Iterable[str], default: str
    ) -> str | None:
        options = tuple(options)
        value = raw.get(key, default)
        if value not in options:
            allowed = ", ".join(f'"{o}"' for o in options)
            self.error(where, f'"{key}" must be one of {allowed}, not {json.dumps(value)}')
            return None
        return str(value)

    def day(self, where: str, raw: Mapping[str, Any]) -> int | None:
        value = raw.get("day")
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
            self.error(
                where, f'"day" must be a whole number 0-6 (Monday = 0), not {json.dumps(value)}'
            )
            return None
        return value

    def time(
        self, where: str, raw: Mapping[str, Any], key: str, allow_end_of_day: bool
    ) -> int | None:
        value = raw.get(key)
        match = _TIME.match(value) if isinstance(value, str) else None
        if match:
            hours, minutes = int(match[1]), int(match[2])
            if minutes < 60 and (hours < 24 or (allow_end_of_day and value == "24:00")):
                return hours * 60 + minutes
        latest = "24:00" if allow_end_of_day else "23:59"
        self.error(
            where,
            f'"{key}" must be a time "HH:MM" from 00:00 to {latest}, not {json.dumps(value)}',
        )
        return None

    def id_list(self, where: str, raw: Mapping[str, Any], key: str) -> list[str]:
        value = raw.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(where, f'"{key}" must be a list of session ids')
            return []
        for repeated in sorted({v for v in value if value.count(v) > 1}):
            self.error(where, f'"{key}" lists session "{repeated}" more than once')
        return list(dict.fromkeys(value))

    def windows(self, where: str, raw: Mapping[str, Any]) -> tuple[Window, ...]:
        """Parse availability; reject overlaps, merge windows that touch (09:00–12:00 + 12:00–14:00)."""
        value = raw.get("availability", [])
        if not isinstance(value, list):
            self.error(where, '"availability" must be a list of windows')
            return ()
        parsed: list[tuple[int, Window]] = []
        for k, item in enumerate(value):
            label = f"availability window {k}"
            if not isinstance(item, Mapping):
                self.error(where, f"{label} must be an object with day, start and end")
                continue
            errors_before = len(self.errors)
            day = self.day(f"{where}: {label}", item)
            start = self.time(f"{where}: {label}", item, "start", allow_end_of_day=False)
            end = self.time(f"{where}: {label}", item, "end", allow_end_of_day=True)
            if len(self.errors) > errors_before or day is None or start is None or end is None:
                continue
            if end <= start:
                self.error(
                    where,
                    f"{label} ends ({format_time(end)}) before it starts ({format_time(start)})"
                    if end < start
                    else f"{label} is empty (starts and ends at {format_time(start)})",
                )
                continue
            parsed.append((k, Window(day, start, end)))
        parsed.sort(key=lambda kw: (kw[1].day, kw[1].start, kw[0]))
        merged: list[Window] = []
        for a, (k1, w1) in enumerate(parsed):
            for k2, w2 in parsed[a + 1 :]:
                if w1.day == w2.day and w2.start < w1.end:
                    self.error(
                        where,
                        f"availability windows {min(k1, k2)} and {max(k1, k2)} overlap "
                        f"({format_span(w1.day, w1.start, w1.end)} and "
                        f"{format_span(w2.day, w2.start, w2.end)})",
                    )
        for _, window in parsed:
            last = merged[-1] if merged else None
            if last and last.day == window.day and window.start <= last.end:
                merged[-1] = Window(last.day, last.start, max(last.end, window.end))
            else:
                merged.append(window)
        return tuple(merged)


def _entries(
    c: _Collector, data: Mapping[str, Any], key: str
) -> list[tuple[str, Mapping[str, Any]]]:
    """The list under ``key`` as (location label, entry) pairs; the label names index and id."""
    value = data.get(key, [])
    if not isinstance(value, list):
        c.error("problem", f'"{key}" must be a list')
        return []
    out: list[tuple[str, Mapping[str, Any]]] = []
    for i, item in enumerate(value):
        if not isinstance(item, Mapping):
            c.error(f"{key}[{i}]", "must be an object")
            continue
        ident = item.get("id")
        label = f"{key}[{i}] (id {json.dumps(ident)})" if isinstance(ident, str) else f"{key}[{i}]"
        out.append((label, item))
    return out


def _unique_ids(c: _Collector, kind: str, entries: list[tuple[str, Mapping[str, Any]]]) -> None:
    seen: dict[str, str] = {}
    for label, raw in entries:
        ident = raw.get("id")
        if isinstance(ident, str) and ident in seen:
            c.error(label, f'duplicate {kind} id "{ident}" (already used by {seen[ident]})')
        elif isinstance(ident, str):
            seen[ident] = label


def _parse_session(
    c: _Collector, where: str, raw: Mapping[str, Any], staff_ids: set[str]
) -> Session | None:
    errors_before = len(c.errors)
    ident = c.text(where, raw, "id")
    day = c.day(where, raw)
    start = c.time(where, raw, "start", allow_end_of_day=False)
    minutes = c.integer(where, raw, "minutes")
    capacity = c.integer(where, raw, "capacity")
    min_size = c.integer(where, raw, "min_size", default=0)
    mode = c.choice(where, raw, "mode", SESSION_MODES, "in_person")
    staff = raw.get("staff", [])
    if not isinstance(staff, list) or not all(isinstance(s, str) for s in staff):
        c.error(where, '"staff" must be a list of staff ids')
        staff = []
    for s in staff:
        if s not in staff_ids:
            c.error(where, f'unknown staff id "{s}"')
    for repeated in sorted({s for s in staff if staff.count(s) > 1}):
        c.error(where, f'"staff" lists "{repeated}" more than once')
    if minutes == 0:
        c.error(where, '"minutes" must be positive')
    if start is not None and minutes and start + minutes > MINUTES_PER_DAY:
        c.error(where, f"runs past midnight ({format_time(start)} + {minutes} minutes)")
    if capacity is not None and min_size is not None and min_size > capacity:
        c.error(where, f'"min_size" ({min_size}) is larger than "capacity" ({capacity})')
    if (
        len(c.errors) > errors_before
        or ident is None
        or day is None
        or start is None
        or minutes is None
        or capacity is None
        or min_size is None
        or mode is None
    ):
        return None
    return Session(
        id=ident,
        day=day,
        start=start,
        minutes=minutes,
        capacity=capacity,
        min_size=min_size,
        mode=mode,
        staff=tuple(staff),
    )


def _parse_participant(
    c: _Collector, where: str, raw: Mapping[str, Any], staff_ids: set[str], session_ids: set[str]
) -> Participant | None:
    errors_before = len(c.errors)
    ident = c.text(where, raw, "id")
    required = c.integer(where, raw, "required_minutes", default=DEFAULT_REQUIRED_MINUTES)
    mode = c.choice(where, raw, "mode", PARTICIPANT_MODES, "either")
    max_days = c.integer(where, raw, "max_days", default=7)
    windows = c.windows(where, raw)
    individual = None
    raw_individual = raw.get("individual")
    if isinstance(raw_individual, Mapping):
        staff = c.text(f"{where}: individual", raw_individual, "staff")
        minutes = c.integer(f"{where}: individual", raw_individual, "minutes", default=50)
        if staff is not None and staff not in staff_ids:
            c.error(where, f'individual session names unknown staff id "{staff}"')
        if minutes == 0:
            c.error(where, 'individual "minutes" must be positive')
        if minutes is not None and minutes > MINUTES_PER_DAY:
            c.error(where, f'individual "minutes" ({minutes}) does not fit in a day')
        individual = Individual(staff, minutes) if staff and minutes else None
    elif raw_individual is not None:
        c.error(where, '"individual" must be an object with "staff" and "minutes", or null')
    pinned = c.id_list(where, raw, "pinned")
    excluded = c.id_list(where, raw, "excluded")
    for key, ids in (("pinned", pinned), ("excluded", excluded)):
        for s in ids:
            if s not in session_ids:
                c.error(where, f'"{key}" names unknown session id "{s}"')
    for s in pinned:
        if s in excluded:
            c.error(where, f'session "{s}" is both pinned and excluded')
    if (
        len(c.errors) > errors_before
        or ident is None
        or required is None
        or mode is None
        or max_days is None
    ):
        return None
    return Participant(
        id=ident,
        required_minutes=required,
        mode=mode,
        max_days=min(max_days, 7),
        availability=windows,
        individual=individual,
        pinned=tuple(pinned),
        excluded=tuple(excluded),
    )


def parse_problem(data: Any) -> Problem:
    """Validate a decoded JSON problem and build a :class:`Problem`, or raise :class:`ProblemError`."""
    c = _Collector()
    if not isinstance(data, Mapping):
        raise ProblemError(["problem: the input must be a JSON object"])
    staff_entries = _entries(c, data, "staff")
    session_entries = _entries(c, data, "sessions")
    participant_entries = _entries(c, data, "participants")
    _unique_ids(c, "staff", staff_entries)
    _unique_ids(c, "session", session_entries)
    _unique_ids(c, "participant", participant_entries)

    staff: list[Staff] = []
    for where, raw in staff_entries:
        errors_before = len(c.errors)
        ident = c.text(where, raw, "id")
        windows = c.windows(where, raw)
        if len(c.errors) == errors_before and ident is not None:
            staff.append(Staff(ident, windows))
    staff_ids = {r["id"] for _, r in staff_entries if isinstance(r.get("id"), str)}
    session_ids = {r["id"] for _, r in session_entries if isinstance(r.get("id"), str)}
    parsed_sessions = [_parse_session(c, where, raw, staff_ids) for where, raw in session_entries]
    parsed_participants = [
        _parse_participant(c, where, raw, staff_ids, session_ids)
        for where, raw in participant_entries
    ]
    sessions = [s for s in parsed_sessions if s is not None]
    participants = [p for p in parsed_participants if p is not None]

    current: dict[str, tuple[str, ...]] = {}
    raw_current = data.get("current") or {}
    participant_ids = {r.get("id") for _, r in participant_entries}
    if not isinstance(raw_current, Mapping):
        c.error("current", "must be an object mapping participant ids to lists of session ids")
        raw_current = {}
    for pid, ids in raw_current.items():
        where = f"current[{json.dumps(pid)}]"
        if pid not in participant_ids:
            c.error(where, f'unknown participant id "{pid}"')
        if not isinstance(ids, list) or not all(isinstance(s, str) for s in ids):
            c.error(where, "must be a list of session ids")
            continue
        for k, s in enumerate(ids):
            if s not in session_ids:
                c.error(f"{where}[{k}]", f'unknown session id "{s}"')
        current[pid] = tuple(dict.fromkeys(ids))

    if c.errors:
        raise ProblemError(c.errors)
    return Problem(
        sessions=tuple(sessions),
        staff=tuple(staff),
        participants=tuple(participants),
        current=current,
    )


def load_problem(path: str | Path) -> Problem:
    """Read and validate a problem JSON file; unreadable files become a :class:`ProblemError`."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProblemError([f"{path}: cannot read the file ({exc.strerror})"]) from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ProblemError([f"{path}: not valid JSON ({exc})"]) from exc
    return parse_problem(data)


def _window_json(w: Window) -> dict[str, Any]:
    return {"day": w.day, "start": format_time(w.start), "end": format_time(w.end)}


def problem_to_json(problem: Problem) -> dict[str, Any]:
    """The problem in the input format, so generated instances can be written as files."""
    return {
        "sessions": [
            {
                "id": s.id,
                "day": s.day,
                "start": format_time(s.start),
                "minutes": s.minutes,
                "capacity": s.capacity,
                "min_size": s.min_size,
                "mode": s.mode,
                "staff": list(s.staff),
            }
            for s in problem.sessions
        ],
        "staff": [
            {"id": s.id, "availability": [_window_json(w) for w in s.availability]}
            for s in problem.staff
        ],
        "participants": [
            {
                "id": p.id,
                "required_minutes": p.required_minutes,
                "mode": p.mode,
                "max_days": p.max_days,
                "availability": [_window_json(w) for w in p.availability],
                "individual": (
                    {"staff": p.one_to_one.staff, "minutes": p.one_to_one.minutes}
                    if p.individual
                    else None
                ),
                "pinned": list(p.pinned),
                "excluded": list(p.excluded),
            }
            for p in problem.participants
        ],
        "current": {pid: list(ids) for pid, ids in problem.current.items()},
    }
