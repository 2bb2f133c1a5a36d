"""A questionnaire or check-in link sent during the stay and answered after discharge: the
closed chart refuses it as it refuses the participant's own account, kindly and with nothing
kept; the follow-up questionnaire, sent after discharge on purpose, is answered as before."""

import threading

import pytest
import time_machine
from django.db import connection, connections, transaction

from assessments.models import Administration
from audit.models import AuditEvent, Outcome
from checkins.models import CheckIn
from checkins.services import record_checkin
from checkins.views import handle_link
from discharge.models import Discharge
from discharge.tests.builders import DISCHARGE_DAY, at, discharge_world
from links.models import SingleUseLink
from links.registry import TARGETS, LinkTarget
from links.services import LinkClosed, issue_link, open_link
from monitoring.models import Alert
from participants.models import Participant
from tests.concurrency import wait_until_blocked

PHQ9_ITEM_9 = {**{f"item-{i}": "0" for i in range(1, 9)}, "item-9": "2"}
CHECKIN = {"mood": "6", "craving": "2", "used": "no", "safety": "yes", "hours_slept": "7"}
CLOSED = "Your time in the program has ended, so this link no longer takes answers"


def _sent_in_the_morning_and_discharged(world, target, ref=""):
    """A link sent the morning of the discharge day; the discharge that afternoon."""
    issued = issue_link(world.participant, target, ref=ref, now=at(DISCHARGE_DAY, 9, world.program))
    discharge_world(world)
    return issued


@pytest.fixture
def evening(world):
    """The discharge day's evening: the morning's link is still within its day."""
    with time_machine.travel(at(DISCHARGE_DAY, 19, world.program), tick=True):
        yield


@pytest.mark.parametrize(
    ("target", "ref", "answers", "stored"),
    [
        ("questionnaire", "phq-9", PHQ9_ITEM_9, Administration),
        ("checkin", "", CHECKIN, CheckIn),
    ],
)
def test_an_in_stay_link_answered_after_discharge_is_refused_kindly_and_keeps_nothing(
    client, world, evening, target, ref, answers, stored
):
    issued = _sent_in_the_morning_and_discharged(world, target, ref)
    alerts = Alert.objects.count()

    opened = client.get(issued.path)
    sent = client.post(issued.path, answers)

    for response in (opened, sent):
        assert response.status_code == 410
        text = response.content.decode()
        assert CLOSED in text and "988" in text
        assert world.participant.legal_last_name not in text
        assert response["Cache-Control"] == "no-store"
    assert not stored.objects.exists()
    assert Alert.objects.count() == alerts
    assert SingleUseLink.objects.get().used_at is None
    refused = AuditEvent.objects.filter(
        participant=world.participant, event_type__in=["link.opened", "link.used"]
    )
    assert [(e.event_type, e.outcome) for e in refused.order_by("pk")] == [
        ("link.opened", Outcome.REFUSED),
        ("link.used", Outcome.REFUSED),
    ]


def test_the_refusal_speaks_the_participant_s_language(client, world, evening):
    Participant.objects.filter(pk=world.participant.pk).update(preferred_language="Español")
    issued = _sent_in_the_morning_and_discharged(world, "checkin")
    response = client.get(issued.path)
    assert response.status_code == 410
    assert response["Content-Language"] == "es"
    assert "Su tiempo en el programa terminó" in response.content.decode()


def test_a_link_answered_before_discharge_is_kept_on_the_stay(client, world):
    issued = issue_link(world.participant, "checkin", now=at(DISCHARGE_DAY, 9, world.program))
    with time_machine.travel(at(DISCHARGE_DAY, 10, world.program), tick=True):
        assert client.post(issued.path, {**CHECKIN, "safety": "no"}).status_code == 200
    discharge_world(world)
    assert CheckIn.objects.get().participant == world.participant


# ------------------------------------------- a discharge between the opening and the answer


