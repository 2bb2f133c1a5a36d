"""Audited chart reads per second through gunicorn on PostgreSQL, against the login page.

Starts one gunicorn worker (gthread, keep-alive) on the database named by DATABASE_URL
(PostgreSQL), signs therapists in through the real login page, and has 1, 4 and 16
keep-alive clients read the charts of their own caseloads, with every therapist in one
organization and then spread over several (each organization has its own audit chain).
The login page is measured in the same rows with the same number of clients, the two taking
turns (`--slices`) so that a shared machine's changing speed weighs on both alike, and each
chart row says what a chart read costs the worker's CPU against a login page measured in
the same minutes (the goal: at most 2x). A last row per client count measures a signed-in
request that reads nothing (the favicon, behind the same middleware as a chart read: the
session, the account, two-factor and idle checks), against the login page in the same way,
so the share of a chart read that is only being signed in is in the same table.

Rates are given per wall-clock second and per CPU second of the gunicorn worker (one
worker is one core at most; on a shared machine the CPU figure is the steadier one).
PostgreSQL's own CPU is not in the per-core figure.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tandem_bench \\
        .venv/bin/python bench/bench_audit.py --seconds 5
"""

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import figures

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-not-a-secret"
# A signed-in request that reads no record: what every staff page costs before its own work.
SIGNED_IN_FRAME = "/favicon.ico"
CASELOAD = 5


@dataclass
class Result:
    requests: int
    errors: int
    seconds: float
    cpu_seconds: float
    latencies_ms: list[float]

    @property
    def per_core(self) -> float:
        return self.requests / self.cpu_seconds if self.cpu_seconds else 0.0

    def row(self, label: str) -> str:
        lat = sorted(self.latencies_ms) or [0.0]
        p95 = figures.p95(lat)
        return (
            f"{label:<34} {self.requests / self.seconds:>9.1f} {self.per_core:>12.1f} "
            f"{statistics.median(lat):>8.1f} {p95:>8.1f} {self.errors:>6}"
        )

    def __add__(self, other: "Result") -> "Result":
        return Result(
            self.requests + other.requests,
            self.errors + other.errors,
            self.seconds + other.seconds,
            self.cpu_seconds + other.cpu_seconds,
            self.latencies_ms + other.latencies_ms,
        )


def setup_django() -> None:
    os.environ["TANDEM_DEMO"] = "1"  # two-factor optional, local hosts allowed
    os.environ.setdefault("SECRET_KEY", "bench-" + uuid.uuid4().hex)
    os.environ.setdefault("AUDIT_KEY", "bench-audit-key-fixed-so-repeated-runs-verify")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tandem.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seed_caseloads(organizations: int, therapists: int) -> dict[str, list[str]]:
    """Organizations with therapists, each with a small caseload; returns chart paths by user."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import Membership, Organization, Program, Role, Site, User
    from participants.models import (
        CareTeamMember,
        CareTeamRole,
        Episode,
        EpisodeStatus,
        Participant,
    )

    hashed = make_password(PASSWORD)
    charts: dict[str, list[str]] = {}
    for k in range(organizations):
        org, _ = Organization.objects.get_or_create(
            slug=f"bench-{k}", defaults={"name": f"Bench Org {k}", "is_synthetic": True}
        )
        program = Program.objects.filter(organization=org).first() or Program.objects.create(
            organization=org, name="Bench IOP", time_zone="America/Chicago"
        )
        site = Site.objects.filter(program=program).first() or Site.objects.create(
            program=program, name="Main"
        )
        for t in range(therapists):
            username = f"bench-{k}-t{t}"
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create(username=username, password=hashed)
                Membership.objects.create(user=user, organization=org, role=Role.THERAPIST)
                for p in range(CASELOAD):
                    person = Participant.objects.create(
                        organization=org,
                        record_number=f"B-{k}-{t}-{p}",
                        legal_first_name="Bench",
                        legal_last_name=f"Person {p}",
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
            charts[username] = [
                f"/participants/{p}/"
                for p in Participant.objects.filter(episodes__care_team__user=user).values_list(
                    "public_id", flat=True
                )
            ]
    return charts


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_gunicorn(port: int, threads: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tandem.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--keep-alive",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not start")


def _worker_pids(master: int) -> list[int]:
    """The worker whose CPU is counted; asked once it has answered, as gunicorn forks it late."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    if not children:
        raise SystemExit("gunicorn has no worker process to measure")
    return [int(pid) for pid in children]


def _cpu_seconds(pids: list[int]) -> float:
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


