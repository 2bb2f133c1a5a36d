"""The Level of care tab (decision, admission, referral out) and the public self-check.

Thin: parse, authorize, call a service, render. A service's AccessDenied (a role that may
not decide) is re-raised so the page gate answers with its audited 403 page.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt

from accounts.http import is_htmx
from accounts.models import LevelOfCare
from assessments.selectors import band_label, definition, flag_label, short_name
from audit.models import Action
from audit.services import record_event
from participants.access import Scope, decide, decide_with_capability
from participants.decorators import not_found, participant_page
from participants.http import StaffRequest
from participants.models import (
    EPISODE_PASSES_THROUGH,
    EPISODE_TRANSITIONS,
    PRE_ADMISSION_STATUSES,
    EpisodeStatus,
)
from participants.selectors import current_episode
from participants.views import chart_context
from placement import asam, rules, selectors, self_check, services
from placement.cards import cards_for
from placement.forms import AdmitForm, CloseForm, DecisionForm, SelfCheckForm
from tandem.errors import AccessDenied, TandemError
from tandem.fields import refuse_on
from tandem.methods import serves
from tandem.templatetags.clock import day


def _recommendation_context(recommendation: rules.Recommendation | None) -> dict:
    """The recommendation in words for the template (level labels, deciding rules marked)."""
    if recommendation is None:
        return {"recommendation": None, "rule_set": rules.active_rule_set()}
    deciding = set(recommendation.deciding)
    return {
        "rule_set": recommendation.rule_set,
        "recommendation": {
            "level": recommendation.level,
            "level_label": asam.level_label(recommendation.level) if recommendation.level else "",
            "prerequisites": recommendation.prerequisites,
            "fired": [
                {
                    "reason": r.reason,
                    "level_label": asam.level_label(r.level) if r.level else "",
                    "prerequisite": r.prerequisite,
                    "deciding": r in deciding,
                }
                for r in recommendation.fired
            ],
            "results": [_result_words(r) for r in recommendation.inputs.results.values()],
        },
    }


def _result_words(result: rules.InstrumentResult) -> dict:
    """An instrument result the rules read, named as its instrument declares its name, band
    and flags (C-SSRS Screener, High risk, Suicide risk), not by their codes."""
    instrument = definition(result.instrument)
    return {
        "name": short_name(result.instrument),
        "band": band_label(instrument, result.band),
        "flags": [flag_label(instrument, code) for code in result.flags],
        "completed_at": result.completed_at,
    }


def _closing_options(episode) -> list[tuple[str, str]]:
    """Transferred out / declined, where the lifecycle allows them (a referred episode is
    moved through screening on the way)."""
    reachable = set(EPISODE_TRANSITIONS[episode.status]) | {
        to for (start, to) in EPISODE_PASSES_THROUGH if start == episode.status
    }
    return [(s, EpisodeStatus(s).label) for s in services.CLOSING_STATUSES if s in reachable]


def _tab_context(
    request: StaffRequest,
    participant,
    form: DecisionForm | None = None,
    recommendation: rules.Recommendation | None = None,
    sent: dict[str, Any] | None = None,
) -> dict:
    context = chart_context(request, participant, "level_of_care")
    episode = context["episode"]
    decisions = selectors.decisions_for(episode) if episode else []
    current = selectors.in_force(decisions)
    can_edit = decide(request.user, participant, Action.CHANGE, Scope.CLINICAL).allowed
    can_decide = (
        episode is not None
        and episode.is_open
        and decide_with_capability(
            request.user, participant, "level_of_care.decide", Action.CHANGE, Scope.CLINICAL
        ).allowed
    )
    today = episode.program.today() if episode else None
    admit_form = None
    if (
        can_edit
        and current is not None
        and current.chosen_level == episode.level_of_care
        and episode.status in PRE_ADMISSION_STATUSES
    ):
        admit_form = AdmitForm(
            organization_id=participant.organization_id,
            initial={
                "admitted_on": today,
                "version": episode.version,
                "primary_clinician": episode.primary_clinician_id,
            },
        )
    referral = getattr(current, "referral_out", None) if current else None
    close_form = None
    if can_edit and referral is not None and episode.is_open:
        close_form = CloseForm(initial={"on": today, "version": episode.version})
    context.update(
        decisions=decisions,
        current=current,
        referral=referral,
        can_decide=can_decide,
        form=form
        or DecisionForm(
            initial={"current": current.public_id if current else None, "decided_on": today}
        ),
        admit_form=admit_form,
        admit_label="Admit to IOP"
        if episode is not None and episode.level_of_care == LevelOfCare.IOP
        else "Admit to the program",
        close_form=close_form,
        closing_options=_closing_options(episode) if close_form else [],
        dimensions=asam.DIMENSIONS,
        rules_listed=[
            {
                "rule": rule,
                "when": rule.when.describe(),
                "level_label": asam.level_label(rule.level) if rule.level else "",
            }
            for rule in rules.active_rule_set().rules
        ],
        cards=cards_for(request, participant, episode, sent or {}) if episode else [],
        **_recommendation_context(recommendation),
    )
    return context


def tab_page(
    request: StaffRequest, participant, *, sent: dict[str, Any], status: int
) -> HttpResponse:
    """The tab with a card's refused form sent back (`placement.cards`): what was typed and
    why, with the refusal's status."""
    context = _tab_context(request, participant, sent=sent)
    return render(request, "placement/level_of_care_tab.html", context, status=status)


