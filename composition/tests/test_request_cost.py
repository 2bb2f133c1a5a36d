"""What a signed-in staff request costs before its view: the session, the person, their
roles and program time zones are read once, and a plain read writes no session."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def _reading(queries, table: str) -> list[str]:
    return [q["sql"] for q in queries if f'FROM "{table}"' in q["sql"]]


def test_a_chart_read_asks_for_roles_and_time_zones_once(world, signed_in):
    client = signed_in(world.therapist)
    url = reverse("participants:chart", args=[world.participant.public_id])
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(_reading(queries, "accounts_membership")) == 1
    assert _reading(queries, "accounts_program") == []
    assert [
        q["sql"] for q in queries if "UPDATE" in q["sql"] and "signin_session" in q["sql"]
    ] == []
