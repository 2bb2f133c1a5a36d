"""The organization-wide lists that name participants without carrying a participant id in
their address (the critical-alerts board and the follow-up call list), × every role and
method.

The participant matrix (tests/authz.py) reaches only addresses with a participant id, so
these lists are checked here, as the session pages are: who may open each list, who sees the
world's participant on it, one audit event naming them for whoever does, and nothing shown
to anyone else or for any other method.
"""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from audit.models import AuditEvent, Outcome
from discharge.models import FollowUp, FollowUpStatus
from discharge.tests.builders import discharge_world
from monitoring.services import raise_alert
from tests.authz import ALL_PERSONAS, HTTP_METHODS

# Who may open each list, written out by hand (not computed from the policy under test).
# `stranger` directs another organization: they open both lists and see only their own.
OVERSIGHT = {"director", "supervisor"}
# The call list: oversight sees the organization's calls; therapists, counsellors, nurses,
# case managers and peers the calls of those whose care team at discharge they were on
# (`outsider` is a therapist on no care team: the list opens, empty). Prescribers, intake,
# front desk, billing and the auditor do not work the call list.
CALLERS = OVERSIGHT | {"therapist", "counsellor", "nurse", "casemanager", "peer", "outsider"}


@dataclass(frozen=True)
class ListPage:
    url_name: str
    allowed: frozenset[str]
    shows: frozenset[str]  # personas who see the world's participant on it


LISTS = {
    "monitoring:critical_board": ListPage(
        "monitoring:critical_board",
        frozenset(OVERSIGHT | {"stranger"}),
        frozenset(OVERSIGHT),
    ),
    "discharge:call_list": ListPage(
        "discharge:call_list",
        frozenset(CALLERS | {"stranger"}),
        frozenset(CALLERS - {"outsider"}),
    ),
}


@pytest.fixture
def world(shared_world):
    return shared_world


@pytest.fixture
def login(signed_in):
    return signed_in


def _critical_alert(world) -> None:
    raise_alert(
        world.participant,
        kind="test",
        severity="critical",
        title="Said they have a plan to end their life",
        dedupe_key="authz-list",
    )


def _waiting_call(world) -> None:
    """A follow-up on the call list (its jobs run elsewhere: set the status they leave)."""
    record = discharge_world(world, channel="phone")
    row = record.follow_ups.order_by("day").first()
    FollowUp.objects.filter(pk=row.pk).update(status=FollowUpStatus.TO_CALL)


SET_UP = {"monitoring:critical_board": _critical_alert, "discharge:call_list": _waiting_call}


@pytest.fixture
def list_url(world, request):
    """The list under test, with the world's participant on it."""
    name = request.param
    SET_UP[name](world)
    return name, reverse(name)


def _events_since(user, before: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(actor=user).order_by("id")[before:])


@pytest.mark.parametrize("persona", ALL_PERSONAS)
@pytest.mark.parametrize("list_url", sorted(LISTS), indirect=True)
def test_whoever_sees_a_participant_on_the_list_leaves_exactly_one_event(
    world, login, list_url, persona
):
    name, url = list_url
    page = LISTS[name]
    user = world.users[persona]
    client = login(user)
    before = AuditEvent.objects.filter(actor=user).count()

    response = client.get(url)

    events = _events_since(user, before)
    shown = world.participant.display_name.encode() in response.content
    expected = 200 if persona in page.allowed else 403
    assert response.status_code == expected, (name, persona, response.status_code)
    assert shown == (persona in page.shows), (name, persona)
    if shown:
        assert [e.outcome for e in events] == [Outcome.ALLOWED]
        assert events[0].details["participants"] == [str(world.participant.public_id)]
    else:
        assert len(events) <= 1
        for event in events:
            assert str(world.participant.public_id) not in event.details.get("participants", [])
            assert event.participant_id is None


@pytest.mark.parametrize(
    ("list_url", "method"),
    [(name, m) for name in sorted(LISTS) for m in HTTP_METHODS if m not in ("GET", "HEAD")],
    indirect=["list_url"],
)
def test_every_other_method_is_refused_with_nothing_shown(world, login, list_url, method):
    name, url = list_url
    client = login(world.users["director"])
    before = AuditEvent.objects.filter(actor=world.users["director"]).count()

    response = client.generic(method, url)

    assert response.status_code == 405, (name, method, response.status_code)
    assert world.participant.display_name.encode() not in response.content
    assert _events_since(world.users["director"], before) == []


@pytest.mark.parametrize("list_url", sorted(LISTS), indirect=True)
def test_signed_out_visitors_are_sent_to_sign_in(world, client, list_url):
    name, url = list_url
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"], name


@pytest.mark.parametrize("persona", ["director", "therapist"])
@pytest.mark.parametrize("list_url", sorted(LISTS), indirect=True)
def test_head_is_answered_as_get_is_with_no_body(world, login, list_url, persona):
    name, url = list_url
    user = world.users[persona]
    client = login(user)
    before = AuditEvent.objects.filter(actor=user).count()
    got = client.get(url)
    after_get = AuditEvent.objects.filter(actor=user).count()

    response = client.head(url)

    assert response.status_code == got.status_code, (name, persona, response.status_code)
    assert response.content == b""
    assert len(_events_since(user, after_get)) == after_get - before, (name, persona)
