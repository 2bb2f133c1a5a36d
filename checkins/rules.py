"""Escalation rules of the daily check-in, as data: what raises which alert, for whom, and why.

`evaluate(checkin, recent)` applies the rules that look at a new check-in and the ones
before it; `checkins.services.missed_checkins` applies the rule about check-ins that did not come.
The thresholds are the issue's program defaults (issue #11), not published cut-offs.
"""

from dataclasses import dataclass, field
from datetime import tzinfo

from monitoring.models import Severity


@dataclass(frozen=True)
class Rule:
    key: str
    alert_kind: str
    severity: str
    label: str
    reason: str
    params: dict = field(default_factory=dict)
    also_roles: tuple[str, ...] = ()  # care-team roles told besides the primary clinician
    route_to_roles: tuple[str, ...] = ()  # when set, these roles own the alert instead


SAFETY = Rule(
    "safety-yes",
    "checkin-safety",
    Severity.CRITICAL,
    "Safety answer yes in a check-in",
    "A yes to the safety question is a possible suicide risk: the care team acts the same "
    "day, the participant sees the safety plan and crisis lines at once, and the C-SSRS "
    "screener becomes due.",
)
USE = Rule(
    "use-reported",
    "checkin-use",
    Severity.HIGH,
    "Use reported in a check-in",
    "Reported use goes to the primary clinician so it is talked about at the next contact.",
)
REPEATED_USE = Rule(
    "repeated-use",
    "continued-stay-review",
    Severity.HIGH,
    "Repeated use: review continued stay and level of care",
    "Use reported again and again while in care asks whether the current level of care "
    "still fits (a continued-stay review and a new level-of-care rating).",
    params={"times": 2, "within_days": 14},
)
CRAVING = Rule(
    "craving-high",
    "checkin-craving",
    Severity.WARNING,
    "High craving on consecutive check-ins",
    "Craving at 8 or more on three check-ins in a row is an early sign of return to use.",
    params={"at_least": 8, "consecutive": 3},
)
NO_CHECKIN = Rule(
    "no-checkin",
    "checkin-engagement",
    Severity.WARNING,
    "No check-in for 3 days",
    "Three days without a check-in while in care is a sign of disengagement; the peer "
    "specialist on the care team reaches out.",
    params={"days": 3},
    route_to_roles=("peer",),
)

MOUD_MISSED = Rule(
    "moud-missed",
    "checkin-moud-missed",
    Severity.HIGH,
    "Missed MOUD doses reported in check-ins",
    "Missed doses of a medication for opioid use disorder reported on two check-ins within "
    "seven days: the prescriber reviews adherence, withdrawal and overdose risk (a program "
    "default, not a published cut-off).",
    params={"times": 2, "within_days": 7},
    also_roles=("prescriber",),
)

RULES = (SAFETY, USE, REPEATED_USE, CRAVING, NO_CHECKIN, MOUD_MISSED)
# The program's days the rules that count days look back over, the check-in's own included.
DAYS_COUNTED = max(REPEATED_USE.params["within_days"], MOUD_MISSED.params["within_days"])


def fired(checkin, recent: list, *, zone: tzinfo, on_moud: bool = False) -> list[Rule]:
    """The rules a new check-in sets off; `recent` is the participant's earlier current
    check-ins of the same stay, newest first (every one of the last `DAYS_COUNTED` days, and
    at least as many as a run of craving needs); `on_moud` says a medication for opioid use
    disorder is on the list that day. Repeated use and missed doses are counted by the
    program's days (`zone`), as the medication tab counts them: an evening check-in west of
    UTC belongs to that evening's day, not the next."""
    from checkins.models import MISSED_DOSES

    day = checkin.recorded_at.astimezone(zone).date()

    def days_before(earlier) -> int:
        return (day - earlier.recorded_at.astimezone(zone).date()).days

    hits: list[Rule] = []
    if checkin.safety:
        hits.append(SAFETY)
    if checkin.used:
        hits.append(USE)
        window = REPEATED_USE.params["within_days"]
        earlier_use = [c for c in recent if c.used and days_before(c) < window]
        if 1 + len(earlier_use) >= REPEATED_USE.params["times"]:
            hits.append(REPEATED_USE)
    needed = CRAVING.params["consecutive"]
    run = [checkin, *recent[: needed - 1]]
    if len(run) == needed and all(c.craving >= CRAVING.params["at_least"] for c in run):
        hits.append(CRAVING)
    if on_moud and checkin.medications_taken in MISSED_DOSES:
        window = MOUD_MISSED.params["within_days"]
        earlier = [
            c for c in recent if c.medications_taken in MISSED_DOSES and days_before(c) < window
        ]
        if 1 + len(earlier) >= MOUD_MISSED.params["times"]:
            hits.append(MOUD_MISSED)
    return hits
