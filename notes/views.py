"""The Notes tab, the note pages, the group-note screen, notes due and the notes board.

Thin: parse, authorize, call a service, render.
"""

from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.http import SignedInRequest
from accounts.models import User
from attendance import services as attendance_services
from attendance.models import PARTIAL_STATUSES, AttendanceStatus
from audit.context import counting_events
from audit.models import Action, Outcome
from audit.services import record_event
from notes import selectors, services, similarity, thread
from notes.access import GroupNoteAccess, group_note_access, member_decision, record_group_read
from notes.forms import LateEntryForm, NoteForm, ReasonForm, SignForm
from notes.models import CurriculumModule, NoteFormat, NoteKind, ProgressNote
from participants.access import (
    Scope,
    beyond_reach,
    capability_decision,
    organizations_of,
    uses_staff_pages,
    viewable,
)
from participants.decorators import carries_participant_data, participant_page, staff_address
from participants.home import shows
from participants.http import StaffRequest
from participants.models import Participant
from participants.views import chart_context
from scheduling.models import Session
from tandem.errors import AccessDenied, ConcurrentEdit, InvalidInput, TandemError
from tandem.fields import chosen, public_id, refuse_on
from tandem.methods import READS, serves
from tandem.paging import kept_beside, page_of
from tandem.views import error_page


class GroupPageRequest(SignedInRequest):
    """The group-note screen's request: `showing` names the members its response shows, for
    its audit event."""

    showing: list[Participant]


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return error_page(request, "Not allowed", message, status=403)


def _note_or_404(request: StaffRequest, participant, note_id) -> ProgressNote | None:
    return selectors.note_by_public_id(participant, note_id)


def _missing(request: HttpRequest) -> HttpResponse:
    return error_page(request, "Note not found", "No note in this chart has that id.", status=404)


def _can_write(request: StaffRequest, participant) -> bool:
    return capability_decision(request.user, "note.sign", participant.organization_id).allowed


@participant_page(Scope.CLINICAL, methods=("GET",))
def tab(request: StaffRequest, participant) -> HttpResponse:
    """The chart's Notes tab: every note in force, and the group modules done and missed."""
    context = chart_context(request, participant, "notes")
    progress = selectors.curriculum_progress(participant)
    now = timezone.now()
    selectors.attach_make_ups(participant, progress, now=now)
    context.update(
        now=now,
        notes=selectors.chart_notes(participant),
        progress=progress,
        can_write=_can_write(request, participant),
        formats=services.formats_for(context["episode"].program if context["episode"] else None),
    )
    return render(request, "notes/tab.html", context)


def _format_from(request: StaffRequest, program, code: str | None) -> NoteFormat | None:
    formats = services.formats_for(program)
    chosen = [f for f in formats if f.code == code]
    if chosen:
        return chosen[0]
    return formats[0] if formats else None


def _sessions_of(participant: Participant) -> list[Session]:
    """The participant's sessions of the last weeks, to tie a note to, today's first: a note
    documents a service given, so sessions of days still to come (each in its program's zone)
    are left out rather than listed above the one just held. Group sessions are read too, so
    one sent from a stale page is refused by the service with its reason."""
    now = timezone.now()
    rows = (
        Session.objects.filter(
            enrolments__participant=participant,
            status="scheduled",
            date__lte=now.date() + timedelta(days=1),
        )
        .select_related("program")
        .order_by("-starts_at")[:30]
    )
    return [s for s in rows if s.date <= s.program.today(now)]


def _from_session(session: Session) -> dict:
    """What a note on `session` starts with: its date, times, minutes and how it was held."""
    tz = session.program.tz
    return {
        "session": str(session.public_id),
        "service_date": session.date,
        "start_time": session.starts_at.astimezone(tz).time(),
        "end_time": session.ends_at.astimezone(tz).time(),
        "minutes": session.minutes,
        "mode": services.session_mode(session),
    }


def _content(form: NoteForm, fmt: NoteFormat, participant, sessions) -> services.NoteContent:
    data = form.cleaned_data
    session = None
    if data.get("session"):
        session = next((s for s in sessions if str(s.public_id) == data["session"]), None)
        if session is None:
            raise InvalidInput("Choose one of the participant's sessions.", field="session")
    return services.NoteContent(
        kind=data["kind"],
        format=fmt,
        sections=form.sections(),
        service_date=data["service_date"],
        start_time=data.get("start_time"),
        end_time=data.get("end_time"),
        minutes=data.get("minutes") or 0,
        mode=data["mode"],
        participant_location=data.get("participant_location") or "",
        session=session,
        objectives=request_objectives(form),
        no_objective_reason=data.get("no_objective_reason") or "",
    )


