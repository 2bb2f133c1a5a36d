"""Seeded generator of realistic IOP scheduling instances for the benchmark and tests.

Four tracks of three 3-hour groups a week (morning Mon/Wed/Fri 9-12, afternoon Tue/Thu/Fri
13-16, evening Tue/Thu 18-21 + Sat 9-12, virtual Mon/Wed 18-21 + Sat 13-16), several rooms per
slot with 8-12 seats and a minimum of 3, scaled so group seats are about 1.3x demand. Staff work
day or evening shifts, facilitate groups and hold individual sessions for their caseload; a few are
on leave one day. Participants follow everyday patterns (day-shift workers, night workers,
students, parents with a childcare window, flexible, and some who cannot reach full dose).
A share keep last week's assignment as ``current``; some have pins or exclusions.

Usage: ``python bench/schedule_instances.py 120 --seed 1 > problem.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from pathlib import Path
from typing import NotRequired, TypedDict

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scheduling.solver.analysis import Analysis
from scheduling.solver.problem import parse_problem

TRACKS: dict[str, tuple[str, list[tuple[int, str]]]] = {
    "morning": ("in_person", [(0, "09:00"), (2, "09:00"), (4, "09:00")]),
    "afternoon": ("in_person", [(1, "13:00"), (3, "13:00"), (4, "13:00")]),
    "evening": ("in_person", [(1, "18:00"), (3, "18:00"), (5, "09:00")]),
    "virtual": ("virtual", [(0, "18:00"), (2, "18:00"), (5, "13:00")]),
}
SEAT_SUPPLY = 1.3
SESSION_MINUTES = 180
STAFF_SHIFTS = {
    "day": [(d, "08:00", "17:00") for d in range(5)],
    "evening": [(d, "12:00", "21:30") for d in range(4)] + [(5, "08:30", "16:30")],
}
MAX_SESSIONS_PER_STAFF = 5
MAX_CASELOAD = 14


class WindowJson(TypedDict):
    day: int
    start: str
    end: str


class SessionJson(TypedDict):
    id: str
    day: int
    start: str
    minutes: int
    capacity: int
    min_size: int
    mode: str
    staff: list[str]


class StaffJson(TypedDict):
    id: str
    availability: list[WindowJson]


class IndividualJson(TypedDict):
    staff: str
    minutes: int


class ParticipantJson(TypedDict):
    id: str
    required_minutes: int
    mode: str
    max_days: int
    availability: list[WindowJson]
    individual: NotRequired[IndividualJson]
    pinned: NotRequired[list[str]]
    excluded: NotRequired[list[str]]


class ProblemJson(TypedDict):
    """The solver's JSON input, as `scheduling.solver.parse_problem` reads it."""

    sessions: list[SessionJson]
    staff: list[StaffJson]
    participants: list[ParticipantJson]
    current: dict[str, list[str]]


# Archetype: (share, primary tracks, availability builder name)
ARCHETYPES = [
    ("day_worker", 0.26, ["evening", "virtual"]),
    ("night_worker", 0.17, ["morning"]),
    ("student", 0.14, ["morning", "afternoon"]),
    ("parent", 0.19, ["morning"]),
    ("flexible", 0.16, ["morning", "afternoon", "evening", "virtual"]),
    ("constrained", 0.08, ["evening"]),
]


def _w(day: int, start: str, end: str) -> WindowJson:
    return {"day": day, "start": start, "end": end}


def _availability(kind: str, rng: random.Random) -> tuple[list[WindowJson], str, int]:
    """Windows, mode and max_days for one participant of the given archetype."""
    mode = rng.choices(["either", "in_person", "virtual"], [0.55, 0.33, 0.12])[0]
    max_days = rng.choices([5, 4, 3, 6], [0.6, 0.2, 0.12, 0.08])[0]
    if kind == "day_worker":
        windows = [_w(d, "17:30", "22:00") for d in range(5)]
        if rng.random() < 0.8:
            windows.append(_w(5, "08:00", "17:00"))
    elif kind == "night_worker":
        windows = [_w(d, "08:00", "13:00") for d in range(5)]
        if rng.random() < 0.4:
            windows.append(_w(5, "08:00", "12:30"))
        mode = rng.choice(["either", "in_person"])
    elif kind == "student":
        windows = []
        for d in range(5):
            if d in (0, 2, 4):
                windows.append(_w(d, "08:00", "12:30"))
            if d in (1, 3) or (d == 4 and rng.random() < 0.5):
                windows.append(_w(d, "12:30", "17:00"))
        if rng.random() < 0.5:
            windows += [_w(d, "18:00", "22:00") for d in (0, 2)]
    elif kind == "parent":
        windows = [_w(d, "09:00", "14:00") for d in range(5)]
        if rng.random() < 0.4:
            windows.append(_w(5, "08:30", "16:30"))
        mode = rng.choice(["either", "either", "in_person"])
    elif kind == "flexible":
        windows = [_w(d, "08:00", "21:30") for d in range(6)]
    else:
        variant = rng.choice(["two_evenings", "two_days", "mode_mismatch"])
        if variant == "two_evenings":
            windows = [_w(1, "17:30", "21:30"), _w(3, "17:30", "21:30")]
            mode = rng.choice(["either", "in_person"])
        elif variant == "two_days":
            windows = [_w(d, "08:00", "21:30") for d in range(6)]
            max_days = 2
        else:
            windows = [_w(0, "17:30", "21:30"), _w(2, "17:30", "21:30"), _w(5, "12:30", "16:30")]
            mode = "in_person"
    return windows, mode, max_days


def _minute(text: str) -> int:
    return int(text[:2]) * 60 + int(text[3:])


