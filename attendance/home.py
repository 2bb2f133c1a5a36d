"""What attendance adds to the home pages: this week's dose per caseload row, today's
sessions and arrivals for the front desk, and the program's under-dosed count."""

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from attendance import dose, selectors
from attendance.models import ABSENT_STATUSES
from participants import home as home_page
from participants.models import IN_CARE_STATUSES, Episode
from scheduling.models import Session
from tandem.escaping import format_html, format_html_join
from tandem.templatetags.clock import day
from tandem.templatetags.durations import hours


def dose_column(episodes: list[Episode]) -> dict[int, Any]:
    """This week's dose for the caseload rows in care (two or three queries for any number)."""
    in_care = [e for e in episodes if e.status in IN_CARE_STATUSES]
    if not in_care:
        return {}
    weeks = {e.program_id: dose.current_week(e.program) for e in in_care}
    doses = dose.weekly_doses(in_care, set(weeks.values()))
    return {e.pk: doses[(e.participant_id, weeks[e.program_id])] for e in in_care}


def dose_cell(value: Any, episode: Episode) -> SafeString | str:
    """The week's attended hours of those required, and where the week stands in the words
    of the attendance tab (Met, At risk: short, On track). Each duration keeps its spaces
    unbroken, so a narrow column never splits "9 h 50 min" across lines."""
    if not value:
        return "—"
    if value.met:
        note = mark_safe('<span class="dose-badge dose-met">Met</span>')
    elif value.under_dose:
        note = format_html(
            '<span class="dose-badge dose-risk">At risk: {} short</span>', _whole(value.shortfall)
        )
    else:
        note = mark_safe('<span class="dose-badge">On track</span>')
    return format_html("{} of {} {}", _whole(value.attended), _whole(value.required), note)


def _whole(minutes: int) -> str:
    """A duration that never wraps inside itself."""
    return hours(minutes).replace(" ", "\u00a0")


def today_panel(request: HttpRequest) -> dict | None:
    """Today's sessions across the user's programs with how many have arrived, under the day
    they are on (the first program's today, as the Sessions page says it)."""
    programs = home_page.programs(request)
    sessions = selectors.sessions_on(programs)
    arrived = dict(
        Session.objects.filter(pk__in=[s.pk for s in sessions])
        .annotate(
            n=Count("attendance", filter=~Q(attendance__status__in=ABSENT_STATUSES), distinct=True)
        )
        .values_list("pk", "n")
    )
    for session in sessions:
        session.arrived = arrived.get(session.pk, 0)
    return {
        "template": "attendance/_today_panel.html",
        "sessions": sessions,
        "day": programs[0].today() if programs else None,
    }


def under_dosed_panel(request: HttpRequest) -> dict | None:
    """How many participants cannot reach this week's requirement, per program: the dose
    page's total, counted in the database in one statement for every program, so the
    director's home does not load every participant in care to count them."""
    weeks = [(program, dose.current_week(program)) for program in home_page.programs(request)]
    counts = dose.at_risk_counts(weeks)
    rows = [{"program": p, "week": week, "count": counts[p.pk]} for p, week in weeks]
    return {
        "template": "attendance/_under_dosed_panel.html",
        "programs": rows,
        "rows": under_dosed_rows(rows),
    }


def under_dosed_rows(rows: list[dict]) -> SafeString:
    """Each program's count as a list item, written in Python with every value escaped, as
    the template wrote it: a director's home draws it on every load."""
    return format_html_join(
        "",
        "\n    <li>{}: <strong>{}</strong> participant{} cannot reach this week's requirement"
        " (week of {}).</li>\n  ",
        (
            (row["program"].name, row["count"], "" if row["count"] == 1 else "s", day(row["week"]))
            for row in rows
        ),
    )
