"""The demo seeds a realistic, synthetic program and is safe to run twice."""

import pytest
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from accounts.models import Membership, Role, User
from conftest import FACTS_REFRESH
from outcomes import facts
from outcomes.models import EpisodeFacts, NoteFacts
from outcomes.tests.conftest import stored_facts
from participants.demo import STAFF, login_lines
from participants.models import (
    Episode,
    EpisodeStatus,
    Participant,
)
from screens.models import Panel

pytestmark = pytest.mark.usefixtures("demo_mode")


def test_seed_demo_refuses_outside_demo_mode(db, settings):
    """It creates accounts with a published password: never on a real installation."""
    settings.TANDEM_DEMO = False
    with pytest.raises(CommandError, match="demo mode"):
        call_command("seed_demo", "--participants", "5", "--quiet-logins")
    assert not User.objects.exists()


def test_seed_demo_is_idempotent_and_spreads_statuses(db, capsys):
    call_command("seed_demo", "--participants", "40")
    first = (
        Participant.objects.count(),
        Episode.objects.count(),
        User.objects.count(),
        Panel.objects.filter(organization__isnull=False).count(),
    )
    out = capsys.readouterr().out
    assert "SYNTHETIC" in out and "tandem-demo" in out
    call_command("seed_demo", "--participants", "40")
    assert (
        Participant.objects.count(),
        Episode.objects.count(),
        User.objects.count(),
        Panel.objects.filter(organization__isnull=False).count(),
    ) == first
    assert first[3] == 2
    assert first[0] == 40
    statuses = set(Episode.objects.values_list("status", flat=True))
    assert statuses == set(EpisodeStatus.values)
    held = set(Membership.objects.values_list("role", flat=True))
    assert held == set(Role.values)
    for login in [
        "director",
        "supervisor",
        "therapist",
        "counsellor",
        "prescriber",
        "nurse",
        "casemanager",
        "peer",
        "intake",
        "frontdesk",
        "billing",
        "auditor",
    ]:
        assert User.objects.get(username=login).check_password("tandem-demo")
    # Every login the demo makes is among those it prints, and every one printed is made.
    printed = {line.split()[0] for line in login_lines()[1:]}
    assert set(User.objects.values_list("username", flat=True)) == printed


def test_demo_logins_prints_every_login_and_the_password(capsys):
    """What `run.py demo` prints last, once the server answers."""
    call_command("demo_logins")
    out = capsys.readouterr().out
    assert out.startswith("Demo logins (password for all: tandem-demo)\n")
    for login in [*STAFF, "participant", "family"]:
        assert f"\n  {login} " in out
    assert "\n  family       Support person (Avery, sister of" in out


def test_seed_demo_scales_with_participants_option(db):
    call_command("seed_demo", "--participants", "75", "--quiet-logins")
    assert Participant.objects.count() == 75


@pytest.mark.django_db(transaction=True)
def test_the_seeding_queues_no_refresh_of_the_outcome_facts_and_ends_with_them_rebuilt():
    """Each seeder's writes through the services commit one by one, as under `run.py demo`,
    and each marks outcome facts; the seeding rebuilds them once at its end instead, so the
    demo's worker starts with no refresh that rebuild made redundant, and the stored facts
    are the ones a rebuild writes."""
    call_command("seed_demo", "--participants", "20", "--history", "30", "--quiet-logins")
    assert not DBTaskResult.objects.filter(task_path=FACTS_REFRESH).exists()
    seeded = stored_facts()
    assert EpisodeFacts.objects.count() == Episode.objects.count()
    assert NoteFacts.objects.exists()
    facts.rebuild()
    assert stored_facts() == seeded


def test_the_demo_s_first_batch_runs_the_daily_jobs_and_queues_tomorrow_s(db, run_tasks):
    """`run.py demo` seeds with the daily jobs started, and its first worker batch runs them:
    nothing fails, and each job waits for tomorrow, so starting the demo again sends today's
    reminders no second time."""
    from django.core import mail

    from measurement.models import ReminderSent
    from tandem.tasks import DAILY_JOBS

    call_command("seed_demo", "--participants", "20", "--quiet-logins", "--start-daily-jobs")
    run_tasks()
    sent = len(mail.outbox)
    assert sent == ReminderSent.objects.count() < Participant.objects.count()

    call_command("seed_demo", "--participants", "20", "--quiet-logins", "--start-daily-jobs")
    run_tasks()
    assert len(mail.outbox) == sent
    daily = sorted(job.path for job in DAILY_JOBS.implementations())
    waiting = DBTaskResult.objects.filter(task_path__in=daily, status="READY")
    assert sorted(waiting.values_list("task_path", flat=True)) == daily
