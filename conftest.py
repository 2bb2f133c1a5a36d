"""Named personas for the whole suite: a small program with one person in every role."""

import contextlib
import copy
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models.signals import post_migrate
from django.test import override_settings
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from accounts.models import Membership, Organization, Program, Role, Site, User
from accounts.services import create_program
from casemanagement.models import Resource
from casemanagement.national import seed_national
from notes import seeds as note_seeds
from participants.demo import DemoContext
from participants.models import (
    CareTeamMember,
    CareTeamRole,
    Episode,
    EpisodeStatus,
    Participant,
)
from screens import panels

PASSWORD = "correct horse battery staple"
# A Wednesday noon in the world's program zone: some of the week's sessions are over, some to come.
MIDWEEK = datetime(2026, 11, 18, 12, 0, tzinfo=ZoneInfo("America/Chicago"))
# Where the suite's clock starts: a Tuesday morning in the world's program zone, after every
# date the test world writes (admission on 8 September 2026) and far from midnight in any
# zone a test program uses.
SUITE_NOW = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("America/Chicago"))


@dataclass
class World:
    org: Organization
    program: Program
    site: Site
    users: dict[str, User]
    participant: Participant  # active, on `therapist`'s care team
    episode: Episode
    referral: Participant  # referred, not yet admitted
    referral_episode: Episode
    other_org_participant: Participant

    def __getattr__(self, name: str) -> User:
        try:
            return self.__dict__["users"][name]
        except KeyError:
            raise AttributeError(name) from None


# persona -> role in the organization
PERSONAS = {
    "director": Role.DIRECTOR,
    "supervisor": Role.SUPERVISOR,
    "therapist": Role.THERAPIST,  # on the care team
    "outsider": Role.THERAPIST,  # a therapist outside the care team
    "counsellor": Role.COUNSELLOR,
    "prescriber": Role.PRESCRIBER,
    "nurse": Role.NURSE,
    "casemanager": Role.CASE_MANAGER,
    "peer": Role.PEER,
    "intake": Role.INTAKE,
    "frontdesk": Role.FRONT_DESK,
    "billing": Role.BILLING,
    "auditor": Role.AUDITOR,
}


