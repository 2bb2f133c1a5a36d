"""Build next week (director): start a background run, watch it, review, edit, publish."""

from datetime import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from audit.services import record_event
from participants.access import may
from scheduling import publishing, selectors
from scheduling.forms import BuildForm, EditForm, PublishForm
from scheduling.models import ScheduleRun
from scheduling.review import build_review
from scheduling.views_common import (
    form_errors,
    missing,
    program_page,
    refused,
    render_local,
    staff_only,
)
from scheduling.weeks import week_start
from tandem.errors import TandemError
from tandem.methods import serves
from tandem.templatetags.clock import day

BUILD = "build the schedule"
FINISHED = (ScheduleRun.Status.DONE, ScheduleRun.Status.PUBLISHED, ScheduleRun.Status.FAILED)


@require_POST
@program_page
def build(request: HttpRequest, program) -> HttpResponse:
    if not may(request.user, "schedule.build", program.organization_id):
        return refused(request, BUILD)
    form = BuildForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("scheduling:week", program_id=program.public_id)
    try:
        run = publishing.start_week_run(
            program,
            by=request.user,
            week_of=form.cleaned_data["week_of"],
            time_limit=form.cleaned_data["time_limit"],
        )
    except TandemError as exc:
        messages.error(request, exc.message)
        return redirect("scheduling:week", program_id=program.public_id)
    return redirect("scheduling:run", run_id=run.public_id)


def _load_run(request: HttpRequest, run_id) -> ScheduleRun | None:
    run = (
        ScheduleRun.objects.filter(public_id=run_id, kind=ScheduleRun.Kind.WEEK)
        .select_related("program", "created_by", "based_on")
        .first()
    )
    if run is None or not may(request.user, "schedule.build", run.program.organization_id):
        return None
    return run


@serves("GET")
@staff_only
def run_page(request: HttpRequest, run_id) -> HttpResponse:
    """Progress while the run works; then the proposal, its checks and the publish form."""
    run = _load_run(request, run_id)
    if run is None:
        return missing(request, "schedule run")
    context = {"run": run, "finished": run.status in FINISHED}
    if context["finished"]:
        review = build_review(run)
        listed = [row.participant for row in review.rows if row.participant]
        listed += [row["participant"] for row in review.left_out if row["participant"]]
        listed += [p for p in review.named if p not in listed]
        if listed:
            record_event(
                actor=request.user,
                event_type="schedule_run.viewed",
                record=run,
                listed=listed,
            )
        published = run.publications.select_related("published_by").order_by("-created_at").first()
        elsewhere = selectors.publication_of_week(run.program, run.week_start)
        context.update(
            review=review,
            publish_form=PublishForm(
                initial={"starts_on": run.week_start, "weeks": 1, "edits_seen": len(run.edits)}
            ),
            can_edit=run.status in publishing.EDITABLE,
            published=published,
            published_elsewhere=elsewhere if elsewhere and elsewhere.run_id != run.pk else None,
            changed_since=published is not None
            and any(datetime.fromisoformat(e["at"]) > published.created_at for e in run.edits),
        )
    return render_local(request, run.program, "scheduling/run.html", context)


@serves("GET")
@staff_only
def run_progress(request: HttpRequest, run_id) -> HttpResponse:
    """The progress bar fragment htmx polls every second; reloads the page when done."""
    run = _load_run(request, run_id)
    if run is None:
        return missing(request, "schedule run")
    response = render_local(
        request,
        run.program,
        "scheduling/_run_progress.html",
        {"run": run, "finished": run.status in FINISHED},
    )
    if run.status in FINISHED:
        response["HX-Refresh"] = "true"
    return response


@require_POST
@staff_only
def run_edit(request: HttpRequest, run_id) -> HttpResponse:
    run = _load_run(request, run_id)
    if run is None:
        return missing(request, "schedule run")
    form = EditForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("scheduling:run", run_id=run.public_id)
    try:
        warnings = publishing.edit_proposal(
            run,
            by=request.user,
            participant_id=form.cleaned_data["participant"],
            session_id=form.cleaned_data["session"],
            action=form.cleaned_data["action"],
        )
    except TandemError as exc:
        messages.error(request, exc.message)
    else:
        if warnings:
            messages.warning(
                request,
                "Change kept, but the schedule now breaks "
                f"{len(warnings)} rule{'s' if len(warnings) != 1 else ''}; see the warnings.",
            )
        else:
            messages.success(request, "Change kept; the schedule still meets every rule.")
    anchor = f"#p-{form.cleaned_data['participant']}"
    return redirect(reverse("scheduling:run", kwargs={"run_id": run.public_id}) + anchor)


@require_POST
@staff_only
def run_resolve(request: HttpRequest, run_id) -> HttpResponse:
    """A new run that keeps the edited proposal as everyone's current week."""
    run = _load_run(request, run_id)
    if run is None:
        return missing(request, "schedule run")
    try:
        fresh = publishing.start_week_run(
            run.program,
            by=request.user,
            week_of=run.week_start,
            time_limit=run.time_limit,
            based_on=run,
        )
    except TandemError as exc:
        messages.error(request, exc.message)
        return redirect("scheduling:run", run_id=run.public_id)
    return redirect("scheduling:run", run_id=fresh.public_id)


@require_POST
@staff_only
def run_publish(request: HttpRequest, run_id) -> HttpResponse:
    run = _load_run(request, run_id)
    if run is None:
        return missing(request, "schedule run")
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("scheduling:run", run_id=run.public_id)
    review = build_review(run)
    if review.warnings and not form.cleaned_data["accept_warnings"]:
        messages.error(
            request,
            "This schedule breaks the rules listed. Fix them, or tick the box to publish it "
            "anyway.",
        )
        return redirect("scheduling:run", run_id=run.public_id)
    first, last = form.range()
    try:
        publication = publishing.publish_run(
            run,
            by=request.user,
            starts_on=first,
            ends_on=last,
            edits_seen=form.cleaned_data["edits_seen"],
        )
    except TandemError as exc:
        messages.error(request, exc.message)
        return redirect("scheduling:run", run_id=run.public_id)
    messages.success(
        request,
        f"Published {day(publication.starts_on)} to {day(publication.ends_on)}. "
        "Everyone's week is on their chart.",
    )
    week = reverse("scheduling:week", kwargs={"program_id": run.program.public_id})
    return redirect(f"{week}?start={week_start(first).isoformat()}")
