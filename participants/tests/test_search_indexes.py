"""On PostgreSQL the participant search is served by its indexes: a word inside a name and
a record number are found through the trigram and record-number indexes, not by reading
every record of the organization."""

import pytest
from django.db import connection

from participants.models import Participant

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's"
)


@pytest.mark.parametrize(
    ("condition", "index"),
    [
        ({"legal_first_name__icontains": "zyxw"}, "participant_legal_first_name_trgm"),
        ({"legal_last_name__icontains": "zyxw"}, "participant_legal_last_name_trgm"),
        ({"preferred_name__icontains": "zyxw"}, "participant_preferred_name_trgm"),
        ({"record_number__iexact": "zyxw"}, "participant_record_number_upper"),
    ],
)
def test_each_condition_of_the_search_has_an_index_that_serves_it(db, condition, index):
    """The conditions exactly as the search writes them (participants.selectors.search)."""
    with connection.cursor() as cursor:
        # A test table is small enough to read whole: ask what serves it without that.
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = Participant.objects.filter(**condition).explain()

    assert index in plan, plan
