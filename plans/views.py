"""The Plan tab, the draft editor, a version, an objective, and the program's plan pages.

Thin: parse, authorize (the page decorator), call a service, render. Services raise
AccessDenied for a role without the capability; the page decorator answers with its audited 403.
"""

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext

from accounts.http import SignedInRequest, is_htmx
from accounts.models import Program
from audit.models import Action
from audit.services import record_event
from intake.models import Diagnosis
from participants.access import (
    Scope,
    decide,
    may,
    may_open,
    organizations_of,
)
from participants.decorators import PortalRead, not_found, participant_page, portal_read
from participants.home import shows
from participants.http import StaffRequest
from participants.models import Participant
from participants.views import chart_context
from plans import forms, selectors, services
from plans.models import (
    Goal,
    Intervention,
    Modality,
    Objective,
    PlanReview,
    Problem,
    ReviewedObjective,
    TreatmentPlan,
)
from tandem.errors import AccessDenied, TandemError
from tandem.fields import refusal_status
from tandem.hooks import Hook
from tandem.methods import serves
from tandem.templatetags.clock import day
from tandem.views import error_page

# Sections other modules add to an objective's page (e.g. the notes that addressed it):
# callables(request, objective) -> dict with `template` (and its data), or None.
OBJECTIVE_SECTIONS: Hook[Callable] = Hook("plans.objective_sections")


def _plan_of(participant, plan_id) -> TreatmentPlan | None:
    return (
        TreatmentPlan.objects.filter(participant=participant, public_id=plan_id)
        .select_related("episode__program", "participant")
        .first()
    )


def _capabilities(request: StaffRequest, participant, plan: TreatmentPlan | None = None) -> dict:
    """What the user may do here; a revision (of a signed plan) stays open after discharge."""
    org = participant.organization_id
    can_edit = decide(
        request.user,
        participant,
        Action.CHANGE,
        Scope.CLINICAL,
        addendum=plan is not None and services.is_addendum(plan),
    ).allowed
    can_revise = decide(
        request.user, participant, Action.CHANGE, Scope.CLINICAL, addendum=True
    ).allowed
    return {
        "can_edit": can_edit,
        "can_revise": can_revise,
        "can_sign": can_edit and may(request.user, "plan.sign", org),
        "can_cosign": can_revise and may(request.user, "plan.cosign", org),
    }


@participant_page(Scope.CLINICAL, methods=("GET",))
def plan_tab(request: StaffRequest, participant) -> HttpResponse:
    """The plan in force with computed progress, the open draft, every version and every
    review that kept a version unchanged."""
    context = chart_context(request, participant, "plan")
    versions = selectors.plans_of(participant)
    in_force = selectors.in_force_among(versions)
    episode = context["episode"]
    settings = services.settings_of(episode.program) if episode else None
    view = selectors.plan_view(in_force, loaded=True) if in_force else None
    capabilities = _capabilities(request, participant)
    reviews = selectors.reviews_among(versions)
    if capabilities["can_sign"]:
        for r in reviews:
            cast(Any, r).error_form = None if r.entered_in_error else _review_error_form(r)
    context.update(
        capabilities,
        view=view,
        draft=selectors.draft_among(versions),
        versions=versions,
        reviews=reviews,
        last_review=selectors.counted_review(reviews),
        plan_settings=settings,
        review_due=selectors.stored_review_due(episode) if episode else None,
        revision_form=forms.RevisionForm(),
        acknowledge_form=forms.AcknowledgeForm(),
        review_form=forms.ReviewForm(
            initial={"reviewed_on": episode.program.today()},
            objectives=view.objectives if view else (),
        )
        if episode
        else None,
    )
    return render(request, "plans/plan_tab.html", context)


