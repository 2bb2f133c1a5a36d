"""The Safety plan tab (staff write and confirm it with the participant) and the
participant's own page, one tap from the portal home."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.http import SignedInRequest
from audit.models import Action
from participants.access import Scope, decide
from participants.decorators import PortalRead, participant_page, portal_read
from participants.http import StaffRequest
from participants.models import Participant
from participants.selectors import current_episode
from participants.views import chart_context
from safety import display, selectors, services
from safety.forms import ConfirmForm, DraftForm
from safety.models import STEP_FIELDS, STEPS
from tandem.errors import ConcurrentEdit, TandemError
from tandem.fields import refuse_on
from tandem.methods import serves


def _tab(
    request, participant, form=None, status=200, unsaved=None, confirm_form=None
) -> HttpResponse:
    """The tab; `unsaved` is what a refused form held, shown beside the draft it met."""
    context = chart_context(request, participant, "safety")
    draft = selectors.draft_of(participant)
    confirmed = selectors.confirmed_plan(participant)
    if form is None:
        base = draft or confirmed
        initial = {f: getattr(base, f) for f in STEP_FIELDS} if base else {}
        form = DraftForm(
            initial={
                **initial,
                "version": draft.version if draft else None,
                "number": draft.number if draft else selectors.next_number(participant),
            }
        )
    decision = decide(request.user, participant, Action.CHANGE, Scope.CLINICAL)
    context.update(
        draft=draft,
        history=selectors.history(participant),
        form=form,
        confirm_form=(confirm_form or ConfirmForm()) if draft else None,
        unsaved=unsaved,
        can_change=decision.allowed,
        closed_chart=decision.closed_chart,
        **display.plan_context(
            participant, context["episode"].program if context["episode"] else None
        ),
    )
    context["safety_plan"] = confirmed
    return render(request, "safety/tab.html", context, status=status)


@participant_page(Scope.CLINICAL, methods=("GET", "POST"))
def tab(request: StaffRequest, participant) -> HttpResponse:
    if request.method != "POST":
        return _tab(request, participant)
    form = DraftForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.save_draft(
                participant,
                by=request.user,
                steps={f: data[f] for f in STEP_FIELDS},
                expected_version=data["version"],
                number=data["number"],
            )
        except services.DraftStarted as exc:
            theirs = DraftForm(
                initial={
                    **{f: getattr(exc.draft, f) for f in STEP_FIELDS},
                    "version": exc.draft.version,
                    "number": exc.draft.number,
                }
            )
            messages.error(request, exc.message)
            mine = [(title, data[f]) for f, title in STEPS if data[f].strip()]
            return _tab(request, participant, form=theirs, status=409, unsaved=mine)
        except TandemError as exc:
            refuse_on(form, exc)
        else:
            messages.success(request, "Draft saved. Confirm it with the participant when ready.")
            return redirect("safety:tab", participant_id=participant.public_id)
    return _tab(request, participant, form=form, status=400)


@participant_page(Scope.CLINICAL, methods=("POST",))
def confirm(request: StaffRequest, participant) -> HttpResponse:
    """Confirm the draft as the boxes above the button show it (edits are saved with it)."""
    form = ConfirmForm(request.POST)
    draft = (
        selectors.numbered(participant, form.cleaned_data["number"]) if form.is_valid() else None
    )
    if draft is None:
        messages.error(request, "There is no draft to confirm.")
        return redirect("safety:tab", participant_id=participant.public_id)
    boxes = DraftForm(request.POST)
    if not boxes.is_valid():
        return _tab(request, participant, form=boxes, status=400, confirm_form=form)
    steps = {f: boxes.cleaned_data[f] for f in STEP_FIELDS if f in request.POST}
    try:
        services.confirm_as_written(
            draft,
            by=request.user,
            steps=steps,
            expected_version=form.cleaned_data["version"],
            written_with_participant=form.cleaned_data["written_with_participant"],
        )
    except ConcurrentEdit as exc:
        messages.error(request, exc.message)
        mine = [(title, steps[f]) for f, title in STEPS if steps.get(f, "").strip()]
        return _tab(request, participant, status=409, unsaved=mine)
    except TandemError as exc:
        messages.error(request, exc.message)
        return _tab(request, participant, form=boxes, status=400, confirm_form=form)
    messages.success(request, "Safety plan confirmed. The participant sees it on their portal.")
    return redirect("safety:tab", participant_id=participant.public_id)


@serves("GET")
@login_required
@portal_read(Scope.CLINICAL)
def mine(request: SignedInRequest, participant: Participant, read: PortalRead) -> HttpResponse:
    """The participant's own confirmed safety plan, with the crisis lines."""
    read.audit(page="safety plan")
    episode = current_episode(participant)
    context = display.plan_context(participant, episode.program if episode else None)
    context["portal_url"] = reverse("portal:home")
    return render(request, "safety/mine.html", context)
