"""Seeded generator of crowded IOP programs: the shape that makes scheduling hard.

Seats and clinicians are short, so groups fill and some people cannot reach full dose whatever
the schedule. Tracks: in-person mornings (Mon/Wed/Fri 9-12), in-person evenings (Tue/Thu 18-21
plus Saturday 10-13), online middays (Tue/Thu/Fri 12-15), online evenings (Mon/Wed 18-21) and an
online Sunday group (16-19). Each slot has parallel groups in rooms of different sizes. Staff
work day, evening, swing, weekend or part-time hours. Participants are day-shift workers,
night-shift workers, students, parents limited to school hours, unemployed, remote workers and
people with two jobs; some attend only in person, some only online. Required minutes are 540 or
more; individual sessions of 45-60 minutes go with a primary clinician.

Usage: ``python bench/crowded_instances.py 400 --seed 2 > problem.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from schedule_instances import (
        ParticipantJson,
        ProblemJson,
        SessionJson,
        StaffJson,
        WindowJson,
    )

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TRACKS: dict[str, tuple[str, list[tuple[int, str]]]] = {
    "am": ("in_person", [(0, "09:00"), (2, "09:00"), (4, "09:00")]),
    "pm": ("in_person", [(1, "18:00"), (3, "18:00"), (5, "10:00")]),
    "mid": ("virtual", [(1, "12:00"), (3, "12:00"), (4, "12:00")]),
    "eve": ("virtual", [(0, "18:00"), (2, "18:00")]),
    "sun": ("virtual", [(6, "16:00")]),
}
SESSION_MINUTES = 180
ROOM_SIZES = (6, 8, 10, 12)
SHIFTS: dict[str, list[tuple[int, str, str]]] = {
    "day": [(d, "08:00", "16:30") for d in range(5)],
    "evening": [(d, "13:00", "21:30") for d in range(5)],
    "swing": [(d, "10:00", "19:00") for d in range(5)],
    "weekend": [(d, "08:00", "20:00") for d in (5, 6)] + [(d, "14:00", "21:30") for d in (0, 2)],
    "part_time": [(d, "09:00", "15:00") for d in (1, 3, 4)],
}
# Archetype: share of participants.
ARCHETYPES = {
    "day_shift": 0.22,
    "night_shift": 0.14,
    "student": 0.12,
    "parent": 0.16,
    "unemployed": 0.12,
    "remote": 0.12,
    "two_jobs": 0.12,
}


def _w(day: int, start: str, end: str) -> WindowJson:
    return {"day": day, "start": start, "end": end}


def _minute(text: str) -> int:
    return int(text[:2]) * 60 + int(text[3:])


def _availability(kind: str, rng: random.Random) -> tuple[list[WindowJson], str, int]:
    """Windows, mode and max_days for one participant of the given kind."""
    mode = rng.choices(["either", "in_person", "virtual"], [0.6, 0.22, 0.18])[0]
    max_days = rng.choices([7, 5, 4, 3], [0.4, 0.3, 0.2, 0.1])[0]
    if kind == "day_shift":
        windows = [_w(d, "17:30", "22:00") for d in range(5)]
        windows += [_w(d, "09:00", "20:00") for d in (5, 6) if rng.random() < 0.7]
    elif kind == "night_shift":
        end = rng.choice(["13:00", "15:30"])
        windows = [_w(d, "08:30", end) for d in range(5)]
        if rng.random() < 0.4:
            windows.append(_w(6, "14:00", "20:00"))
    elif kind == "student":
        windows = [_w(d, "08:00", "12:30") for d in (0, 2, 4) if rng.random() < 0.7]
        windows += [_w(d, "11:30", "16:00") for d in (1, 3) if rng.random() < 0.8]
        windows += [_w(d, "17:30", "22:00") for d in range(5) if rng.random() < 0.5]
    elif kind == "parent":
        windows = [_w(d, "08:45", "15:00") for d in range(5)]
        if rng.random() < 0.3:
            windows.append(_w(5, "09:00", "14:00"))
    elif kind == "unemployed":
        windows = [_w(d, "08:00", "21:30") for d in range(7) if rng.random() < 0.85]
    elif kind == "remote":
        mode = "virtual"
        windows = [_w(d, "11:30", "15:30") for d in range(5) if rng.random() < 0.7]
        windows += [_w(d, "17:30", "22:00") for d in range(5) if rng.random() < 0.5]
        windows.append(_w(6, "15:00", "20:00"))
    else:
        # Two jobs: scattered evenings and part of the weekend.
        evenings = rng.sample(range(5), rng.randint(1, 3))
        windows = [_w(d, "17:45", "21:30") for d in sorted(evenings)]
        windows += [_w(d, "09:30", "19:30") for d in (5, 6) if rng.random() < 0.6]
        max_days = min(max_days, 4)
    windows.sort(key=lambda w: (w["day"], w["start"]))
    merged: list[WindowJson] = []
    for w in windows:
        if merged and merged[-1]["day"] == w["day"] and w["start"] <= merged[-1]["end"]:
            merged[-1]["end"] = max(merged[-1]["end"], w["end"])
        else:
            merged.append(w.copy())
    return merged, mode, max_days


def _covers(windows: list[WindowJson], day: int, start: int, end: int) -> bool:
    return any(
        w["day"] == day and _minute(w["start"]) <= start and end <= _minute(w["end"])
        for w in windows
    )


def generate(participants: int, seed: int = 0, seat_supply: float = 0.6) -> ProblemJson:
    """A crowded problem in the JSON input format.

    ``seat_supply`` is group seats per participant-week of three groups, per track (0.6 by default); below 1
    some people cannot reach full dose whatever the schedule.
    """
    rng = random.Random(seed)
    people: list[ParticipantJson] = []
    kinds = rng.choices(list(ARCHETYPES), list(ARCHETYPES.values()), k=participants)
    demand = dict.fromkeys(TRACKS, 0.0)
    for k, kind in enumerate(kinds):
        windows, mode, max_days = _availability(kind, rng)
        reachable = [
            t
            for t, (t_mode, slots) in TRACKS.items()
            if mode in ("either", t_mode)
            and any(_covers(windows, d, _minute(s), _minute(s) + SESSION_MINUTES) for d, s in slots)
        ]
        for t in reachable:
            demand[t] += 1 / len(reachable)
        people.append(
            {
                "id": f"p{k + 1:04d}",
                "required_minutes": rng.choices([540, 600, 630], [0.7, 0.2, 0.1])[0],
                "mode": mode,
                "max_days": max_days,
                "availability": windows,
            }
        )

    sessions: list[SessionJson] = []
    for track, (mode, slots) in TRACKS.items():
        seats_needed = seat_supply * demand[track] * 3 / len(slots)
        for day, hhmm in slots:
            seats, room = 0, 0
            while seats < seats_needed or room == 0:
                capacity = rng.choice(ROOM_SIZES)
                room += 1
                seats += capacity
                sessions.append(
                    {
                        "id": f"{track}-{DAYS[day]}-{room}",
                        "day": day,
                        "start": hhmm,
                        "minutes": SESSION_MINUTES,
                        "capacity": capacity,
                        "min_size": rng.choice([3, 3, 4]),
                        "mode": mode,
                        "staff": [],
                    }
                )

    staff: list[StaffJson] = []
    load: dict[str, list[tuple[int, int, int]]] = {}

    def hire(shift: str) -> StaffJson:
        member: StaffJson = {
            "id": f"s{len(staff) + 1:03d}",
            "availability": [_w(d, a, b) for d, a, b in SHIFTS[shift]],
        }
        staff.append(member)
        load[member["id"]] = []
        return member

    for shift, count in (
        ("day", 2),
        ("evening", 2),
        ("swing", 1),
        ("weekend", 1),
        ("part_time", 1),
    ):
        for _ in range(max(1, round(count * participants / 120))):
            hire(shift)
    for s in sessions:
        start = _minute(s["start"])
        end = start + s["minutes"]
        fitting = [
            m
            for m in staff
            if _covers(m["availability"], s["day"], start, end)
            and len(load[m["id"]]) < 4
            and not any(d == s["day"] and a < end and start < b for d, a, b in load[m["id"]])
        ]
        if not fitting:
            shift = next(
                name
                for name in ("day", "evening", "weekend", "swing")
                if _covers([_w(d, a, b) for d, a, b in SHIFTS[name]], s["day"], start, end)
            )
            fitting = [hire(shift)]
        chosen = min(fitting, key=lambda m: (len(load[m["id"]]), m["id"]))
        s["staff"].append(chosen["id"])
        load[chosen["id"]].append((s["day"], start, end))

    # Clinicians carry large caseloads: some people find no common hour with theirs.
    caseload = {m["id"]: 0 for m in staff}
    limit = max(8, math.ceil(participants / len(staff) * 1.15))
    for p in people:
        minutes = rng.choice([45, 50, 60])
        shared = [
            m
            for m in staff
            if caseload[m["id"]] < limit
            and any(
                w["day"] == v["day"]
                and min(_minute(w["end"]), _minute(v["end"]))
                - max(_minute(w["start"]), _minute(v["start"]))
                >= minutes + 15
                for w in p["availability"]
                for v in m["availability"]
            )
        ]
        pool = shared if shared and rng.random() < 0.9 else list(staff)
        chosen = min(pool, key=lambda m: (caseload[m["id"]], rng.random()))
        caseload[chosen["id"]] += 1
        p["individual"] = {"staff": chosen["id"], "minutes": minutes}
    return {"sessions": sessions, "staff": staff, "participants": people, "current": {}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("participants", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--seat-supply", type=float, default=0.6)
    args = parser.parse_args()
    json.dump(generate(args.participants, args.seed, args.seat_supply), sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