def test_a_discharge_after_the_link_was_opened_refuses_the_answer_it_was_opened_for(world):
    """The link is opened while the participant is in care; the discharge commits before
    the answer is stored: the answer's own write finds the stay ended and keeps nothing."""
    issued = issue_link(world.participant, "checkin", now=at(DISCHARGE_DAY, 9, world.program))
    with time_machine.travel(at(DISCHARGE_DAY, 14, world.program), tick=True):
        visit = open_link(issued.token, method="POST")
        discharge_world(world)
        with pytest.raises(LinkClosed):
            record_checkin(
                world.participant,
                by=None,
                mood=6,
                craving=2,
                used=False,
                safety=True,
                hours_slept=7,
                via="link",
                link_visit=visit,
            )
    assert not CheckIn.objects.exists()
    assert SingleUseLink.objects.get().used_at is None


# A check-in target whose answer is sent while the discharge is recorded: the test's own
# target, through the registry's extension point, so the page is the links page itself.
MEANWHILE = "checkin-meanwhile"


@pytest.fixture
def discharged_meanwhile(world):
    def handle(request, visit):
        discharge_world(world)
        return handle_link(request, visit)

    target = LinkTarget(MEANWHILE, "daily check-in", handle)
    TARGETS.register(target)
    yield
    TARGETS.unregister(target)


def test_the_answer_sent_as_the_stay_ends_gets_the_same_410_page_and_keeps_nothing(
    client, world, discharged_meanwhile
):
    issued = issue_link(world.participant, MEANWHILE, now=at(DISCHARGE_DAY, 9, world.program))
    with time_machine.travel(at(DISCHARGE_DAY, 14, world.program), tick=True):
        response = client.post(issued.path, CHECKIN)
    assert response.status_code == 410
    text = response.content.decode()
    assert CLOSED in text and "988" in text
    assert response["Cache-Control"] == "no-store"
    assert Discharge.objects.filter(participant=world.participant).exists()
    assert not CheckIn.objects.exists()
    assert SingleUseLink.objects.get().used_at is None
    used = AuditEvent.objects.filter(participant=world.participant, event_type="link.used")
    assert [e.outcome for e in used] == [Outcome.REFUSED]
    assert not AuditEvent.objects.filter(event_type="checkin.recorded").exists()


@pytest.mark.django_db(transaction=True)
def test_an_answer_sent_while_the_discharge_is_being_recorded_waits_for_it_and_keeps_nothing(
    world,
):
    """The discharge holds its transaction open until the answer's write is waiting on it
    (or has finished, as it did when the answer did not ask again under a lock)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database cannot take writers from several threads")
    issued = issue_link(world.participant, "checkin", now=at(DISCHARGE_DAY, 9, world.program))
    discharging, answered, release = threading.Event(), threading.Event(), threading.Event()
    outcomes: dict[str, str] = {}

    def discharge() -> None:
        try:
            with transaction.atomic():
                discharge_world(world)
                discharging.set()
                release.wait(timeout=30)
            outcomes["discharge"] = "recorded"
        except Exception as exc:
            outcomes["discharge"] = type(exc).__name__
        finally:
            discharging.set()
            connections.close_all()

    def answer(visit) -> None:
        try:
            record_checkin(
                world.participant,
                by=None,
                mood=6,
                craving=2,
                used=False,
                safety=True,
                hours_slept=7,
                via="link",
                link_visit=visit,
            )
            outcomes["answer"] = "stored"
        except Exception as exc:
            outcomes["answer"] = type(exc).__name__
        finally:
            answered.set()
            connections.close_all()

    with time_machine.travel(at(DISCHARGE_DAY, 14, world.program), tick=True):
        visit = open_link(issued.token, method="POST")
        first = threading.Thread(target=discharge)
        first.start()
        discharging.wait(timeout=30)
        second = threading.Thread(target=answer, args=(visit,))
        second.start()
        wait_until_blocked(lambda: answered.is_set())
        release.set()
        first.join()
        second.join()
    assert outcomes == {"discharge": "recorded", "answer": "LinkClosed"}
    assert not CheckIn.objects.exists()
    assert SingleUseLink.objects.get().used_at is None
