"""Tandem settings, read from the environment.

Safe for production by default: DEBUG is off, cookies are secure and a strict
Content-Security-Policy is sent. The demo (`run.py demo`) turns DEBUG and
TANDEM_DEMO on explicitly.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable strictly.

    A typo such as ``TANDEM_REQUIRE_2FA=ture`` must stop start-up rather than quietly turn a
    protection off.
    """
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a yes/no value. Use one of "
        f"{', '.join(sorted(TRUE_WORDS))} or {', '.join(sorted(FALSE_WORDS))}."
    )


def env_int(name: str, default: int) -> int:
    """Read a whole-number environment variable; a non-number stops start-up with its name."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


def env_secret(name: str, default: str | None = None) -> str | None:
    """A secret from NAME, or from the file named by NAME_FILE (Docker/K8s secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


DEBUG = env_bool("DEBUG")
TANDEM_DEMO = env_bool("TANDEM_DEMO")
TESTING = env_bool("TANDEM_TESTING") or "pytest" in sys.modules

# Management commands (migrations, checks) run without a key; the web server refuses to
# start without one unless DEBUG or the demo is on (tandem/wsgi.py).
SECRET_KEY_CONFIGURED = bool(env_secret("SECRET_KEY"))
SECRET_KEY = env_secret("SECRET_KEY") or "insecure-development-key-never-use-in-production"

# The audit chain's MAC key lives outside the database (audit/chain.py): AUDIT_KEY_FILE names
# the file, or AUDIT_KEY holds the key. Tests use a fixed key; the demo makes one under
# .tandem/ (run.py); DEBUG and demo databases made otherwise (benchmarks) use a fixed
# development key; without a key, writing an audit event stops with a clear message and
# the web server refuses to start (tandem/wsgi.py).
AUDIT_KEY = env_secret("AUDIT_KEY") or (
    "insecure-development-and-test-audit-key" if (DEBUG or TESTING or TANDEM_DEMO) else ""
)
# Signed checkpoints (audit/checkpoints.py): the private key signs, the public key verifies.
AUDIT_SIGNING_KEY_FILE = os.environ.get("AUDIT_SIGNING_KEY_FILE", "")
AUDIT_VERIFY_KEY_FILE = os.environ.get("AUDIT_VERIFY_KEY_FILE", "")

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
if DEBUG or TANDEM_DEMO or TESTING:
    ALLOWED_HOSTS += ["127.0.0.1", "localhost", "testserver"]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "accounts",
    "audit",
    "participants",
    "signin",
    "audittrail",
    "monitoring",
    "assessments",
    "intake",
    "placement",
    "scheduling",
    "attendance",
    "medications",
    "consent",
    "family",
    "screens",
    "safety",
    "discharge",
    "notes",
    "portal",
    "plans",
    "outcomes",
    "worklist",
    "casemanagement",
    "links",
    "checkins",
    "measurement",
    "billing",
    "fhirapi",
    "composition",  # the composition root: the URL map, the middleware, the demo command
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside every middleware that answers by itself (a resent API answer, a kiosk's
    # redirect, a sign-out), so each answer carries the headers that keep it out of caches
    # and frames.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "composition.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "signin.middleware.SignedInUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "signin.middleware.ResolvedUserMiddleware",
    "signin.middleware.IdleTimeoutMiddleware",
    "signin.middleware.TwoFactorRequiredMiddleware",
    "composition.once.OneSubmissionMiddleware",
    "composition.idempotency.IdempotencyKeyMiddleware",
    "tandem.api.NullCharacterMiddleware",
    "measurement.kiosk.KioskMiddleware",
    "composition.middleware.ProgramTimeZoneMiddleware",
    "participants.language.ParticipantLanguageMiddleware",
    "audit.middleware.RequestContextMiddleware",
    "participants.middleware.RequestDecisionsMiddleware",
]

ROOT_URLCONF = "composition.urls"
WSGI_APPLICATION = "tandem.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "composition.context_processors.tandem",
            ],
            "builtins": [
                "django.templatetags.i18n",
                "tandem.templatetags.clock",
                "tandem.templatetags.durations",
                "tandem.templatetags.words",
                "composition.templatetags.form_token",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'tandem.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo server and a management command share the file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a health check that sends nothing while the connection's socket
    # says the server has not ended it (tandem/postgresql/base.py): no round trip per page.
    DATABASES["default"]["ENGINE"] = "tandem.postgresql"
    # Pages run short queries: compiling one to machine code (PostgreSQL's JIT, which starts
    # above an estimated cost every large list reaches) took longer than running it.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en-us"
# The portal's languages; a participant's record says which one they read (participants.language).
LANGUAGES = [("en-us", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Production serves collected files; the demo and tests serve from the app folders directly.
STATIC_ROOT = None if (DEBUG or TESTING or TANDEM_DEMO) else BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not (DEBUG or TESTING or TANDEM_DEMO)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TANDEM_DEMO or TESTING

# Sessions live in the database so any number of stateless web servers can share them. With
# REDIS_URL (a cache every worker and server shares) a session is also kept in that cache and
# read from there, one query less per request; a signing-out deletes both copies. A cache of
# each process's own (no REDIS_URL) would let a signed-out session live on in another worker,
# so then the database alone holds them (signin.sessions: Django's store in a table whose rows
# name the signed-in user, read with that user and their roles in one round trip).
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if os.environ.get("REDIS_URL")
    else "signin.sessions"
)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
# A page's message ("Saved: <name>.") waits for the next page in the session, never in a
# cookie: a cookie goes back with every request, where a proxy's log may keep it.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
TANDEM_IDLE_TIMEOUT_SECONDS = env_int("TANDEM_IDLE_TIMEOUT_SECONDS", 15 * 60)
# The idle clock is written into the session at most once per step, not on every request, so
# most requests write no session row; the sign-out can come up to one step (at most a tenth of the
# quiet period) early, never late.
TANDEM_IDLE_WRITE_STEP_SECONDS = env_int("TANDEM_IDLE_WRITE_STEP_SECONDS", 60)

SECURE_COOKIES = env_bool("SECURE_COOKIES", default=not (DEBUG or TANDEM_DEMO or TESTING))
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY") else None
)
# Browsers keep to HTTPS for a year unless the deployment says otherwise (HSTS is only sent
# over HTTPS, so it never binds the plain-HTTP demo).
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if (DEBUG or TANDEM_DEMO) else 365 * 86400)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

