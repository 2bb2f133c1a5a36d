"""Time the risk and due lists, the completion figure and the engagement sweep at scale.

    .venv/bin/python bench/bench_measurement.py --participants 20000 [--repeat 5]

Uses a throwaway SQLite file (or DATABASE_URL when set, which must point at an empty,
disposable database). Writes synthetic participants in care, each with three PHQ-9 and two
GAD-7 administrations and two check-ins, and an open check-in alert for one in twenty (bulk
inserts, no scoring), works out the stored due moments once (the backfill the migration
runs), then prints median and 95th-percentile time and the query count of each (the same
count at every size: the reads and the sweep run in fixed queries). The lists and the board
read the stored moments; "due rule" times the rule itself over everyone in care.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="tandem-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tandem.settings"
    os.environ.setdefault("AUDIT_KEY", "bench-audit-key-fixed-so-repeated-runs-verify")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Membership, Organization, Program, Role, User
    from assessments.models import Administration
    from checkins.models import CheckIn
    from checkins.services import missed_checkins
    from measurement import next_due
    from measurement.due import due_for_episodes
    from measurement.home import completion
    from measurement.lists import program_lists
    from monitoring.models import Alert
    from participants.models import Episode, Participant

    call_command("migrate", verbosity=0)
    tz = ZoneInfo("America/Chicago")
    now = datetime(2026, 11, 18, 12, 0, tzinfo=tz)
    with transaction.atomic():
        org = Organization.objects.create(name="Bench org (synthetic)", slug="bench-org")
        program = Program.objects.create(organization=org, name="Bench IOP", time_zone=str(tz))
        people = Participant.objects.bulk_create(
            [
                Participant(
                    organization=org,
                    record_number=f"B-{n:06d}",
                    legal_first_name="Synthetic",
                    legal_last_name=f"Person{n}",
                    date_of_birth=date(1990, 1, 1),
                    sex_at_birth="female",
                )
                for n in range(args.participants)
            ],
            batch_size=2000,
        )
        episodes = Episode.objects.bulk_create(
            [
                Episode(
                    participant=p,
                    program=program,
                    status="active",
                    referred_on=date(2026, 9, 1),
                    admitted_on=date(2026, 9, 8) + timedelta(days=n % 30),
                )
                for n, p in enumerate(people)
            ],
            batch_size=2000,
        )
        base = datetime(2026, 9, 10, 10, 0, tzinfo=tz)
        administrations = []
        for n, (p, e) in enumerate(zip(people, episodes, strict=True)):
            for k, (code, total) in enumerate(
                [("phq-9", 15), ("phq-9", 12), ("phq-9", 9), ("gad-7", 11), ("gad-7", 8)]
            ):
                administrations.append(
                    Administration(
                        participant=p,
                        episode=e,
                        instrument=code,
                        answers={},
                        mode="staff-entered",
                        completed_at=base + timedelta(days=14 * (k % 3) + n % 20),
                        complete=True,
                        total=total,
                        positive=total >= 10,
                        flags=[],
                    )
                )
        Administration.objects.bulk_create(administrations, batch_size=5000)
        CheckIn.objects.bulk_create(
            [
                CheckIn(
                    participant=p,
                    episode=e,
                    recorded_at=now - timedelta(days=1 + (n % 6) + k),
                    mood=5,
                    craving=3,
                    used=False,
                    safety=False,
                )
                for n, (p, e) in enumerate(zip(people, episodes, strict=True))
                for k in range(2)
            ],
            batch_size=5000,
        )
        Alert.objects.bulk_create(
            [
                Alert(
                    participant=p,
                    episode=e,
                    kind="checkin-craving",
                    severity="warning",
                    title="High craving on consecutive check-ins",
                    dedupe_key=f"bench:{n}",
                )
                for n, (p, e) in enumerate(zip(people, episodes, strict=True))
                if n % 20 == 0
            ],
            batch_size=5000,
        )
        director = User.objects.create(username="bench-director", first_name="Bench")
        Membership.objects.create(user=director, organization=org, role=Role.DIRECTOR)
    print(f"database: {connection.vendor}; participants in care: {args.participants}")
    start = time.perf_counter()
    with transaction.atomic():
        stored = next_due.refresh_all()
    print(f"backfill of stored due moments: {time.perf_counter() - start:.2f} s ({stored} rows)")

    def measure(label: str, fn) -> None:
        times, queries = [], 0
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                result = fn()
                times.append(time.perf_counter() - start)
            queries = len(ctx.captured_queries)
        p95 = statistics.quantiles(times, n=20, method="inclusive")[18] if len(times) > 1 else 0
        print(
            f"{label}: median {statistics.median(times):.2f} s, p95 {p95:.2f} s "
            f"({len(times)} runs), {queries} queries ({result})"
        )

    def due_list():
        rows = list(Episode.objects.filter(program=program).select_related("program"))
        due = due_for_episodes(rows, now=now)
        return f"{sum(1 for d in due.values() if d)} with something due"

    def lists_page():
        found = program_lists(director, [program], now=now)
        return f"risk {found.risk_total}, due {found.due_total}; first 100 of each shown"

    def board():
        return completion([program], now=now)[0].rate

    def sweep():
        with transaction.atomic():
            raised = missed_checkins(now=now)
            transaction.set_rollback(True)
        return f"{len(raised)} engagement alerts (rolled back)"

    measure("risk and due lists (program page selector)", lists_page)
    measure("due rule computed for everyone in care", due_list)
    measure("completion figure (director's board)", board)
    measure("engagement sweep (no check-in for 3 days)", sweep)


if __name__ == "__main__":
    main()
