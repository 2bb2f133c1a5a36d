"""Caseload, search, referral, chart and episode pages. Thin: parse, authorize, call, render."""

from functools import cache
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from accounts.http import SignedInRequest, is_htmx
from accounts.models import Membership, Program
from audit.context import counting_events
from audit.models import Action, Outcome
from audit.services import record_event
from participants import chart, selectors, services
from participants import history as record_history
from participants import home as home_page
from participants.access import (
    Scope,
    beyond_reach,
    break_the_glass,
    care_team_change,
    decide,
    home_sections,
    may,
    may_open,
    organizations_with,
    refusal_message,
    uses_portal,
    uses_staff_pages,
    uses_support_pages,
)
from participants.decorators import load_participant, not_found, participant_page
from participants.duplicates import likely_matches, record_matches_shown
from participants.export import COPY_PAGES, REDISCLOSURE_NOTICE
from participants.forms import (
    CARE_TEAM_END_REASON_LIMIT,
    BreakGlassForm,
    CareTeamAddForm,
    CareTeamEndForm,
    DemographicsForm,
    ReferralForm,
    SearchForm,
    TransitionForm,
)
from participants.http import StaffRequest
from participants.models import (
    EPISODE_TRANSITIONS,
    CareTeamMember,
    CareTeamRole,
    Episode,
    EpisodeStatus,
)
from tandem.dates import FIRST_DAY, LAST_DAY
from tandem.errors import AccessDenied, InvalidInput, TandemError
from tandem.escaping import format_html, format_html_join
from tandem.fields import refuse_on
from tandem.form_token import token_input
from tandem.methods import READS, serves
from tandem.statements import model_rows
from tandem.templatetags.clock import day
from tandem.views import error_page


@login_required
def home(request: SignedInRequest) -> HttpResponse:
    """Each role's home: the sections the access policy gives it, the caseload paged."""
    if uses_portal(request.user):
        return redirect("portal:home")
    if uses_support_pages(request.user):
        return redirect("family:home")
    sections = home_sections(request.user)
    page = None
    rows: list[Any] = []
    episodes: list[Any] = []
    if "caseload" in sections:
        page, rows = home_page.caseload_page(
            selectors.caseload_for(request.user), request.GET.get("page")
        )
        episodes = [row["episode"] for row in rows]
    panels = home_page.panels_for(request, sections)
    home_page.record_viewed(request, episodes, panels)
    nothing_listed = "caseload" not in sections and not panels
    return render(
        request,
        "participants/home.html",
        {
            "sections": sections,
            "page": page,
            "rows": rows,
            "columns": home_page.columns(),
            "panels": panels,
            "can_search": may_open(request.user, "participants:search"),
            "own_pages": home_page.own_pages(request.user) if nothing_listed else [],
        },
    )


@login_required
def search(request: SignedInRequest) -> HttpResponse:
    """Search posts its terms so names and birth dates never appear in a URL."""
    if not uses_staff_pages(request.user):
        return redirect("home")
    if not may_open(request.user, "participants:search"):
        return error_page(
            request, "Not allowed", "Your role does not search participants.", status=403
        )
    results = None
    form = SearchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        results = selectors.search(
            request.user, text=form.cleaned_data["text"], dob=form.cleaned_data["dob"]
        )
        record_event(
            actor=request.user,
            event_type="participant.searched",
            record_type="participants.Participant",
            listed=results,
        )
    template = (
        "participants/_search_results.html" if is_htmx(request) else "participants/search.html"
    )
    return render(
        request, template, {"form": form, "results": results}, status=400 if form.errors else 200
    )


# The new-referral page's button that refers one of the likely matches again, by public id.
REFER_AGAIN = "refer_again"


