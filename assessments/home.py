"""What assessments add to the caseload on the home page: each participant's latest scores."""

from typing import Any

from django.utils.safestring import SafeString, mark_safe

from assessments.models import Administration
from assessments.selectors import band_label, definition, short_name
from participants.models import Episode
from tandem.escaping import format_html, format_html_join
from tandem.templatetags.clock import when


def latest_scores_column(episodes: list[Episode]) -> dict[int, Any]:
    """The latest total of each instrument per caseload row (one query for the page), each band
    in the instrument's own words (Zone IV, Probable PTSD) looked up from its definition."""
    by_participant = {e.participant_id: e.pk for e in episodes}
    rows = (
        Administration.objects.current()
        .filter(participant_id__in=by_participant, total__isnull=False)
        .order_by("participant_id", "instrument", "-completed_at", "-pk")
        .values_list("participant_id", "instrument", "total", "band", "completed_at")
    )
    latest: dict[int, dict[str, dict]] = {}
    for participant_id, code, total, band, completed_at in rows:
        scores = latest.setdefault(by_participant[participant_id], {})
        if code not in scores:
            scores[code] = {
                "name": short_name(code),
                "total": total,
                "band": band_label(definition(code), band),
                "on": completed_at,
            }
    return {
        pk: sorted(s.values(), key=lambda r: r["on"], reverse=True)[:3] for pk, s in latest.items()
    }


def latest_scores_cell(value: Any, episode: Episode) -> SafeString | str:
    """The latest scores, newest first, one a line, each with its band and when it was taken,
    written in Python with every value escaped by `tandem.escaping`'s `format_html`: a
    caseload page has up to seventy-five, and Django's `format_html` per score cost more
    than reading them."""
    if not value:
        return "—"
    return format_html_join(
        mark_safe("<br>"),
        '<span class="score" title="{}">{} {}{}</span>',
        (
            (
                when(s["on"]),
                s["name"],
                s["total"],
                format_html(' <span class="muted small">{}</span>', s["band"]) if s["band"] else "",
            )
            for s in value
        ),
    )
