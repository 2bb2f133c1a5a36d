"""The program calendar's and the day's long lists, written in Python with every value
escaped and each address reversed once per process: through the template engine, fifty
groups, fifty staff, hundreds of rooms or fifty sessions with their links cost more than
the statements that read them. Each row reads as the template wrote it."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from uuid import UUID

from django.utils.safestring import SafeString, mark_safe

from accounts.models import Program, User
from participants.chart import page_url
from scheduling.models import Group, Session
from scheduling.selectors import RoomLine, StaffWithHours
from tandem.escaping import format_html, format_html_join, joined_html
from tandem.templatetags.clock import clock

_NO_HOURS = (
    '<span class="muted">No hours entered: they cannot lead groups or individual sessions.</span>'
)


def _group_row(group: Group, facilitators: list[User], can_edit: bool) -> SafeString:
    weekday = group.get_weekday_display()
    start = clock(group.start_time)
    where = ""
    if group.is_virtual:
        where = "Online"
    elif group.room is not None:
        where = format_html("{}, {}", group.room.name, group.room.site.name)
    edit = (
        format_html(
            '<td><a href="{}">Edit<span class="visually-hidden"> {}, {} {}</span></a></td>',
            page_url("scheduling:group_edit", group.public_id),
            group.title,
            weekday,
            start,
        )
        if can_edit
        else ""
    )
    return format_html(
        "<tr{}><td>{} {}, {}&nbsp;min</td><td><strong>{}</strong>{}{}</td><td>{}</td><td>{}</td>"
        '<td>{}</td><td class="nowrap">{}–{}</td>{}</tr>',
        "" if group.is_active else mark_safe(' class="retired"'),
        weekday,
        start,
        group.minutes,
        group.title,
        format_html('<div class="muted small">{}</div>', group.curriculum_module)
        if group.curriculum_module
        else "",
        "" if group.is_active else mark_safe(' <span class="muted">(retired)</span>'),
        (group.track.name if group.track is not None else "") or "—",
        where,
        format_html_join(", ", "{}", ((person,) for person in facilitators)),
        group.min_size,
        group.capacity,
        edit,
    )


def group_rows(
    groups: Iterable[Group], facilitators: Mapping[int, list[User]], can_edit: bool
) -> SafeString:
    """The recurring groups table's rows with each group's `facilitators` (by its id), and
    an edit link each for someone who may edit."""
    rows = [_group_row(group, facilitators.get(group.pk, []), can_edit) for group in groups]
    if not rows:
        return mark_safe('<tr><td colspan="7" class="muted">No groups yet.</td></tr>')
    return joined_html("\n", rows)


def room_items(program_id: UUID, rooms: Iterable[RoomLine], can_edit: bool) -> SafeString:
    """The rooms list's items, each linked to its week, with an edit link for an editor."""
    items = [
        format_html(
            '<li><a href="{}">{}</a>, {} — seats {}{}</li>',
            page_url("scheduling:room_week", program_id, room.public_id),
            room.name,
            room.site,
            room.capacity,
            format_html(
                ' <a class="small" href="{}">Edit</a>',
                page_url("scheduling:room_edit", room.public_id),
            )
            if can_edit
            else "",
        )
        for room in rooms
    ]
    return joined_html("", items) if items else mark_safe('<li class="muted">No rooms.</li>')


def _hours(row: StaffWithHours) -> SafeString:
    if not row.hours:
        return mark_safe(_NO_HOURS)
    return format_html_join(
        "; ",
        "{} {}–{}",
        ((h.get_weekday_display()[:3], clock(h.start_time), clock(h.end_time)) for h in row.hours),
    )


def staff_rows(program_id: UUID, staff: Sequence[StaffWithHours], can_edit: bool) -> SafeString:
    """The staff working hours table's rows: each person linked to their week, their hours,
    and a link to edit the hours for an editor."""
    return joined_html(
        "\n",
        (
            format_html(
                '<tr><td><a href="{}">{}</a></td><td>{}</td>{}</tr>',
                page_url("scheduling:staff_week", program_id, row.person.public_id),
                row.person,
                _hours(row),
                format_html(
                    '<td><a href="{}">Edit hours</a></td>',
                    page_url("scheduling:staff_hours", program_id, row.person.public_id),
                )
                if can_edit
                else "",
            )
            for row in staff
        ),
    )


def _session_row(
    session: Session, staff: list[User], program_id: UUID, zone: str, start: str
) -> SafeString:
    where: SafeString | str = "—"
    if session.is_virtual:
        where = "Online"
    elif session.room is not None:
        where = format_html(
            '<a href="{}?start={}">{}</a>, {}',
            page_url("scheduling:room_week", program_id, session.room.public_id),
            start,
            session.room.name,
            session.room.site.name,
        )
    return format_html(
        '<tr{}><td>{}–{}</td><td><a href="{}">{}</a>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
        mark_safe(' class="cancelled"') if session.is_cancelled else "",
        clock(session.starts_at, zone),
        clock(session.ends_at, zone),
        page_url("scheduling:session", session.public_id),
        session.title,
        mark_safe(' <span class="flag flag-warning">Cancelled</span>')
        if session.is_cancelled
        else "",
        where,
        format_html_join(
            ", ",
            '<a href="{}?start={}">{}</a>',
            (
                (page_url("scheduling:staff_week", program_id, person.public_id), start, person)
                for person in staff
            ),
        ),
        format_html("{} / {}", session.enrolled, session.capacity)  # type: ignore[attr-defined]
        if session.is_group
        else "Individual",
    )


def session_rows(
    program: Program,
    sessions: Iterable[Session],
    staff: Mapping[int, list[User]],
    monday: date,
) -> SafeString:
    """A day's sessions table's rows in the program's time with each session's `staff` (by
    its id), each session, room and staff member linked (the room's and staff member's
    week from `monday`)."""
    start = monday.isoformat()
    rows = [
        _session_row(s, staff.get(s.pk, []), program.public_id, program.time_zone, start)
        for s in sessions
    ]
    if not rows:
        return mark_safe('<tr><td colspan="5" class="muted">No sessions this day.</td></tr>')
    return joined_html("\n", rows)
