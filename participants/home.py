"""Each role's home page: sections chosen by the access policy, panels added by modules.

The home shows the sections `participants.access.home_sections(user)` names. A module adds
a panel to a section with `PANELS.register(Panel(section, order, make))` (`EVERY_HOME`: after
the sections, on every staff home); `make(request)` returns the panel's dict (with its
`template`) or None. The caseload table takes extra columns from modules with
`COLUMNS.register(Column(key, label, order, values, cell))`, where `values(episodes)` returns a
value per episode id in a fixed number of queries, so the page stays flat as the caseload grows,
and `cell(value, episode)` writes the cell's HTML with `format_html`: the rows are written in
Python, since an include per cell cost more than the rest of the page.

A panel that lists participants (or records about them) does not write its own audit event:
it marks what it shows with `shows(panel, name, participants, records)`, and the home writes
one `home.viewed` event for the whole response listing every participant shown, list by list
(`viewed_lists`).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.paginator import Page
from django.db.models import Count, QuerySet, Window
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.timesince import timesince

from accounts.http import SignedInRequest
from accounts.models import Program
from accounts.roles import organizations_of
from audit.services import record_event
from participants.access import may_open, section_organizations
from participants.models import (
    OPEN_STATUSES,
    PRE_ADMISSION_STATUSES,
    Episode,
    EpisodeStatus,
    Participant,
)
from tandem.escaping import format_html, format_html_join, joined_html
from tandem.hooks import Hook
from tandem.navigation import ITEMS, NavItem
from tandem.paging import page_of
from tandem.templatetags.clock import clock, day, when
from tandem.templatetags.words import whole_words

CASELOAD_PAGE_SIZE = 25
_ANYONE = "00000000-0000-0000-0000-000000000000"  # a public id, for a URL reversed once a page
REFERRAL_ROWS = 50  # the referrals shown on the home, oldest first
# Sections a module may fill; the critical-alerts slot is the program's open critical alerts.
CENSUS = "census"
CRITICAL_ALERTS = "critical_alerts"
REFERRALS = "referrals"
UNDER_DOSED = "under_dosed"
TODAY = "today"
CASELOAD = "caseload"
BILLING = "billing"
# Panels every staff home shows after its sections (each decides for itself what to show).
EVERY_HOME = "every_home"

PanelMaker = Callable[[SignedInRequest], dict | None]  # the home is for signed-in staff


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    order: int
    values: Callable[[list[Episode]], dict[int, Any]]
    # The cell from `value` (None: no value): its markup from `format_html`, or text to escape.
    cell: Callable[[Any, Episode], str]


@dataclass(frozen=True)
class Panel:
    section: str  # one of the sections above, or EVERY_HOME
    order: int
    make: PanelMaker


PANELS: Hook[Panel] = Hook(
    "participants.home_panels",
    key=lambda panel: (panel.section, panel.make),
    sort=lambda panel: panel.order,
)
COLUMNS: Hook[Column] = Hook(
    "participants.caseload_columns", key=lambda column: column.key, sort=lambda c: c.order
)


def shows(panel: dict, name: str, participants: Iterable[Any], records: Iterable[Any] = ()) -> dict:
    """Mark what a panel shows for the home's audit event: the participants on it and, for a
    list of records (alerts, tasks), those records, by public id. Returns the panel."""
    people = list(participants)
    listed: dict[str, list[str]] = {"participants": sorted({str(p.public_id) for p in people})}
    ids = [str(r.public_id) for r in records]
    if ids:
        listed["records"] = ids
    panel.setdefault("shows", {})[name] = listed
    panel.setdefault("shown_people", []).extend(people)
    return panel


def viewed_lists(
    caseload: list[Episode], panels: list[dict]
) -> tuple[dict[str, dict[str, list[str]]], list[Participant]]:
    """What the home's one `home.viewed` event names: each list (the caseload page, then each
    panel's) with its own participants and records, and everyone the response shows."""
    lists: dict[str, dict[str, list[str]]] = {}
    everyone = [e.participant for e in caseload]
    if caseload:
        lists["caseload"] = {"participants": [str(p.public_id) for p in everyone]}
    for panel in panels:
        for name, listed in panel.get("shows", {}).items():
            if listed["participants"] or listed.get("records"):
                lists[name] = listed
        everyone.extend(panel.get("shown_people", []))
    return lists, everyone


def record_viewed(request: SignedInRequest, caseload: list[Episode], panels: list[dict]) -> None:
    """The home's one audit event, listing everyone the response shows, list by list
    (`viewed_lists`), when it shows anyone."""
    lists, everyone = viewed_lists(caseload, panels)
    if not lists:
        return
    orgs = organizations_of(request.user)  # read with the roles: no query of its own
    record_event(
        actor=request.user,
        event_type="home.viewed",
        record_type="participants.Home",
        organization=orgs[0] if len(orgs) == 1 else None,
        details={"lists": lists},
        listed=everyone,
    )