@participant_page(Scope.CLINICAL, methods=("POST",))
def start(request: StaffRequest, participant) -> HttpResponse:
    from participants.selectors import current_episode

    episode = current_episode(participant)
    if episode is None:
        messages.error(request, "This participant has no episode.")
        return redirect("plans:plan", participant_id=participant.public_id)
    try:
        plan = services.start_plan(episode, by=request.user)
    except AccessDenied:
        raise
    except TandemError as exc:
        messages.error(request, exc.message)
        return redirect("plans:plan", participant_id=participant.public_id)
    return redirect("plans:edit", participant_id=participant.public_id, plan_id=plan.public_id)


@participant_page(Scope.CLINICAL, methods=("POST",), addenda=True)
def revise(request: StaffRequest, participant, plan_id) -> HttpResponse:
    plan = _plan_of(participant, plan_id)
    if plan is None:
        return not_found(request)
    form = forms.RevisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say what this revision changes.")
        return redirect("plans:plan", participant_id=participant.public_id)
    try:
        draft = services.start_revision(
            plan, by=request.user, change_summary=form.cleaned_data["change_summary"]
        )
    except AccessDenied:
        raise
    except TandemError as exc:
        messages.error(request, exc.message)
        return redirect("plans:plan", participant_id=participant.public_id)
    return redirect("plans:edit", participant_id=participant.public_id, plan_id=draft.public_id)


def _editor_context(request: StaffRequest, participant, plan: TreatmentPlan, errors=None) -> dict:
    context = chart_context(request, participant, "plan")
    modalities = list(Modality.objects.filter(program=plan.episode.program, active=True))
    diagnoses = list(
        Diagnosis.objects.current().filter(episode=plan.episode).order_by("made_on", "pk")
    )
    context.update(
        _capabilities(request, participant, plan),
        plan=plan,
        view=selectors.plan_view(plan, with_progress=False),
        suggestions=selectors.suggestions(plan.episode, plan) if not plan.is_signed else [],
        problem_form=forms.ProblemForm(initial={"version": plan.version}, diagnoses=diagnoses),
        goal_form=forms.GoalForm(initial={"version": plan.version}),
        objective_form=forms.ObjectiveForm(initial={"version": plan.version}),
        intervention_form=forms.InterventionForm(
            initial={"version": plan.version}, modalities=modalities
        ),
        missing=services.missing_for_signing(plan) if not plan.is_signed else [],
        errors=errors or [],
    )
    if not plan.is_signed:
        _attach_edit_forms(context["view"], plan, diagnoses, modalities)
    return context


def _attach_edit_forms(view, plan: TreatmentPlan, diagnoses: list, modalities: list) -> None:
    """Each row of a draft gets its own form, filled with what it says, to change it in place
    (the plan's version rides along, so a change made meanwhile is caught)."""
    v = plan.version

    def ids(row) -> str:
        return f"id_{row.public_id}_%s"

    for p in view.problems:
        p.edit_form = forms.ProblemForm(
            initial={
                "version": v,
                "row": p.public_id,
                "domain": p.domain,
                "statement": p.statement,
                "dimensions": p.dimensions,
                "diagnoses": [str(d.public_id) for d in p.diagnoses.all()],
            },
            diagnoses=diagnoses,
            auto_id=ids(p),
        )
        for g in p.goal_rows:
            g.edit_form = forms.GoalForm(
                initial={"version": v, "row": g.public_id, "problem": p.public_id, "text": g.text},
                auto_id=ids(g),
            )
            for o in g.objective_rows:
                o.edit_form = forms.ObjectiveForm(
                    initial={
                        "version": v,
                        "row": o.public_id,
                        "goal": g.public_id,
                        "text": o.text,
                        "target_date": o.target_date,
                        "measure_key": o.measure_key,
                        "comparator": o.comparator,
                        "target_value": o.target_value,
                    },
                    auto_id=ids(o),
                )
                for i in o.intervention_rows:
                    i.edit_form = forms.InterventionForm(
                        initial={
                            "version": v,
                            "row": i.public_id,
                            "objective": o.public_id,
                            "modality": i.modality_id,
                            "frequency": i.frequency,
                            "responsible_role": i.responsible_role,
                            "detail": i.detail,
                        },
                        modalities=modalities,
                        auto_id=ids(i),
                    )