def request_objectives(form: NoteForm) -> list[str]:
    data = form.data
    return (
        [v for v in data.getlist("objectives") if public_id(v)]
        if isinstance(data, QueryDict)
        else []
    )


def _form_page(
    request: StaffRequest,
    participant: Participant,
    form: NoteForm,
    fmt: NoteFormat,
    sessions: list[Session],
    note: ProgressNote | None = None,
    status: int = 200,
) -> HttpResponse:
    context = chart_context(request, participant, "notes")
    program = context["episode"].program if context["episode"] else None
    if form.is_bound or note is None:
        chosen = set(request_objectives(form))
    else:
        # A draft opened again shows the objectives it already addresses, so saving it
        # keeps them instead of asking for them again.
        chosen = {str(o.public_id) for o in thread.of(note)}
    # A group session's notes are written on its group note: the list offers the individual
    # sessions, and a group session only when the form already names it. Each comes with
    # what a note on it starts with (its date, times, minutes and how it was held), which the
    # page's script fills in when the session is chosen.
    chosen_session = form["session"].value()
    context.update(
        form=form,
        format=fmt,
        formats=services.formats_for(program),
        sessions=[
            (s, _from_session(s))
            for s in sessions
            if not s.is_group or str(s.public_id) == chosen_session
        ],
        note=note,
        objectives=thread.active_objectives(participant),
        chosen=chosen,
    )
    return render(request, "notes/edit.html", context, status=status)


@participant_page(Scope.CLINICAL, methods=("GET", "POST"))
def new(request: StaffRequest, participant) -> HttpResponse:
    """Write a note: its kind, session, date and times, and the chosen format's sections."""
    episode = chart_context(request, participant, "notes")["episode"]
    program = episode.program if episode else None
    code = request.GET.get("format") if request.method in READS else request.POST.get("format")
    fmt = _format_from(request, program, code)
    if fmt is None:
        return _forbidden(request, "No note format is set up for this program.")
    sessions = _sessions_of(participant)
    if request.method in READS:
        today = program.today() if program else timezone.localdate()
        initial = {"format": fmt.code, "service_date": today, "kind": NoteKind.INDIVIDUAL}
        # Opened for a session (from the notes due): the note starts as that session was held.
        wanted = request.GET.get("session")
        session = next((s for s in sessions if not s.is_group and str(s.public_id) == wanted), None)
        if session is not None:
            initial |= _from_session(session)
        form = NoteForm(headings=fmt.sections, initial=initial, modes=services.modes_for(session))
        return _form_page(request, participant, form, fmt, sessions)
    form = NoteForm(request.POST, headings=fmt.sections)
    if form.is_valid():
        try:
            note = services.draft_note(
                participant, _content(form, fmt, participant, sessions), by=request.user
            )
        except (InvalidInput, ConcurrentEdit) as exc:
            refuse_on(form, exc)
        else:
            messages.success(request, "Draft saved. Sign it when it is complete.")
            return redirect("notes:note", participant.public_id, note.public_id)
    return _form_page(request, participant, form, fmt, sessions, status=400)


