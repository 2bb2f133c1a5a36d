"""The program calendar: tracks, recurring groups, rooms, staff hours and closures."""

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from participants.access import may
from scheduling import rows, selectors, services
from scheduling.forms import (
    ClosureForm,
    GroupForm,
    RoomForm,
    TrackForm,
    WindowFormSet,
    window_initial,
    windows_from,
)
from scheduling.models import Closure, Group, Room, StaffHours, Track
from scheduling.views_common import (
    form_errors,
    missing,
    program_page,
    refused,
    render_local,
    staff_only,
)
from tandem.errors import TandemError
from tandem.fields import refuse_on
from tandem.paging import kept_beside

EDIT = "change the program calendar"
# The calendar's paged lists' query parameters (page numbers): the groups, the staff.
_CALENDAR_PAGES = ("page", "staff")


@program_page
def calendar(request: HttpRequest, program) -> HttpResponse:
    context = selectors.calendar(program, request.GET.get("page"), request.GET.get("staff"))
    can_edit = may(request.user, "calendar.edit", program.organization_id)
    context.update(
        **{
            f"{name}_keep": kept_beside(request.GET, _CALENDAR_PAGES, name)
            for name in _CALENDAR_PAGES
        },
        can_edit=can_edit,
        closure_form=ClosureForm(),
        group_rows=rows.group_rows(context["groups"], context["facilitators"], can_edit),
        room_items=rows.room_items(program.public_id, context["rooms"], can_edit),
        staff_rows=rows.staff_rows(program.public_id, context["staff"], can_edit),
    )
    return render_local(request, program, "scheduling/calendar.html", context)


def _form_page(request, program, form, title: str, status: int = 200) -> HttpResponse:
    return render_local(
        request,
        program,
        "scheduling/form_page.html",
        {"form": form, "title": title},
        status=400 if form.errors else status,
    )


def _group_page(request: HttpRequest, program, group: Group | None) -> HttpResponse:
    if not may(request.user, "calendar.edit", program.organization_id):
        return refused(request, EDIT)
    initial = GroupForm.initial_for(group) if group else {"is_active": True}
    form = GroupForm(request.POST or None, program=program, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        facilitators = data.pop("facilitators")
        version = data.pop("version")
        try:
            saved = services.save_group(
                program,
                by=request.user,
                data=data,
                facilitators=facilitators,
                group=group,
                expected_version=version,
            )
        except TandemError as exc:
            refuse_on(form, exc)
        else:
            messages.success(request, f"Saved {saved}.")
            return redirect("scheduling:calendar", program_id=program.public_id)
    return _form_page(request, program, form, f"Edit {group}" if group else "New group")


@program_page
def group_new(request: HttpRequest, program) -> HttpResponse:
    return _group_page(request, program, None)


@staff_only
def group_edit(request: HttpRequest, group_id) -> HttpResponse:
    group = Group.objects.filter(public_id=group_id).select_related("program").first()
    if group is None or not may(request.user, "calendar.read", group.program.organization_id):
        return missing(request, "group")
    return _group_page(request, group.program, group)


def _track_page(request: HttpRequest, program, track: Track | None) -> HttpResponse:
    if not may(request.user, "calendar.edit", program.organization_id):
        return refused(request, EDIT)
    initial = {"name": track.name, "description": track.description} if track else {}
    form = TrackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_track(program, by=request.user, track=track, **form.cleaned_data)
        except TandemError as exc:
            refuse_on(form, exc)
        else:
            messages.success(request, "Track saved.")
            return redirect("scheduling:calendar", program_id=program.public_id)
    return _form_page(request, program, form, f"Edit {track}" if track else "New track")


@program_page
def track_new(request: HttpRequest, program) -> HttpResponse:
    return _track_page(request, program, None)


@staff_only
def track_edit(request: HttpRequest, track_id) -> HttpResponse:
    track = Track.objects.filter(public_id=track_id).select_related("program").first()
    if track is None or not may(request.user, "calendar.read", track.program.organization_id):
        return missing(request, "track")
    return _track_page(request, track.program, track)


def _room_page(request: HttpRequest, program, room: Room | None) -> HttpResponse:
    if not may(request.user, "calendar.edit", program.organization_id):
        return refused(request, EDIT)
    initial = {"site": room.site, "name": room.name, "capacity": room.capacity} if room else {}
    form = RoomForm(request.POST or None, program=program, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_room(
                data["site"],
                by=request.user,
                name=data["name"],
                capacity=data["capacity"],
                room=room,
            )
        except TandemError as exc:
            refuse_on(form, exc)
        else:
            messages.success(request, "Room saved.")
            return redirect("scheduling:calendar", program_id=program.public_id)
    return _form_page(request, program, form, f"Edit {room.name}" if room else "New room")


@program_page
def room_new(request: HttpRequest, program) -> HttpResponse:
    return _room_page(request, program, None)


@staff_only
def room_edit(request: HttpRequest, room_id) -> HttpResponse:
    room = Room.objects.filter(public_id=room_id).select_related("site__program").first()
    if room is None or not may(request.user, "calendar.read", room.site.program.organization_id):
        return missing(request, "room")
    return _room_page(request, room.site.program, room)


@require_POST
@program_page
def closure_add(request: HttpRequest, program) -> HttpResponse:
    form = ClosureForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        try:
            services.add_closure(
                program,
                by=request.user,
                on=form.cleaned_data["date"],
                reason=form.cleaned_data["reason"],
            )
        except TandemError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, "Closure added; sessions already published that day are cancelled."
            )
    return redirect("scheduling:calendar", program_id=program.public_id)


@require_POST
@staff_only
def closure_remove(request: HttpRequest, closure_id) -> HttpResponse:
    closure = Closure.objects.filter(public_id=closure_id).select_related("program").first()
    if closure is None or not may(request.user, "calendar.read", closure.program.organization_id):
        return missing(request, "closure")
    try:
        services.remove_closure(closure, by=request.user)
    except TandemError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, "The program is open that day again. Publish the week to add its sessions."
        )
    return redirect("scheduling:calendar", program_id=closure.program.public_id)


@program_page
def staff_hours(request: HttpRequest, program, staff_id: UUID) -> HttpResponse:
    """A staff member's weekly working hours, as rows of day, start and end."""
    person = selectors.program_staff(program).filter(public_id=staff_id).first()
    if person is None:
        return missing(request, "staff member")
    if not may(request.user, "calendar.edit", program.organization_id):
        return refused(request, "change staff working hours")
    rows = StaffHours.objects.filter(program=program, user=person).order_by("weekday", "start_time")
    formset = WindowFormSet(request.POST or None, initial=window_initial(rows), prefix="w")
    error = ""
    if request.method == "POST" and formset.is_valid():
        try:
            services.set_staff_hours(
                program, person, by=request.user, windows=windows_from(formset)
            )
        except TandemError as exc:
            error = exc.message
        else:
            messages.success(request, f"Working hours of {person} saved.")
            return redirect("scheduling:calendar", program_id=program.public_id)
    status = 400 if request.method == "POST" else 200
    return render_local(
        request,
        program,
        "scheduling/staff_hours.html",
        {"person": person, "formset": formset, "error": error},
        status=status,
    )
