import pytest
from django.core.management import call_command

from casemanagement.models import Barrier, ResourceReferral, ScheduleChangeRequest
from conftest import demo_seeded_once
from worklist.models import Task

pytestmark = pytest.mark.usefixtures("demo_mode", "seeded")


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo seeded once for the module: the first test seeds it a second time inside its
    own savepoint, the other only reads it."""
    with demo_seeded_once(django_db_blocker, 30):
        yield


def test_the_demo_has_barriers_referrals_and_tasks_and_runs_twice(db):
    counts = (
        Barrier.objects.count(),
        ResourceReferral.objects.count(),
        ScheduleChangeRequest.objects.count(),
        Task.objects.count(),
    )
    assert counts[0] >= 3 and counts[1] >= 3 and counts[2] >= 1 and counts[3] >= 3
    assert {r.status for r in ResourceReferral.objects.all()} >= {
        "made",
        "appointment_set",
        "attended",
        "not_attended",
    }
    call_command("seed_demo", "--participants", "30", "--quiet-logins")
    assert (
        Barrier.objects.count(),
        ResourceReferral.objects.count(),
        ScheduleChangeRequest.objects.count(),
        Task.objects.count(),
    ) == counts


def test_the_demo_files_no_fellowship_or_helpline_under_a_practical_barrier(db):
    """A case manager reading "SMART Recovery, for transport" would wonder what was meant: the
    demo's referrals to national lines and fellowships stand on their own."""
    call_command("seed_demo", "--participants", "30", "--quiet-logins")
    national = ResourceReferral.objects.filter(resource__organization__isnull=True)
    assert national.exists()
    assert not national.filter(barrier__isnull=False).exists()
