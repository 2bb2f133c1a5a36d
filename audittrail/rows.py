"""The trail's table rows, written in Python: a hundred rows of seven cells each cost the
template engine several times what `format_html` does, on a page auditors page through."""

from django.utils.safestring import SafeString

from audit.selectors import TrailRow, reasons
from tandem.escaping import format_html, format_html_join
from tandem.templatetags.clock import when

_ROW = (
    '<tr class="{}"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
    "<td>{}</td></tr>"
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


def _link(row: TrailRow, names: dict[int, str]) -> str:
    """Where the event sits in its chain, as `audit_verify` and a checkpoint count it: "Event
    626 in the chain of Riverbend Recovery (organization 1)", or in the installation chain."""
    e = row.event
    if not e.organization_id:
        return f"Event {e.seq} in the installation chain"
    name = names.get(e.organization_id, "the organization")
    return f"Event {e.seq} in the chain of {name} (organization {e.organization_id})"


def _cells(row: TrailRow, names: dict[int, str]) -> tuple:
    e = row.event
    marks = ("refused" if e.was_refused else "") + (" glass" if e.break_glass_id else "")
    return (
        marks,
        when(e.occurred_at),
        row.sentence,
        e.get_outcome_display(),
        row.record_name,
        e.client_address or "",
        _reason(row),
        _link(row, names),
    )


def trail_rows_html(rows: list[TrailRow], names: dict[int, str]) -> SafeString:
    """The table body's rows, escaped as the template would escape them: the time in the
    active zone, the sentence, the outcome, the record, the address, the reason (the
    break-the-glass grant's named as such) and the chain link, each organization's chain
    called by its name in `names`."""
    return format_html_join("\n", _ROW, (_cells(row, names) for row in rows))