@login_required
def new_referral(request: HttpRequest) -> HttpResponse:
    """A new record, or, for a likely match whose care has ended, a new episode on theirs."""
    orgs = organizations_with(request.user, "referral.open")
    programs = Program.objects.filter(organization_id__in=orgs)
    if not orgs:
        return error_page(request, "Not allowed", "Your role cannot open referrals.", status=403)
    form = ReferralForm(request.POST or None, programs=programs)
    matches = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        episode_fields = {
            "program": data["program"],
            "site": data["site"],
            "by": request.user,
            "referred_on": data["referred_on"],
            "referral_source": data["referral_source"],
        }
        again = request.POST.get(REFER_AGAIN)
        try:
            if again:
                matches = _likely_matches(request.user, data)
                episode = services.refer_again(_shown_match(matches, again), **episode_fields)
                done = "Referred again: a new episode is open on the existing record."
            else:
                episode = services.create_referral(
                    **episode_fields,
                    demographics={
                        k: v for k, v in data.items() if k in services.DEMOGRAPHIC_FIELDS
                    },
                    duplicate_reason=data["duplicate_reason"],
                )
                done = "Referral opened."
        except services.LikelyDuplicate as exc:
            # The matches the service found under its lock, shown so the person can choose.
            matches = exc.matches
            form.add_error("duplicate_reason", exc.message)
        except TandemError as exc:
            refuse_on(form, exc)
        else:
            messages.success(request, done)
            return redirect("participants:chart", participant_id=episode.participant.public_id)
    # Showing the likely matches is a read of those participants; a referral that went on to
    # its chart showed none of them.
    record_matches_shown(request.user, matches)
    return render(
        request,
        "participants/referral.html",
        {"form": form, "matches": matches, "refer_again": REFER_AGAIN},
        status=400 if form.errors else 200,
    )


def _shown_match(matches: list, public_id: str) -> Any:
    """The likely match the person chose to refer again: only a record these details match
    and the user may find, never whatever id was posted."""
    for person, _why in matches:
        if str(person.public_id) == public_id:
            return person
    raise InvalidInput("That record is not one of the likely matches of these details.")


def _likely_matches(user, data: dict) -> list:
    """Likely existing records of the person being referred, among those `user` may find."""
    return likely_matches(
        user,
        first_name=data["legal_first_name"],
        last_name=data["legal_last_name"],
        date_of_birth=data["date_of_birth"],
        phone=data["phone"],
        email=data["email"],
    )


def chart_context(request: StaffRequest, participant, active_tab: str) -> dict:
    """What the chart header and tab bar need; shared by every module's tab view.

    A read shows the participant its gate loaded; after a write (or a form that set fields
    on it) the record is read again, so the header shows what is stored."""
    if request.method in READS:
        selectors.prefetch_chart_relations(participant)
    else:
        participant = selectors.with_chart_relations(
            type(participant).objects.filter(pk=participant.pk)
        ).get()
    episode = selectors.current_episode(participant)
    context = {
        "participant": participant,
        "episode": episode,
        "care_team": list(episode.care_team.all()) if episode else [],
        "tab_bar": chart.tab_bar(request.user, participant, active_tab),
        "active_tab": active_tab,
        "flags": chart.header_flags(participant, request.user),
        "access": request.access,
    }
    context["chart_header"] = chart.ChartHeader(context)
    return context


# What the overview's two forms show besides the episode: written out by the template from
# the forms' own definitions, read once, rather than rendered widget by widget on every read.
_TRANSITION_FIELDS = {
    "reason_max_length": cast(forms.CharField, TransitionForm.base_fields["reason"]).max_length,
    "confirm_label": TransitionForm.base_fields["confirm"].label,
    "first_day": FIRST_DAY.isoformat(),
    "last_day": LAST_DAY.isoformat(),
}
_CARE_TEAM_ROLE_CHOICES = cast(
    list[tuple[str, str]], cast(forms.ChoiceField, CareTeamAddForm.base_fields["role"]).choices
)
_STAFF_EMPTY_LABEL = cast(forms.ModelChoiceField, CareTeamAddForm.base_fields["user"]).empty_label


