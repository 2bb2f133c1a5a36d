"""The trail's table rows, written in Python: a hundred rows of seven cells each cost the
template engine several times what `format_html` does, on a page auditors page through."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from audit.selectors import TrailRow, reasons
from tandem.templatetags.clock import when

_ROW = (
    '<tr class="{}"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
    "<td>{} #{}</td></tr>"
)


def _reason(row: TrailRow) -> str | SafeString:
    """The Reason cell: emergency access named in bold before the grant's reason, so it
    stands out from the other reasons the column holds, then the event's own."""
    glass, own = reasons(row.event)
    if not glass:
        return own
    if not own:
        return format_html("<strong>Break the glass:</strong> {}", glass)
    return format_html("<strong>Break the glass:</strong> {} · {}", glass, own)


def _cells(row: TrailRow) -> tuple:
    e = row.event
    marks = ("refused" if e.was_refused else "") + (" glass" if e.break_glass_id else "")
    chain = f"organization {e.organization_id}" if e.organization_id else "installation"
    return (
        marks,
        when(e.occurred_at),
        row.sentence,
        e.get_outcome_display(),
        row.record_name,
        e.client_address or "",
        _reason(row),
        chain,
        e.seq,
    )


def trail_rows_html(rows: list[TrailRow]) -> SafeString:
    """The table body's rows, escaped as the template would escape them: the time in the
    active zone, the sentence, the outcome, the record, the address, the reason (the
    break-the-glass grant's named as such) and the chain link."""
    return format_html_join("\n", _ROW, (_cells(row) for row in rows))
