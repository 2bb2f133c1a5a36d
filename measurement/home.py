"""The director's board: how many participants in care have their questionnaires up to date."""

from dataclasses import dataclass

from django.db.models import Count
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from accounts.models import Program
from measurement.models import FirstDue
from participants import home as home_page
from participants.access import may, organizations_of
from participants.selectors import admitted_in_care
from tandem.escaping import format_html, format_html_join


@dataclass(frozen=True)
class Completion:
    program: Program
    in_care: int
    up_to_date: int

    @property
    def rate(self) -> int | None:
        return round(100 * self.up_to_date / self.in_care) if self.in_care else None


def completion(programs: list[Program], *, now) -> list[Completion]:
    """Per program: in-care participants with nothing due, out of all in care (two counting
    queries over the stored due moments, however many are in care). Only an episode in care
    has a first due moment (`next_due`), so those waiting are counted from their program's
    index alone, without reading the episodes again."""
    in_care = dict(
        admitted_in_care()
        .filter(program__in=programs)
        .values("program_id")
        .annotate(n=Count("pk"))
        .values_list("program_id", "n")
    )
    waiting = dict(
        FirstDue.objects.filter(program__in=programs, due_at__lte=now)
        .values("program_id")
        .annotate(n=Count("pk"))
        .values_list("program_id", "n")
    )
    return [
        Completion(p, in_care.get(p.pk, 0), in_care.get(p.pk, 0) - waiting.get(p.pk, 0))
        for p in programs
    ]


def completion_panel(request: HttpRequest) -> dict | None:
    orgs = [
        o for o in organizations_of(request.user) if may(request.user, "measurement.completion", o)
    ]
    if not orgs:
        return None
    programs = [p for p in home_page.programs(request) if p.organization_id in orgs]
    counted = completion(programs, now=timezone.now())
    configurable = [
        p.pk for p in programs if may(request.user, "measurement.configure", p.organization_id)
    ]
    return {
        "template": "measurement/_completion_panel.html",
        "completion": counted,
        "configurable": configurable,
        "rows": completion_rows(counted, configurable),
    }


def completion_rows(counted: list[Completion], configurable: list[int]) -> SafeString:
    """The table's rows, written in Python with every value escaped, as the template wrote
    them: a director's home draws them on every load."""
    return format_html_join(
        "",
        '<tr><td>{} · <a href="{}">risk and due lists</a>{}</td><td>{}</td><td>{}</td>'
        "<td>{}</td></tr>",
        (
            (
                c.program,
                reverse("measurement:lists", args=[c.program.public_id]),
                format_html(
                    ' · <a href="{}">schedule</a>',
                    reverse("measurement:schedule", args=[c.program.public_id]),
                )
                if c.program.pk in configurable
                else "",
                c.in_care,
                c.up_to_date,
                "—" if c.rate is None else f"{c.rate}%",
            )
            for c in counted
        ),
    )
