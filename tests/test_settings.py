"""Production defaults are safe: no key, no start; debug off; secure cookies; CSP."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def _python(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "TANDEM_DEMO",
            "SECRET_KEY",
            "TANDEM_TESTING",
            "AUDIT_KEY",
            "AUDIT_KEY_FILE",
        }
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_web_server_refuses_to_start_without_a_secret_key():
    result = _python("import tandem.wsgi")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_the_web_server_refuses_to_start_without_an_audit_key():
    result = _python("import tandem.wsgi", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "Set AUDIT_KEY_FILE" in result.stderr


def test_the_web_server_loads_its_views_as_it_starts_not_on_the_first_request():
    code = "import sys, tandem.wsgi; print('tandem.api' in sys.modules, 'participants.views' in sys.modules)"
    result = _python(code, SECRET_KEY="x" * 50, AUDIT_KEY="y" * 50)
    assert result.stdout.split() == ["True", "True"], result.stderr


def test_starting_django_leaves_the_solver_and_its_libraries_unimported():
    """Every command, worker and web process starts Django; OR-Tools and pandas took 0.4 s
    of each start, and only a schedule solve needs them."""
    code = (
        "import os, sys, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'tandem.settings';"
        "django.setup(); print(sorted(m for m in ('ortools', 'pandas') if m in sys.modules))"
    )
    result = _python(code, SECRET_KEY="x" * 50)
    assert result.stdout.strip() == "[]", result.stderr


def test_production_defaults_are_safe():
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='tandem.settings';"
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.TANDEM_REQUIRE_2FA,"
        " 'script-src' in s.CONTENT_SECURITY_POLICY)"
    )
    result = _python(code, SECRET_KEY="x" * 50)
    assert result.stdout.split() == ["False", "True", "True", "True", "True"], result.stderr


def _setting(name: str, **env: str) -> subprocess.CompletedProcess:
    """`name` as a process starting Django reads it: the settings module is where start-up
    fails on a bad value, before any app loads, so only the settings are loaded."""
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='tandem.settings';"
        f"from django.conf import settings as s; print(s.{name})"
    )
    return _python(code, SECRET_KEY="x" * 50, **env)


def test_text_messages_are_printed_only_in_development_and_the_demo():
    """Printed messages end in the server's log, with a phone number and a working link."""
    unconfigured = "measurement.sms.UnconfiguredSmsSender"
    assert _setting("TANDEM_SMS_SENDER").stdout.split() == [unconfigured]
    console = _setting("TANDEM_SMS_SENDER", TANDEM_DEMO="1").stdout.split()
    assert console == ["measurement.sms.ConsoleSmsSender"]


def test_hsts_defaults_to_a_year_outside_debug_and_the_demo():
    assert _setting("SECURE_HSTS_SECONDS").stdout.split() == ["31536000"]
    assert _setting("SECURE_HSTS_SECONDS", TANDEM_DEMO="1").stdout.split() == ["0"]
    assert _setting("SECURE_HSTS_SECONDS", SECURE_HSTS_SECONDS="60").stdout.split() == ["60"]


def test_a_mistyped_yes_no_setting_stops_start_up_with_its_name():
    result = _setting("TANDEM_REQUIRE_2FA", TANDEM_REQUIRE_2FA="ture")
    assert result.returncode != 0
    assert "TANDEM_REQUIRE_2FA='ture' is not a yes/no value" in result.stderr
    for word, expected in [("off", "False"), ("Yes", "True"), ("0", "False")]:
        result = _setting("TANDEM_REQUIRE_2FA", TANDEM_REQUIRE_2FA=word)
        assert result.stdout.split() == [expected], result.stderr


def test_a_non_number_stops_start_up_with_its_name():
    result = _setting("TANDEM_TRUSTED_PROXIES", TANDEM_TRUSTED_PROXIES="one")
    assert result.returncode != 0
    assert "TANDEM_TRUSTED_PROXIES='one' is not a whole number" in result.stderr


def test_background_work_queues_in_the_database_by_default():
    result = _setting("TASKS['default']['BACKEND']")
    assert result.stdout.split() == ["django_tasks_db.DatabaseBackend"], result.stderr


def test_an_unknown_task_queue_stops_start_up():
    result = _setting("TASKS", TANDEM_TASK_QUEUE="celery")
    assert result.returncode != 0
    assert "TANDEM_TASK_QUEUE='celery' is not a task queue Tandem knows" in result.stderr


def test_sessions_are_cached_only_in_a_cache_every_worker_shares():
    alone = _setting("SESSION_ENGINE", REDIS_URL="")
    shared = _setting("SESSION_ENGINE", REDIS_URL="redis://127.0.0.1:6379/0")
    assert alone.stdout.split() == ["signin.sessions"], alone.stderr
    assert shared.stdout.split() == ["django.contrib.sessions.backends.cached_db"], shared.stderr


@pytest.mark.skipif(
    "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
    reason="a PostgreSQL setting",
)
def test_postgresql_connections_run_without_the_query_compiler(db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
