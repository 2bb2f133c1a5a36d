from django import template

register = template.Library()


@register.simple_tag
def weekly_value(series, week) -> str:
    """The series' value for that week, or a dash."""
    value = series.weekly.get(week)
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
