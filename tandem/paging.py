"""A page of a list read in the database, the list's length counted in the same query, and
what its pager's links keep of the rest of the page."""

from collections.abc import Iterable

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.http import QueryDict

# The furthest row a page may start at, so the rows skipped fit in a 64-bit OFFSET: a page
# number past the end shows the last page anyway.
_FURTHEST_ROW = 2**62


def page_of(rows: QuerySet, number: str | int | None, size: int) -> Page:
    """Page `number` of `rows` (each row once, in a fixed order), its rows read with the
    list's length as a window count, so a list of thousands costs one query, as a list of
    ten does. A number past the end gives the last page, anything else not a page number
    the first; only then is a second query run."""
    try:
        wanted = min(max(1, int(number or 1)), _FURTHEST_ROW // size)
    except (TypeError, ValueError):
        wanted = 1
    shown = _rows(rows, wanted, size)
    total = shown[0].listed_in_all if shown else 0
    if not shown and wanted > 1:
        total = rows.count()
        wanted = max(1, -(-total // size))
        shown = _rows(rows, wanted, size)
    return Page(shown, wanted, Paginator(range(total), size))


def _rows(rows: QuerySet, number: int, size: int) -> list:
    start = (number - 1) * size
    return list(rows.annotate(listed_in_all=Window(Count("pk")))[start : start + size])


def kept_beside(query: QueryDict, names: Iterable[str], param: str) -> str:
    """What a pager's links carry besides their own page `param`: the page's other values
    among `names` (another list's page, a search), encoded, so paging one list of a page
    keeps the rest of the page as it was. `names` must never name participant data."""
    kept = QueryDict(mutable=True)
    for name in names:
        value = query.get(name)
        if name != param and isinstance(value, str) and value:
            kept[name] = value
    return kept.urlencode()
