from django import template

from measurement import reliable_change

register = template.Library()

# The reliable-change classes (`reliable_change.classify`) and their clinical significance
# (`reliable_change.clinical_significance`) in the words a clinician reads them in.
CHANGE_WORDS = {
    "reliable-improvement": "Reliable improvement",
    "no-reliable-change": "No reliable change",
    "reliable-deterioration": "Reliable deterioration",
    "not-computed": "Not computed",
}
SIGNIFICANCE_WORDS = {
    "recovered": "Recovered (from the cut-off or above to below it)",
    "improved": "Improved",
    "deteriorated": "Deteriorated",
    "unchanged": "Unchanged",
}


@register.simple_tag
def weekly_value(series, week) -> str:
    """The series' value for that week as the chart writes it, or a dash."""
    value = series.weekly.get(week)
    if value is None:
        return "—"
    return series.written(value)


@register.filter
def change_words(classification: str) -> str:
    """A reliable-change class as words ("No reliable change"), not its code."""
    return CHANGE_WORDS.get(classification, classification)


@register.filter
def significance_words(significance: str) -> str:
    """What the change means clinically, as words; a dash when not judged."""
    return SIGNIFICANCE_WORDS.get(significance, significance) if significance else "—"


@register.filter
def signed(points: float | None) -> str:
    """A change in points with its sign ("−7", "+6"); a dash when there is none."""
    return "—" if points is None else reliable_change.signed(points)


@register.filter
def signed_points(points: float) -> str:
    """A change in points with its sign and unit ("−7 points")."""
    return reliable_change.signed_points(points)
