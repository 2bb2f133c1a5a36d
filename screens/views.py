"""The Drug screens tab: screens with their readings, recording one, confirmations, reviews
of unexpected results, and the clinician's last-use entry; the chart header's days since last
known use; the home's screens to review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.http import SignedInRequest
from accounts.models import Organization
from participants.access import Scope, holds_anywhere, may_open, organizations_with
from participants.chart import HeaderFlag
from participants.decorators import not_found, participant_page
from participants.home import shows
from participants.http import StaffRequest
from participants.views import chart_context
from screens import panels as seeded
from screens import selectors, services
from screens.forms import ConfirmationForm, PanelForm, ReviewForm, ScreenForm, UseReportForm
from screens.models import KEEPS_PANELS, REVIEWS_RESULTS, DrugScreen, Panel, ScreenResult
from tandem.errors import AccessDenied, InvalidInput, TandemError
from tandem.fields import chosen, refuse_on
from tandem.methods import serves
from tandem.views import error_page


def _tab(request, participant, use_form=None, status=200) -> HttpResponse:
    context = chart_context(request, participant, "screens")
    # Each screen with what it flagged beyond the expected, said above its analytes' table
    # so an unexpected result is not found by reading every row (a tampered specimen's
    # reading is the screen's own, said once).
    screens = [
        (s, selectors.analyte_findings(s.results.all())) for s in selectors.screens_for(participant)
    ]
    context.update(
        screens=screens,
        glance=selectors.at_a_glance([s for s, _ in screens]),
        may_review=services.may_review(request.user, participant),
        review_form=ReviewForm(auto_id=False),
        panels=selectors.active_panels(participant.organization_id),
        last_use=selectors.last_known_use(participant),
        use_form=use_form or UseReportForm(),
    )
    return render(request, "screens/tab.html", context, status=status)


@participant_page(Scope.CLINICAL, methods=("GET", "POST"))
def tab(request: StaffRequest, participant) -> HttpResponse:
    """The list; a POST is the clinician's entry of the last known use."""
    if request.method != "POST":
        return _tab(request, participant)
    form = UseReportForm(request.POST)
    if form.is_valid():
        try:
            services.record_last_use(participant, by=request.user, **form.cleaned_data)
        except TandemError as exc:
            refuse_on(form, exc)
        else:
            messages.success(request, "Last known use recorded.")
            return redirect("screens:tab", participant_id=participant.public_id)
    return _tab(request, participant, use_form=form, status=400)


@participant_page(Scope.CLINICAL, methods=("GET", "POST"))
def record(request: StaffRequest, participant, panel_id) -> HttpResponse:
    panel = selectors.usable_panel(participant.organization_id, public_id=panel_id)
    if panel is None:
        return not_found(request)
    status = 200
    if request.method != "POST":
        form = ScreenForm(panel=panel, initial={"collected_at": timezone.localtime()})
    else:
        form = ScreenForm(request.POST, panel=panel)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.record_screen(
                    participant,
                    by=request.user,
                    panel=panel,
                    results=form.results(),
                    collected_at=data["collected_at"],
                    observed=data["observed"],
                    method=data["method"],
                    validity=data["validity"],
                    note=data["note"],
                )
            except TandemError as exc:
                refuse_on(form, exc)
            else:
                messages.success(request, "Drug screen recorded.")
                return redirect("screens:tab", participant_id=participant.public_id)
        status = 400
    context = chart_context(request, participant, "screens")
    context.update(form=form, panel=panel)
    return render(request, "screens/record.html", context, status=status)


@participant_page(Scope.CLINICAL, methods=("POST",))
def confirmation(request: StaffRequest, participant, result_id) -> HttpResponse:
    result = (
        ScreenResult.objects.select_related("screen__participant", "analyte")
        .filter(public_id=result_id, screen__participant=participant)
        .first()
    )
    if result is None:
        return not_found(request)
    form = ConfirmationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what happened to the confirmation.")
    else:
        try:
            services.record_confirmation(
                result, by=request.user, confirmation=form.cleaned_data["confirmation"]
            )
        except TandemError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Confirmation recorded.")
    return redirect("screens:tab", participant_id=participant.public_id)


@participant_page(Scope.CLINICAL, methods=("POST",))
def review(request: StaffRequest, participant, screen_id) -> HttpResponse:
    """Mark a screen's unexpected results reviewed, with what was done about them."""
    screen = DrugScreen.objects.filter(public_id=screen_id, participant=participant).first()
    if screen is None:
        return not_found(request)
    form = ReviewForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput(" ".join(map(str, form.errors["comment"])), field="comment")
        services.review_screen(screen, by=request.user, comment=form.cleaned_data["comment"])
    except InvalidInput as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Drug screen reviewed.")
    return redirect(
        reverse("screens:tab", args=[participant.public_id]) + f"#screen-{screen.public_id}"
    )