def programs(request: HttpRequest) -> list[Program]:
    """The programs of the user's organizations, by name, read once for the whole home:
    several panels show them (the questionnaires, the under-dosed, today's sessions), and
    each read them again otherwise."""
    found: list[Program] | None = getattr(request, "_home_programs", None)
    if found is None:
        found = list(
            Program.objects.filter(organization_id__in=organizations_of(request.user)).order_by(
                "name"
            )
        )
        request._home_programs = found  # type: ignore[attr-defined]
    return found


def panels_for(request: SignedInRequest, sections: set[str]) -> list[dict]:
    shown = []
    for section in (CENSUS, CRITICAL_ALERTS, REFERRALS, UNDER_DOSED, TODAY, BILLING, EVERY_HOME):
        if section not in sections and section != EVERY_HOME:
            continue
        for entry in PANELS.implementations():
            if entry.section == section and (panel := entry.make(request)):
                shown.append(panel)
    return shown


def columns() -> list[Column]:
    return COLUMNS.implementations()


def caseload_page(episodes: QuerySet[Episode], number: str | None) -> tuple[Page, list[dict]]:
    """One page of the caseload with every registered column filled for it, paged in the
    database (`page_of`: a caseload of thousands costs one query, as a page of 25 does;
    `episodes` must have no duplicate rows)."""
    page = page_of(episodes, number, CASELOAD_PAGE_SIZE)
    shown: list[Episode] = list(page.object_list)
    shown_columns = columns()
    values = {c.key: c.values(shown) for c in shown_columns}
    chart_url = reverse("participants:chart", args=[_ANYONE])  # reversed once for the page
    zone = timezone.get_current_timezone_name()
    rows = [
        {"episode": e, "html": _caseload_row(e, chart_url, shown_columns, values, zone)}
        for e in shown
    ]
    return page, rows


def _caseload_row(
    e: Episode,
    chart_url: str,
    shown_columns: list[Column],
    values: dict[str, dict[int, Any]],
    zone: str,
) -> SafeString:
    """One caseload row, the modules' cells included, written in Python: 25 rows of
    includes cost the template engine longer than the rest of the page. Every value is
    escaped by `format_html`, as the template would escape it; the cells come as markup
    from their columns. `zone` is the page's, which it names once above the table.
    A clinician's name reads whole (`name`), and the program's wraps only at its spaces."""
    p = e.participant
    pronouns = format_html(' <span class="muted">({})</span>', p.pronouns) if p.pronouns else ""
    next_session = getattr(e, "next_session_at", None)  # scheduling's CASELOAD_VALUES
    return format_html(
        '<tr><td><a href="{}">{}</a>{}</td><td class="nowrap">{}</td>'
        '<td><span class="status status-{}">{}</span></td><td>{}</td>'
        '<td><span class="name">{}</span></td><td>{}</td>{}</tr>',
        chart_url.replace(_ANYONE, str(p.public_id)),
        p.display_name,
        pronouns,
        p.record_number,
        e.status,
        e.get_status_display(),
        whole_words(e.program.name),
        e.primary_clinician or "—",
        _next_session(next_session, e.program.time_zone, zone),
        format_html_join(
            "", "<td>{}</td>", ((c.cell(values[c.key].get(e.pk), e),) for c in shown_columns)
        ),
    )


def _next_session(moment: datetime | None, program_zone: str, page_zone: str) -> str:
    """The next session's day and time; its zone's letters only for a program in another
    zone than the page's, since the page names its own zone once (CST on every row of a
    one-zone caseload is noise a clinician reads past)."""
    if moment is None:
        return "—"
    if program_zone == page_zone:
        return f"{day(moment)}, {clock(moment)}"
    return when(moment, program_zone)


def census(programs: list[Program]) -> list[dict]:
    """Open episodes per program and status of `programs` (the user's, by name: `programs()`),
    in one query. Their ids are written in the statement: the planner then reads those
    programs' open episodes from the (program, status) index, where choosing the programs by
    organization in a subquery left it guessing, and it read every episode there is."""
    names = {p.pk: p.name for p in programs}
    rows = (
        Episode.objects.filter(program_id__in=list(names), status__in=OPEN_STATUSES)
        .values_list("program_id", "status")
        .annotate(n=Count("*"))
        .order_by()
    )
    counted: dict[str, dict[str, int]] = {p.name: {} for p in programs}  # in the programs' order
    for program_id, status, n in rows:
        by_status = counted[names[program_id]]
        by_status[status] = by_status.get(status, 0) + n
    return [
        {
            "program": name,
            "counts": [(s.label, counts[s.value]) for s in EpisodeStatus if s.value in counts],
            "total": sum(counts.values()),
        }
        for name, counts in counted.items()
        if counts
    ]