def _row(model, plan: TreatmentPlan, public_id):
    if public_id is None:
        return None
    return model._base_manager.filter(plan=plan, public_id=public_id).first()


def _apply(request: StaffRequest, plan: TreatmentPlan, participant) -> None:
    """Run the one change the editor's form asks for; TandemError for a refusal."""
    data = request.POST
    kind = data.get("kind", "")
    by = request.user
    if kind == "problem":
        diagnoses = Diagnosis.objects.current().filter(episode=plan.episode)
        problem_form = forms.ProblemForm(data, diagnoses=diagnoses)
        if not problem_form.is_valid():
            raise _form_error(problem_form)
        c = problem_form.cleaned_data
        services.save_problem(
            plan,
            by=by,
            expected_version=c["version"],
            domain=c["domain"],
            statement=c["statement"],
            diagnoses=c["diagnoses"],
            dimensions=c["dimensions"],
            problem=_found(Problem, plan, c["row"], "problem"),
        )
    elif kind == "goal":
        goal_form = forms.GoalForm(data)
        if not goal_form.is_valid():
            raise _form_error(goal_form)
        c = goal_form.cleaned_data
        services.save_goal(
            plan,
            by=by,
            expected_version=c["version"],
            problem=_found(Problem, plan, c["problem"], "problem"),
            text=c["text"],
            goal=_found(Goal, plan, c["row"], "goal"),
        )
    elif kind == "objective":
        objective_form = forms.ObjectiveForm(data)
        if not objective_form.is_valid():
            raise _form_error(objective_form)
        c = objective_form.cleaned_data
        services.save_objective(
            plan,
            by=by,
            expected_version=c["version"],
            goal=_found(Goal, plan, c["goal"], "goal"),
            text=c["text"],
            target_date=c["target_date"],
            measure_key=c["measure_key"],
            comparator=c["comparator"],
            target_value=c["target_value"],
            objective=_found(Objective, plan, c["row"], "objective"),
        )
    elif kind == "intervention":
        modalities = Modality.objects.filter(program=plan.episode.program)
        intervention_form = forms.InterventionForm(data, modalities=modalities)
        if not intervention_form.is_valid():
            raise _form_error(intervention_form)
        c = intervention_form.cleaned_data
        services.save_intervention(
            plan,
            by=by,
            expected_version=c["version"],
            objective=_found(Objective, plan, c["objective"], "objective"),
            modality=modalities.filter(pk=c["modality"]).first(),
            frequency=c["frequency"],
            responsible_role=c["responsible_role"],
            detail=c["detail"],
            intervention=_found(Intervention, plan, c["row"], "intervention"),
        )
    elif kind == "remove":
        remove_form = forms.RemoveForm(data)
        if not remove_form.is_valid():
            raise _form_error(remove_form)
        c = remove_form.cleaned_data
        model = services.PART_MODELS[c["part"]]
        services.remove_part(
            plan,
            by=by,
            expected_version=c["version"],
            kind=c["part"],
            row=_found(model, plan, c["row"], c["part"]),
        )
    elif kind == "suggestion":
        suggestion_form = forms.SuggestionForm(data)
        if not suggestion_form.is_valid():
            raise _form_error(suggestion_form)
        c = suggestion_form.cleaned_data
        services.add_suggested_problem(
            plan,
            by=by,
            expected_version=c["version"],
            key=c["key"],
            statement=c["statement"],
        )
    else:
        raise TandemError("Choose what to add or change.")


def _found(model, plan, public_id, what: str):
    if public_id is None:
        return None
    row = _row(model, plan, public_id)
    if row is None:
        raise TandemError(f"That {what} is not on this plan version.", field=what)
    return row