@participant_page(Scope.CLINICAL, methods=("GET",))
def level_of_care(request: StaffRequest, participant) -> HttpResponse:
    return render(request, "placement/level_of_care_tab.html", _tab_context(request, participant))


@participant_page(Scope.CLINICAL, methods=("POST",))
def decide_level(request: StaffRequest, participant) -> HttpResponse:
    """action=preview shows the recommendation and writes nothing; action=record records."""
    episode = current_episode(participant)
    if episode is None:
        return not_found(request)
    form = DecisionForm(request.POST)
    if request.POST.get("action") == "preview":
        recommendation = (
            services.recommend(episode, form.ratings()) if form.ratings_complete() else None
        )
        # A preview reads the instrument results: audited as a view, like a page.
        record_event(
            actor=request.user,
            event_type="level_of_care.recommendation_viewed",
            participant=participant,
            decision=request.access,
            record_type="placement.Recommendation",
            details={"scope": str(Scope.CLINICAL), "page": "placement:decide"},
        )
        if is_htmx(request):
            return render(
                request,
                "placement/_recommendation.html",
                _recommendation_context(recommendation),
            )
        context = _tab_context(request, participant, form, recommendation)
        return render(request, "placement/level_of_care_tab.html", context)
    if form.is_valid():
        data = form.cleaned_data
        try:
            made = services.record_decision(
                episode,
                ratings=form.ratings(),
                notes=form.notes(),
                chosen_level=data["chosen_level"],
                reason=data["reason"],
                prerequisites_done=data["prerequisites_done"],
                refer_to=data["refer_to"],
                decided_on=data["decided_on"],
                current_id=data["current"],
                by=request.user,
            )
        except AccessDenied:
            raise
        except TandemError as exc:
            refuse_on(form, exc)
        else:
            messages.success(
                request, f"Level-of-care decision recorded: {made.get_chosen_level_display()}."
            )
            return redirect("placement:level_of_care", participant_id=participant.public_id)
    recommendation = (
        services.recommend(episode, form.ratings()) if form.ratings_complete() else None
    )
    context = _tab_context(request, participant, form, recommendation)
    return render(request, "placement/level_of_care_tab.html", context, status=400)


@participant_page(Scope.CLINICAL, methods=("POST",))
def admit(request: StaffRequest, participant) -> HttpResponse:
    episode = current_episode(participant)
    if episode is None:
        return not_found(request)
    form = AdmitForm(request.POST, organization_id=participant.organization_id)
    if not form.is_valid():
        messages.error(request, "Give the admission date and choose the primary clinician.")
    else:
        data = form.cleaned_data
        try:
            admitted = services.admit(
                episode,
                by=request.user,
                on=data["admitted_on"],
                primary_clinician=data["primary_clinician"],
                expected_version=data["version"],
            )
        except AccessDenied:
            raise
        except TandemError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Admitted on {day(admitted.admitted_on)}.")
            if not decide(request.user, participant, Action.VIEW, Scope.CLINICAL).allowed:
                # The intake coordinator's access ends at admission: show where the case went
                # instead of a refusal page.
                messages.info(
                    request,
                    f"{data['primary_clinician']} is now the primary clinician; "
                    "the chart has left your intake queue.",
                )
                return redirect("home")
    return redirect("placement:level_of_care", participant_id=participant.public_id)


@participant_page(Scope.CLINICAL, methods=("POST",))
def close_episode(request: StaffRequest, participant) -> HttpResponse:
    episode = current_episode(participant)
    if episode is None:
        return not_found(request)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the date.")
    else:
        data = form.cleaned_data
        try:
            closed = services.close_after_referral(
                episode,
                to_status=data["to_status"],
                by=request.user,
                on=data["on"],
                expected_version=data["version"],
                confirmed=data["confirm"],
            )
        except AccessDenied:
            raise
        except TandemError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Episode closed: {closed.get_status_display().lower()}.")
    return redirect("placement:level_of_care", participant_id=participant.public_id)


# Exempt from CSRF on purpose: this public page stores nothing and changes nothing, so a
# forged submission gains nothing, and a CSRF token would need a cookie, which this page
# promises not to set. It POSTs so the answers never appear in a URL, a server log or the
# browser history.
@csrf_exempt
@serves("GET", "POST")
def self_check_page(request: HttpRequest) -> HttpResponse:
    """The anonymous self-check: no sign-in, no database, no session, no cookie."""
    form = SelfCheckForm(request.POST if request.method == "POST" else None)
    result = self_check.guidance(form.answers()) if request.method == "POST" else None
    response = render(
        request,
        "placement/self_check.html",
        {"form": form, "result": result, "crisis_lines": self_check.CRISIS_LINES},
    )
    response["Cache-Control"] = "no-store"
    return response