@participant_page(Scope.DEMOGRAPHICS, methods=("GET",))
def chart_overview(request: StaffRequest, participant) -> HttpResponse:
    context = chart_context(request, participant, "overview")
    episode = context["episode"]
    can_edit_clinical = decide(request.user, participant, Action.CHANGE, Scope.CLINICAL).allowed
    links = {
        name: chart.page_url(f"participants:{name}", participant.public_id)
        for name in _OVERVIEW_LINKS
    }
    can_read_clinical = decide(request.user, participant, Action.VIEW, Scope.CLINICAL).allowed
    gives_copies = can_read_clinical and may(
        request.user, "record.export", participant.organization_id
    )
    # One masked CSRF token for the page's frame and its status form, as the template's own
    # tags share one: each masking draws 32 random characters, one system call each.
    context["csrf_token"] = get_token(request)
    context["overview"] = _overview_html(
        context["csrf_token"],
        context["participant"],
        episode,
        links=links,
        copy_pages=[
            chart.page_url(name, participant.public_id) for name in COPY_PAGES.implementations()
        ]
        if gives_copies
        else [],
        can_edit_clinical=can_edit_clinical,
        can_read_clinical=can_read_clinical,
    )
    return render(request, "participants/chart_overview.html", context)


@participant_page(Scope.CLINICAL, methods=("GET",))
def chart_summary(request: StaffRequest, participant) -> HttpResponse:
    """The clinical summary: its own audited clinical read, which the overview loads after
    it has drawn (so the overview's response does none of this work); without htmx, a chart
    page of its own."""
    if is_htmx(request):
        episode = selectors.current_episode(participant)
        context: dict[str, Any] = {"participant": participant}
    else:
        context = chart_context(request, participant, "overview")
        episode = context["episode"]
    now = timezone.now()
    context["now"] = now
    context["groups"] = chart.summary(request.user, participant, episode, now=now)
    template = "participants/_summary.html" if is_htmx(request) else "participants/summary.html"
    return render(request, template, context)


# The participant's pages the overview links to.
_OVERVIEW_LINKS = ("edit", "print", "care_team_add", "summary")


def _overview_html(
    csrf_token: str,
    participant,
    episode,
    *,
    links: dict[str, str],
    copy_pages: list[str],
    can_edit_clinical: bool,
    can_read_clinical: bool,
) -> SafeString:
    """The overview's details and episodes, written here with every value escaped: through
    the template engine, value by value, they cost more than the rest of the page's frame."""
    p = participant
    contact = (
        format_html(
            "{} ({}) {}",
            p.emergency_contact_name,
            p.emergency_contact_relationship,
            p.emergency_contact_phone,
        )
        if p.emergency_contact_name
        else "—"
    )
    return format_html(
        '{}<div class="grid-2">\n<section class="card">\n'
        '  <h2>Details <a class="small" href="{}">Edit</a>\n'
        '    <a class="small" href="{}">Face sheet (for use in the program)</a>\n'
        "    {}</h2>\n"
        '  <dl class="pairs">\n'
        "    <dt>Legal name</dt><dd>{} {}</dd>\n"
        "    <dt>Sex assigned at birth</dt><dd>{}</dd>\n"
        "    <dt>Gender identity</dt><dd>{}</dd>\n"
        "    <dt>Phone</dt><dd>{}</dd>\n"
        "    <dt>Email</dt><dd>{}</dd>\n"
        "    <dt>Address</dt><dd>{}</dd>\n"
        "    <dt>Emergency contact</dt><dd>{}</dd>\n"
        "  </dl>\n</section>\n"
        '<section class="card">\n  <h2>Episodes of care</h2>\n  <table class="list">\n'
        '    <thead><tr><th scope="col">Program</th><th scope="col">Status</th>'
        '<th scope="col">Referred</th><th scope="col">Admitted</th>'
        '<th scope="col">Discharged</th></tr></thead>\n'
        "    <tbody>{}</tbody>\n  </table>\n  {}\n  {}\n</section>\n</div>",
        _summary_placeholder(links["summary"]) if can_read_clinical else "",
        links["edit"],
        links["print"],
        format_html_join(
            "\n    ",
            '<a class="small" href="{}">Print or export the record</a>',
            ((url,) for url in copy_pages),
        ),
        p.legal_first_name,
        p.legal_last_name,
        p.get_sex_at_birth_display(),
        p.gender_identity or "—",
        p.phone or "—",
        p.email or "—",
        p.address or "—",
        contact,
        _episode_rows(p.episodes.all()),
        _status_form(csrf_token, participant, episode)
        if can_edit_clinical and episode and _status_options(episode.status)
        else "",
        format_html('\n  <p><a href="{}">Change the care team</a></p>\n  ', links["care_team_add"])
        if can_edit_clinical and episode
        else "",
    )