def _form_error(form) -> TandemError:
    field, errors = next(iter(form.errors.items()))
    label = (
        form.fields[field].label or field.replace("_", " ").capitalize()
        if field in form.fields
        else ""
    )
    return TandemError(f"{label}: {errors[0]}" if label else errors[0], field=field)


@participant_page(Scope.CLINICAL, methods=("GET", "POST"), addenda=True)
def edit(request: StaffRequest, participant, plan_id) -> HttpResponse:
    """The draft editor: one form per kind of row, each saved on its own (htmx swaps the plan)."""
    plan = _plan_of(participant, plan_id)
    if plan is None:
        return not_found(request)
    template = "plans/_editor.html" if is_htmx(request) else "plans/editor.html"
    if request.method != "POST":
        return render(request, "plans/editor.html", _editor_context(request, participant, plan))
    try:
        _apply(request, plan, participant)
    except AccessDenied:
        raise
    except TandemError as exc:
        plan.refresh_from_db()
        context = _editor_context(request, participant, plan, errors=[exc.message])
        return render(
            request,
            template,
            context,
            status=refusal_status(exc),
        )
    if is_htmx(request):
        plan.refresh_from_db()
        return render(request, template, _editor_context(request, participant, plan))
    return redirect("plans:edit", participant_id=participant.public_id, plan_id=plan.public_id)


def _after(request: StaffRequest, participant, call, success: str) -> HttpResponse:
    try:
        call()
    except AccessDenied:
        raise
    except TandemError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("plans:plan", participant_id=participant.public_id)


@participant_page(Scope.CLINICAL, methods=("POST",), addenda=True)
def sign(request: StaffRequest, participant, plan_id) -> HttpResponse:
    plan = _plan_of(participant, plan_id)
    if plan is None:
        return not_found(request)
    form = forms.VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The form was incomplete; reload the page and sign again.")
        return redirect("plans:plan", participant_id=participant.public_id)
    return _after(
        request,
        participant,
        lambda: services.sign_plan(
            plan, by=request.user, expected_version=form.cleaned_data["version"]
        ),
        f"Plan version {plan.number} signed.",
    )


@participant_page(Scope.CLINICAL, methods=("POST",))
def acknowledge(request: StaffRequest, participant, plan_id) -> HttpResponse:
    """The participant acknowledges the plan in person, on the staff device."""
    plan = _plan_of(participant, plan_id)
    if plan is None:
        return not_found(request)
    form = forms.AcknowledgeForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    return _after(
        request,
        participant,
        lambda: services.acknowledge(plan, by=request.user, via="in_person", comment=comment),
        "The participant's acknowledgement is recorded.",
    )


@participant_page(Scope.CLINICAL, methods=("POST",), addenda=True)
def cosign(request: StaffRequest, participant, plan_id) -> HttpResponse:
    plan = _plan_of(participant, plan_id)
    if plan is None:
        return not_found(request)
    return _after(
        request,
        participant,
        lambda: services.cosign(plan, by=request.user),
        f"Plan version {plan.number} co-signed.",
    )


@participant_page(Scope.CLINICAL, methods=("POST",))
def review(request: StaffRequest, participant, plan_id) -> HttpResponse:
    plan = _plan_of(participant, plan_id)
    if plan is None:
        return not_found(request)
    form = forms.ReviewForm(request.POST, objectives=plan.objectives.all())
    if not form.is_valid():
        messages.error(request, str(_form_error(form).message))
        return redirect("plans:plan", participant_id=participant.public_id)
    c = form.cleaned_data
    return _after(
        request,
        participant,
        lambda: services.record_review(
            plan,
            by=request.user,
            reason=c["reason"],
            note=c["note"],
            reviewed_on=c["reviewed_on"],
            outcomes=form.outcomes(),
        ),
        "Review recorded; the plan stays in force.",
    )