class Client:
    """One keep-alive connection carrying one signed-in session."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        status, response_headers, data = self.send(method, path, body, headers)
        for header, value in response_headers:
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return status, data

    def send(
        self, method: str, path: str, body: str | None, headers: dict[str, str]
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """One request over the connection; a client that reaches the application another way
        (bench_instructions.py calls it in-process) replaces this and keeps the session."""
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        return response.status, response.getheaders(), data

    def sign_in(self, username: str) -> None:
        from urllib.parse import urlencode

        _, page = self.request("GET", "/accounts/login/")
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if found is None:
            raise SystemExit("the login page carries no CSRF token; sign-in cannot proceed")
        token = found.group(1).decode()
        form = {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
        status, _ = self.request("POST", "/accounts/login/", urlencode(form))
        if status != 302:
            raise SystemExit(f"sign-in of {username} failed ({status})")


def _run(
    clients: list[Client], paths: list[list[str]], seconds: float, worker: list[int]
) -> Result:
    stop = time.monotonic() + seconds
    latencies: list[list[float]] = [[] for _ in clients]
    errors = [0] * len(clients)

    def loop(i: int) -> None:
        n = 0
        while time.monotonic() < stop:
            path = paths[i][n % len(paths[i])]
            started = time.perf_counter()
            status, _ = clients[i].request("GET", path)
            latencies[i].append((time.perf_counter() - started) * 1000)
            errors[i] += status != 200
            n += 1

    cpu_before, started = _cpu_seconds(worker), time.monotonic()
    threads = [threading.Thread(target=loop, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    all_latencies = [x for lat in latencies for x in lat]
    return Result(
        len(all_latencies), sum(errors), elapsed, _cpu_seconds(worker) - cpu_before, all_latencies
    )


def _interleaved(
    login: tuple[list[Client], list[list[str]]],
    reads: tuple[list[Client], list[list[str]]],
    seconds: float,
    slices: int,
    worker: list[int],
) -> tuple[Result, Result]:
    """The login page and chart reads, each for `seconds` in all, taking turns in `slices`
    short runs, so a change in the machine's speed during a row weighs on both alike and
    the ratio between them is measured in the same minutes."""
    slice_seconds = seconds / slices
    login_result = chart_result = None
    for _ in range(slices):
        a = _run(*login, slice_seconds, worker)
        b = _run(*reads, slice_seconds, worker)
        login_result = a if login_result is None else login_result + a
        chart_result = b if chart_result is None else chart_result + b
    assert login_result is not None and chart_result is not None
    return login_result, chart_result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each measurement")
    parser.add_argument("--clients", default="1,4,16")
    parser.add_argument("--organizations", default="1,4")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn worker threads")
    parser.add_argument(
        "--slices", type=int, default=5, help="turns the login page and chart reads take per row"
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (it is migrated and seeded).")
    client_counts = [int(c) for c in args.clients.split(",")]
    org_counts = [int(o) for o in args.organizations.split(",")]

    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from audit.models import AuditEvent
    from audit.services import verify_chain

    call_command("migrate", verbosity=0)
    charts = seed_caseloads(max(org_counts), max(client_counts))
    connection.close()

    port = _free_port()
    server = _start_gunicorn(port, args.threads)
    try:
        warm = Client(port)
        for _ in range(20):  # the worker loads the application on its first requests
            warm.request("GET", "/accounts/login/")
        worker = _worker_pids(server.pid)
        print(
            f"gunicorn: 1 worker, gthread x{args.threads}, keep-alive; {args.seconds:.0f} s per row; "
            f"{os.cpu_count()} cores on this machine"
        )
        print(f"{'':<34} {'req/s':>9} {'per CPU-s':>12} {'p50 ms':>8} {'p95 ms':>8} {'errors':>6}")
        signed_in: dict[str, Client] = {}
        for clients_n in client_counts:
            login_clients = [Client(port) for _ in range(clients_n)]
            logins: list[Result] = []
            rows: list[str] = []
            for orgs in org_counts:
                users = [f"bench-{i % orgs}-t{i // orgs}" for i in range(clients_n)]
                for user in users:
                    if user not in signed_in:
                        signed_in[user] = Client(port)
                        signed_in[user].sign_in(user)
                before = AuditEvent.objects.count()
                login, reads = _interleaved(
                    (login_clients, [["/accounts/login/"]] * clients_n),
                    ([signed_in[u] for u in users], [charts[u] for u in users]),
                    args.seconds,
                    args.slices,
                    worker,
                )
                written = AuditEvent.objects.count() - before
                connection.close()
                logins.append(login)
                label = f"chart reads, {clients_n} clients, {orgs} org{'s' if orgs > 1 else ''}"
                cost = login.per_core / reads.per_core if reads.per_core else 0.0
                rows.append(
                    reads.row(label)
                    + f"  events {written}/{reads.requests}; {cost:.1f}x a login page's CPU"
                )
            login, frame = _interleaved(
                (login_clients, [["/accounts/login/"]] * clients_n),
                ([signed_in[u] for u in users], [[SIGNED_IN_FRAME]] * clients_n),
                args.seconds,
                args.slices,
                worker,
            )
            cost = login.per_core / frame.per_core if frame.per_core else 0.0
            rows.append(
                frame.row(f"signed in, nothing read, {clients_n} cl.")
                + f"  {cost:.1f}x a login page's CPU"
            )
            print(sum(logins[1:], logins[0]).row(f"login page, {clients_n} clients"))
            print("\n".join(rows))
        report = verify_chain()
        print(f"audit_verify after the run: {'intact' if report.ok else report.problem}")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
