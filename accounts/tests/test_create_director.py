import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Membership, Program, Role


def test_create_director_makes_org_program_and_director(db, monkeypatch):
    monkeypatch.setenv("TANDEM_DIRECTOR_PASSWORD", "a-long-unusual-passphrase-41")
    call_command(
        "create_director",
        "--organization",
        "Lakeside Recovery",
        "--program",
        "Adult IOP",
        "--username",
        "mdirector",
        "--email",
        "m@example.org",
    )
    membership = Membership.objects.get(user__username="mdirector")
    assert membership.role == Role.DIRECTOR
    assert Program.objects.get(organization=membership.organization).name == "Adult IOP"


def test_create_director_refuses_a_weak_password_and_writes_nothing(db, monkeypatch):
    monkeypatch.setenv("TANDEM_DIRECTOR_PASSWORD", "short")
    with pytest.raises(CommandError, match="too short"):
        call_command(
            "create_director",
            "--organization",
            "X",
            "--program",
            "Y",
            "--username",
            "d",
            "--email",
            "d@example.org",
        )
    assert not Membership.objects.exists()


def test_create_director_refuses_an_unknown_time_zone(db):
    with pytest.raises(CommandError, match="not a known time zone"):
        call_command(
            "create_director",
            "--organization",
            "X",
            "--program",
            "Y",
            "--time-zone",
            "Mars/Olympus",
            "--username",
            "d",
            "--email",
            "d@example.org",
        )