def _summary_placeholder(url: str) -> SafeString:
    """Where the clinical summary goes: loaded by htmx once the overview has drawn, a link
    without JavaScript."""
    return format_html(
        '<section class="card" id="clinical-summary" hx-get="{}" hx-trigger="load" '
        'hx-swap="outerHTML">\n  <h2>Clinical summary</h2>\n'
        '  <p><a href="{}">Open the clinical summary</a></p>\n</section>\n',
        url,
        url,
    )


def _status_form(csrf_token: str, participant, episode) -> SafeString:
    """The overview's status form, as the transition form's own inputs would render."""
    return format_html(
        "\n"
        '  <form method="post" action="{}" class="stack">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">{}\n'
        "    <h3>Change status</h3>\n"
        '    <input type="hidden" name="version" value="{}" id="id_version">\n'
        '    <label>New status <select name="to_status" required><option value="" selected>'
        "Choose a new status</option>{}</select></label>\n"
        '    <label>Date <input type="date" name="on" value="{}" min="{}" max="{}" required '
        'id="id_on"></label>\n'
        '    <label>Reason (required when leaving care) <input type="text" name="reason" '
        'maxlength="{}" id="id_reason"></label>\n'
        '    <label><input type="checkbox" name="confirm" id="id_confirm"> {} (discharged, '
        "declined or transferred out)</label>\n"
        '    <button type="submit">Change status</button>\n'
        "  </form>\n  ",
        chart.page_url("participants:transition", participant.public_id, episode.public_id),
        csrf_token,
        token_input(),
        episode.version,
        _status_options(episode.status),
        episode.program.today().isoformat(),
        _TRANSITION_FIELDS["first_day"],
        _TRANSITION_FIELDS["last_day"],
        _TRANSITION_FIELDS["reason_max_length"],
        _TRANSITION_FIELDS["confirm_label"],
    )


def _episode_rows(episodes) -> SafeString:
    """The episodes table's rows, latest referral first, written here with every value
    escaped rather than cell by cell through the template."""
    return format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                e.program.name,
                EpisodeStatus(e.status).label,
                day(e.referred_on),
                day(e.admitted_on) if e.admitted_on else "—",
                day(e.discharged_on) if e.discharged_on else "—",
            )
            for e in sorted(episodes, key=lambda e: e.referred_on, reverse=True)
        ),
    )


@cache
def _status_options(status: str) -> SafeString:
    """The statuses an episode may move to from `status`, as the status form's options,
    written once per process for each status."""
    return format_html_join(
        "",
        '<option value="{}">{}</option>',
        ((to, EpisodeStatus(to).label) for to in sorted(EPISODE_TRANSITIONS[status])),
    )


def _care_team_choices(participant, episode, team) -> dict:
    """The care-team form's options as the overview writes them out: the staff who may join
    (the form's own list, with only the columns their names need), the roles, and the
    primary clinician a new primary would replace."""
    staff = model_rows(
        "care_team_staff",
        lambda organization_id: selectors.care_team_staff(organization_id).only(
            "pk", "display_name", "first_name", "last_name", "username"
        ),
        Membership._meta.get_field("organization"),
        participant.organization_id,
    )
    return {
        "staff_options": _options([("", _STAFF_EMPTY_LABEL), *((u.pk, str(u)) for u in staff)]),
        "role_options": _ROLE_OPTIONS,
        "primary": selectors.primary_clinician(episode, team),
    }


def _options(choices) -> str:
    """A select's options, the empty choice selected: written here, as one string, rather
    than by the template option by option."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, "" if value else mark_safe(" selected"), label) for value, label in choices),
    )


_ROLE_OPTIONS = _options(_CARE_TEAM_ROLE_CHOICES)


def _care_team_form(participant, episode, data=None, *, team=None) -> CareTeamAddForm:
    """The care-team form: clinical staff of the organization, nothing preselected. `team`:
    the episode's current care team with its users, when the page has read it already."""
    if team is None:
        team = episode.care_team.filter(ended_on__isnull=True).select_related("user")
    return CareTeamAddForm(
        data,
        staff=selectors.care_team_staff(participant.organization_id),
        primary=selectors.primary_clinician(episode, team),
    )


