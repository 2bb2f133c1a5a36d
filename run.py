#!/usr/bin/env python3
"""Tandem's two commands: `python3.11 run.py demo` and `python3.11 run.py test`.

Both need only Python 3.11: they make a virtual environment in .venv, install the
pinned requirements into it once, and then run Django or pytest from it.
"""

import contextlib
import hashlib
import http.client
import os
import signal
import subprocess
import sys
import threading
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
# Past participants the demo writes for the outcomes board (see outcomes/demo.py).
DEMO_HISTORY = 700
DEMO_ADDRESS = "127.0.0.1:8000"


def ensure_venv(requirements: str) -> None:
    """Create .venv and install the pinned requirements when they changed."""
    if sys.version_info[:2] != (3, 11):
        sys.exit(f"Tandem needs Python 3.11; this is {sys.version.split()[0]}.")
    if not PY.exists():
        print("Creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    files = [ROOT / "requirements.txt", ROOT / requirements]
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()
    stamp = VENV / f".installed-{requirements}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    print(f"Installing {requirements} into .venv (first run only) …", flush=True)
    subprocess.run(
        [
            str(PY),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
            str(ROOT / requirements),
        ],
        check=True,
    )
    stamp.write_text(digest)


def command(*args: str) -> list[str]:
    return [str(PY), str(ROOT / "manage.py"), *args]


def manage(*args: str, env: dict) -> None:
    subprocess.run(command(*args), check=True, env=env)


def _pass_on(log, spoke: threading.Event) -> None:
    """Copy a child's log to ours line by line; `spoke` is set after its first line."""
    for line in log:
        sys.stderr.write(line)
        sys.stderr.flush()
        spoke.set()
    spoke.set()


@contextlib.contextmanager
def background_worker(env: dict):
    """A `db_worker` beside the demo server (it solves schedules), stopped with the server;
    yields an event set once the worker has said it started."""
    worker = None
    started = threading.Event()
    if on_database(env):
        worker = subprocess.Popen(
            command("db_worker", "--no-reload", "--interval", "1"),
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        threading.Thread(target=_pass_on, args=(worker.stderr, started), daemon=True).start()
    else:
        started.set()
    try:
        yield started
    finally:
        if worker is not None:
            stop(worker)


def stop(process: subprocess.Popen) -> None:
    """End a child as Ctrl+C would have, or for good if it does not within 15 s."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def serving(server: subprocess.Popen, seconds: float = 120) -> bool:
    """Whether the demo server serves its login page before it ends or `seconds` pass (only
    a 200 counts: another program may hold the port)."""
    host, port = DEMO_ADDRESS.split(":")
    deadline = time.monotonic() + seconds
    while server.poll() is None and time.monotonic() < deadline:
        connection = http.client.HTTPConnection(host, int(port), timeout=5)
        try:
            connection.request("GET", "/accounts/login/")
            if connection.getresponse().status == 200:
                return True
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.2)
    return False


def _stop_like_ctrl_c(signum: int, frame: object) -> None:
    """`kill` stops the demo as Ctrl+C does: the server and its worker both end."""
    raise KeyboardInterrupt


def demo_seed_args(args: list[str], env: dict) -> list[str]:
    """`seed_demo`'s arguments: the demo program, and a past of discharged participants so
    the outcomes board shows figures (unless `--history N` is given, N=0 to leave it out);
    on the database queue it ends by starting the daily jobs in its own process (reminders,
    the check-in sweep), while on Redis they are left to the operator (README)."""
    daily_jobs = ["--start-daily-jobs"] if on_database(env) else []
    if any(a == "--history" or a.startswith("--history=") for a in args):
        return [*args, *daily_jobs]
    return [*args, "--history", str(DEMO_HISTORY), *daily_jobs]


def on_database(env: dict) -> bool:
    """Whether the demo's background work waits in the database (django-tasks-db)."""
    return env.get("TANDEM_TASK_QUEUE", "database") == "database"


def demo(args: list[str]) -> int:
    ensure_venv("requirements.txt")
    # Unbuffered, so what the server and the worker print comes in order when piped too.
    env = {**os.environ, "TANDEM_DEMO": "1", "PYTHONUNBUFFERED": "1"}
    env.setdefault("SECRET_KEY", "demo-only-" + hashlib.sha256(str(ROOT).encode()).hexdigest())
    keys = ROOT / ".tandem"  # the demo's audit keys, outside the database and outside git
    if not (keys / "audit.key").exists():
        manage("audit_keys", "--create", str(keys), env=env)
    env.setdefault("AUDIT_KEY_FILE", str(keys / "audit.key"))
    env.setdefault("AUDIT_SIGNING_KEY_FILE", str(keys / "audit-signing.pem"))
    env.setdefault("AUDIT_VERIFY_KEY_FILE", str(keys / "audit-verify.pem"))
    manage("migrate", "--noinput", "-v", "0", env=env)
    manage("seed_demo", "--quiet-logins", *demo_seed_args(args, env), env=env)
    logins = subprocess.run(
        command("demo_logins"), check=True, env=env, capture_output=True, text=True
    ).stdout
    if on_database(env):
        # What the seeding left due, and the daily jobs' first run (the demo program's
        # reminders when its morning has come in Chicago), run now, so their log comes before
        # the logins.
        manage("db_worker", "--batch", "--no-startup-delay", env=env)
    signal.signal(signal.SIGTERM, _stop_like_ctrl_c)
    code = 0
    with background_worker(env) as worker_started, contextlib.suppress(KeyboardInterrupt):
        server = subprocess.Popen(
            command("runserver", DEMO_ADDRESS, "--noreload", "--skip-checks"), env=env
        )
        try:
            if serving(server):
                worker_started.wait(timeout=10)
                print(f"\nTandem is running at http://{DEMO_ADDRESS}  (Ctrl+C to stop)\n")
                print(logins, end="", flush=True)
            code = server.wait()
        finally:
            stop(server)
    return code


def test(args: list[str]) -> int:
    ensure_venv("requirements-dev.txt")
    # Two workers, each taking whole files (tests/distribution.py); the browser tests too, each
    # worker with its own chromium, live server and database file, since they mostly wait.
    pytest_args = ["-n", "2", "--dist", "loadfile"]
    if "--browser" in args:
        args = [a for a in args if a != "--browser"]
        pytest_args += ["-m", "browser"]
    result = subprocess.run([str(PY), "-m", "pytest", *pytest_args, *args], cwd=ROOT)
    return result.returncode


if __name__ == "__main__":
    commands = {"demo": demo, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(
            "usage: python3.11 run.py demo [--participants N] [--history N] | test [--browser] [pytest args]"
        )
    sys.exit(commands[sys.argv[1]](sys.argv[2:]))