def referral_queue(user, *, limit: int = REFERRAL_ROWS) -> list[Episode]:
    """Referrals not yet admitted, oldest first, with their dates, in the organizations where
    the user oversees the program or coordinates intake (whose roles the policy lets see
    every referral there); each row carries `waiting`, how many are waiting in all, so a
    queue longer than the rows shown says so (one query, of the columns the rows show: a
    whole participant's row is thrice as long)."""
    return list(
        Episode.objects.filter(
            program__organization_id__in=section_organizations(user, REFERRALS),
            status__in=PRE_ADMISSION_STATUSES,
            participant__entered_in_error_at__isnull=True,
        )
        .select_related("participant", "program")
        .only(
            "status",
            "referred_on",
            "participant__public_id",
            "participant__legal_first_name",
            "participant__preferred_name",
            "participant__legal_last_name",
            "participant__record_number",
            "program__name",
            "program__time_zone",
        )
        .annotate(waiting=Window(Count("pk")))
        .order_by("referred_on", "pk")[:limit]
    )


def _referral_rows(queue: list[Episode]) -> SafeString:
    """The queue's table rows, written in Python like the caseload's (every value escaped),
    rather than the template engine, which costs several times as much for fifty rows on
    every director's home; referrals of one day in one program share their wait."""
    chart_url = reverse("participants:chart", args=[_ANYONE])
    todays = {e.program_id: e.program.today() for e in queue}
    waits = {
        (d, p): waited(d, todays[p]) for d, p in {(e.referred_on, e.program_id) for e in queue}
    }
    return format_html_join(
        "\n",
        '<tr><td><a href="{}">{}</a></td><td class="nowrap">{}</td><td>{}</td>'
        '<td><span class="status status-{}">{}</span></td><td>{}</td><td>{}</td></tr>',
        (
            (
                chart_url.replace(_ANYONE, str(e.participant.public_id)),
                e.participant.display_name,
                e.participant.record_number,
                e.program.name,
                e.status,
                e.get_status_display(),
                day(e.referred_on),
                waits[e.referred_on, e.program_id],
            )
            for e in queue
        ),
    )


def waited(since: date, today: date) -> str:
    """How long a referral has waited, in whole days and weeks: it is dated, not timed, so
    hours counted from its midnight would be made up."""
    return "0\xa0days" if since >= today else timesince(since, today)


def census_panel(request: HttpRequest) -> dict | None:
    counted = census(programs(request))
    return {
        "template": "participants/_census_panel.html",
        "programs": counted,
        "rows": census_rows(counted),
    }


def census_rows(counted: list[dict]) -> SafeString:
    """Each program's total and its counts by status, written in Python with every value
    escaped, as the template wrote them: a director's home draws them on every load."""
    return joined_html(
        "",
        (
            format_html(
                '\n  <p><strong>{}</strong>: {} open episode{}</p>\n  <table class="list compact '
                'counts">\n    <thead><tr>{}</tr></thead>\n    <tbody><tr>{}</tr></tbody>\n'
                "  </table>\n  ",
                p["program"],
                p["total"],
                "" if p["total"] == 1 else "s",
                format_html_join(
                    "", '<th scope="col">{}</th>', ((label,) for label, _ in p["counts"])
                ),
                format_html_join("", "<td>{}</td>", ((n,) for _, n in p["counts"])),
            )
            for p in counted
        ),
    )


def referrals_panel(request: HttpRequest) -> dict | None:
    """The referral queue, oldest first, with the date each was referred and days waiting,
    and how many are waiting in all when there are more than the rows shown."""
    queue = referral_queue(request.user)
    panel = {
        "template": "participants/_referrals_panel.html",
        "queue": queue,
        "rows": _referral_rows(queue),
        "waiting": getattr(queue[0], "waiting", 0) if queue else 0,
    }
    return shows(panel, "referrals", [e.participant for e in queue])


PANELS.register(Panel(CENSUS, 10, census_panel))
PANELS.register(Panel(REFERRALS, 10, referrals_panel))


def own_pages(user) -> list[NavItem]:
    """The top bar's pages the role may open, for a home with nothing listed on it: a role
    with no caseload or panels (billing, the auditor) is told where its work is instead of
    facing an empty page."""
    return [
        item
        for item in ITEMS.implementations()
        if item.url_name != "home" and may_open(user, item.url_name)
    ]
