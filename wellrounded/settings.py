"""Settings, read from environment variables with safe local defaults.

Nothing secret lives in the repository: SECRET_KEY comes from the environment or, for a local
install, from a file generated on first run in the data directory (which git ignores).
"""

import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url

from wellrounded.sqlite_files import database_name

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def local_secret_key(path: Path) -> str:
    """Return the key stored at `path`, creating it (mode 0600) on first use."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


DATA_DIR = Path(os.environ.get("WR_DATA_DIR", BASE_DIR / "var"))
DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY") or local_secret_key(DATA_DIR / "secret_key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_NAME = "Well-Rounded"

# Behind TLS (any real deployment) set HTTPS=true: cookies become Secure, HTTP redirects to
# HTTPS and browsers are told to remember that (HSTS). Off by default so `make run` works on
# plain http://127.0.0.1.
HTTPS = env_bool("HTTPS")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 63072000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
BEHIND_PROXY = env_bool("BEHIND_PROXY")
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The client's address, for per-client sign-in limits: behind N reverse proxies of yours, the
# N-th address from the right of X-Forwarded-For (one proxy when BEHIND_PROXY is on), or the
# header your proxy sets (e.g. X-Real-IP). Never trusted when nothing is configured.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT") or int(BEHIND_PROXY))
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = os.environ.get("TRUSTED_CLIENT_IP_HEADER") or None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(timedelta(days=14).total_seconds())
STAFF_IDLE_SECONDS = int(os.environ.get("STAFF_IDLE_MINUTES", "30")) * 60
# Error reports (e.g. emails to ADMINS) never include submitted form values: students' answers
# and notes are as sensitive as passwords.
DEFAULT_EXCEPTION_REPORTER_FILTER = "wellrounded.error_reports.NoPostDataFilter"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Single sign-on through each school's identity provider (sso/): OpenID Connect and SAML.
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "wellrounded",
    "accounts",
    "schools",
    "support",
    "circles",
    "vault",
    "checkins",
    "habits",
    "insights",
    "cohorts",
    "learn",
    "planner",
    "sso",
    "reminders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "wellrounded.write_faults.WriteFaultMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "wellrounded.middleware.IdempotentReplayMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffMFARequiredMiddleware",
    "accounts.middleware.SchoolTimeMiddleware",
    "sso.middleware.IdentityProviderFormActionMiddleware",
    "accounts.middleware.SingleValuedAPIQueryMiddleware",
    "wellrounded.middleware.MethodNotAllowedPageMiddleware",
]

ROOT_URLCONF = "wellrounded.urls"
WSGI_APPLICATION = "wellrounded.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "wellrounded" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wellrounded.context_processors.role",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'wellrounded.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
SQLITE_OPTIONS = {
    # Django's own SQLite backend, configured (as healthchecks does): WAL lets readers run
    # while one writer commits; IMMEDIATE takes the write lock at BEGIN so concurrent writers
    # wait in SQLite's busy handler (up to `timeout` seconds) instead of failing
    # mid-transaction. Checkpoints every 10,000 pages (about 40 MB) rather than SQLite's 1,000
    # copy a page that many check-ins changed (a cohort's rollup row, an index page) back once,
    # not ten times; the WAL file is trimmed back to 64 MB after each. Reads go through a
    # memory map.
    "init_command": (
        "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=20000;"
        "PRAGMA wal_autocheckpoint=10000;PRAGMA journal_size_limit=67108864;"
        "PRAGMA mmap_size=268435456"
    ),
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
    # Read-only on a read-only disk (wellrounded/sqlite_files.py); its files are made private
    # as each connection opens (the connection_created receiver).
    DATABASES["default"]["NAME"] = database_name(str(DATABASES["default"]["NAME"]))
    # Tests use a real file (not shared-cache memory), so concurrency tests see the same
    # WAL locking behaviour as production; one file per test process.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"wellrounded-test-{os.getpid()}.sqlite3")
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# A shared cache (the database) so login-failure limits and used TOTP codes hold across
# every web process, not just the one that saw the request.
# Days after a week ends before its figures are published (a check-in queued offline on
# Sunday night still counts); see docs/privacy-model.md.
PUBLICATION_GRACE_DAYS = int(os.environ.get("PUBLICATION_GRACE_DAYS", "2"))
# Coarsen before hiding (#21): a hidden rotation week shows its group's figure that week, or
# its 4-week block's, where one passes every rule (cohorts/coarsening.py). Off: dashes only.
COARSENING = os.environ.get("COARSENING", "1") != "0"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "wellrounded_cache",
    }
}

AUTHENTICATION_BACKENDS = [
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Sessions live in the database (so signing out ends them everywhere): Django's engine, with
# each session's user in a column of its own, so deleting a user deletes their sessions
# (accounts/sessions.py). What a request needs to know of its user's school (enrollment,
# school, cohort, time zone, staff role) is kept in the session (accounts/identity.py).
SESSION_ENGINE = "accounts.sessions"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: email is the login; every address is verified before use; responses never
# reveal whether an email is registered.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_SESSION_REMEMBER = None
# Messages name the account by its email ("Successfully signed in as …"), not "user 2".
ACCOUNT_USER_DISPLAY = "accounts.identity.account_name"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Well-Rounded] "
# Wrong passwords are counted per account and per (account, client), never per address alone
# (a campus network, or a proxy, puts everyone behind one): five from one client in 15 minutes
# lock that account for that client, twenty from anywhere lock it for everyone, each until the
# window passes (accounts/sign_in_limits.py). Wrong second-factor codes: five per account.
# Sign-in attempts of any outcome: a flood brake per client address, sized for a campus.
ACCOUNT_ADAPTER = "accounts.sign_in_limits.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login_failed_from_client": "5/15m/key",
    "login_failed_for_account": "20/15m/key",
    "login_failed": "5/15m/key",
    "login": "120/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",  # nosec B105
}
# Single sign-on (sso/, docs/adr/0009-single-sign-on.md): each school's identity provider is
# configured by its administrator in the app, never here; the adapter builds allauth's apps
# from those settings and refuses an address outside the school's allowed domains. A new
# account made through it still says yes to who sees what (sso.forms.SignupForm).
SOCIALACCOUNT_ADAPTER = "sso.adapter.SocialAccountAdapter"
SOCIALACCOUNT_FORMS = {"signup": "sso.forms.SignupForm"}
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# TOTP secrets and recovery-code seeds are encrypted at rest under a key wrapped by the
# master keys (accounts/mfa.py): a copy of the database cannot make anyone's codes.
MFA_ADAPTER = "accounts.mfa.MFAAdapter"
MFA_TOTP_ISSUER = SITE_NAME

EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Background work (campaign invitations and reminders) goes through Django's task API
# (DEP 14). The default backend stores tasks in our own database; `manage.py run_worker` runs
# them. TASKS_BACKEND=immediate runs each task inside the request instead (no worker needed).
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[os.environ.get("TASKS_BACKEND", "database")],
    }
}
# Web Push (reminders/vapid.py): the VAPID private key (PEM, or base64url of the raw 32-byte
# key), generated into the data directory when unset; and the contact push services see.
VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")
VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:admin@localhost")
# The server posts to the address a browser subscribed with, so only push services' https
# hosts are accepted (Chrome/Edge/Android, Firefox, Safari, Windows) unless more are named.
PUSH_SERVICE_HOSTS = env_list(
    "PUSH_SERVICE_HOSTS",
    "fcm.googleapis.com,push.services.mozilla.com,push.apple.com,notify.windows.com",
)
PUSH_EXTRA_ORIGINS = env_list("PUSH_EXTRA_ORIGINS", "")
# Links in emails (the worker has no request to build them from).
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Well-Rounded <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# `collectstatic` writes the manifest that the hashed-name storage looks every file up in.
# Without it (a newcomer's `runserver` straight after `migrate`) every page would fail on its
# first {% static %}: serve the source files under their own names instead (and `check
# --deploy` says so, wellrounded/checks.py). `make run` and any deployment run collectstatic first.
STATIC_MANIFEST_MISSING = not DEBUG and not (STATIC_ROOT / "staticfiles.json").exists()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if STATIC_MANIFEST_MISSING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or STATIC_MANIFEST_MISSING

# Strict CSP: scripts and styles only from our own origin, never inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
