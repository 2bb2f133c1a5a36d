"""Referrals sent at the same moment in one organization: each new person gets a record
number of their own, and one person referred twice at once gets one record."""

import threading
from datetime import date

import pytest
from django.db import connection, connections

from participants.models import Participant
from participants.services import DUPLICATE_MESSAGE, create_referral
from tandem.errors import TandemError

pytestmark = pytest.mark.django_db(transaction=True)


def _at_once(world, last_names: list[str]) -> list[str]:
    """Refer one person per surname, from two intake desks at once; what each desk saw."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database cannot take writers from several threads")
    start = threading.Barrier(len(last_names))
    outcomes: list[str] = []

    def refer(by, last_name: str) -> None:
        try:
            start.wait()
            create_referral(
                program=world.program,
                by=by,
                demographics={
                    "legal_first_name": "Jordan",
                    "legal_last_name": last_name,
                    "date_of_birth": date(1988, 2, 29),
                },
                referred_on=date(2026, 11, 20),
            )
            outcomes.append("opened")
        except TandemError as exc:
            outcomes.append(exc.message)
        except Exception as exc:  # what a desk would see as a server error
            outcomes.append(type(exc).__name__)
        finally:
            connections.close_all()

    desks = [world.intake, world.director]
    threads = [
        threading.Thread(target=refer, args=(by, name))
        for by, name in zip(desks, last_names, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_two_new_people_referred_at_once_get_a_record_number_each(world):
    assert _at_once(world, ["Quill", "Marsh"]) == ["opened", "opened"]
    numbers = Participant.objects.filter(legal_last_name__in=["Quill", "Marsh"]).values_list(
        "record_number", flat=True
    )
    assert len(set(numbers)) == 2


def test_one_person_referred_twice_at_once_gets_one_record(world):
    assert _at_once(world, ["Quill", "Quill"]) == sorted([DUPLICATE_MESSAGE, "opened"])
    assert Participant.objects.filter(legal_last_name="Quill").count() == 1
