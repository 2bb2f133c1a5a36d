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
import pstats
import statistics
import time
from collections.abc import Callable

from bench_audit import seed_caseloads, setup_django


def _seed():
    """A therapist of the chart benchmark's first organization and one of their caseload."""
    from accounts.models import User
    from participants.models import Participant

    seed_caseloads(1, 1)
    user = User.objects.get(username="bench-0-t0")
    participant = Participant.objects.filter(episodes__care_team__user=user).first()
    assert participant is not None
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

    setup_django()
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