@participant_page(Scope.CLINICAL, methods=("GET",))
def version(request: StaffRequest, participant, plan_id) -> HttpResponse:
    """One version as it was drafted or signed, read-only, with what changed."""
    plan = _plan_of(participant, plan_id)
    if plan is None:
        return not_found(request)
    context = chart_context(request, participant, "plan")
    view = selectors.plan_view(plan, with_progress=plan.is_signed)
    context.update(
        view=view,
        intact=services.content_hash(services.plan_content(plan)) == plan.content_sha256
        if plan.is_signed
        else None,
    )
    return render(request, "plans/version.html", context)


@participant_page(Scope.CLINICAL, methods=("GET", "POST"))
def entered_in_error(request: StaffRequest, participant, plan_id) -> HttpResponse:
    """Withdraw a version written on the wrong record or by mistake, with the reason: it stays
    in the history, marked, and leaves the plan in force."""
    plan = _plan_of(participant, plan_id)
    if plan is None:
        return not_found(request)
    form = forms.EnteredInErrorForm(request.POST or None)
    error = ""
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise _form_error(form)
            services.mark_plan_in_error(plan, by=request.user, reason=form.cleaned_data["reason"])
        except AccessDenied:
            raise
        except TandemError as exc:
            error = exc.message
        else:
            messages.success(request, f"Plan version {plan.number} marked entered in error.")
            return redirect("plans:plan", participant_id=participant.public_id)
    context = chart_context(request, participant, "plan")
    context.update(plan=plan, form=form, error=error)
    return render(request, "plans/entered_in_error.html", context, status=400 if error else 200)


def _review_of(participant, plan_id, review_id) -> PlanReview | None:
    return (
        PlanReview.objects.filter(
            plan__participant=participant, plan__public_id=plan_id, public_id=review_id
        )
        .select_related("plan__episode__program", "plan__participant", "recorded_by")
        .prefetch_related(
            Prefetch("outcomes", ReviewedObjective.objects.select_related("objective"))
        )
        .first()
    )


def _review_error_form(review: PlanReview, data=None) -> forms.ReviewEnteredInErrorForm:
    """The form that withdraws one review; its fields' ids name the review, so each row of
    the Plan tab's table has its own."""
    return forms.ReviewEnteredInErrorForm(data, auto_id=f"id_review_{review.public_id}_%s")


@participant_page(Scope.CLINICAL, methods=("GET", "POST"))
def review_entered_in_error(request: StaffRequest, participant, plan_id, review_id) -> HttpResponse:
    """Withdraw a review that kept the plan unchanged, with every outcome it judged, giving
    the reason: it stays in "Reviews without changes", marked, and counts for nothing. Posted
    with htmx from the Plan tab's table, a refusal sends back the form alone (a 400, which
    tandem.js swaps in), and a success reloads the tab, whose outcomes all change."""
    review = _review_of(participant, plan_id, review_id)
    if review is None:
        return not_found(request)
    form = _review_error_form(review, request.POST or None)
    error = ""
    if request.method == "POST":
        try:
            services.require_review_withdrawal(request.user, participant)
            if not form.is_valid():
                raise _form_error(form)
            services.mark_review_in_error(
                review, by=request.user, reason=form.cleaned_data["reason"]
            )
        except AccessDenied:
            raise
        except TandemError as exc:
            error = exc.message
            review.refresh_from_db()
        else:
            messages.success(
                request, f"The review of {day(review.reviewed_on)} marked entered in error."
            )
            tab = reverse("plans:plan", args=[participant.public_id])
            if is_htmx(request):
                response = HttpResponse()
                response["HX-Redirect"] = tab
                return response
            return redirect(tab)
    context = {"participant": participant, "review": review, "form": form, "error": error}
    status = 400 if error else 200
    if is_htmx(request):
        return render(request, "plans/_review_entered_in_error.html", context, status=status)
    context = {**chart_context(request, participant, "plan"), **context}
    return render(request, "plans/review_entered_in_error.html", context, status=status)


