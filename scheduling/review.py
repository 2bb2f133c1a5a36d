"""The proposal page's content: every participant's week, why anyone falls short, what changed.

Ids in the stored problem are opaque; names are looked up here, in three queries, only when
a director opens the page.
"""

from dataclasses import dataclass, field

from accounts.models import User
from participants.models import Participant
from scheduling import proposal as proposals
from scheduling.models import Group, ScheduleRun, Session, Weekday
from scheduling.problem_builder import staff_pk
from scheduling.proposal import QUOTED, Labels


@dataclass
class SessionChoice:
    id: str
    label: str
    minutes: int


@dataclass
class ParticipantWeek:
    id: str
    participant: Participant | None
    name: str
    sessions: list[SessionChoice]
    individual: str
    minutes: int
    required: int
    full_dose: bool
    reasons: list[str]
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    edited: bool = False

    @property
    def short_by(self) -> int:
        return max(0, self.required - self.minutes)


@dataclass
class Review:
    run: ScheduleRun
    summary: dict
    rows: list[ParticipantWeek]
    groups: list[dict]
    choices: list[SessionChoice]
    warnings: list[str]
    errors: list[str]
    left_out: list[dict] = field(default_factory=list)
    """Participants in care a program rule kept out of the run, with why."""
    named: list[Participant] = field(default_factory=list)
    """The participants the errors name, so the page can open where each is fixed."""


def group_label(group: Group) -> str:
    return f"{Weekday(group.weekday).label[:3]} {group.start_time:%H:%M} {group.title}"


def session_label(session: Session) -> str:
    local = session.starts_at.astimezone(session.program.tz)
    return f"{Weekday(session.date.weekday()).label[:3]} {local:%H:%M} {session.title}"


# The solver speaks of a whole program's week; a placement is one person's rest of the week.
_PLACEMENT_WORDS = {
    "the search stopped before it could show that no schedule gives more participants a full "
    "dose": "the search stopped before it could show that no other choice of sessions gives "
    "them more minutes",
    "no schedule gives more participants a full dose": "no other choice of sessions gives "
    "them more minutes",
    "with everyone else's places as scheduled": "with everyone else's places kept",
}


def placement_reasons(run: ScheduleRun) -> list[str]:
    """Why a mid-week placement left the person short of the week's minutes or without their
    individual session, named as the run page names them: the solver's reasons for the week
    (whose "required minutes" are those still missing once the week so far is counted)."""
    problem, result = run.problem or {}, run.result or {}
    row = next(iter(result.get("participants", {}).values()), None)
    if not row:
        return []
    labels, _ = labels_for(problem)
    still = problem.get("week_so_far", {}).get("minutes", 0) > 0
    reasons = []
    for reason in row.get("reasons", []):
        text = labels.sentence(reason)
        for solver_words, words in _PLACEMENT_WORDS.items():
            text = text.replace(solver_words, words)
        if still:
            text = text.replace(" required minutes", " minutes still needed this week")
        reasons.append(text[:1].upper() + text[1:])
    return reasons


def labels_for(problem: dict) -> tuple[Labels, dict[str, Participant]]:
    """Names for every id in a problem, and the participants by id (for chart links)."""
    names: dict[str, str] = {}
    group_ids = [s["id"] for s in problem.get("sessions", [])]
    for group in Group.objects.filter(public_id__in=group_ids):
        names[str(group.public_id)] = group_label(group)
    people = {
        str(p.public_id): p
        for p in Participant.objects.filter(
            public_id__in=[
                p["id"] for p in problem.get("participants", []) + problem.get("left_out", [])
            ]
        )
    }
    missing = [sid for sid in group_ids if sid not in names]
    # A mid-week placement's problem names this week's dated sessions, not weekly groups.
    for session in Session.objects.filter(public_id__in=missing).select_related("program"):
        names[str(session.public_id)] = session_label(session)
    names.update({pid: p.display_name for pid, p in people.items()})
    staff_ids = [staff_pk(s["id"]) for s in problem.get("staff", [])]
    for user in User.objects.filter(pk__in=staff_ids):
        names[f"staff-{user.pk}"] = str(user)
    return Labels(names), people


def _day_time(slot: dict) -> str:
    return f"{Weekday(slot['day']).label[:3]} {slot['start']}"


def build_review(run: ScheduleRun) -> Review:
    problem = run.problem or {}
    labels, people = labels_for(problem)
    sessions = {s["id"]: s for s in problem.get("sessions", [])}
    choices = [SessionChoice(sid, labels(sid), s["minutes"]) for sid, s in sessions.items()]
    result = run.result or {}
    raw_errors = [*result.get("errors", []), *result.get("infeasible_reasons", [])]
    errors = [labels.sentence(e) for e in raw_errors]
    named = {
        pid: people[pid] for text in raw_errors for pid in QUOTED.findall(text) if pid in people
    }
    proposal = proposals.apply_edits(problem, result, run.edits) if result else {}
    diff = proposals.changes(problem, proposal)
    rows = []
    for pid, row in proposal.get("participants", {}).items():
        individual = row.get("individual")
        rows.append(
            ParticipantWeek(
                id=pid,
                participant=people.get(pid),
                name=labels(pid),
                sessions=[
                    SessionChoice(sid, labels(sid), sessions[sid]["minutes"])
                    for sid in row["sessions"]
                ],
                individual=(
                    f"{_day_time(individual)}, {individual['minutes']} min with "
                    f"{labels(individual['staff'])}"
                    if individual
                    else ""
                ),
                minutes=row["scheduled_minutes"],
                required=row["required_minutes"],
                full_dose=row["full_dose"],
                reasons=[] if row.get("edited") else [labels.sentence(r) for r in row["reasons"]],
                added=[labels(sid) for sid in diff.get(pid, {}).get("added", [])],
                removed=[labels(sid) for sid in diff.get(pid, {}).get("removed", [])],
                edited=bool(row.get("edited")),
            )
        )
    rows.sort(key=lambda r: (r.full_dose, r.name))
    placed = proposal.get("sessions", {})
    groups = [
        {
            "label": labels(sid),
            "size": placed.get(sid, {}).get("size", 0),
            "capacity": s["capacity"],
            "min_size": s["min_size"],
            # Stored by the solver for its own week; hand edits rebuild the rosters without it.
            "why": labels.sentence(placed.get(sid, {}).get("not_running", "")),
        }
        for sid, s in sessions.items()
    ]
    warnings = [labels.sentence(v) for v in proposals.violations(problem, proposal)]
    summary = {
        "status": result.get("status", ""),
        "proven_optimal": result.get("status") == "optimal",
        "full_dose": proposal.get("full_dose", 0),
        "participants": len(rows),
        "bound": result.get("bound"),
        "gap": result.get("gap"),
        "solve_seconds": result.get("solve_seconds"),
        "method": result.get("method", ""),
        "changed": len(diff),
        "edits": len(run.edits),
    }
    left_out = [
        {
            "id": row["id"],
            "participant": people.get(row["id"]),
            "name": labels(row["id"]),
            "reason": row["reason"],
        }
        for row in problem.get("left_out", [])
    ]
    return Review(
        run, summary, rows, groups, choices, warnings, errors, left_out, list(named.values())
    )
