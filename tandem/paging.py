"""A page of a list read in the database, the list's length counted in the same query, and
what its pager's links keep of the rest of the page."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.http import QueryDict

# The furthest row a page may start at, so the rows skipped fit in a 64-bit OFFSET: a page
# number past the end shows the last page anyway.
_FURTHEST_ROW = 2**62
# The page number that asks for the last page, whatever its number.
LAST = "last"


def page_of(rows: QuerySet, number: str | int | None, size: int) -> Page:
    """Page `number` of `rows` (each row once without DISTINCT, which the count would see
    through, in a fixed order), its rows read with the list's length as a window count, so
    a list of thousands costs one query, as a list of ten does. `rows` may be grouped
    (`values().annotate()`): the count is of its groups, and a row read as a dict carries
    it too. A number past the end gives the last page, `LAST` asks for it, anything else
    not a page number (0, -1, "abc") gives the first. `LAST` is read from the list's end in
    one query too; only past the end is the length counted in a query of its own.

    Unordered `rows` are refused: the database may hand them back in any order, so pages
    could overlap or skip rows, and `LAST`, read by reversing the order, would not be the
    list's end."""
    if not rows.ordered:
        raise ValueError(
            f"page_of needs rows in a fixed order, and {rows.model.__name__} rows came "
            "without one: give the queryset the order its page shows with order_by(), "
            'ending in a unique key such as "pk" for ties.'
        )
    if number == LAST:
        shown, total = _last_rows(rows, size)
        return counted_page(shown, last_page(total, size), total, size)
    wanted = asked_page(number, size)
    shown = _rows(rows, wanted, size)
    total = _listed_in_all(shown[0]) if shown else 0
    if not shown and wanted != 1:
        total = rows.count()
        wanted = last_page(total, size)
        shown = _rows(rows, wanted, size)
    return counted_page(shown, wanted, total, size)


def asked_page(number: str | int | None, size: int) -> int:
    """The page number asked for, for a pager that reads its rows another way than
    `page_of` (one SQL statement paging several lists): 1 for anything that is not a page
    number or is below 1, and never so large that its first row is past what OFFSET holds."""
    try:
        return min(max(1, int(number or 1)), _FURTHEST_ROW // size)
    except (TypeError, ValueError):
        return 1


def last_page(total: int, size: int) -> int:
    """The number of the last page of `total` rows (1 when there are none)."""
    return max(1, -(-total // size))


def counted_page(rows: Sequence[Any], number: int, total: int, size: int) -> Page:
    """The page `number` holding `rows` of a list of `total`, for the pager to show."""
    return Page(rows, number, Paginator(range(total), size))


def _rows(rows: QuerySet, number: int, size: int) -> list:
    start = (number - 1) * size
    return list(rows.annotate(listed_in_all=Window(Count("*")))[start : start + size])


def _last_rows(rows: QuerySet, size: int) -> tuple[list, int]:
    """The last page's rows and the list's length, from the first page of the list in the
    reverse order (its order is fixed, so reversed it is the same rows from the other end):
    a list of thousands is neither counted nor skipped through twice."""
    from_end = _rows(rows.reverse(), 1, size)
    total = _listed_in_all(from_end[0]) if from_end else 0
    on_last_page = total - (last_page(total, size) - 1) * size
    return from_end[:on_last_page][::-1], total


def _listed_in_all(row: Any) -> int:
    return row["listed_in_all"] if isinstance(row, dict) else row.listed_in_all


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