@participant_page(Scope.CLINICAL, methods=("GET",))
def objective(request: StaffRequest, participant, plan_id, objective_id) -> HttpResponse:
    """One objective: its goal and problem, its target and progress, its interventions, and
    what other modules register (the notes that addressed it)."""
    plan = _plan_of(participant, plan_id)
    row = (
        Objective.objects.filter(plan=plan, public_id=objective_id)
        .select_related("goal__problem", "plan")
        .first()
        if plan
        else None
    )
    if plan is None or row is None:
        return not_found(request)
    from plans import measures

    progress = measures.progress_of([row], participant.pk, episode_id=row.plan.episode_id).get(
        row.pk
    )
    outcome = selectors.latest_outcomes(plan, [row]).get(row.pk)
    context = chart_context(request, participant, "plan")
    context.update(
        plan=plan,
        objective=row,
        progress=progress,
        outcome=outcome,
        past_its_date=selectors.past_its_date(
            row, progress, selectors.in_care_today(plan), outcome
        ),
        interventions=list(row.interventions.select_related("modality")),
        versions=list(
            Objective.objects.filter(lineage=row.lineage, plan__participant=participant)
            .select_related("plan")
            .order_by("plan__number")
        ),
        sections=[s for make in OBJECTIVE_SECTIONS.implementations() if (s := make(request, row))],
    )
    return render(request, "plans/objective.html", context)


# ---------------------------------------------------------------------------------------
# Program pages


def oversees(user) -> bool:
    return any(may(user, "plan.board", org) for org in organizations_of(user))


BOARD_PAGE_SIZE = 50


@serves("GET")
@login_required
def reviews_due(request: SignedInRequest) -> HttpResponse:
    """Every in-care participant whose plan review is due or overdue, across the user's
    organizations: the director's and supervisor's board."""
    if not may_open(request.user, "plans:reviews_due"):
        return error_page(
            request,
            "Not allowed",
            "The plan reviews board is for directors and supervisors.",
            status=403,
        )
    orgs = [o for o in organizations_of(request.user) if may(request.user, "plan.board", o)]
    page, ids = selectors.board_page(orgs, request.GET.get("page"), size=BOARD_PAGE_SIZE)
    rows = selectors.board_rows(ids)
    record_event(
        actor=request.user,
        event_type="plan.reviews_due_viewed",
        record_type="plans.ReviewsDue",
        listed=[r.episode.participant for r in rows],
    )
    return render(request, "plans/reviews_due.html", {"rows": rows, "page": page})


@serves("GET", "POST")
@login_required
def program_settings(request: SignedInRequest) -> HttpResponse:
    """The program's plan rules (co-signature, scheduling block) and its modality list."""
    if not may_open(request.user, "plans:settings"):
        return error_page(
            request, "Not allowed", "Plan settings are for the program director.", status=403
        )
    orgs = [o for o in organizations_of(request.user) if may(request.user, "plan.settings", o)]
    programs = list(Program.objects.filter(organization_id__in=orgs).order_by("name"))
    error = ""
    if request.method == "POST":
        program = next(
            (p for p in programs if str(p.public_id) == request.POST.get("program")), None
        )
        try:
            if program is None:
                raise TandemError("Choose one of your programs.", field="program")
            action = request.POST.get("action")
            if action == "settings":
                form = forms.SettingsForm(request.POST)
                if not form.is_valid():
                    raise _form_error(form)
                services.update_settings(
                    program,
                    by=request.user,
                    cosign_required=form.cleaned_data["cosign_required"],
                    block_scheduling_until_signed=form.cleaned_data[
                        "block_scheduling_until_signed"
                    ],
                    expected_version=form.cleaned_data["version"],
                )
            elif action == "add_modality":
                services.add_modality(program, by=request.user, name=request.POST.get("name", ""))
            elif action == "retire_modality":
                modality_pk = _int(request.POST.get("modality"))
                row = (
                    Modality.objects.filter(program=program, pk=modality_pk).first()
                    if modality_pk is not None
                    else None
                )
                if row is None:
                    raise TandemError("Choose a modality of the program.", field="modality")
                services.retire_modality(row, by=request.user)
            else:
                raise TandemError("Choose what to change.")
        except AccessDenied:
            raise
        except TandemError as exc:
            error = exc.message
        else:
            messages.success(request, "Saved.")
            return redirect("plans:settings")
    rows = [
        {
            "program": p,
            "settings": services.settings_of(p),
            "modalities": list(Modality.objects.filter(program=p)),
        }
        for p in programs
    ]
    return render(
        request, "plans/settings.html", {"rows": rows, "error": error}, status=400 if error else 200
    )


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