def make_user(username: str, **extra) -> User:
    user = User(username=username, first_name=username.title(), last_name="Tester", **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


def demo_context(world: World, staff: dict[str, User] | None = None, seed: int = 1) -> DemoContext:
    """The world's organization and program as a module's demo seeder is handed them, with
    the seeder's progress lines kept quiet."""
    return DemoContext(
        organization=world.org,
        program=world.program,
        sites=[world.site],
        staff=staff if staff is not None else {"director": world.users["director"]},
        rng_seed=seed,
        stdout=lambda line: None,
    )


def make_participant(org: Organization, number: str, **extra) -> Participant:
    fields = {
        "legal_first_name": "Robin",
        "legal_last_name": "Testperson",
        "date_of_birth": date(1990, 5, 17),
        "sex_at_birth": "female",
        "pronouns": "she/her",
    }
    fields.update(extra)
    return Participant.objects.create(organization=org, record_number=number, **fields)


def plan_with_only(sql: str, indexes: dict[str, set[str]]) -> str:
    """PostgreSQL's plan for `sql` with, of each table's indexes that back no constraint,
    only those named (the others dropped inside the test's transaction), and neither a
    sequential nor a bitmap scan: on tables of a few test rows the planner's choice among
    several indexes follows their sizes, so only this tells whether the named ones serve
    the statement (an index-only scan: every column read is in the index)."""
    with connection.cursor() as cursor:
        for table, keep in indexes.items():
            cursor.execute(
                "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
                " WHERE x.indrelid = %s::regclass AND NOT EXISTS"
                " (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
                [table],
            )
            for (name,) in cursor.fetchall():
                if name not in keep:
                    cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def build_world() -> World:
    """The program, its personas and its participants, written to the database."""
    org = Organization.objects.create(name="Test Program Org", slug="test-org")
    program = create_program(org, name="Adult IOP", time_zone="America/Chicago")
    site = Site.objects.create(program=program, name="Main")
    users = {}
    for name, role in PERSONAS.items():
        users[name] = make_user(name)
        Membership.objects.create(user=users[name], organization=org, role=role)
    users["stranger"] = make_user("stranger")  # staff of another organization
    other = Organization.objects.create(name="Elsewhere", slug="elsewhere")
    Membership.objects.create(user=users["stranger"], organization=other, role=Role.DIRECTOR)
    users["participant_user"] = make_user("participant_user", kind=User.Kind.PARTICIPANT)
    # A support person's account: nothing shared with it unless a test records a sharing.
    users["support"] = make_user("support", kind=User.Kind.SUPPORT)

    participant = make_participant(org, "T-000001", user=users["participant_user"])
    episode = Episode.objects.create(
        participant=participant,
        program=program,
        site=site,
        status=EpisodeStatus.ACTIVE,
        referred_on=date(2026, 9, 1),
        admitted_on=date(2026, 9, 8),
        primary_clinician=users["therapist"],
    )
    for name, team_role in [
        ("therapist", CareTeamRole.PRIMARY_CLINICIAN),
        ("counsellor", CareTeamRole.COUNSELLOR),
        ("prescriber", CareTeamRole.PRESCRIBER),
        ("nurse", CareTeamRole.NURSE),
        ("casemanager", CareTeamRole.CASE_MANAGER),
        ("peer", CareTeamRole.PEER),
    ]:
        CareTeamMember.objects.create(episode=episode, user=users[name], role=team_role)
    referral = make_participant(
        org, "T-000002", legal_first_name="Casey", legal_last_name="Newcomer"
    )
    referral_episode = Episode.objects.create(
        participant=referral,
        program=program,
        status=EpisodeStatus.REFERRED,
        referred_on=date(2026, 11, 1),
    )
    other_program = Program.objects.create(organization=other, name="Other IOP")
    other_participant = make_participant(other, "T-000001", legal_first_name="Elsewhere")
    Episode.objects.create(
        participant=other_participant, program=other_program, referred_on=date(2026, 10, 1)
    )
    return World(
        org,
        program,
        site,
        users,
        participant,
        episode,
        referral,
        referral_episode,
        other_participant,
    )


def restore_data_migration_rows(**kwargs) -> None:
    """Write back the rows the data migrations write (national resources, note formats and
    the curriculum, screen panels) after a flush emptied every table.

    A transactional test, and a module that seeded the demo outside a transaction, end with
    a flush, and the flush sends `post_migrate` as `migrate` does: so every test finds the
    database as the migrations left it, whichever test its worker ran before it. The seeds
    are the migrations' own and change nothing where the rows are there.
    """
    seed_national(Resource)
    note_seeds.seed()
    panels.seed()


post_migrate.connect(restore_data_migration_rows, sender=apps.get_app_config("screens"))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadfile` with the longest files first (tests/distribution.py)."""
    if config.getvalue("dist") != "loadfile":
        return None
    from tests.distribution import LongestFirst

    return LongestFirst(config, log)


@pytest.fixture
def world(db) -> World:
    return build_world()


@contextlib.contextmanager
def shared_transaction(django_db_blocker) -> Iterator[None]:
    """A transaction that stays open for a module (or class) of tests, rolled back at its end.

    Rows written inside it are seen by every test of the module; each test still runs in its
    own savepoint inside it (pytest-django nests its per-test transaction), so what a test
    writes is undone before the next. For data that costs seconds to build and that tests only
    read (or write and roll back).
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@contextlib.contextmanager
def demo_seeded_once(django_db_blocker, participants: int) -> Iterator[None]:
    """The demo seeded once, in `shared_transaction`, for a module (or class) of tests that only
    read it: seeding costs seconds, and seeding it again for each test checks nothing more."""
    with shared_transaction(django_db_blocker), override_settings(TANDEM_DEMO=True):
        call_command("seed_demo", "--participants", str(participants), "--quiet-logins")
        yield


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    """One world for a whole module (see `shared_transaction`); ask for `shared_world`."""
    with shared_transaction(django_db_blocker):
        yield build_world()


@pytest.fixture
def shared_world(module_world, db) -> World:
    """`module_world` as a fresh copy, so a test that refreshes or edits one of its rows in
    memory never hands the next test a stale object (the database side is rolled back)."""
    return copy.deepcopy(module_world)


# Queued at the commit of nearly every clinical write (`outcomes.facts.mark`), so it is not
# counted unless a test asks for it: the counts say whether a test's own work ran.
FACTS_REFRESH = "outcomes.tasks.refresh_facts"


def run_queued_tasks(*, counting_facts_refreshes: bool = False) -> int:
    """Run every task that is due, one after another, as `manage.py db_worker --batch` does.

    A test's own transaction never commits, so first the work waiting for that commit is queued
    (`tandem.tasks.enqueue_after_commit`); then django-tasks-db's own worker claims and runs each
    due row. A task that fails fails the test. Returns how many tasks ran; the outcome-facts
    refreshes run too but count only when asked for.
    """
    if connection.in_atomic_block:
        waiting = [entry[1] for entry in connection.run_on_commit]
        connection.run_on_commit.clear()
        for callback in waiting:
            callback()
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    ran = 0
    while True:
        with transaction.atomic():
            due = DBTaskResult.objects.ready().get_locked()
            if due is None:
                return ran
            due.claim(worker.worker_id)
        worker.run_task(due)
        ran += counting_facts_refreshes or due.task_path != FACTS_REFRESH
        assert due.status == TaskResultStatus.SUCCESSFUL, due.traceback


@pytest.fixture
def run_tasks():
    """`run_queued_tasks`, for tests that start background work."""
    return run_queued_tasks


@pytest.fixture(autouse=True, scope="session")
def suite_clock(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test runs on a clock that starts at `SUITE_NOW` and ticks, so what a test checks
    never depends on the day the suite runs (a date written as "in the future" stays so).

    Not for the browser tests: chromium keeps its own clock, and would drop a session cookie
    whose expiry the server wrote from another day.
    """
    if request.config.getoption("markexpr") == "browser":
        yield
        return
    with time_machine.travel(SUITE_NOW, tick=True):
        yield


@pytest.fixture
def midweek():
    """The clock set to `MIDWEEK` (and ticking), so tests about "this week" never depend on the
    day they run. Request it before `world` so every row is written at that time."""
    with time_machine.travel(MIDWEEK, tick=True):
        yield MIDWEEK


@pytest.fixture
def demo_mode(settings):
    """Demo mode, as `run.py demo` runs: `seed_demo` refuses to run without it."""
    settings.TANDEM_DEMO = True


@pytest.fixture
def login(client):
    """Sign a persona in through the real login page (no shortcuts past lockout/2FA)."""

    def _login(user: User):
        client.logout()
        response = client.post(
            "/accounts/login/", {"username": user.username, "password": PASSWORD}
        )
        assert response.status_code == 302, response.content[:500]
        return client

    return _login


@pytest.fixture
def signed_in(client):
    """A persona's session without the sign-in page, for tests of what a signed-in person may
    reach (the authorization matrix); the sign-in page's own checks are tested through `login`.
    The session names the backend a real sign-in names, so each request reads the person as
    it would after one (with the session, `signin.sessions`)."""

    def _signed_in(user: User):
        client.force_login(user, backend="accounts.backends.UserBackend")
        return client

    return _signed_in
