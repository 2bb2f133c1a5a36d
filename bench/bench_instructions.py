"""Machine instructions per request for the login page, a signed-in request that reads nothing
and an audited chart read, counted by valgrind, with each one's ratio to the login page.

`bench_audit.py` judges issue #9's goal (an audited chart read costs at most 2x a login page's
CPU) by a gunicorn worker's CPU time, and on a shared machine that ratio moves with the
machine's load more than with the code. An instruction count does not: this benchmark is the
steadier companion that says whether a change moved the ratio, `bench_audit.py` the figure as
served.

It seeds the database named by DATABASE_URL with `bench_audit.py`'s therapist and caseload and
its settings, signs the therapist in through the login page, and sends three kinds of GET
straight to Django's WSGI application, the call gunicorn's worker makes for each request (the
same middleware, signals and database connection handling, with no socket): the login page
(anonymous), a signed-in request that reads nothing (`bench_audit.SIGNED_IN_FRAME`, the
favicon) and the chart overviews of the therapist's own caseload in turn (one audit event each,
counted). Each measuring process starts as a fresh worker would (Django set up, the URL map
imported) and warms every path first (`--warm`).

The counting process runs under `valgrind --tool=callgrind`, which counts every instruction the
process executes in user space. Counting starts off, so the start-up and the warming run several
times faster, and is turned on with `callgrind_control`; the process then calls
`os.getloadavg()` (libc's `getloadavg`, which nothing else here calls) between the runs of
requests, and `--dump-before=getloadavg` writes the count so far and starts again at zero, so
each run of requests is counted alone. Each path is counted in `--rounds` runs; the table gives
the mean per request and how far the runs lie apart (what remains is Python's garbage
collector, which runs after a number of allocations, not per request). The measuring processes
run with PYTHONHASHSEED=0, so dictionaries and sets lay out alike from one run to the next.

As a cross-check a second process, without valgrind, times the same requests by its CPU time
(user and system, and user alone), the paths taking turns (`--slices`) as in `bench_audit.py`,
and the table gives those ratios to the login page beside the counted one. Instructions are
not time, and on a busy machine the CPU ratios come out higher, not from the kernel's share
(the user-only column gives nearly the same): most likely because a chart read waits for the
database several times, gives up the core each time and comes back to caches that other
processes have filled, so each of its instructions takes longer, while the login page never
waits. The count is what the code asks of the processor, the same on a quiet machine and a
loaded one.

Neither figure holds gunicorn's own work per request (reading and parsing the request from the
socket, handing it to a thread, writing the response), nor PostgreSQL's CPU (as in
`bench_audit.py`). Gunicorn's share is about the same for every request, so it adds about the
same amount to a chart read as to a login page and brings their ratio closer to 1. On that count
the ratio here is the stricter one: a chart read that costs at most 2x a login page here would
cost less than 2x through gunicorn, on a machine quiet enough that the waits above do not
matter. The idle clock's session write and the reopening of the database connection, once a
minute each, are moved past the run's length (see `main`), as they fall on one of thousands of
requests through gunicorn but would fall on one of a few dozen at valgrind's pace.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tandem_bench \\
        .venv/bin/python bench/bench_instructions.py

PostgreSQL is the database `bench_audit.py` measures. A SQLite DATABASE_URL works too, but there
every signed-in request opens its connection anew (as the settings have it for SQLite), which
outweighs the rest of the request: its ratios say little about the goal.
"""

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bench_audit

