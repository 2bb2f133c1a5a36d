"""The Intake and Diagnoses tabs of the chart. Thin: parse, authorize, call a service, render.

Services raise AccessDenied for a role that may not sign or diagnose; it is re-raised here
so the page gate answers with its audited 403 page instead of a message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.http import SignedInRequest, is_htmx
from audit.models import Action
from intake import icd10, sections, selectors, services
from intake.forms import CodeSearchForm, DiagnosisForm, DiagnosisStatusForm, SignForm
from intake.models import DIAGNOSIS_TRANSITIONS, Diagnosis, DiagnosisStatus, Intake
from participants.access import Scope, decide, decide_with_capability, may, uses_staff_pages
from participants.decorators import not_found, participant_page
from participants.http import StaffRequest
from participants.selectors import current_episode
from participants.views import chart_context
from tandem.errors import AccessDenied, TandemError
from tandem.fields import refuse_on
from tandem.views import error_page


def _can_edit(request: StaffRequest, participant, intake: Intake | None) -> bool:
    """A draft is changed in place; a signed intake takes addenda, after discharge too."""
    addendum = intake is not None and services.is_addendum(intake)
    return decide(
        request.user, participant, Action.CHANGE, Scope.CLINICAL, addendum=addendum
    ).allowed


def _may_sign(request: StaffRequest, participant) -> bool:
    return may(request.user, "clinical.sign", participant.organization_id)


def _section_form(view: selectors.SectionView, intake: Intake) -> sections.SectionForm:
    return sections.SectionForm(
        section=view.section,
        signed=intake.is_signed,
        initial={**view.data, "version": view.version},
    )


def _intake_context(request: StaffRequest, participant, bound: dict | None = None) -> dict:
    context = chart_context(request, participant, "intake")
    episode = context["episode"]
    versions = selectors.intake_versions(episode) if episode else []
    intake = versions[0] if versions else None
    can_edit = _can_edit(request, participant, intake)
    views = selectors.section_views(intake)
    bound = bound or {}
    context.update(
        intake=intake,
        versions=versions,
        can_edit=can_edit,
        can_sign=can_edit
        and intake is not None
        and not intake.is_signed
        and _may_sign(request, participant),
        sections=[
            {
                "view": view,
                "form": bound.get(view.section.key)
                or (_section_form(view, intake) if can_edit and intake else None),
            }
            for view in views
        ],
        missing=sections.missing_for_signing({v.section.key: v.data for v in views})
        if intake
        else [],
    )
    return context


@participant_page(Scope.CLINICAL, methods=("GET",))
def intake_tab(request: StaffRequest, participant) -> HttpResponse:
    return render(request, "intake/intake_tab.html", _intake_context(request, participant))


@participant_page(Scope.CLINICAL, methods=("POST",))
def start(request: StaffRequest, participant) -> HttpResponse:
    episode = current_episode(participant)
    if episode is None:
        messages.error(request, "This participant has no episode of care.")
    else:
        try:
            services.start_intake(episode, by=request.user)
        except AccessDenied:
            raise
        except TandemError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Intake started.")
    return redirect("intake:intake", participant_id=participant.public_id)


@participant_page(Scope.CLINICAL, methods=("POST",), addenda=True)
def save_section(request: StaffRequest, participant, intake_id, key) -> HttpResponse:
    """Each section saves on its own; with htmx only that section is swapped."""
    intake = Intake.objects.filter(participant=participant, public_id=intake_id).first()
    section = sections.SECTIONS_BY_KEY.get(key)
    if intake is None or section is None:
        return not_found(request)
    tab_url = reverse("intake:intake", args=[participant.public_id])
    form = sections.SectionForm(request.POST, section=section, signed=intake.is_signed)
    status = 400
    if form.is_valid():
        try:
            row = services.save_section(
                intake,
                key,
                values=form.section_values(),
                by=request.user,
                expected_version=form.cleaned_data["version"],
                addendum_reason=form.cleaned_data.get("addendum_reason", ""),
            )
        except AccessDenied:
            raise
        except TandemError as exc:
            status = refuse_on(form, exc)
        else:
            if row.intake_id != intake.pk:
                messages.success(
                    request,
                    f"Addendum started: intake version {row.intake.number}. The signed "
                    f"version {intake.number} stays as it was.",
                )
                if is_htmx(request):
                    response = HttpResponse()
                    response["HX-Redirect"] = tab_url
                    return response
                return redirect(tab_url)
            if not is_htmx(request):
                messages.success(request, f"{section.title}: saved.")
                return redirect(f"{tab_url}#section-{key}")
            views = selectors.section_views(row.intake)
            view = next(v for v in views if v.section.key == key)
            return render(
                request,
                "intake/_section.html",
                {
                    "participant": participant,
                    "intake": row.intake,
                    "item": {"view": view, "form": _section_form(view, row.intake)},
                    "saved": True,
                    # Out-of-band updates of the draft's status card, where the page has them.
                    "update_missing": not row.intake.is_signed,
                    "update_sign_version": not row.intake.is_signed
                    and _may_sign(request, participant),
                    "missing": sections.missing_for_signing({v.section.key: v.data for v in views}),
                },
            )
    if is_htmx(request):
        # The section with its errors, as a refusal (tandem.js has htmx swap it in).
        view = next(v for v in selectors.section_views(intake) if v.section.key == key)
        return render(
            request,
            "intake/_section.html",
            {
                "participant": participant,
                "intake": intake,
                "item": {"view": view, "form": form},
            },
            status=status,
        )
    context = _intake_context(request, participant, bound={key: form})
    return render(request, "intake/intake_tab.html", context, status=status)


@participant_page(Scope.CLINICAL, methods=("POST",), addenda=True)
def sign(request: StaffRequest, participant, intake_id) -> HttpResponse:
    intake = Intake.objects.filter(participant=participant, public_id=intake_id).first()
    if intake is None:
        return not_found(request)
    form = SignForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The form was incomplete; reload the page and sign again.")
    else:
        try:
            signed = services.sign_intake(
                intake, by=request.user, expected_version=form.cleaned_data["version"]
            )
        except AccessDenied:
            raise
        except TandemError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Intake version {signed.number} signed.")
    return redirect("intake:intake", participant_id=participant.public_id)


@participant_page(Scope.CLINICAL, methods=("GET",))
def version(request: StaffRequest, participant, intake_id) -> HttpResponse:
    """One version as it was saved or signed, read-only."""
    intake = selectors.intake_version(participant, intake_id)
    if intake is None:
        return not_found(request)
    context = chart_context(request, participant, "intake")
    context.update(
        intake=intake,
        sections=selectors.section_views(intake),
        intact=selectors.signed_content_intact(intake) if intake.is_signed else None,
    )
    return render(request, "intake/version.html", context)


def _diagnoses_context(request: StaffRequest, participant, form: DiagnosisForm | None) -> dict:
    context = chart_context(request, participant, "diagnoses")
    episode = context["episode"]
    rows = selectors.diagnoses_for(episode) if episode else []
    for row in rows:
        row.next_statuses = [
            (s, DiagnosisStatus(s).label) for s in sorted(DIAGNOSIS_TRANSITIONS[row.status])
        ]
    can_diagnose = decide_with_capability(
        request.user, participant, "diagnosis.record", Action.CHANGE, Scope.CLINICAL
    ).allowed
    today = episode.program.today() if episode else None
    context.update(
        diagnoses=rows,
        co_occurring=selectors.is_co_occurring(episode) if episode else False,
        can_diagnose=can_diagnose and episode is not None,
        form=form or DiagnosisForm(initial={"made_on": today}),
        search_form=CodeSearchForm(),
    )
    return context


@participant_page(Scope.CLINICAL, methods=("GET",))
def diagnoses_tab(request: StaffRequest, participant) -> HttpResponse:
    return render(
        request, "intake/diagnoses_tab.html", _diagnoses_context(request, participant, None)
    )


@participant_page(Scope.CLINICAL, methods=("POST",))
def add_diagnosis(request: StaffRequest, participant) -> HttpResponse:
    episode = current_episode(participant)
    if episode is None:
        return not_found(request)
    form = DiagnosisForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            diagnosis = services.add_diagnosis(
                episode,
                code=data["code"],
                status=data["status"],
                made_on=data["made_on"],
                note=data["note"],
                by=request.user,
            )
        except AccessDenied:
            raise
        except TandemError as exc:
            refuse_on(form, exc)
        else:
            messages.success(request, f"Diagnosis {diagnosis.code} added.")
            return redirect("intake:diagnoses", participant_id=participant.public_id)
    context = _diagnoses_context(request, participant, form)
    return render(request, "intake/diagnoses_tab.html", context, status=400)


@participant_page(Scope.CLINICAL, methods=("POST",))
def diagnosis_status(request: StaffRequest, participant, diagnosis_id) -> HttpResponse:
    diagnosis = Diagnosis.objects.filter(participant=participant, public_id=diagnosis_id).first()
    if diagnosis is None:
        return not_found(request)
    form = DiagnosisStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the new status.")
    else:
        try:
            changed = services.change_diagnosis_status(
                diagnosis,
                to_status=form.cleaned_data["to_status"],
                note=form.cleaned_data["note"],
                by=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except AccessDenied:
            raise
        except TandemError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, f"{changed.code} is now {changed.get_status_display().lower()}."
            )
    return redirect("intake:diagnoses", participant_id=participant.public_id)


@require_POST
@login_required
def code_search(request: SignedInRequest) -> HttpResponse:
    """Search the curated ICD-10-CM list by code or words. It POSTs, like every search, and
    reads no participant data."""
    if not uses_staff_pages(request.user):
        return error_page(request, "Not allowed", "This page is for staff.", status=403)
    form = CodeSearchForm(request.POST)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    context = {
        "search_form": form,
        "query": query,
        "results": icd10.search(query),
        "dsm_names": icd10.dsm_matches(query) if query else [],
    }
    template = "intake/_code_results.html" if is_htmx(request) else "intake/code_search.html"
    return render(request, template, context)