def home_panel(request: SignedInRequest) -> dict | None:
    """Drug screens to review: the unexpected results on the user's own caseload that no one
    has reviewed, oldest first, for those who may review them. An empty list says so, and to
    someone with no caseload (a director, a supervisor) that it only ever lists a caseload."""
    if not holds_anywhere(request.user, REVIEWS_RESULTS):
        return None
    page = selectors.to_review_page(request.user, request.GET.get("screens_page"))
    rows = list(page.object_list)
    panel = {
        "template": "screens/_home_panel.html",
        "page": page,
        "rows": rows,
        "no_caseload": not rows and not selectors.has_caseload(request.user),
    }
    return shows(
        panel, "drug_screens_to_review", [r.participant for r in rows], [r.screen for r in rows]
    )


def last_use_flag(participant, values) -> list[HeaderFlag]:
    """Days since last known use, on the chart header of those who may see clinical data."""
    use = selectors.last_use_from(values)
    if use is None:
        return []
    days = (timezone.localdate() - use.on).days
    label = f"{days} day{'s' if days != 1 else ''} since last known use ({use.source})"
    return [HeaderFlag(label, "info", reverse("screens:tab", args=[participant.public_id]))]


@serves("GET", "POST")
@login_required
def panel_settings(request: SignedInRequest) -> HttpResponse:
    """The drug-screen panels the program's screens are recorded on: the shared ones, read
    only, and the organization's own, which the director adds, retires and brings back (never
    edits)."""
    if not may_open(request.user, "screens:panels"):
        return _not_keeper(request)
    organizations = list(
        Organization.objects.filter(pk__in=organizations_with(request.user, KEEPS_PANELS)).order_by(
            "name", "id"
        )
    )
    forms = {o.pk: PanelForm(prefix=f"org{o.pk}") for o in organizations}
    error = ""
    if request.method == "POST":
        organization = next(
            (o for o in organizations if str(o.public_id) == request.POST.get("organization")),
            None,
        )
        try:
            if organization is None:
                raise TandemError("Choose one of your organizations.", field="organization")
            action = request.POST.get("action")
            if action == "add":
                form = forms[organization.pk] = PanelForm(
                    request.POST, prefix=f"org{organization.pk}"
                )
                if not form.is_valid():
                    raise TandemError("Fill in the panel's fields again.")
                data = form.cleaned_data
                panel = services.add_panel(
                    organization,
                    by=request.user,
                    name=data["name"],
                    specimen=data["specimen"],
                    method=data["method"],
                    source=data["source"],
                    analytes=form.analytes(),
                )
                done = f"{panel.name} added: new screens may now be recorded on it."
            elif action == "retire":
                panel = services.retire_panel(
                    _own_panel(organization, request.POST.get("panel")), by=request.user
                )
                done = f"{panel.name} retired: past screens keep showing it."
            elif action == "restore":
                panel = services.restore_panel(
                    _own_panel(organization, request.POST.get("panel")), by=request.user
                )
                done = f"{panel.name} is back in use: new screens may be recorded on it again."
            else:
                raise TandemError("Choose what to change.")
        except AccessDenied:
            return _not_keeper(request)
        except TandemError as exc:
            error = exc.message
        else:
            messages.success(request, done)
            return redirect("screens:panels")
    in_use = selectors.panels_in_use([o.pk for o in organizations])
    rows = [
        {
            "organization": o,
            "form": forms[o.pk],
            "panels": [p for p in in_use if p.organization_id == o.pk],
        }
        for o in organizations
    ]
    context = {
        "shared": [p for p in in_use if p.shared],
        "rows": rows,
        "known_codes": seeded.KNOWN_CODES,
        "error": error,
    }
    return render(request, "screens/panels.html", context, status=400 if error else 200)


def _not_keeper(request: SignedInRequest) -> HttpResponse:
    return error_page(
        request,
        "Not allowed",
        "The drug-screen panels are kept by the program director.",
        status=403,
    )


def _own_panel(organization: Organization, posted: str | None) -> Panel:
    """The organization's own panel the form names; anything else is refused alike."""
    return chosen(
        Panel.objects.filter(organization=organization),
        posted,
        refusal="Choose one of your organization's panels.",
        field="panel",
    )
