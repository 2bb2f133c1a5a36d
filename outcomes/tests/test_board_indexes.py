"""On PostgreSQL the board's default figures read the stored facts from their indexes alone:
each statement on the episode and follow-up facts is an index-only scan, never a visit of
every fact row of the organization in the range."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Site
from conftest import plan_with_only
from outcomes import facts, selectors
from outcomes.tests.conftest import TODAY

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="covering indexes are PostgreSQL's"
)

COVERING = {
    "outcomes_episodefacts": {"outcomes_ep_facts_left", "outcomes_ep_facts_admitted"},
    "outcomes_followupfacts": {"outcomes_follow_up_facts_left"},
}


def test_the_board_reads_the_episode_and_follow_up_facts_from_their_indexes(world, add):
    add(3, referred_on=date(2026, 1, 5), admitted_on=date(2026, 1, 12))
    add(2, referred_on=date(2026, 2, 2), admitted_on=date(2026, 2, 9), discharged_on=TODAY)
    facts.rebuild()
    filters = selectors.Filters((world.org.pk,), start=date(2025, 12, 1), end=TODAY, today=TODAY)
    sites = list(Site.objects.filter(program=world.program))
    with CaptureQueriesContext(connection) as queries:
        selectors.board(filters, sites)

    reads = [
        q["sql"]
        for q in queries
        if any(f'FROM "{table}"' in q["sql"] for table in COVERING)
        and "refreshed_at" not in q["sql"]
    ]
    # Every figure but notes on time and the weekly dose, which count by day and by week.
    assert len(reads) >= 6
    for sql in reads:
        plan = plan_with_only(sql, COVERING)
        assert "Index Only Scan" in plan and " Index Scan" not in plan, (sql, plan)
