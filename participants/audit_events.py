"""Audit event types of participant records: the policy's accesses and the record's writes."""

from typing import Any

from audit.event_types import register
from audit.models import Action
from participants.models import CareTeamRole

# An access decided by the policy is named by the part of the record and what was done.
_SCOPE_NOUNS = {
    "clinical": ("chart", "the chart"),
    "demographics": ("demographics", "the demographics"),
    "schedule": ("schedule", "the schedule"),
    "billing": ("billing", "the billing details"),
    "aftercare": ("aftercare", "the discharge and aftercare record"),
}
_ACCESS_VERBS = {
    Action.VIEW: ("viewed", "viewed", "view"),
    Action.PRINT: ("printed", "printed", "print"),
    Action.EXPORT: ("exported", "exported", "export"),
    Action.CREATE: ("added_to", "added to", "add to"),
    Action.CHANGE: ("changed", "changed", "change"),
}
for _scope, (_noun, _words) in _SCOPE_NOUNS.items():
    for _action, (_suffix, _past, _verb) in _ACCESS_VERBS.items():
        register(
            f"{_noun}.{_suffix}",
            _action,
            f"{_past} {_words}",
            f"{_verb} {_words}",
            subject=_words,
        )


def access_event_type(action: str, scope: str) -> str:
    """The event type of a policy decision: `chart.viewed` for a clinical read, and so on."""
    noun = _SCOPE_NOUNS[str(scope)][0]
    suffix = _ACCESS_VERBS[Action(action)][0]
    return f"{noun}.{suffix}"


register("participant.referred", Action.CREATE, "opened a referral", "open a referral")
register(
    "participant.referred_again",
    Action.CREATE,
    "referred a person again on their existing record",
    "refer a person again",
)
register(
    "participant.demographics_changed",
    Action.CHANGE,
    "changed the demographics",
    "change the demographics",
)


def _role_words(role: str) -> str:
    """A care-team role as the sentence names it ("peer specialist"); an unknown code as is."""
    try:
        return str(CareTeamRole(role).label).lower()
    except ValueError:
        return role


def left_the_team(details: dict[str, Any]) -> str:
    """Who left the care team with the write, from the places it ended, by why they ended:
    "Sam Lee (therapist), Kim Doe (nurse) left the care team — Discharged: the care team ends
    with the stay." Places ended before the events named who held them add nothing."""
    ended = details.get("care_team_ended")
    places = [p for p in ended if isinstance(p, dict)] if isinstance(ended, list) else []
    names: dict[str, list[str]] = {}
    for place in places:
        role = _role_words(str(place.get("role", "")))
        names.setdefault(place.get("reason", ""), []).append(f"{place.get('name')} ({role})")
    return "; ".join(
        f"{', '.join(who)} left the care team" + (f" — {why}" if why else "")
        for why, who in names.items()
    )


register(
    "episode.status_changed",
    Action.CHANGE,
    "changed the episode status",
    "change an episode",
    tells=left_the_team,
)
register(
    "episode.primary_clinician_changed",
    Action.CHANGE,
    "changed the primary clinician",
    "change the primary clinician",
    tells=left_the_team,
)
register(
    "care_team.member_added",
    Action.CREATE,
    "added a care-team member",
    "add a care-team member",
)
register(
    "care_team.member_ended",
    Action.CHANGE,
    "took a member off the care team",
    "take a member off the care team",
    tells=left_the_team,
)
register("referral_queue.viewed", Action.VIEW, "viewed the referral queue", "view referrals")
register("caseload.viewed", Action.VIEW, "viewed their caseload", "view a caseload")
register("home.viewed", Action.VIEW, "viewed their home page", "view a home page")
register(
    "participant.likely_matches_shown",
    Action.VIEW,
    "was shown likely existing records at referral",
    "see likely existing records",
)
register("participant.searched", Action.SEARCH, "searched for participants", "search")
register(
    "break_glass.opened",
    Action.BREAK_GLASS,
    "used emergency access to the chart",
    "use emergency access to the chart",
)
register(
    "break_glass.form_viewed",
    Action.VIEW,
    "opened the emergency access form",
    "open the emergency access form",
)