@participant_page(Scope.DEMOGRAPHICS, methods=("GET", "POST"))
def edit_demographics(request: StaffRequest, participant) -> HttpResponse:
    form = DemographicsForm(
        request.POST or None, instance=participant, initial={"version": participant.version}
    )
    if request.method == "POST" and form.is_valid():
        changes = {f: form.cleaned_data[f] for f in DemographicsForm.Meta.fields}
        try:
            services.update_demographics(
                participant,
                by=request.user,
                changes=changes,
                expected_version=form.cleaned_data["version"],
            )
        except TandemError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Saved.")
            return redirect("participants:chart", participant_id=participant.public_id)
    context = chart_context(request, participant, "overview")
    context["form"] = form
    return render(
        request, "participants/edit_demographics.html", context, status=400 if form.errors else 200
    )


@participant_page(Scope.CLINICAL, methods=("POST",))
def transition(request: StaffRequest, participant, episode_id) -> HttpResponse:
    episode = Episode.objects.filter(public_id=episode_id, participant=participant).first()
    if episode is None:
        return not_found(request)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        data = form.cleaned_data
        try:
            services.transition_episode(
                episode,
                to_status=data["to_status"],
                by=request.user,
                on=data["on"],
                reason=data["reason"],
                expected_version=data["version"],
                confirmed=data["confirm"],
            )
        except TandemError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Episode status updated.")
    return redirect("participants:chart", participant_id=participant.public_id)


