"""The service days' table rows, written in Python with every value escaped and the billing
tab's address reversed once per process: through the template engine, a page of a hundred
lines of eleven cells costs more than the statements that read them. Each row reads as the
template wrote it."""

from collections.abc import Iterable
from html import escape

from django.utils.safestring import SafeString, mark_safe

from billing.selectors import ServiceDay
from participants.chart import page_url
from tandem.templatetags.clock import short_day
from tandem.templatetags.durations import hours

NOTHING = "—"


def _sessions(line: ServiceDay) -> str:
    """The day's sessions, with a Medicare line's band and its week's hours."""
    if line.drug_test:
        return NOTHING
    cell = str(line.sessions)
    if line.band:
        cell += f'<br><span class="small">{escape(line.band)}</span>'
    if line.is_medicare:
        cell += (
            f'<br><span class="muted small">Week: {escape(hours(line.week_minutes))} '
            f"({escape(line.week_band)})</span>"
        )
    return cell


def _status(line: ServiceDay) -> str:
    """Ready, or held with each reason; the biller's note after either."""
    if line.is_ready:
        cell = '<span class="state">Ready</span>'
    else:
        reasons = "".join(f"<li>{escape(reason)}</li>" for reason in line.held)
        cell = f'<span class="state">Held</span><ul class="small">{reasons}</ul>'
    if line.note:
        cell += f'<br><span class="muted small">{escape(line.note)}</span>'
    return cell


def _row(line: ServiceDay) -> str:
    person = line.participant
    payer = (
        f'{escape(line.payer.name)}<br><span class="muted small">{escape(line.member_id)}</span>'
        if line.payer is not None
        else NOTHING
    )
    return (
        f'<tr><td><a href="{escape(page_url("billing:tab", person.public_id))}">'
        f'<span class="name">{escape(person.display_name)}</span></a></td>'
        f"<td>{escape(person.record_number)}</td>"
        f"<td>{escape(short_day(line.day))}</td>"
        f"<td>{escape(line.service)}</td>"
        f"<td>{NOTHING if line.drug_test else escape(hours(line.minutes))}</td>"
        f"<td>{payer}</td>"
        f"<td>{escape(line.code or NOTHING)}</td>"
        f"<td>{escape(' '.join(line.diagnoses) or NOTHING)}</td>"
        f"<td>{NOTHING if line.drug_test else line.assessment_units}</td>"
        f"<td>{_sessions(line)}</td>"
        f"<td>{_status(line)}</td></tr>"
    )


def line_rows(lines: Iterable[ServiceDay]) -> SafeString:
    """The table's rows, one a line, each participant's name linked to their billing tab."""
    return mark_safe("\n".join(_row(line) for line in lines))
