"""The cost of appending one audit event: SQL statements and CPU microseconds per append.

Appends events the way an audited chart read does (`audit_access` with a decision made
once beforehand, outside any transaction) and the way a write does (`record_event` inside
the caller's transaction), on the database named by DATABASE_URL (migrated, a small
organization seeded), then checks the chain. `--profile` prints where the CPU goes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tandem_bench \\
        .venv/bin/python bench/bench_audit_append.py --appends 2000
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup_django() -> None:
    os.environ.setdefault("SECRET_KEY", "bench-" + uuid.uuid4().hex)
    os.environ.setdefault("AUDIT_KEY", "bench-audit-key-fixed-so-repeated-runs-verify")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tandem.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _seed():
    """One organization with a therapist and one participant on the therapist's care team."""
    from accounts.models import Membership, Organization, Program, Role, Site, User
    from participants.models import (
        CareTeamMember,
        CareTeamRole,
        Episode,
        EpisodeStatus,
        Participant,
    )

    org, _ = Organization.objects.get_or_create(
        slug="bench-append", defaults={"name": "Bench Append", "is_synthetic": True}
    )
    user = User.objects.filter(username="bench-append-t").first()
    if user is None:
        program = Program.objects.create(organization=org, name="Bench IOP")
        site = Site.objects.create(program=program, name="Main")
        user = User.objects.create(username="bench-append-t")
        Membership.objects.create(user=user, organization=org, role=Role.THERAPIST)
        person = Participant.objects.create(
            organization=org,
            record_number="BA-1",
            legal_first_name="Bench",
            legal_last_name="Person",
            date_of_birth=date(1990, 1, 1),
        )
        episode = Episode.objects.create(
            participant=person,
            program=program,
            site=site,
            status=EpisodeStatus.ACTIVE,
            referred_on=date(2026, 9, 1),
            admitted_on=date(2026, 9, 8),
            primary_clinician=user,
        )
        CareTeamMember.objects.create(
            episode=episode, user=user, role=CareTeamRole.PRIMARY_CLINICIAN
        )
    participant = Participant.objects.get(organization=org, record_number="BA-1")
    return user, participant


def _measure(label: str, append: Callable[[], None], n: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(50):  # warm caches and the process's view of the chain
        append()
    with CaptureQueriesContext(connection) as queries:
        append()
    rounds = []
    for _ in range(5):
        started = time.process_time()
        for _ in range(n // 5):
            append()
        rounds.append((time.process_time() - started) / (n // 5) * 1e6)
    print(
        f"{label:<44} {len(queries.captured_queries):>10} {statistics.median(rounds):>12.0f}"
        f" {min(rounds):>8.0f}"
    )
    for q in queries.captured_queries:
        print(f"    {q['sql'][:110]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appends", type=int, default=2000, help="appends per measurement")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the reads")
    args = parser.parse_args()

    _setup_django()
    from django.core.management import call_command
    from django.db import connection, transaction

    from audit.models import Action
    from audit.services import record_event, verify_chain
    from participants.access import Scope, audit_access, decide

    call_command("migrate", verbosity=0)
    user, participant = _seed()
    decision = decide(user, participant, Action.VIEW, Scope.CLINICAL)

    def read() -> None:
        audit_access(user, participant, Action.VIEW, Scope.CLINICAL, decision)

    def write() -> None:
        with transaction.atomic():
            record_event(
                actor=user,
                event_type="participant.demographics_changed",
                decision=decision,
                participant=participant,
                details={"changes": {"preferred_name": {"before": "", "after": "Ben"}}},
            )

    print(f"{connection.vendor}; {args.appends} appends per row, CPU of this process only")
    print(f"{'':<44} {'statements':>10} {'CPU us p50':>12} {'min':>8}")
    _measure("audited read (audit_access, autocommit)", read, args.appends)
    _measure("write (record_event in caller's atomic)", write, args.appends)
    if args.profile:
        profile = cProfile.Profile(time.process_time)

        def reads() -> None:
            for _ in range(args.appends):
                read()

        profile.runcall(reads)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
    report = verify_chain()
    print(f"audit_verify after the run: {'intact' if report.ok else report.problem}")


if __name__ == "__main__":
    main()
