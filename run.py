#!/usr/bin/env python3
"""Tandem's two commands: `python3.11 run.py demo` and `python3.11 run.py test`.

Both need only Python 3.11: they make a virtual environment in .venv, install the
pinned requirements into it once, and then run Django or pytest from it.
"""

import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
# Past participants the demo writes for the outcomes board (see outcomes/demo.py).
DEMO_HISTORY = 700


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


def manage(*args: str, env: dict) -> None:
    subprocess.run([str(PY), str(ROOT / "manage.py"), *args], check=True, env=env)


@contextlib.contextmanager
def background_worker(env: dict):
    """A `db_worker` beside the demo server (it solves schedules), stopped with the server."""
    worker = None
    if env.get("TANDEM_TASK_QUEUE", "database") == "database":
        worker = subprocess.Popen(
            [str(PY), str(ROOT / "manage.py"), "db_worker", "--no-reload", "--interval", "1"],
            env=env,
        )
    try:
        yield worker
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


def _stop_like_ctrl_c(signum: int, frame: object) -> None:
    """`kill` stops the demo as Ctrl+C does: the server and its worker both end."""
    raise KeyboardInterrupt


def demo_seed_args(args: list[str]) -> list[str]:
    """`seed_demo`'s arguments: the demo program, and a past of discharged participants so
    the outcomes board shows figures (unless `--history N` is given, N=0 to leave it out)."""
    if any(a == "--history" or a.startswith("--history=") for a in args):
        return args
    return [*args, "--history", str(DEMO_HISTORY)]


def demo(args: list[str]) -> int:
    ensure_venv("requirements.txt")
    env = {**os.environ, "TANDEM_DEMO": "1"}
    env.setdefault("SECRET_KEY", "demo-only-" + hashlib.sha256(str(ROOT).encode()).hexdigest())
    keys = ROOT / ".tandem"  # the demo's audit keys, outside the database and outside git
    if not (keys / "audit.key").exists():
        manage("audit_keys", "--create", str(keys), env=env)
    env.setdefault("AUDIT_KEY_FILE", str(keys / "audit.key"))
    env.setdefault("AUDIT_SIGNING_KEY_FILE", str(keys / "audit-signing.pem"))
    env.setdefault("AUDIT_VERIFY_KEY_FILE", str(keys / "audit-verify.pem"))
    manage("migrate", "--noinput", "-v", "0", env=env)
    manage("seed_demo", *demo_seed_args(args), env=env)
    print("\nTandem is running at http://127.0.0.1:8000  (Ctrl+C to stop)\n", flush=True)
    signal.signal(signal.SIGTERM, _stop_like_ctrl_c)
    with background_worker(env), contextlib.suppress(KeyboardInterrupt):
        manage("runserver", "127.0.0.1:8000", "--noreload", "--skip-checks", env=env)
    return 0


def test(args: list[str]) -> int:
    ensure_venv("requirements-dev.txt")
    pytest_args = ["-n", "2", "--dist", "loadfile"]
    if "--browser" in args:
        args = [a for a in args if a != "--browser"]
        pytest_args = ["-m", "browser", "-p", "no:xdist"]
    result = subprocess.run([str(PY), "-m", "pytest", *pytest_args, *args], cwd=ROOT)
    return result.returncode


if __name__ == "__main__":
    commands = {"demo": demo, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(
            "usage: python3.11 run.py demo [--participants N] [--history N] | test [--browser] [pytest args]"
        )
    sys.exit(commands[sys.argv[1]](sys.argv[2:]))
