"""What assessments add to the caseload on the home page: each participant's latest scores."""

from html import escape
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from assessments.models import Administration
from assessments.selectors import band_label, definition, short_name
from participants.models import Episode
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
    written with every value escaped (`escape` is the standard library's, which Django's
    wraps): a caseload page has up to seventy-five, and `format_html` per score cost more
    than reading them."""
    if not value:
        return "—"
    return mark_safe(  # every value in it is escaped
        "<br>".join(
            f'<span class="score" title="{escape(when(s["on"]))}">{escape(s["name"])} '
            f"{escape(str(s['total']))}"
            + (f' <span class="muted small">{escape(s["band"])}</span>' if s["band"] else "")
            + "</span>"
            for s in value
        )
    )