def _covers(windows: list[WindowJson], day: int, start: int, end: int) -> bool:
    return any(
        w["day"] == day and _minute(w["start"]) <= start and end <= _minute(w["end"])
        for w in windows
    )


def _shared_slot(a: list[WindowJson], b: list[WindowJson], minutes: int) -> bool:
    for w in a:
        for v in b:
            if w["day"] == v["day"]:
                lo = max(_minute(w["start"]), _minute(v["start"]))
                hi = min(_minute(w["end"]), _minute(v["end"]))
                if math.ceil(lo / 15) * 15 + minutes <= hi:
                    return True
    return False


def generate(participants: int, seed: int = 0, seat_supply: float = SEAT_SUPPLY) -> ProblemJson:
    """A problem in the JSON input format with the given number of participants.

    ``seat_supply`` sizes the rooms per track against its demand; near 1.0 seats run short and
    who gets which seat decides how many reach full dose.
    """
    rng = random.Random(seed)
    people: list[ParticipantJson] = []
    demand = dict.fromkeys(TRACKS, 0.0)
    kinds = rng.choices([a[0] for a in ARCHETYPES], [a[1] for a in ARCHETYPES], k=participants)
    for k, kind in enumerate(kinds):
        windows, mode, max_days = _availability(kind, rng)
        tracks = next(a[2] for a in ARCHETYPES if a[0] == kind)
        tracks = [t for t in tracks if mode in ("either", TRACKS[t][0])] or tracks
        for t in tracks:
            demand[t] += 1 / len(tracks)
        people.append(
            {
                "id": f"p{k + 1:04d}",
                "required_minutes": 540,
                "mode": mode,
                "max_days": max_days,
                "availability": windows,
            }
        )

    sessions: list[SessionJson] = []
    for track, (mode, slots) in TRACKS.items():
        rooms = max(1, math.ceil(seat_supply * demand[track] / 10))
        for day, hhmm in slots:
            for r in range(rooms):
                sessions.append(
                    {
                        "id": f"{track[:3]}-{['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'][day]}-{r + 1}",
                        "day": day,
                        "start": hhmm,
                        "minutes": SESSION_MINUTES,
                        "capacity": rng.randint(8, 12),
                        "min_size": 3,
                        "mode": mode,
                        "staff": [],
                    }
                )

    staff: list[StaffJson] = []
    load: dict[str, list[tuple[int, int, int]]] = {}

    def new_staff(shift: str) -> StaffJson:
        member: StaffJson = {
            "id": f"s{len(staff) + 1:03d}",
            "availability": [_w(d, a, b) for d, a, b in STAFF_SHIFTS[shift]],
        }
        staff.append(member)
        load[member["id"]] = []
        return member

    for s in sessions:
        start = _minute(s["start"])
        end = start + s["minutes"]
        fitting = [
            m
            for m in staff
            if _covers(m["availability"], s["day"], start, end)
            and len(load[m["id"]]) < MAX_SESSIONS_PER_STAFF
            and not any(d == s["day"] and a < end and start < b for d, a, b in load[m["id"]])
        ]
        if not fitting:
            shift = "day" if _covers(new_staff_template("day"), s["day"], start, end) else "evening"
            fitting = [new_staff(shift)]
        chosen = min(fitting, key=lambda m: (len(load[m["id"]]), m["id"]))
        s["staff"].append(chosen["id"])
        load[chosen["id"]].append((s["day"], start, end))

    caseload: dict[str, int] = {m["id"]: 0 for m in staff}
    for p in people:
        fitting = [
            m
            for m in staff
            if caseload[m["id"]] < MAX_CASELOAD
            and _shared_slot(p["availability"], m["availability"], 50)
        ]
        if not fitting:
            shift = (
                "evening" if any(_minute(w["end"]) > 17 * 60 for w in p["availability"]) else "day"
            )
            fitting = [new_staff(shift)]
            caseload[fitting[0]["id"]] = 0
        chosen = min(fitting, key=lambda m: (caseload[m["id"]], m["id"]))
        caseload[chosen["id"]] += 1
        p["individual"] = {"staff": chosen["id"], "minutes": 50}

    on_leave = rng.sample(staff, max(1, len(staff) // 15))
    for m in on_leave:
        days = sorted({w["day"] for w in m["availability"]})
        off = rng.choice(days)
        m["availability"] = [w for w in m["availability"] if w["day"] != off]

    data: ProblemJson = {
        "sessions": sessions,
        "staff": staff,
        "participants": people,
        "current": {},
    }
    analysis = Analysis(parse_problem(data))
    problem = analysis.problem
    for pi, p in enumerate(people):
        options = [problem.sessions[si] for si in analysis.options[pi]]
        roll = rng.random()
        if roll < 0.6 and options:
            by_slot: dict[tuple[int, int], list[str]] = {}
            for option in options:
                by_slot.setdefault((option.day, option.start), []).append(option.id)
            slot_keys = sorted(by_slot)
            rng.shuffle(slot_keys)
            current = [rng.choice(by_slot[slot]) for slot in slot_keys[:3]]
            if rng.random() < 0.15:
                current[-1] = rng.choice(sessions)["id"]
            data["current"][p["id"]] = sorted(set(current))
            if rng.random() < 0.08 and current[0] in {s.id for s in options}:
                p["pinned"] = [current[0]]
        if rng.random() < 0.03 and options:
            choice = rng.choice(options).id
            if choice not in p.get("pinned", []):
                p["excluded"] = [choice]
    return data


def new_staff_template(shift: str) -> list[WindowJson]:
    return [_w(d, a, b) for d, a, b in STAFF_SHIFTS[shift]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("participants", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--seat-supply", type=float, default=SEAT_SUPPLY)
    args = parser.parse_args()
    json.dump(generate(args.participants, args.seed, args.seat_supply), sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
