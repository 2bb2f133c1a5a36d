"""Production defaults are safe: no key, no start; debug off; secure cookies; CSP."""

import os
import subprocess
import sys
from pathlib import Path

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


def test_production_defaults_are_safe():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='tandem.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.TANDEM_REQUIRE_2FA,"
        " 'script-src' in s.CONTENT_SECURITY_POLICY)"
    )
    result = _python(code, SECRET_KEY="x" * 50)
    assert result.stdout.split() == ["False", "True", "True", "True", "True"], result.stderr
