"""Time the notes list pages against a large synthetic program and print the figures.

    .venv/bin/python bench/bench_notes.py --participants 20000 [--repeat 20] [--seeded FILE]

Uses a throwaway SQLite file (or DATABASE_URL when set, which must point at an empty,
disposable database) and seeds the demo at the given size (its notes included); with
`--seeded` it starts instead from a copy of an SQLite file an earlier run seeded, brought up
to the current migrations, so a change is timed on the same data. Then it requests
each list page as the person who uses it and prints median and p95 time and query count:
notes due (a clinician's), the notes board with the co-sign queue (a supervisor's), one
participant's Notes tab, and a group session's group-note screen (as the supervisor); then
the plan pages: a participant's Plan tab, the plan in force through the API, the clinician's
home (with its plan-review panel) and the director's plan-reviews board, first page and last.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import figures

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seeded", type=Path, help="an SQLite file an earlier run seeded")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="tandem-bench-")
    if args.seeded:
        shutil.copyfile(args.seeded, f"{tmp}/bench.sqlite3")
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ["TANDEM_DEMO"] = "1"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tandem.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from notes.models import GroupNote, ProgressNote
    from participants.models import Participant

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if args.seeded:
        print(f"migrate on a copy of {args.seeded}: {time.perf_counter() - started:.1f} s")
    else:
        started = time.perf_counter()
        call_command("seed_demo", participants=args.participants, quiet_logins=True, verbosity=0)
        print(
            f"seed_demo --participants {args.participants}: {time.perf_counter() - started:.1f} s"
        )
    print(
        f"database: {connection.vendor}; participants: {Participant.objects.count()}; "
        f"notes: {ProgressNote.objects.count()}; group notes: {GroupNote.objects.count()}"
    )
    group = GroupNote.objects.select_related("session").order_by("-pk").first()

    def client_for(username: str) -> Client:
        client = Client()
        client.post("/accounts/login/", {"username": username, "password": "tandem-demo"})
        return client

    therapist, supervisor = client_for("therapist"), client_for("supervisor")
    director = client_for("director")
    planned = (
        Participant.objects.filter(
            treatment_plans__signed_at__isnull=False,
            episodes__care_team__user__username="therapist",
        )
        .distinct()
        .first()
    )
    someone = (
        Participant.objects.filter(
            episodes__care_team__user__username="therapist", progress_notes__isnull=False
        )
        .distinct()
        .first()
    )
    assert someone is not None and group is not None and planned is not None, "seed first"
    pages = [
        ("notes due", therapist, "/notes/due/"),
        ("notes board + co-sign", supervisor, "/notes/board/"),
        ("participant's notes", therapist, f"/notes/{someone.public_id}/"),
        ("group-note screen", supervisor, f"/notes/sessions/{group.session.public_id}/"),
        ("notes board, page 2", supervisor, "/notes/board/?overdue=2&queue=2"),
        ("plan tab", therapist, f"/plans/{planned.public_id}/"),
        (
            "plan in force (API)",
            therapist,
            f"/api/v1/participants/{planned.public_id}/treatment-plans/current",
        ),
        ("clinician's home", therapist, "/"),
        ("plan reviews board", director, "/plans/reviews-due/"),
        ("plan reviews, last page", director, "/plans/reviews-due/?page=last"),
    ]
    print(f"{'page':<24}{'median ms':>10}{'p95 ms':>10}{'queries':>9}")
    for label, client, url in pages:
        timings = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (label, response.status_code)
        timings.sort()
        p95 = figures.p95(timings)
        print(f"{label:<24}{statistics.median(timings):>10.1f}{p95:>10.1f}{len(queries):>9}")


if __name__ == "__main__":
    main()
