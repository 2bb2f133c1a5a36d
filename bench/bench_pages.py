"""Time every staff page against the synthetic installation and print the figures.

    createdb -h 127.0.0.1 -U postgres tandem_pages_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tandem_pages_bench \\
        .venv/bin/python bench/bench_pages.py --participants 50000 [--repeat 20] [--only week] \\
        [--later 6 --later 30]

Writes the synthetic installation once (`manage.py synthesize`: several organizations,
clinicians with caseloads of 15 to 40, years of history) in the database named by
DATABASE_URL (a throwaway SQLite file when unset), then requests each page of its largest
organization through Django's test client as the person who uses it and prints median and
p95 time and query count. The goal is a p95 under 100 ms on PostgreSQL. On PostgreSQL the
database is vacuumed and analysed before the timing, as autovacuum keeps a live one.

Each page is requested once before it is timed, and that first request is printed on its own
("first ms"): the first request of a process also imports the views and compiles templates and
statements, once, which a web worker does at start or in its first request, not on every one.

What some pages count depends on the clock: the week's under-dosed participants are read
differently once sessions have ended without their roll calls. `--later HOURS` times the pages
again with the clock that many hours on (each a separate table, staff signed in afresh), so a
page is not judged at the one hour the installation happened to be written.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import figures

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


# Every tab of a chart the clinician opens, and the consent pages a Part 2 disclosure reads.
_CHART_TABS = (
    ("intake tab", "intake:intake"),
    ("diagnoses tab", "intake:diagnoses"),
    ("level of care tab", "placement:level_of_care"),
    ("assessments tab", "assessments:tab"),
    ("notes tab", "notes:tab"),
    ("drug screens tab", "screens:tab"),
    ("medications tab", "medications:tab"),
    ("safety plan tab", "safety:tab"),
    ("case management tab", "casemanagement:tab"),
    ("support people tab", "family:tab"),
    ("discharge tab", "discharge:tab"),
    ("consents tab", "consent:tab"),
    ("consents on file", "consent:on_file"),
    ("disclosures", "consent:accounting"),
    ("consent form to sign", "consent:form"),
    ("printed summary", "participants:print"),
)


def _pages() -> list[tuple[str, str, str, str, dict[str, str] | None]]:
    """(label, login, method, url, data) for each page, chosen from the installation."""
    from django.db.models import Count, Q
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import Program, User
    from billing.selectors import last_week
    from participants.models import IN_CARE_STATUSES, Participant
    from plans.models import TreatmentPlan
    from scheduling.models import Session

    org = "synthetic-7-1"
    clinician = (
        User.objects.filter(username__startswith=f"{org}-clinician-")
        .annotate(
            caseload=Count(
                "care_team_memberships",
                filter=Q(
                    care_team_memberships__ended_on__isnull=True,
                    care_team_memberships__episode__status__in=IN_CARE_STATUSES,
                ),
            )
        )
        .order_by("-caseload", "pk")
        .first()
    )
    assert clinician is not None, "no synthetic installation"
    # The one of their caseload with the longest record, whose tabs have the most to show.
    someone = (
        Participant.objects.filter(
            episodes__care_team__user=clinician, episodes__care_team__ended_on__isnull=True
        )
        .annotate(notes=Count("progress_notes", distinct=True))
        .order_by("-notes", "pk")
        .first()
    )
    planned = (
        TreatmentPlan.objects.filter(signed_at__isnull=False, episode__care_team__user=clinician)
        .select_related("participant")
        .first()
    )
    assert someone is not None and planned is not None
    program = Program.objects.get(organization__slug=org, name="Adult IOP")
    session = (
        Session.objects.filter(program=program, date__lte=timezone.localdate())
        .order_by("-date", "starts_at")
        .first()
    )
    group_session = (
        Session.objects.filter(program=program, date__lte=timezone.localdate(), kind="group")
        .order_by("-date", "starts_at")
        .first()
    )
    assert session is not None and group_session is not None
    me, director = clinician.username, f"{org}-director"
    supervisor = f"{org}-supervisor"
    pid, plan_pid = someone.public_id, planned.participant.public_id
    # A week of service days four weeks back: its own address, not the default last week.
    billed_week = (last_week(program) - timedelta(days=21)).isoformat()
    schedule = f"/schedule/p/{program.public_id}"
    return [
        ("home (clinician)", me, "get", "/", None),
        ("home (director)", director, "get", "/", None),
        ("notes due", me, "get", "/notes/due/", None),
        ("my tasks", me, "get", "/tasks/", None),
        ("attendance today", me, "get", "/attendance/", None),
        ("dose this week", director, "get", "/attendance/dose/", None),
        ("roll call", director, "get", f"/attendance/sessions/{session.public_id}/", None),
        (
            "search by surname",
            f"{org}-frontdesk",
            "post",
            "/participants/search/",
            {"text": "Sample"},
        ),
        (
            "search by birth date",
            f"{org}-frontdesk",
            "post",
            "/participants/search/",
            {"dob": str(someone.date_of_birth)},
        ),
        ("chart overview", me, "get", f"/participants/{pid}/", None),
        ("clinical summary", me, "get", f"/participants/{pid}/summary/", None),
        ("history tab", me, "get", f"/participants/{pid}/history/", None),
        ("measurement tab", me, "get", f"/measurement/{pid}/", None),
        ("alerts tab", me, "get", f"/alerts/{pid}/", None),
        ("plan tab", me, "get", f"/plans/{plan_pid}/", None),
        *((label, me, "get", reverse(name, args=[pid]), None) for label, name in _CHART_TABS),
        (
            "plan in force (API)",
            me,
            "get",
            f"/api/v1/participants/{plan_pid}/treatment-plans/current",
            None,
        ),
        ("notes board", supervisor, "get", "/notes/board/", None),
        (
            "notes board last pages",
            supervisor,
            "get",
            "/notes/board/?overdue=last&unwritten=last&queue=last",
            None,
        ),
        ("notes board (director)", director, "get", "/notes/board/", None),
        ("group note", director, "get", f"/notes/sessions/{group_session.public_id}/", None),
        ("plan reviews due", director, "get", "/plans/reviews-due/", None),
        ("critical alerts", director, "get", "/alerts/critical/", None),
        (
            "measurement lists",
            director,
            "get",
            f"/measurement/programs/{program.public_id}/lists/",
            None,
        ),
        ("overdue tasks", director, "get", "/tasks/overdue/", None),
        ("follow-up calls", director, "get", "/discharge/calls/", None),
        ("schedule week", director, "get", f"{schedule}/", None),
        ("schedule day", director, "get", f"{schedule}/day/", None),
        (
            "schedule of a clinician",
            director,
            "get",
            f"{schedule}/staff/{clinician.public_id}/",
            None,
        ),
        ("session", director, "get", f"/schedule/sessions/{session.public_id}/", None),
        ("program calendar", director, "get", f"{schedule}/calendar/", None),
        ("outcomes board", director, "get", "/outcomes/", None),
        ("service days to bill", director, "get", "/billing/days/", None),
        ("service days last page", director, "get", "/billing/days/?page=last", None),
        ("service days of a week", director, "get", f"/billing/days/{billed_week}/", None),
        ("payers", director, "get", "/billing/payers/", None),
        ("consent payers (API)", me, "get", "/api/v1/consent-recipient-lists", None),
        ("resource directory", me, "get", "/casemanagement/resources/", None),
        ("billing tab", director, "get", f"/billing/{pid}/", None),
        ("staff list", director, "get", reverse("accounts:staff"), None),
        ("audit trail", f"{org}-auditor", "get", "/audit/", None),
        (
            "audit trail of a record",
            f"{org}-auditor",
            "post",
            "/audit/",
            {"record_number": someone.record_number},
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--participants", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--only", default="", help="time only the pages whose label contains this text"
    )
    parser.add_argument(
        "--later",
        type=float,
        action="append",
        default=[],
        help="also time the pages with the clock this many hours on (may be repeated)",
    )
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="tandem-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("AUDIT_KEY", "bench-audit-key-fixed-so-repeated-runs-verify")
    os.environ.setdefault("SECRET_KEY", "bench-" + uuid.uuid4().hex)
    os.environ["TANDEM_DEMO"] = "1"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tandem.settings"
    import django

    django.setup()
    import time_machine
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    call_command("synthesize", participants=args.participants)
    figures.settle(connection)
    print(f"database: {connection.vendor}")

    start = timezone.now()
    for hours in [0.0, *args.later]:
        if hours:
            print(f"with the clock {hours:g} hours on")
            with time_machine.travel(start + timedelta(hours=hours), tick=True):
                _time_pages(args.only, args.repeat)
        else:
            _time_pages(args.only, args.repeat)


def _time_pages(only: str, repeat: int) -> None:
    """Print each page's figures, its staff signed in at the clock's time."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    clients: dict[str, Client] = {}

    def client_for(username: str) -> Client:
        if username not in clients:
            clients[username] = Client(HTTP_HOST="localhost")
            clients[username].force_login(User.objects.get(username=username))
        return clients[username]

    print(f"{'page':<24}{'median ms':>10}{'p95 ms':>10}{'queries':>9}{'first ms':>10}")
    for label, login, method, url, data in _pages():
        if only not in label:
            continue
        client = client_for(login)
        t0 = time.perf_counter()
        response: Any = getattr(client, method)(url, data or {})
        first = (time.perf_counter() - t0) * 1000
        timings = []
        for _ in range(repeat if response.status_code == 200 else 0):
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                response = getattr(client, method)(url, data or {})
                timings.append((time.perf_counter() - t0) * 1000)
            if response.status_code != 200:
                break
        if response.status_code != 200:
            print(f"{label:<24}{'status ' + str(response.status_code):>29}")
            continue
        timings.sort()
        p95 = figures.p95(timings)
        print(
            f"{label:<24}{statistics.median(timings):>10.1f}{p95:>10.1f}{len(queries):>9}"
            f"{first:>10.1f}"
        )


if __name__ == "__main__":
    main()
