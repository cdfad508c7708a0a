"""Django settings, read only from environment variables.

No variable set gives the embedded demo: SQLite under var/, Celery tasks run in-process,
email written to var/outbox/. Every helper refuses values it cannot interpret instead of
guessing, so a typo in a deployment fails at start-up rather than in the middle of a send.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.getenv("CURATOR_VAR_DIR", BASE_DIR / "var"))


def envstr(name: str, default: str = "") -> str:
    return os.getenv(name, default)


def envbool(name: str, default: str) -> bool:
    value = os.getenv(name, default)
    if value not in ("", "True", "False", "true", "false", "1", "0"):
        raise ImproperlyConfigured(f"{name}={value!r}: use True or False")
    return value in ("True", "true", "1")


def envint(name: str, default: str) -> int:
    value = os.getenv(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r}: expected a whole number") from None


def envfloat(name: str, default: str) -> float:
    value = os.getenv(name, default)
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r}: expected a number") from None


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "True" if not os.getenv("SECRET_KEY") else "False")
SECRET_KEY = envstr("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-demo-key-set-SECRET_KEY-in-production"  # noqa: S105 - demo only
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = envstr("SITE_NAME", "Recommended Reading")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_celery_beat",
    "curator",
    "curator.feeds",
    "curator.ranking",
    "summarizer",
    "curator.editions",
    "curator.mailing",
]
# django-anymail is optional (`pip install -e '.[anymail]'`): when present, its provider backends can
# send and its tracking webhooks under /anymail/ report bounces and complaints (mailing/provider_events.py).
if importlib.util.find_spec("anymail") is not None:
    INSTALLED_APPS.append("anymail")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "curator.urls"
WSGI_APPLICATION = "curator.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = envstr("DATABASE_URL", "")
if not DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded demo keeps its SQLite file here
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'curator.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", "0"))}
except Exception as exc:  # dj_database_url raises bare ValueError/KeyError on unknown schemes
    raise ImproperlyConfigured(f"DATABASE_URL={DATABASE_URL!r}: {exc}") from None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = envstr("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Celery -------------------------------------------------------------------------------
REDIS_URL = envstr("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", "False" if REDIS_URL else "True")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- Email --------------------------------------------------------------------------------
EMAIL_HOST = envstr("EMAIL_HOST", "")
EMAIL_BACKEND = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = envstr("EMAIL_FILE_PATH", str(VAR_DIR / "outbox"))
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "False")
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", "False")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", "30")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Curator <newsletter@localhost>")
# An email provider through django-anymail (EMAIL_BACKEND=anymail.backends.<provider>.EmailBackend):
# every ANYMAIL_<NAME> variable becomes ANYMAIL["<NAME>"], e.g. ANYMAIL_POSTMARK_SERVER_TOKEN.
ANYMAIL = {name.removeprefix("ANYMAIL_"): value for name, value in os.environ.items() if name.startswith("ANYMAIL_")}
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Feeds --------------------------------------------------------------------------------
# Addresses (IPs or CIDRs) the fetcher may reach although they are private/loopback.
FEEDS_ALLOWED_NETWORKS = envlist("FEEDS_ALLOWED_NETWORKS")
FEEDS_USER_AGENT = envstr("FEEDS_USER_AGENT", f"Curator/0.1 (+{SITE_URL}; newsletter feed reader)")
FEEDS_CONNECT_TIMEOUT = envfloat("FEEDS_CONNECT_TIMEOUT", "5")
FEEDS_READ_TIMEOUT = envfloat("FEEDS_READ_TIMEOUT", "15")
FEEDS_DEADLINE = envfloat("FEEDS_DEADLINE", "30")
FEEDS_MAX_BYTES = envint("FEEDS_MAX_BYTES", str(10 * 1024 * 1024))
FEEDS_CONCURRENCY = envint("FEEDS_CONCURRENCY", "32")
FEEDS_PER_HOST_CONCURRENCY = envint("FEEDS_PER_HOST_CONCURRENCY", "4")
# Processes that parse feeds during a large batch (manage.py ingest); 1 parses in the fetching threads.
FEEDS_PARSE_PROCESSES = envint("FEEDS_PARSE_PROCESSES", str(min(4, os.cpu_count() or 1)))

# --- Summarizer ---------------------------------------------------------------------------
# Empty = offline extractive fallback. A hub id or a local directory otherwise.
SUMMARIZER_MODEL = envstr("SUMMARIZER_MODEL", "")
SUMMARIZER_TORCH_THREADS = envint("SUMMARIZER_TORCH_THREADS", "0")
SUMMARIZER_BATCH_SIZE = envint("SUMMARIZER_BATCH_SIZE", "16")
# Reorder float32 Linear weights once for oneDNN on CPU (summarizer/packing.py); False = stock layers.
SUMMARIZER_CPU_PACKING = envbool("SUMMARIZER_CPU_PACKING", "True")
# auto = the first CUDA GPU when torch sees one, else cpu; or any torch device name (cpu, cuda:1, mps).
SUMMARIZER_DEVICE = envstr("SUMMARIZER_DEVICE", "auto")

# --- Ranking ------------------------------------------------------------------------------
RANKING_EMBED_BATCH_SIZE = envint("RANKING_EMBED_BATCH_SIZE", "32")
RANKING_MAX_TOKENS = envint("RANKING_MAX_TOKENS", "256")  # of title + abstract embedded per entry
RANKING_MIN_POSITIVES = envint("RANKING_MIN_POSITIVES", "5")  # fewer picks: cold start on interests
RANKING_REFIT_DELAY = envint("RANKING_REFIT_DELAY", "60")  # seconds of quiet after a decision before a refit
RANKING_LIKELY_SCORE = envfloat("RANKING_LIKELY_SCORE", "0.5")  # "likely picks" filter: score at least this
RANKING_UNCERTAIN_MARGIN = envfloat("RANKING_UNCERTAIN_MARGIN", "0.15")  # "uncertain" filter: margin below this
# Two entries whose embeddings are at least this similar, published within the window, are one story.
RANKING_DUPLICATE_SIMILARITY = envfloat("RANKING_DUPLICATE_SIMILARITY", "0.92")
RANKING_DUPLICATE_WINDOW_DAYS = envint("RANKING_DUPLICATE_WINDOW_DAYS", "21")

# --- Editions / mailing -------------------------------------------------------------------
EDITIONS_DEFAULT_SECTIONS = envlist(
    "EDITIONS_DEFAULT_SECTIONS", "Feature,Research updates,Recommended reading,Livestreams,Updates"
)
MAILING_RATE_LIMIT = envfloat("MAILING_RATE_LIMIT", "0")  # messages per second, 0 = unlimited
MAILING_BATCH_SIZE = envint("MAILING_BATCH_SIZE", "100")
# A `sending` row older than this was claimed by a worker that died; it goes back to the queue.
# Keep it well above the time one batch takes (MAILING_BATCH_SIZE / MAILING_RATE_LIMIT x mail workers).
MAILING_CLAIM_TIMEOUT = envint("MAILING_CLAIM_TIMEOUT", "600")
MAILING_MAX_ATTEMPTS = envint("MAILING_MAX_ATTEMPTS", "6")  # transient failures before a row is failed
MAILING_RETRY_BACKOFF = envint("MAILING_RETRY_BACKOFF", "60")  # seconds, doubled per attempt
MAILING_BOUNCE_LIMIT = envint("MAILING_BOUNCE_LIMIT", "3")  # hard failures before a subscriber is bounced
# Mark rows sent without waiting for the WAL flush (PostgreSQL synchronous_commit=off, sending connection
# only). A worker crash loses nothing either way; only a database server crash could forget the last
# fraction of a second of "sent" marks, and those people would get a second copy with the same Message-ID.
MAILING_ASYNC_COMMIT = envbool("MAILING_ASYNC_COMMIT", "False")
MAILING_CONFIRM_MAX_AGE = envint("MAILING_CONFIRM_MAX_AGE", str(7 * 24 * 3600))  # seconds a confirm link lives

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    # httpx logs every request at INFO; a weekly ingest of hundreds of feeds would drown everything else.
    "loggers": {"httpx": {"level": "WARNING"}},
}