HOME_PANEL_ROWS = 10


def home_panel(request: HttpRequest) -> dict | None:
    """Plan reviews due or overdue for the signed-in clinician's caseload, overdue first (one
    query when none of their participants has a signed plan, two otherwise)."""
    if not any(may(request.user, "plan.sign", o) for o in organizations_of(request.user)):
        return None
    rows = selectors.caseload_reviews_due(request.user)
    if not rows:
        return None
    shown = rows[:HOME_PANEL_ROWS]
    panel = {
        "template": "plans/_home_panel.html",
        "rows": shown,
        "total": len(rows),
        "more": len(rows) - len(shown),
        "overdue": sum(1 for r in rows if r.overdue),
        "board_url": reverse("plans:reviews_due") if oversees(request.user) else "",
    }
    return shows(panel, "plan_reviews_due", [r.episode.participant for r in shown])


# ---------------------------------------------------------------------------------------
# The participant's own page on the portal


def _plan_changed() -> str:
    """What the participant reads when the version their page showed is not the one in force."""
    return gettext(
        "Your plan has changed since you opened this page. Read it again below, then "
        "acknowledge it."
    )


def _plan_read(participant: Participant, plan_id) -> TreatmentPlan | None:
    """The version the participant's page showed; the service refuses it if it is no longer
    in force."""
    return (
        TreatmentPlan.objects.filter(participant=participant, public_id=plan_id)
        .select_related("episode__program", "participant")
        .first()
    )


@serves("GET", "POST")
@login_required
@portal_read(Scope.CLINICAL)
def mine(request: SignedInRequest, participant: Participant, read: PortalRead) -> HttpResponse:
    """The participant's plan in force, in their words, and their acknowledgement of it."""
    plan = selectors.plan_in_force(participant)
    if request.method == "POST":
        form = forms.AcknowledgeForm({**request.POST.dict(), "via": "portal"})
        try:
            if plan is None:
                raise TandemError(gettext("You have no signed plan to acknowledge yet."))
            if not form.is_valid():
                raise _form_error(form)
            named = form.cleaned_data["plan"]
            seen = _plan_read(participant, named) if named else plan
            if seen is None or not seen.is_signed:
                raise TandemError(_plan_changed())
            services.acknowledge(
                seen,
                by=request.user,
                via="portal",
                comment=form.cleaned_data["comment"],
            )
        except AccessDenied:
            raise
        except services.NotInForce as exc:
            messages.error(
                request,
                _plan_changed()
                if exc.in_force
                else gettext("You have no signed plan to acknowledge yet."),
            )
        except TandemError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, gettext("Thank you: your acknowledgement is recorded."))
        return redirect("plans:mine")
    read.audit(record=plan, page="plan")
    view = selectors.plan_view(plan) if plan else None
    return render(
        request,
        "plans/mine.html",
        {"participant": participant, "view": view, "form": forms.AcknowledgeForm()},
    )
