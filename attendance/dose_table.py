"""The dose page's table rows, written in Python with every value escaped: through the
template engine, fifty rows of links and hours cost more than the statement that finds them.
Each row reads as the template wrote it."""

from collections.abc import Sequence
from urllib.parse import quote

from django.utils.safestring import SafeString

from attendance.dose import WeekDose
from participants.chart import page_url
from participants.models import Episode
from tandem.escaping import format_html, format_html_join
from tandem.templatetags.durations import hours

Rows = Sequence[tuple[Episode, WeekDose]]
NOTHING = "—"


def _participant(episode: Episode) -> SafeString:
    person = episode.participant
    return format_html(
        '<td><a href="{}">{}</a> <span class="muted small nowrap">{}</span></td>',
        page_url("attendance:participant_attendance", person.public_id),
        person.display_name,
        person.record_number,
    )


def _required(d: WeekDose) -> SafeString:
    if not d.prorated:
        return format_html("<td>{}</td>", hours(d.required))
    return format_html(
        '<td>{} <span class="muted small" title="Pro-rated for a partial week">of {}</span></td>',
        hours(d.required),
        hours(d.weekly_required),
    )


def _minutes(d: WeekDose) -> SafeString:
    """Attended ("0 h" when none), still scheduled and not yet recorded ("—" when nothing)."""
    return format_html(
        "<td>{}</td><td>{}</td><td>{}</td>",
        hours(d.attended),
        hours(d.remaining, NOTHING),
        hours(d.unrecorded, NOTHING),
    )


def short_rows(rows: Rows, back: str) -> SafeString:
    """A program's participants short this week, each with a make-up link that comes back to
    `back` (the page's path)."""
    after = "?next=" + quote(back, safe="/")
    return format_html_join(
        "\n",
        "<tr>{}<td>{}</td>{}{}<td><strong>{}</strong></td>"
        '<td><a class="button" href="{}">Offer a make-up session</a></td></tr>',
        (
            (
                _participant(episode),
                episode.primary_clinician or "—",
                _required(d),
                _minutes(d),
                hours(d.shortfall),
                page_url("attendance:make_up", episode.participant.public_id) + after,
            )
            for episode, d in rows
        ),
    )


def caseload_rows(rows: Rows) -> SafeString:
    """A clinician's own participants in care with their dose this week."""
    return format_html_join(
        "\n",
        "<tr>{}{}{}<td>{}</td></tr>",
        (
            (
                _participant(episode),
                _required(d),
                _minutes(d),
                format_html("<strong>{}</strong>", hours(d.shortfall))
                if d.under_dose
                else "On track",
            )
            for episode, d in rows
        ),
    )
