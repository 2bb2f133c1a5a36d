"""How long the director's outcomes board takes to render at 50,000 participants, on PostgreSQL.

Writes the synthetic installation once (`manage.py synthesize`: several organizations, years
of history, in bulk) in the database named by DATABASE_URL, vacuums and analyses it as a live
server's autovacuum would (`figures.settle`), then renders the board as the
director of its largest organization (half the participants) through the whole Django stack
(middleware, view, template, audit event) and prints the median and 95th percentile render
time and the number of queries, for the default view, a filtered view and the API.

    createdb -h 127.0.0.1 -U postgres tandem_outcomes_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tandem_outcomes_bench \\
        .venv/bin/python bench/bench_outcomes.py --participants 50000 --runs 15
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

import figures

ROOT = Path(__file__).resolve().parent.parent


def _setup_django() -> None:
    os.environ["TANDEM_DEMO"] = "1"  # two-factor optional, local hosts allowed
    os.environ.setdefault("SECRET_KEY", "bench-" + uuid.uuid4().hex)
    os.environ.setdefault("AUDIT_KEY", "bench-audit-key-fixed-so-repeated-runs-verify")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tandem.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _director(participants: int):
    """The director of the largest organization of the synthetic installation."""
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User

    call_command("migrate", verbosity=0)
    call_command("synthesize", participants=participants)
    figures.settle(connection)
    return User.objects.get(username="synthetic-7-1-director")


def _time(call, runs: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()  # warm-up
    with CaptureQueriesContext(connection) as ctx:
        call()
    queries = len(ctx.captured_queries)
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    return times, queries


def _row(label: str, times: list[float], queries: int) -> str:
    ordered = sorted(times)
    p95 = figures.p95(ordered)
    return f"{label:<40} {statistics.median(ordered):>9.0f} {p95:>9.0f} {queries:>8}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    _setup_django()
    from django.db import connection
    from django.test import Client

    if connection.vendor != "postgresql":
        print("Set DATABASE_URL to a PostgreSQL database.", file=sys.stderr)
        raise SystemExit(2)
    director = _director(args.participants)
    client = Client(HTTP_HOST="localhost")
    client.force_login(director)

    def board(**filters):
        def call():
            response = client.post("/outcomes/", filters)
            assert response.status_code == 200, response.status_code

        return call

    def api():
        response = client.get("/api/v1/outcomes")
        assert response.status_code == 200, response.status_code

    from django.utils import timezone

    today = timezone.localdate()
    year_ago = today.replace(year=today.year - 1).isoformat()
    three_years = today.replace(year=today.year - 3).isoformat()
    print(f"{'render (ms)':<40} {'median':>9} {'p95':>9} {'queries':>8}")
    cases = [
        ("board, last 12 months", board(start=year_ago, end=today.isoformat(), breakdown="sex")),
        (
            "board, 3 years, by race",
            board(start=three_years, end=today.isoformat(), breakdown="race"),
        ),
        (
            "board, filtered (female, 26-34, Hispanic)",
            board(
                start=three_years,
                end=today.isoformat(),
                sex="female",
                age_group="26_34",
                ethnicity="hispanic",
                breakdown="age_group",
            ),
        ),
        ("GET /api/v1/outcomes", api),
    ]
    for label, call in cases:
        times, queries = _time(call, args.runs)
        print(_row(label, times, queries))


if __name__ == "__main__":
    main()
