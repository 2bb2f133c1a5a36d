"""A page of a list read in the database: the rows and the length in one query, whatever
page number a link or a person typed."""

import pytest
from django.db import connection
from django.db.models import Count
from django.db.models.functions import Lower
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership, Organization, User
from tandem.paging import LAST, asked_page, page_of


@pytest.fixture
def organizations(db) -> list[Organization]:
    """Seven organizations beside the suite's, each with a member of staff in two roles."""
    made = [Organization.objects.create(name=f"Paged {n}", slug=f"paged-{n}") for n in range(7)]
    for n, organization in enumerate(made):
        person = User.objects.create(username=f"paged-{n}")
        for role in ("nurse", "peer"):
            Membership.objects.create(user=person, organization=organization, role=role)
    return made


def _pages(rows, number, size=3):
    with CaptureQueriesContext(connection) as queries:
        page = page_of(rows, number, size)
    return page, len(queries)


def test_a_page_comes_with_the_length_in_one_query(organizations):
    rows = Organization.objects.filter(slug__startswith="paged-").order_by("name")
    page, queries = _pages(rows, "2")
    assert [o.name for o in page] == ["Paged 3", "Paged 4", "Paged 5"]
    assert (page.number, page.paginator.count, page.paginator.num_pages, queries) == (2, 7, 3, 1)


@pytest.mark.parametrize(
    ("asked", "number", "queries"),
    [
        ("9", 3, 3),  # past the end: tried, counted, then the last page read
        ("9" * 30, 3, 3),  # past what OFFSET holds: the same
        (LAST, 3, 1),  # read from the end, counted in the same query
        ("0", 1, 1),
        ("-1", 1, 1),
        ("abc", 1, 1),
        (None, 1, 1),
    ],
)
def test_a_number_that_is_no_page_shows_the_first_or_the_last(
    organizations, asked, number, queries
):
    rows = Organization.objects.filter(slug__startswith="paged-").order_by("name")
    page, counted = _pages(rows, asked)
    assert (page.number, page.paginator.count, counted) == (number, 7, queries)
    assert len(page) == (1 if number == 3 else 3)


@pytest.mark.parametrize("listed", [7, 6, 1, 0])
def test_the_last_page_is_the_rows_of_its_number_read_with_the_length(organizations, listed):
    """`LAST` reads the list from its end: the same rows, in the same order, as the last
    page asked for by its number, and the length, in one query."""
    rows = Organization.objects.filter(
        slug__startswith="paged-", slug__lt=f"paged-{listed}"
    ).order_by(Lower("name").desc(), "pk")
    page, queries = _pages(rows, LAST)
    numbered, _ = _pages(rows, str(page.number))
    assert list(page) == list(numbered) and queries == 1
    assert (page.number, page.paginator.count) == (max(1, -(-listed // 3)), listed)


def test_grouped_rows_are_counted_by_group(organizations):
    """Fourteen memberships in seven groups: the count is of the groups."""
    rows = (
        Membership.objects.filter(organization__in=organizations)
        .values("organization_id")
        .annotate(roles=Count("pk"))
        .order_by("organization_id")
    )
    page, queries = _pages(rows, 3)
    assert [r["organization_id"] for r in page] == [organizations[6].pk]
    assert [r["roles"] for r in page] == [2]
    assert (page.paginator.count, page.paginator.num_pages, queries) == (7, 3, 1)
    assert page_of(rows, LAST, 3).number == 3


def test_an_empty_list_is_one_empty_page(db):
    page, queries = _pages(Organization.objects.filter(slug="none").order_by("pk"), "5")
    assert (page.number, page.paginator.count, list(page), queries) == (1, 0, [], 3)


def test_the_number_asked_is_kept_where_its_first_row_fits_offset():
    assert [asked_page(n, 25) for n in ("3", 3, "0", "-4", "x", "", None)] == [3, 3, 1, 1, 1, 1, 1]
    assert (asked_page("9" * 30, 25) - 1) * 25 < 2**63


def test_rows_in_no_fixed_order_are_refused_and_ordered_ones_page_from_both_ends(organizations):
    """Unordered rows could come back in any order, so the last page read from the reversed
    order would not be the list's end: they are refused for any page, named or numbered."""
    rows = Organization.objects.filter(slug__startswith="paged-")
    for number in ("1", LAST):
        with pytest.raises(ValueError, match=r"order_by\(\).*\"pk\""):
            page_of(rows.order_by(), number, 3)

    first, last = (
        page_of(rows.order_by("-slug", "pk"), "1", 3),
        page_of(rows.order_by("-slug", "pk"), LAST, 3),
    )
    assert [o.slug for o in first] == ["paged-6", "paged-5", "paged-4"]
    assert [o.slug for o in last] == ["paged-0"]
    assert (first.number, last.number, last.paginator.count) == (1, 3, 7)