@participant_page(Scope.CLINICAL, methods=("GET", "POST"))
def edit(request: StaffRequest, participant, note_id) -> HttpResponse:
    note = _note_or_404(request, participant, note_id)
    if note is None:
        return _missing(request)
    fmt = note.format
    if note.is_signed or note.group_note_id or fmt is None:
        messages.error(request, "A signed note is not changed; add a late entry instead.")
        return redirect("notes:note", participant.public_id, note.public_id)
    sessions = _sessions_of(participant)
    if request.method in READS:
        initial = {
            "kind": note.kind,
            "format": fmt.code,
            "session": str(note.session.public_id) if note.session else "",
            "service_date": note.service_date,
            "start_time": note.start_time,
            "end_time": note.end_time,
            "minutes": note.minutes,
            "mode": note.mode,
            "participant_location": note.participant_location,
            "no_objective_reason": note.no_objective_reason,
            "version": note.version,
        }
        for i, heading in enumerate(fmt.sections):
            initial[f"section_{i}"] = note.sections.get(heading, "")
        form = NoteForm(
            headings=fmt.sections, initial=initial, modes=services.modes_for(note.session)
        )
        return _form_page(request, participant, form, fmt, sessions, note=note)
    form = NoteForm(request.POST, headings=fmt.sections)
    if form.is_valid():
        try:
            services.change_note(
                note,
                _content(form, fmt, participant, sessions),
                by=request.user,
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except (InvalidInput, ConcurrentEdit) as exc:
            refuse_on(form, exc)
        else:
            messages.success(request, "Draft saved.")
            return redirect("notes:note", participant.public_id, note.public_id)
    return _form_page(request, participant, form, fmt, sessions, note=note, status=400)


def _note_page(
    request: StaffRequest, participant, found: ProgressNote, *, error: str = "", status: int = 200
) -> HttpResponse:
    context = chart_context(request, participant, "notes")
    flag = None
    if not found.is_signed and not found.entered_in_error and found.group_note_id is None:
        ratio, match = services.copy_forward_check(found)
        if similarity.is_copied_forward(ratio):
            flag = {"ratio": ratio, "match": match}
    context.update(
        note=found,
        history=selectors.note_history(found),
        superseded=ProgressNote.objects.filter(supersedes=found).first(),
        cosignature=selectors.cosigned(found),
        flag=flag,
        error=error,
        objectives=thread.of(found),
        can_write=_can_write(request, participant),
        can_cosign=capability_decision(
            request.user, "note.cosign", participant.organization_id
        ).allowed,
        is_author=found.recorded_by_id == request.user.pk,
        late_form=LateEntryForm(),
    )
    return render(request, "notes/note.html", context, status=status)


@participant_page(Scope.CLINICAL, methods=("GET",))
def note(request: StaffRequest, participant, note_id) -> HttpResponse:
    """One note with its history; a draft shows the copy-forward check before signing."""
    found = _note_or_404(request, participant, note_id)
    if found is None:
        return _missing(request)
    return _note_page(request, participant, found)


def _refused(
    request: StaffRequest,
    participant,
    found: ProgressNote,
    message: str,
    *,
    headline: str = "Not saved",
) -> HttpResponse:
    """The note again with why the action was refused; nothing was written."""
    return _note_page(request, participant, found, error=f"{headline}: {message}", status=400)


@participant_page(Scope.CLINICAL, methods=("POST",))
def sign(request: StaffRequest, participant, note_id) -> HttpResponse:
    found = _note_or_404(request, participant, note_id)
    if found is None:
        return _missing(request)
    form = SignForm(request.POST)
    if not form.is_valid():
        return _refused(
            request,
            participant,
            found,
            "Keep the justification to one line (under 200 characters).",
            headline="Not signed, the draft is kept",
        )
    try:
        services.sign_note(
            found,
            by=request.user,
            expected_version=form.cleaned_data["version"],
            justification=form.cleaned_data.get("justification") or "",
        )
    except (InvalidInput, ConcurrentEdit) as exc:
        return _refused(
            request, participant, found, exc.message, headline="Not signed, the draft is kept"
        )
    messages.success(request, "Note signed.")
    return redirect("notes:note", participant.public_id, found.public_id)


@participant_page(Scope.CLINICAL, methods=("POST",), addenda=True)
def late_entry(request: StaffRequest, participant, note_id) -> HttpResponse:
    found = _note_or_404(request, participant, note_id)
    if found is None:
        return _missing(request)
    form = LateEntryForm(request.POST)
    if not form.is_valid():
        return _refused(
            request, participant, found, "Write the late entry and why it is added late."
        )
    data = form.cleaned_data
    event_at = None
    if data.get("event_date"):
        program = found.episode.program if found.episode is not None else None
        tz = program.tz if program else timezone.get_current_timezone()
        event_at = datetime.combine(
            data["event_date"], data.get("event_time") or datetime.min.time(), tzinfo=tz
        )
    try:
        added = services.add_late_entry(
            found, by=request.user, text=data["text"], reason=data["reason"], event_at=event_at
        )
    except (InvalidInput, ConcurrentEdit) as exc:
        return _refused(request, participant, found, exc.message)
    messages.success(request, "Late entry added and signed.")
    return redirect("notes:note", participant.public_id, added.public_id)


@participant_page(Scope.CLINICAL, methods=("POST",), addenda=True)
def cosign(request: StaffRequest, participant, note_id) -> HttpResponse:
    found = _note_or_404(request, participant, note_id)
    if found is None:
        return _missing(request)
    try:
        services.cosign_note(found, by=request.user)
    except (InvalidInput, ConcurrentEdit) as exc:
        return _refused(request, participant, found, exc.message)
    messages.success(request, "Note co-signed.")
    if request.POST.get("next") == "board":
        return redirect("notes:board")
    return redirect("notes:note", participant.public_id, found.public_id)


@participant_page(Scope.CLINICAL, methods=("POST",))
def entered_in_error(request: StaffRequest, participant, note_id) -> HttpResponse:
    found = _note_or_404(request, participant, note_id)
    if found is None:
        return _missing(request)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput("Say why this note was entered in error.")
        services.mark_entered_in_error(found, by=request.user, reason=form.cleaned_data["reason"])
    except (InvalidInput, ConcurrentEdit) as exc:
        return _refused(request, participant, found, exc.message)
    messages.success(request, "Note marked entered in error.")
    return redirect("notes:tab", participant.public_id)


# ---- The group-note screen -------------------------------------------------------------

STATUSES = [
    (AttendanceStatus.PRESENT, "Present"),
    (AttendanceStatus.LATE, "Late"),
    (AttendanceStatus.LEFT_EARLY, "Left early"),
    (AttendanceStatus.VIRTUAL, "Virtual"),
    (AttendanceStatus.EXCUSED, "Excused"),
    (AttendanceStatus.UNEXCUSED, "Unexcused"),
]


def _session_missing(request: HttpRequest) -> HttpResponse:
    return error_page(request, "Session not found", "No group session has that id.", status=404)


def _group_context(
    request: GroupPageRequest,
    session: Session,
    access: GroupNoteAccess,
    posted: QueryDict | None = None,
    error: TandemError | None = None,
) -> dict:
    group_note = services.current_group_note(session)
    rows = [
        row
        for row in selectors.group_roster(session, group_note)
        if member_decision(
            request.user, session, row.participant, Action.VIEW, access=access
        ).allowed
    ]
    modules = selectors.modules_for(session)
    chosen = group_note.module if group_note and group_note.module_id else None
    if chosen is None and group_note is None:
        chosen = selectors.next_module(session, modules)
    offered = thread.active_objectives_of([row.participant.pk for row in rows])
    for row in rows:
        key = str(row.participant.public_id)
        if posted is not None:
            picked = set(posted.getlist(f"objectives-{key}"))
        else:
            picked = {str(a.objective_id) for a in row.note.addressed.all()} if row.note else set()
        row.f_objectives = [
            (o, str(o.public_id) in picked or str(o.pk) in picked)
            for o in offered.get(row.participant.pk, [])
        ]
        if posted is not None:
            row.f_status = posted.get(f"status-{key}") or ""
            row.f_minutes = posted.get(f"minutes-{key}") or ""
            row.f_text = posted.get(f"text-{key}") or ""
            row.f_reason = posted.get(f"reason-{key}") or ""
        else:
            # A roster row the roll call has not recorded starts as present: the facilitator
            # changes the exceptions, as with "mark all present" at roll call.
            row.f_status = row.attendance.status if row.attendance else AttendanceStatus.PRESENT
            row.f_minutes = (
                str(row.attendance.minutes) if row.attendance and row.attendance.is_partial else ""
            )
            row.f_text = row.text
            row.f_reason = row.note.no_objective_reason if row.note else ""
    request.showing = [row.participant for row in rows]
    shared = (
        posted.get("shared", "")
        if posted is not None
        else (group_note.narrative if group_note else "")
    )
    topic = (
        posted.get("topic", "") if posted is not None else (group_note.topic if group_note else "")
    )
    if posted is not None:
        chosen_id = posted.get("module") or ""
        chosen = next((m for m in modules if str(m.public_id) == chosen_id), None)
    return {
        "shared": shared,
        "topic": topic,
        "session": session,
        "group_note": group_note,
        "rows": rows,
        "modules": modules,
        "chosen_module": chosen,
        "statuses": STATUSES,
        "partial": [str(s) for s in PARTIAL_STATUSES],
        "can_write": access.can_write
        and not (group_note and group_note.is_signed)
        and attendance_services.roll_call_open(session),
        "posted": posted,
        "error": error,
    }


def _roll_entries(request, session, rows) -> list[attendance_services.RollCallEntry]:
    """The roll call rows whose status or minutes changed on the screen."""
    entries = []
    for row in rows:
        key = str(row.participant.public_id)
        status = request.POST.get(f"status-{key}") or ""
        if not status:
            continue
        raw = (request.POST.get(f"minutes-{key}") or "").strip()
        minutes = int(raw) if raw.isdigit() and len(raw) < 6 else None
        if raw and minutes is None:
            raise InvalidInput("Minutes attended are a whole number.", field=f"minutes-{key}")
        if status not in PARTIAL_STATUSES:
            minutes = None
        current = row.attendance
        if (
            current is not None
            and current.status == status
            and (minutes is None or minutes == current.minutes)
        ):
            continue
        entries.append(
            attendance_services.RollCallEntry(
                row.participant, status, minutes, "", current.version if current else 0
            )
        )
    return entries


def _module_from(request, modules) -> CurriculumModule | None:
    chosen = request.POST.get("module") or ""
    if not chosen:
        return None
    found = next((m for m in modules if str(m.public_id) == chosen), None)
    if found is None:
        raise InvalidInput("Choose one of the curriculum's modules.", field="module")
    return found


@serves("GET", "POST")
@login_required
@staff_address("session_id", selectors.session_by_public_id, "group_note.viewed", Scope.CLINICAL)
def group(request: GroupPageRequest, session_id) -> HttpResponse:
    """One screen per group session: roll call, shared narrative, each member's section, sign."""
    request.showing = []
    session = selectors.session_by_public_id(session_id)
    if session is None or session.kind != "group":
        return _session_missing(request)
    access = group_note_access(request.user, session)
    if not access.can_view:
        record_event(
            actor=request.user,
            event_type="group_note.viewed",
            record=session,
            organization=session.program.organization_id,
            outcome=Outcome.REFUSED,
            role=access.role,
            details={"scope": str(Scope.CLINICAL), "why": access.why},
        )
        if beyond_reach(request.user, session.program.organization_id):
            return _session_missing(request)
        return _forbidden(
            request, "Only the session's facilitators, supervisors and directors open its notes."
        )
    if request.method in READS:
        context = _group_context(request, session, access)
        record_group_read(request.user, session, access, request.showing)
        return render(request, "notes/group.html", context)
    with counting_events() as events:
        response = _group_post(request, session, access)
    if events.written == 0 and carries_participant_data(response):
        record_group_read(request.user, session, access, request.showing)
    return response


def _group_post(
    request: GroupPageRequest, session: Session, access: GroupNoteAccess
) -> HttpResponse:
    rows = selectors.group_roster(session, services.current_group_note(session))
    modules = selectors.modules_for(session)
    wants_sign = request.POST.get("action") == "sign"
    try:
        raw_version = (request.POST.get("version") or "0").strip()
        if not raw_version.isdigit() or len(raw_version) > 9:
            raise InvalidInput("Reload the page and try again.", field="version")
        module = _module_from(request, modules)
        entries = _roll_entries(request, session, rows)
        members = []
        for row in rows:
            key = str(row.participant.public_id)
            members.append(
                services.MemberSection(
                    row.participant,
                    text=request.POST.get(f"text-{key}") or "",
                    objectives=[
                        v for v in request.POST.getlist(f"objectives-{key}") if public_id(v)
                    ],
                    no_objective_reason=request.POST.get(f"reason-{key}") or "",
                )
            )
        services.document_group(
            session,
            by=request.user,
            narrative=request.POST.get("shared") or "",
            topic=request.POST.get("topic") or "",
            module=module,
            members=members,
            expected_version=int(raw_version),
            roll_call=entries,
            sign=wants_sign,
        )
    except AccessDenied as exc:
        return _forbidden(request, exc.message)
    except TandemError as exc:
        context = _group_context(request, session, access, posted=request.POST, error=exc)
        return render(request, "notes/group.html", context, status=400)
    messages.success(
        request, "Group note signed: each member's chart has its note." if wants_sign else "Saved."
    )
    return redirect("notes:group", session.public_id)


# ---- Notes due and the board -----------------------------------------------------------


# Rows per page on the notes-due list and on each list of the board.
PAGE_SIZE = 50


def opens_notes_due(user) -> bool:
    return any(
        capability_decision(user, "note.sign", org).allowed for org in organizations_of(user)
    )


def opens_board(user) -> bool:
    return bool(selectors.board_programs(user))


@serves("GET")
@login_required
def due(request: SignedInRequest) -> HttpResponse:
    """My notes still to write or sign, overdue first."""
    if not uses_staff_pages(request.user) or not opens_notes_due(request.user):
        return _forbidden(request, "Notes due are for staff who write notes.")
    rows = viewable(request.user, selectors.notes_due(request.user, now=timezone.now()))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    _audit_list(request, [r.participant for r in page if r.participant], "notes due")
    return render(request, "notes/due.html", {"rows": list(page), "page": page})


# The board's three lists' page numbers, which each list's pager keeps of the other two.
_BOARD_PAGES = ("overdue", "unwritten", "queue")


@serves("GET")
@login_required
def board(request: SignedInRequest) -> HttpResponse:
    """The supervisor's board: what is overdue across the program (unsigned drafts, and
    sessions with no note yet) and the co-sign queue, each paged (a count and a page of rows:
    the same queries however many there are)."""
    if not uses_staff_pages(request.user) or not opens_board(request.user):
        return _forbidden(request, "The notes board is for supervisors and directors.")
    now = timezone.now()
    overdue = page_of(
        selectors.overdue_notes(request.user, now=now), request.GET.get("overdue"), PAGE_SIZE
    )
    unwritten = page_of(
        selectors.sessions_without_note(request.user, now=now),
        request.GET.get("unwritten"),
        PAGE_SIZE,
    )
    queue = page_of(selectors.cosign_queue(request.user), request.GET.get("queue"), PAGE_SIZE)
    sessions = selectors.with_enrolled(list(unwritten))
    enrolled = [e.participant for s in sessions if not s.is_group for e in s.enrolments.all()]
    _audit_list(
        request, [n.participant for n in list(overdue) + list(queue)] + enrolled, "notes board"
    )
    return render(
        request,
        "notes/board.html",
        {
            "overdue": list(overdue),
            "unwritten": sessions,
            "queue": list(queue),
            "overdue_page": overdue,
            "unwritten_page": unwritten,
            "queue_page": queue,
            "overdue_total": overdue.paginator.count + unwritten.paginator.count,
            **{
                f"{name}_keep": kept_beside(request.GET, _BOARD_PAGES, name)
                for name in _BOARD_PAGES
            },
            "now": now,
        },
    )


def _audit_list(request: SignedInRequest, participants, page: str) -> None:
    if not participants:
        return
    record_event(
        actor=request.user,
        event_type="notes.due_viewed",
        record_type="notes.NotesDue",
        details={
            "scope": str(Scope.CLINICAL),
            "page": page,
        },
        listed=participants,
    )


def home_panel(request: SignedInRequest) -> dict | None:
    """Unsigned and overdue notes on the author's home; the board's counts for supervisors."""
    user = request.user
    if not uses_staff_pages(user):
        return None
    now = timezone.now()
    rows = viewable(user, selectors.notes_due(user, now=now)) if opens_notes_due(user) else []
    board_counts = selectors.board_counts(user, now=now) if opens_board(user) else None
    if not rows and not board_counts:
        return None
    panel = {
        "template": "notes/_home_panel.html",
        "rows": rows[:10],
        "more": max(0, len(rows) - 10),
        "overdue": sum(1 for r in rows if r.overdue),
        "board": board_counts,
        "board_url": reverse("notes:board"),
    }
    return shows(panel, "notes_due", [r.participant for r in rows[:10] if r.participant])


def objective_section(request: HttpRequest, objective) -> dict:
    """The golden thread on an objective's page: the notes in force that addressed it, in any
    version of the plan (the page's own access decision covers the participant)."""
    return {
        "template": "notes/_objective_notes.html",
        "notes": thread.notes_for_objective(objective),
    }


# ---- The program's note settings ----------------------------------------------------------


def opens_settings(user) -> bool:
    return any(
        capability_decision(user, "note.settings", org).allowed for org in organizations_of(user)
    )


def _settings_rows(programs) -> list[dict]:
    from accounts.models import Role
    from notes.models import Curriculum, GroupCurriculum, NoteSettings
    from scheduling.models import Group

    ids = [p.pk for p in programs]
    saved = {
        s.program_id: s
        for s in NoteSettings.objects.filter(program_id__in=ids).prefetch_related("cosign_staff")
    }
    staff = list(
        User.objects.filter(
            kind=User.Kind.STAFF,
            memberships__organization_id__in={p.organization_id for p in programs},
            memberships__is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
        .values("pk", "first_name", "last_name", "username", "memberships__organization_id")
    )
    formats = list(NoteFormat.objects.filter(program_id__in=ids).order_by("name"))
    curricula = list(Curriculum.objects.filter(Q(program__isnull=True) | Q(program_id__in=ids)))
    groups = list(Group.objects.filter(program_id__in=ids, is_active=True).order_by("title"))
    links = dict(
        GroupCurriculum.objects.filter(group__in=groups).values_list("group_id", "curriculum_id")
    )
    rows = []
    for p in programs:
        row = saved.get(p.pk)
        chosen = {u.pk for u in row.cosign_staff.all()} if row else set()
        rows.append(
            {
                "program": p,
                "version": row.version if row else 0,
                "due_hours": row.due_hours if row else services.settings_for(p).due_hours,
                "roles": [
                    (v, label, v in (row.cosign_roles if row else [])) for v, label in Role.choices
                ],
                "staff": [
                    (
                        u["pk"],
                        f"{u['first_name']} {u['last_name']}".strip() or u["username"],
                        u["pk"] in chosen,
                    )
                    for u in staff
                    if u["memberships__organization_id"] == p.organization_id
                ],
                "formats": [f for f in formats if f.program_id == p.pk],
                "curricula": [c for c in curricula if c.program_id in (None, p.pk)],
                "groups": [(g, links.get(g.pk)) for g in groups if g.program_id == p.pk],
            }
        )
    return rows


@serves("GET", "POST")
@login_required
def program_settings(request: SignedInRequest) -> HttpResponse:
    """The director's page for the program's note rules, its own formats and which curriculum
    each group runs."""
    from accounts.models import Program
    from notes import program_settings as changes
    from notes.models import Curriculum
    from scheduling.models import Group

    if not uses_staff_pages(request.user) or not opens_settings(request.user):
        return _forbidden(request, "Note settings are for the program director.")
    orgs = [
        o
        for o in organizations_of(request.user)
        if capability_decision(request.user, "note.settings", o).allowed
    ]
    programs = list(Program.objects.filter(organization_id__in=orgs).order_by("name"))
    error = ""
    if request.method == "POST":
        data = request.POST
        program = next((p for p in programs if str(p.public_id) == data.get("program")), None)
        try:
            if program is None:
                raise InvalidInput("Choose one of your programs.", field="program")
            action = data.get("action")
            if action == "rules":
                changes.update_rules(
                    program,
                    by=request.user,
                    due_hours=_number(data.get("due_hours"), "due_hours"),
                    cosign_roles=data.getlist("cosign_roles"),
                    cosign_staff=list(
                        User.objects.filter(
                            pk__in=[
                                _number(v, "cosign_staff") for v in data.getlist("cosign_staff")
                            ]
                        )
                    ),
                    expected_version=_number(data.get("version"), "version", low=0),
                )
            elif action == "format":
                changes.add_format(
                    program,
                    by=request.user,
                    name=data.get("name", ""),
                    sections=data.get("sections", "").splitlines(),
                )
            elif action == "curriculum":
                group = chosen(
                    Group.objects.filter(program=program),
                    data.get("group"),
                    refusal="Choose one of the program's groups.",
                    field="group",
                )

                def curriculum(value: str | None) -> Curriculum | None:
                    if not value:
                        return None
                    return chosen(
                        Curriculum.objects.all(),
                        value,
                        refusal="Choose one of the program's curricula.",
                        field="curriculum",
                    )

                changes.set_curriculum(
                    group,
                    by=request.user,
                    curriculum=curriculum(data.get("curriculum")),
                    expected=curriculum(data.get("was")),
                )
            else:
                raise InvalidInput("Choose what to change.")
        except AccessDenied:
            raise
        except TandemError as exc:
            error = exc.message
        else:
            messages.success(request, "Saved.")
            return redirect("notes:settings")
    return render(
        request,
        "notes/settings.html",
        {"rows": _settings_rows(programs), "error": error},
        status=400 if error else 200,
    )


def _number(value, field: str, *, low: int = 1) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if not low <= number < 2**31:
        raise InvalidInput("Enter a whole number.", field=field)
    return number
