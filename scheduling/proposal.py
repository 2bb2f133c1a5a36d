"""A run's proposal: the solver's result with the director's hand edits, checked again.

Everything here works on the stored JSON (problem, result, edits), so a proposal can be
reviewed, edited and published long after the solver finished.
"""

import copy
import re
from dataclasses import dataclass, field

from scheduling.solver import ProblemError, check, parse_problem


def _session_table(problem: dict) -> dict[str, dict]:
    return {s["id"]: s for s in problem.get("sessions", [])}


def _week_minute(session: dict) -> int:
    hours, minutes = session["start"].split(":")
    return session["day"] * 1440 + int(hours) * 60 + int(minutes)


def apply_edits(problem: dict, result: dict, edits: list[dict]) -> dict:
    """The result with every hand edit applied and minutes, dose and rosters recomputed."""
    out = copy.deepcopy(result)
    if not edits or not out.get("participants"):
        return out
    sessions = _session_table(problem)
    required = {p["id"]: p["required_minutes"] for p in problem["participants"]}
    rows = out["participants"]
    for edit in edits:
        row = rows.get(edit["participant"])
        if row is None or edit["session"] not in sessions:
            continue
        chosen = row["sessions"]
        if edit["action"] == "add" and edit["session"] not in chosen:
            chosen.append(edit["session"])
        elif edit["action"] == "remove" and edit["session"] in chosen:
            chosen.remove(edit["session"])
        row["edited"] = True
    for pid, row in rows.items():
        row["sessions"].sort(key=lambda sid: (_week_minute(sessions[sid]), sid))
        individual = row.get("individual")
        row["scheduled_minutes"] = sum(sessions[sid]["minutes"] for sid in row["sessions"]) + (
            individual["minutes"] if individual else 0
        )
        row["full_dose"] = row["scheduled_minutes"] >= required.get(pid, 0)
    rosters: dict[str, list[str]] = {sid: [] for sid in sessions}
    for pid, row in rows.items():
        for sid in row["sessions"]:
            rosters[sid].append(pid)
    out["sessions"] = {
        sid: {
            "size": len(members),
            "runs": bool(members),
            "participants": members,
            "min_size_waived": 0 < len(members) < sessions[sid]["min_size"],
        }
        for sid, members in rosters.items()
    }
    out["full_dose"] = sum(1 for row in rows.values() if row["full_dose"])
    return out


def violations(problem: dict, proposal: dict) -> list[str]:
    """The independent checker's findings for a proposal; empty when every rule holds."""
    if proposal.get("status") not in ("optimal", "feasible"):
        return []
    try:
        return check(parse_problem(problem), proposal)
    except ProblemError as exc:
        return exc.messages


def changes(problem: dict, proposal: dict) -> dict[str, dict[str, list[str]]]:
    """Per participant, the groups added and removed compared with the current week."""
    current = problem.get("current", {})
    diff = {}
    for pid, row in proposal.get("participants", {}).items():
        before, after = current.get(pid, []), row["sessions"]
        added = [sid for sid in after if sid not in before]
        removed = [sid for sid in before if sid not in after]
        if added or removed:
            diff[pid] = {"added": added, "removed": removed}
    return diff


def assignments(proposal: dict) -> dict[str, list[str]]:
    """Each participant's group ids, the shape a re-solve uses as its current week."""
    return {pid: list(row["sessions"]) for pid, row in proposal.get("participants", {}).items()}


QUOTED = re.compile(r'"([^"]+)"')
_PLAIN = {
    "min_size": "the minimum group size",
    "max_days": "their limit of days",
    "scheduled_minutes": "scheduled minutes",
    "full_dose": "full dose",
}


@dataclass
class Labels:
    """Names for the opaque ids in a problem, used only when a page shows a proposal."""

    names: dict[str, str] = field(default_factory=dict)

    def __call__(self, ident: str) -> str:
        return self.names.get(ident, ident)

    def sentence(self, text: str) -> str:
        """A solver or checker sentence with ids replaced by names."""
        text = QUOTED.sub(lambda m: self.names.get(m.group(1), m.group(0)), text)
        for jargon, plain in _PLAIN.items():
            text = text.replace(jargon, plain)
        return text.replace("participant ", "", 1) if text.startswith("participant ") else text
