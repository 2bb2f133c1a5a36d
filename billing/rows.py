"""The service days' table rows, written in Python with every value escaped and the billing
tab's address reversed once per process: through the template engine, a page of a hundred
lines of eleven cells costs more than the statements that read them. Each row reads as the
template wrote it."""

from collections.abc import Iterable

from django.utils.safestring import SafeString

from billing.selectors import ServiceDay
from participants.chart import page_url
from tandem.escaping import format_html, format_html_join, joined_html
from tandem.templatetags.clock import short_day
from tandem.templatetags.durations import hours

NOTHING = "—"


def _sessions(line: ServiceDay) -> SafeString | str:
    """The day's sessions, with a Medicare line's band and its week's hours."""
    if line.drug_test:
        return NOTHING
    return format_html(
        "{}{}{}",
        line.sessions,
        format_html('<br><span class="small">{}</span>', line.band) if line.band else "",
        format_html(
            '<br><span class="muted small">Week: {} ({})</span>',
            hours(line.week_minutes),
            line.week_band,
        )
        if line.is_medicare
        else "",
    )


def _status(line: ServiceDay) -> SafeString:
    """Ready, or held with each reason; the biller's note after either."""
    note = format_html('<br><span class="muted small">{}</span>', line.note) if line.note else ""
    if line.is_ready:
        return format_html('<span class="state">Ready</span>{}', note)
    return format_html(
        '<span class="state">Held</span><ul class="small">{}</ul>{}',
        format_html_join("", "<li>{}</li>", ((reason,) for reason in line.held)),
        note,
    )


def _row(line: ServiceDay) -> SafeString:
    person = line.participant
    return format_html(
        '<tr><td><a href="{}"><span class="name">{}</span></a></td><td>{}</td><td>{}</td>'
        "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td></tr>",
        page_url("billing:tab", person.public_id),
        person.display_name,
        person.record_number,
        short_day(line.day),
        line.service,
        NOTHING if line.drug_test else hours(line.minutes),
        format_html('{}<br><span class="muted small">{}</span>', line.payer.name, line.member_id)
        if line.payer is not None
        else NOTHING,
        line.code or NOTHING,
        " ".join(line.diagnoses) or NOTHING,
        NOTHING if line.drug_test else line.assessment_units,
        _sessions(line),
        _status(line),
    )


def line_rows(lines: Iterable[ServiceDay]) -> SafeString:
    """The table's rows, one a line, each participant's name linked to their billing tab."""
    return joined_html("\n", map(_row, lines))
