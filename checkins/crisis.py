"""What a participant sees at once after a yes to the safety question.

Crisis lines come from `monitoring.crisis` (clinical reference §7); the participant's own
confirmed safety plan from `safety`.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from monitoring.selectors import who_was_alerted
from participants.selectors import current_episode
from safety.display import plan_context


def crisis_page(request: HttpRequest, participant, checkin, *, back_url: str = "") -> HttpResponse:
    """Crisis lines, the safety plan and who was alerted by this check-in (said only when true)."""
    episode = current_episode(participant)
    program = episode.program if episode is not None else None
    return render(
        request,
        "checkins/crisis.html",
        {
            **plan_context(participant, program),
            "alerted": who_was_alerted(participant, checkin),
            "back_url": back_url,
        },
    )
