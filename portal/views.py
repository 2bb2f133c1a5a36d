"""The participant's own pages (a phone-first portal)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.models import User
from audit.models import Action
from participants.access import Scope, authorize
from participants.models import Participant
from participants.selectors import current_episode, with_chart_relations


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if request.user.kind != User.Kind.PARTICIPANT:
        return redirect("home")
    participant = with_chart_relations(Participant.objects.filter(user=request.user)).first()
    if participant is None:
        return render(
            request,
            "error.html",
            {
                "title": "No record yet",
                "message": "Your account is not linked to a record yet. Ask your care team.",
            },
            status=404,
        )
    authorize(request.user, participant, Action.VIEW, Scope.DEMOGRAPHICS, details={"portal": True})
    episode = current_episode(participant)
    return render(
        request,
        "portal/home.html",
        {
            "participant": participant,
            "episode": episode,
            "care_team": list(episode.care_team.all()) if episode else [],
        },
    )