LOGIN = "/accounts/login/"
# The libc function callgrind dumps its count before: os.getloadavg() is its only caller here.
MARK = "getloadavg"
WsgiApplication = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class InProcessClient(bench_audit.Client):
    """bench_audit's client (its cookies and sign-in) calling the WSGI application directly, with
    the environ a WSGI server builds from the request, instead of over a connection."""

    def __init__(self, application: WsgiApplication, cookies: dict[str, str] | None = None):
        self.application = application
        self.cookies = dict(cookies or {})

    def send(
        self, method: str, path: str, body: str | None, headers: dict[str, str]
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        content = (body or "").encode()
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1:8000",
            "CONTENT_LENGTH": str(len(content)),
            "wsgi.input": io.BytesIO(content),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0),
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in headers.items():
            key = name.upper().replace("-", "_")
            environ[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
        started: list[Any] = []

        def start_response(status: str, response_headers: list[tuple[str, str]], *_: Any) -> None:
            started[:] = [status, response_headers]

        result = self.application(environ, start_response)
        try:
            data = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()  # request_finished: Django's end of a request, as a server calls it
        return int(started[0].split()[0]), started[1], data


@dataclass(frozen=True)
class Measured:
    """One kind of request: who sends it and the paths it goes through in turn."""

    label: str
    client: str  # "anonymous" or "therapist"
    paths: list[str]


def _measured(charts: list[str]) -> list[Measured]:
    return [
        Measured("login page (anonymous)", "anonymous", [LOGIN]),
        Measured(
            f"signed in, nothing read ({bench_audit.SIGNED_IN_FRAME})",
            "therapist",
            [bench_audit.SIGNED_IN_FRAME],
        ),
        Measured("chart overview, audited read", "therapist", charts),
    ]


def _requests(client: bench_audit.Client, paths: list[str], n: int) -> None:
    for i in range(n):
        path = paths[i % len(paths)]
        status, _ = client.request("GET", path)
        if status != 200:
            raise SystemExit(f"GET {path} answered {status}")


def _clients(
    application: WsgiApplication, cookies: dict[str, dict[str, str]]
) -> dict[str, InProcessClient]:
    return {who: InProcessClient(application, jar) for who, jar in cookies.items()}


def _instrument() -> None:
    """Turn callgrind's counting on: it starts off, so that Django's start-up and the warming
    run several times faster. callgrind_control asks valgrind through vgdb, which valgrind
    reads between blocks of code it runs, so this process keeps running code until it is done;
    what it ran meanwhile falls before the first mark and is not counted."""
    control = subprocess.Popen(
        ["callgrind_control", "--instr=on", str(os.getpid())],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    while control.poll() is None:
        pass
    if control.returncode != 0:
        raise SystemExit(f"callgrind_control could not turn counting on: {control.stdout}")


def _cpu() -> tuple[float, float]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime, usage.ru_stime


def _timed(
    clients: dict[str, InProcessClient], measured: list[Measured], requests: int, slices: int
) -> list[tuple[float, float]]:
    """User and system CPU seconds per request for each path, the paths taking turns in
    `slices`."""
    spent = [(0.0, 0.0)] * len(measured)
    each = max(1, requests // slices)
    for _ in range(slices):
        for i, m in enumerate(measured):
            user, system = _cpu()
            _requests(clients[m.client], m.paths, each)
            now = _cpu()
            spent[i] = (spent[i][0] + now[0] - user, spent[i][1] + now[1] - system)
    return [(user / (each * slices), system / (each * slices)) for user, system in spent]


def child(plan_file: Path, native: bool) -> None:
    """A process like a fresh gunicorn worker: Django started, each path warmed; then either
    each path's runs of requests between two marks (under callgrind), or their CPU time
    (natively, printed as JSON)."""
    plan = json.loads(plan_file.read_text())
    bench_audit.setup_django()
    from tandem.wsgi import application

    clients = _clients(application, plan["cookies"])
    measured = [Measured(**m) for m in plan["measured"]]
    for m in measured:
        _requests(clients[m.client], m.paths, plan["warm"])
    if native:
        print(json.dumps(_timed(clients, measured, plan["native_requests"], plan["slices"])))
        return
    _instrument()
    for _ in range(plan["rounds"]):
        for m in measured:
            os.getloadavg()
            _requests(clients[m.client], m.paths, plan["requests"])
    os.getloadavg()


def _run_child(plan_file: Path, *, valgrind: list[str], native: bool) -> str:
    command = [*valgrind, sys.executable, str(Path(__file__).resolve()), "--child", str(plan_file)]
    done = subprocess.run(
        [*command, "--native"] if native else command,
        env={**os.environ, "PYTHONHASHSEED": "0"},
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:2])} ... failed ({done.returncode})")
    return done.stdout


def _counted(plan_file: Path, runs: int) -> list[int]:
    """Instructions of each of `runs` runs of requests, in order, from callgrind's dumps."""
    out = plan_file.parent / "callgrind.out"
    log = plan_file.parent / "valgrind.log"
    valgrind = [
        "valgrind",
        "--tool=callgrind",
        "--instr-atstart=no",
        f"--dump-before={MARK}",
        "--dump-instr=no",
        "--dump-line=no",
        f"--callgrind-out-file={out}",
        f"--log-file={log}",
    ]
    try:
        _run_child(plan_file, valgrind=valgrind, native=False)
    except SystemExit:
        print(log.read_text()[-3000:], file=sys.stderr)
        raise
    if not Path(f"{out}.{runs + 1}").exists() or Path(f"{out}.{runs + 2}").exists():
        raise SystemExit(f"callgrind did not dump once per {MARK}() call: something else calls it")

    def total(dump: int) -> int:
        for line in Path(f"{out}.{dump}").read_text().splitlines():
            if line.startswith("totals:"):
                return int(line.split()[1])
        raise SystemExit(f"no totals in callgrind dump {dump}")

    # Dump 1 is what ran between counting turned on and the first mark; dump k + 2 is run k.
    return [total(k + 2) for k in range(runs)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--requests", type=int, default=30, help="counted requests per path in each round"
    )
    parser.add_argument("--rounds", type=int, default=3, help="counted runs of each path")
    parser.add_argument("--warm", type=int, default=40, help="requests per path before measuring")
    parser.add_argument(
        "--native-requests", type=int, default=500, help="natively timed requests per path"
    )
    parser.add_argument("--slices", type=int, default=5, help="turns the paths take when timed")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--native", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.native)
        return
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (it is migrated and seeded).")

    # The idle clock is written into the session, and the database connection opened anew,
    # once a minute: once in thousands of requests through gunicorn, but once in a few dozen
    # at valgrind's pace, where it would be counted in one round and not the next. With an
    # hour for both, the clock is written at sign-in only and each process connects once,
    # before it measures.
    os.environ["TANDEM_IDLE_TIMEOUT_SECONDS"] = str(10 * 3600)
    os.environ["TANDEM_IDLE_WRITE_STEP_SECONDS"] = str(3600)
    os.environ["CONN_MAX_AGE"] = str(3600)
    bench_audit.setup_django()
    from django.core.management import call_command
    from django.db import connection

    from audit.models import AuditEvent
    from tandem.wsgi import application

    call_command("migrate", verbosity=0)
    charts = bench_audit.seed_caseloads(1, 1)
    therapist = next(iter(charts))
    clients = _clients(application, {"anonymous": {}, "therapist": {}})
    clients["therapist"].sign_in(therapist)
    measured = _measured(charts[therapist])
    before = AuditEvent.objects.count()
    connection.close()

    with tempfile.TemporaryDirectory(prefix="bench-instructions-") as workdir:
        plan_file = Path(workdir) / "plan.json"
        plan = {
            "cookies": {who: c.cookies for who, c in clients.items()},
            "measured": [m.__dict__ for m in measured],
            "warm": args.warm,
            "requests": args.requests,
            "rounds": args.rounds,
            "native_requests": args.native_requests,
            "slices": args.slices,
        }
        plan_file.write_text(json.dumps(plan))
        cpu = json.loads(_run_child(plan_file, valgrind=[], native=True))
        started = time.monotonic()
        runs = _counted(plan_file, len(measured) * args.rounds)
        minutes = (time.monotonic() - started) / 60
    written = AuditEvent.objects.count() - before
    chart_reads = 2 * args.warm + args.native_requests // args.slices * args.slices
    chart_reads += args.requests * args.rounds

    print(
        f"callgrind: {args.requests} requests per path in each of {args.rounds} rounds after "
        f"{args.warm} to warm ({minutes:.1f} min); native: {args.native_requests} per path in "
        f"{args.slices} turns; Python {sys.version.split()[0]}"
    )
    print(
        f"{'':<42} {'instr/req':>12} {'spread':>7} {'x login':>8}"
        f" {'CPU us/req':>11} {'x login':>8} {'user only':>10}"
    )
    by_path = [runs[i :: len(measured)] for i in range(len(measured))]
    per_request = [sum(r) / (len(r) * args.requests) for r in by_path]
    (login_user, login_system) = cpu[0]
    for m, r, instructions, (user, system) in zip(measured, by_path, per_request, cpu, strict=True):
        spread = (max(r) - min(r)) / (sum(r) / len(r))
        print(
            f"{m.label:<42} {instructions:>12,.0f} {spread:>6.2%} "
            f"{instructions / per_request[0]:>7.2f}x "
            f"{(user + system) * 1e6:>11.0f} {(user + system) / (login_user + login_system):>7.2f}x"
            f" {user / login_user:>9.2f}x"
        )
    print(f"audit events written: {written} for {chart_reads} chart reads")


if __name__ == "__main__":
    main()