@participant_page(Scope.CLINICAL, methods=("GET", "POST"))
def add_to_care_team(request: StaffRequest, participant) -> HttpResponse:
    """The care-team form has a page of its own, which the overview links to: the staff it
    offers are read only when someone is about to add one, not on every chart read."""
    if request.method in READS:
        return _care_team_page(request, participant)
    episode = selectors.current_episode(participant)
    if episode is None:
        messages.error(request, "There is no episode of care to add a care team to.")
        return redirect("participants:chart", participant_id=participant.public_id)
    form = _care_team_form(participant, episode, request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("participants:chart", participant_id=participant.public_id)
    data = form.cleaned_data
    try:
        services.add_care_team_member(
            episode,
            user=data["user"],
            role=data["role"],
            by=request.user,
            replaces=data["replaces"],
        )
    except TandemError as exc:
        messages.error(request, exc.message)
    else:
        role = CareTeamRole(data["role"]).label.lower()
        if data["replaces"] is not None:
            messages.success(
                request,
                f"{data['user']} is now the {role}, replacing {data['replaces']} "
                f"(who is no longer on the care team as {role}).",
            )
        else:
            messages.success(request, f"{data['user']} added to the care team as {role}.")
    return redirect("participants:chart", participant_id=participant.public_id)


def _care_team_page(request: StaffRequest, participant) -> HttpResponse:
    """The care team as it stands, each place with its form to end it, and the form to add
    someone, for those who may change the team."""
    context = chart_context(request, participant, "overview")
    episode = context["episode"]
    change = care_team_change(request.user, participant)
    context["can_change"] = episode is not None and change.allowed
    context["reason_limit"] = CARE_TEAM_END_REASON_LIMIT
    if episode is None:
        context["refusal"] = "There is no episode of care to add a care team to."
    elif not change.allowed:
        context["refusal"] = refusal_message(change)
    else:
        context["adding"] = _care_team_choices(participant, episode, context["care_team"])
    return render(request, "participants/care_team_add.html", context)


@participant_page(Scope.CLINICAL, methods=("POST",))
def end_care_team_membership(request: StaffRequest, participant, member_id) -> HttpResponse:
    """End one place on the care team from the care-team page. An htmx request gets the page
    back, with the team as it now stands and what happened; a plain form post goes back to
    the page."""
    member = (
        CareTeamMember.objects.select_related("user", "episode__participant", "episode__program")
        .filter(public_id=member_id, episode__participant=participant)
        .first()
    )
    if member is None:
        return not_found(request)
    form = CareTeamEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            services.end_care_team_membership(
                member,
                by=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except TandemError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                f"{member.user} is no longer on the care team as "
                f"{CareTeamRole(member.role).label.lower()}. What they held for this "
                "participant (open tasks, open alerts) went back to the care team, or to the "
                "program's directors and supervisors where no one on it could take them.",
            )
    if is_htmx(request):
        return _care_team_page(request, participant)
    return redirect("participants:care_team_add", participant_id=participant.public_id)


def _form_errors(form) -> str:
    return " ".join(
        f"{form.fields[f].label or f}: {' '.join(e)}" if f != "__all__" else " ".join(e)
        for f, e in form.errors.items()
    )


def _no_emergency_access(request: HttpRequest) -> HttpResponse:
    return error_page(
        request,
        "Not allowed",
        "Your account cannot use emergency access to clinical records.",
        status=403,
    )


@serves("GET", "POST")
@login_required
def break_glass(request: SignedInRequest, participant_id) -> HttpResponse:
    """Emergency access: the form shows who the record is (its number), so only staff who
    may break the glass (or already reach the record) see it, and seeing it is audited."""
    if not uses_staff_pages(request.user):
        # Refused by the kind of account alone, alike whether or not the id names a record.
        record_event(
            actor=request.user,
            event_type="break_glass.opened",
            participant=load_participant(participant_id),
            outcome=Outcome.REFUSED,
            details={"why": "not a staff account"},
        )
        return _no_emergency_access(request)
    participant = load_participant(participant_id)
    if participant is None:
        return not_found(request)
    decision = decide(request.user, participant, Action.VIEW, Scope.CLINICAL)
    if not (decision.allowed or decision.can_break_glass):
        record_event(
            actor=request.user,
            event_type="break_glass.opened",
            decision=decision,
            participant=participant,
            outcome=Outcome.REFUSED,
        )
        if beyond_reach(request.user, participant.organization_id):
            return not_found(request)
        return _no_emergency_access(request)
    form = BreakGlassForm(request.POST or None)
    with counting_events() as events:
        if request.method == "POST" and form.is_valid():
            try:
                break_the_glass(request.user, participant, form.cleaned_data["reason"])
            except TandemError as exc:
                form.add_error("reason" if not isinstance(exc, AccessDenied) else None, exc.message)
            else:
                messages.warning(
                    request, "Emergency access granted for a limited time. It will be reviewed."
                )
                return redirect("participants:chart", participant_id=participant.public_id)
    if not events.written:
        record_event(
            actor=request.user,
            event_type="break_glass.form_viewed",
            decision=decision,
            outcome=Outcome.ALLOWED,
            participant=participant,
            record_type="participants.Participant",
            record_id=str(participant.public_id),
            details={"page": "participants:break_glass", "shows": "record number"},
        )
    return render(
        request,
        "participants/break_glass.html",
        {"participant": participant, "form": form},
        status=400 if form.errors else 200,
    )


@participant_page(Scope.CLINICAL, methods=("GET",))
def history(request: StaffRequest, participant) -> HttpResponse:
    """Who did what with this record, as sentences, newest first, paged."""
    context = chart_context(request, participant, "history")
    context["page"] = record_history.history_page(participant, request.GET.get("page"))
    context["copy_pages"] = _copy_pages(request, participant)
    return render(request, "participants/history.html", context)


def _copy_pages(request: StaffRequest, participant) -> list[str]:
    """The page that gives a copy (of the history too), for those who may give one: a copy
    handed to anyone is a disclosure, logged there first."""
    if not may(request.user, "record.export", participant.organization_id):
        return []
    return [chart.page_url(name, participant.public_id) for name in COPY_PAGES.implementations()]


@participant_page(Scope.DEMOGRAPHICS, methods=("GET",), action=Action.PRINT)
def print_summary(request: StaffRequest, participant) -> HttpResponse:
    """The face sheet for use inside the program (the chart folder, the front desk): who the
    participant is, their program, care team and contacts. A face sheet for the participant or
    anyone else is a disclosure, given from the copy page."""
    context = chart_context(request, participant, "overview")
    context["redisclosure_notice"] = REDISCLOSURE_NOTICE
    return render(request, "participants/print.html", context)
