"""What a participant sees at once after a yes to the safety question.

Crisis lines come from `monitoring.crisis` (clinical reference §7). Another module can add
the participant's own safety plan: append `provider(participant) -> dict | None` to
`SAFETY_PLAN_PROVIDERS`; the dict has `template` (included on the page) and its context.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from monitoring.crisis import CRISIS_LINES
from monitoring.selectors import who_was_alerted
from participants.selectors import current_episode

SAFETY_PLAN_PROVIDERS: list[Callable[[object], dict | None]] = []


def crisis_page(request: HttpRequest, participant, checkin, *, back_url: str = "") -> HttpResponse:
    """Crisis lines, the safety plan and who was alerted by this check-in (said only when true)."""
    episode = current_episode(participant)
    program = episode.program if episode is not None else None
    plans = [p for provider in SAFETY_PLAN_PROVIDERS if (p := provider(participant))]
    return render(
        request,
        "checkins/crisis.html",
        {
            "crisis_lines": CRISIS_LINES,
            "after_hours_phone": program.after_hours_phone if program else "",
            "program_name": program.name if program else "",
            "safety_plans": plans,
            "alerted": who_was_alerted(participant, checkin),
            "back_url": back_url,
        },
    )