# Staff must use TOTP two-factor unless the deployment explicitly allows skipping it
# (the demo and the test suite do; production must not).
TANDEM_REQUIRE_2FA = env_bool("TANDEM_REQUIRE_2FA", default=not (DEBUG or TANDEM_DEMO or TESTING))
TANDEM_LOGIN_MAX_FAILURES = env_int("TANDEM_LOGIN_MAX_FAILURES", 5)
TANDEM_LOGIN_LOCKOUT_SECONDS = env_int("TANDEM_LOGIN_LOCKOUT_SECONDS", 15 * 60)

# How many reverse proxies (TLS terminator, load balancer) stand in front of the app. Each
# appends the address it received the request from to X-Forwarded-For, so the client is the
# entry that many places from the end; with 0 the header is ignored (anyone can forge it).
TANDEM_TRUSTED_PROXIES = env_int("TANDEM_TRUSTED_PROXIES", 0)

# Failed sign-ins are counted per username and client address (django-axes): a wrong password
# from one address never locks the same account out for everyone else, and unknown usernames
# are counted (and answered) exactly like real ones.
# accounts.backends.UserBackend reads the signed-in user and whether they have a confirmed
# authenticator in one statement; Django's model backend after it only reads the sessions
# signed in before it was added (and tests' force_login), so nobody is signed out by it.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UserBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = TANDEM_LOGIN_MAX_FAILURES
AXES_COOLOFF_TIME = timedelta(seconds=TANDEM_LOGIN_LOCKOUT_SECONDS)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "tandem.client.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCK_OUT_AT_FAILURE = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# The audit trail records every sign-in; axes keeps only the failure counters.
AXES_DISABLE_ACCESS_LOG = True
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken", "next"]
# The sign-in service answers a lockout itself, on the sign-in page and in the audit trail,
# so axes' middleware (which would replace the page with its own) is not installed.
SILENCED_SYSTEM_CHECKS = [
    "axes.W002",
    # Covering indexes carry INCLUDE columns on PostgreSQL; SQLite ignores them and still
    # uses the index by its key columns, so its warning on every command is only noise.
    "models.W040",
]
TANDEM_BREAK_GLASS_MINUTES = env_int("TANDEM_BREAK_GLASS_MINUTES", 60)
# How long an API write's Idempotency-Key is remembered (tandem/idempotency.py).
TANDEM_IDEMPOTENCY_HOURS = env_int("TANDEM_IDEMPOTENCY_HOURS", 24)
# How long a FHIR bulk export's files are kept after it finished (docs/fhir.md).
TANDEM_FHIR_EXPORT_HOURS = env_int("TANDEM_FHIR_EXPORT_HOURS", 24)

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if (DEBUG or TANDEM_DEMO)
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tandem@localhost")
# Text messages (measurement.sms): printed in development, the demo and the tests; elsewhere
# none is sent until a provider's class is named here, as printing would log phone numbers
# and working single-use links.
TANDEM_SMS_SENDER = os.environ.get(
    "TANDEM_SMS_SENDER",
    "measurement.sms.ConsoleSmsSender"
    if (DEBUG or TANDEM_DEMO or TESTING)
    else "measurement.sms.UnconfiguredSmsSender",
)

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }
    if os.environ.get("REDIS_URL")
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Background work (tandem/tasks.py) goes through Django's task interface (django-tasks). The
# default queue lives in the database (`manage.py db_worker`; several workers on several
# machines share it); `rq` puts it on Redis (install django-tasks-rq, run `manage.py rqworker
# --job-class django_tasks_rq.Job`).
TANDEM_TASK_QUEUE = os.environ.get("TANDEM_TASK_QUEUE", "database").strip().lower()
TASKS: dict[str, dict[str, object]]
if TANDEM_TASK_QUEUE == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif TANDEM_TASK_QUEUE == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")}}
else:
    raise ImproperlyConfigured(
        f"TANDEM_TASK_QUEUE={TANDEM_TASK_QUEUE!r} is not a task queue Tandem knows: use "
        "database (the default) or rq."
    )

# Logs carry no participant data: only ids of records and users, never names or content.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        # Failed sign-ins are in the audit trail; axes need only say when something is wrong.
        "axes": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
