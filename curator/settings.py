"""Django settings, read only from environment variables.

No variable set gives the embedded demo: SQLite under var/, Celery tasks run in-process,
email written to var/outbox/. Every helper refuses values it cannot interpret instead of
guessing, so a typo in a deployment fails at start-up rather than in the middle of a send.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import os
from datetime import timedelta
from pathlib import Path
from typing import NoReturn

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from curator.mailing import webhook_config

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


def refuse(message: str) -> NoReturn:
    """Stop start-up with one line on stderr: a traceback would bury the one thing the operator must fix."""
    raise SystemExit(f"Curator will not start: {message}")


def url_password(url: str) -> str:
    """The password part of scheme://user:password@host/..., "" when there is none.

    Everything up to the last "@" counts as user info, so an unescaped "@" or "/" in the password
    is still found (over-redacting a path that holds "@" costs nothing).
    """
    _, sep, rest = url.partition("://")
    userinfo, at, _ = rest.rpartition("@")
    return userinfo.partition(":")[2] if sep and at else ""


def redact_url(url: str) -> str:
    """The URL with its password replaced, for messages that an operator may paste anywhere."""
    password = url_password(url)
    return url.replace(f":{password}@", ":***@", 1) if password else url


def envproxyheader(name: str) -> tuple[str, str] | None:
    """`HTTP_X_FORWARDED_PROTO,https`: the header a TLS-terminating proxy sets, and its https value."""
    value = envlist(name)
    if not value:
        return None
    if len(value) != 2 or not value[0].startswith("HTTP_"):
        raise ImproperlyConfigured(f"{name}={os.getenv(name)!r}: expected HTTP_<HEADER>,<value>")
    return value[0], value[1]


# Fail closed: without DEBUG=True (make run and the demo set it) this is a deployment, and a deployment
# must not run on a published key.
DEBUG = envbool("DEBUG", "False")
SECRET_KEY = envstr("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        refuse("SECRET_KEY is not set (set DEBUG=True only for the local demo)")
    SECRET_KEY = "insecure-demo-key-set-SECRET_KEY-in-production"  # noqa: S105 - demo only
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = envstr("SITE_NAME", "Recommended Reading")
# One or two sentences at the top of the public archive, telling a visitor what they would sign up for.
SITE_DESCRIPTION = envstr(
    "SITE_DESCRIPTION", "Each month, the papers and posts our team found worth reading, with a few lines on why."
)

# An https SITE_URL means the site is served over TLS: cookies never travel in clear, plain http is
# redirected, and browsers are told (HSTS) to use https only. Each is overridable; behind a proxy that
# terminates TLS, set SECURE_PROXY_SSL_HEADER or the redirect never sees a request as secure.
HTTPS = SITE_URL.startswith("https://")
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", str(HTTPS))
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", str(HTTPS))
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", str(HTTPS))
SECURE_REDIRECT_EXEMPT = [r"^healthz(/workers)?$"]  # the container healthcheck speaks plain http from inside
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", str(365 * 24 * 3600) if HTTPS else "0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", str(HTTPS))
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", str(HTTPS))
SECURE_PROXY_SSL_HEADER = envproxyheader("SECURE_PROXY_SSL_HEADER")

INSTALLED_APPS = [
    "curator.admin_site.CuratorAdminConfig",  # django.contrib.admin with Curator's site (title, menu order)
    "django.contrib.auth",
    "axes",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_celery_beat",
    "csp",
    "curator",
    "curator.outbox",
    "curator.feeds",
    "curator.ranking",
    "summarizer",
    "curator.editions",
    "curator.team",
    "curator.mailing",
    "curator.search",
]
# django-anymail is optional (`pip install -e '.[anymail]'`): when present, its provider backends can
# send and its tracking webhooks under /anymail/ report bounces and complaints (mailing/provider_events.py).
if importlib.util.find_spec("anymail") is not None:
    INSTALLED_APPS.append("anymail")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lockout response
]

# Content-Security-Policy on every response (django-csp): scripts only from our own origin, so markup that
# slips into a page still cannot run; no plugins, no framing, no <base> or form target elsewhere.
# default-src is left out on purpose: entry previews show feed images from anywhere and the admin uses
# inline styles, neither of which can run script.
CONTENT_SECURITY_DIRECTIVES = {
    "default-src": None,
    "script-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    # Browsers post each violation here (curator/csp_reports.py logs it as "CSP violation: ...").
    "report-uri": ["/csp-report/"],
}
CONTENT_SECURITY_POLICY = {"DIRECTIVES": CONTENT_SECURITY_DIRECTIVES}
# Violation reports accepted per client address per hour; the rest are answered 429 and not logged.
CSP_REPORTS_PER_IP_HOUR = envint("CSP_REPORTS_PER_IP_HOUR", "60")

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
    # Neither the URL nor the parser's message may carry the password into a log.
    reason, password = str(exc), url_password(DATABASE_URL)
    if password:
        reason = reason.replace(password, "***")
    refuse(f"DATABASE_URL={redact_url(DATABASE_URL)} cannot be used: {reason}")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# --- Admin login lockout (django-axes) ----------------------------------------------------
# Axes checks first, so a locked-out account or address is refused before its password is even tried.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")  # failed logins before the lock
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", "15"))
# Each item locks on its own: by address (one client guessing many accounts) and by account (many
# addresses guessing one). "username+ip_address" locks only that pair, which nobody else can trigger.
AXES_LOCKOUT_PARAMETERS = [
    item.split("+") if "+" in item else item for item in envlist("AXES_LOCKOUT_PARAMETERS", "ip_address,username")
]
# A success clears only that account's failures from that address (curator/login_lockout.py): axes' own
# reset also deleted the address's failures against every other account.
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "curator.login_lockout.LockoutHandler"
AXES_VERBOSE = False  # no banner at every start; failures and lockouts are still logged (client shown by lockout keys)
# X-Forwarded-For is read only from a socket peer inside TRUSTED_PROXIES (networks such as 10.0.0.0/8),
# stepping left across at most TRUSTED_PROXY_COUNT proxies; empty = the socket address is the client.
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES", "")
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", "1")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES entry {_proxy!r}: expected a network such as 10.0.0.0/8") from None
AXES_CLIENT_IP_CALLABLE = "curator.lib.client_ip.client_ip"

LANGUAGE_CODE = "en-us"
TIME_ZONE = envstr("TIME_ZONE", "UTC")
USE_I18N = True
# Plain words for a few of the admin's stock phrases ("Choose which entry to open"): curator/locale/en.
LOCALE_PATHS = [BASE_DIR / "curator" / "locale"]
# "4 December 2026, 15:42" on every page, not "Dec. 4, 2026, 3:42 p.m." (curator/formats/en/formats.py).
FORMAT_MODULE_PATH = ["curator.formats"]
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
# With a hostname: a bare "memory://" makes kombu warn "No hostname was supplied" on every connection.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", "False" if REDIS_URL else "True")
if not (REDIS_URL or DEBUG or envbool("CELERY_TASK_ALWAYS_EAGER", "False")):
    # Eager tasks in production send a whole issue inside one web request: only on purpose.
    refuse("REDIS_URL is not set (or set CELERY_TASK_ALWAYS_EAGER=True to run tasks inside web requests)")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Shared counters (sign-up limits) must be seen by every web process: Redis when there is one; the
# demo's single process gets by with local memory.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# Handed-over outbox rows are kept this long: they are the audit of what was queued, and the
# record that stops a late duplicate of a confirmation email (curator/outbox/handover.py).
OUTBOX_KEEP_DAYS = envint("OUTBOX_KEEP_DAYS", "7")
# Seconds after which a task held by a worker that stopped renewing it (killed, frozen, unplugged) is
# handed to another worker. Live workers renew their messages six times per lease (curator/broker_leases.py),
# so a slow task is never taken from a worker that is alive.
WORKER_LEASE_SECONDS = envint("WORKER_LEASE_SECONDS", "30")
if WORKER_LEASE_SECONDS < 6:
    raise ImproperlyConfigured(f"WORKER_LEASE_SECONDS={WORKER_LEASE_SECONDS}: use at least 6 (renewed every sixth)")
# Bearer token for GET /metrics (Prometheus text format, curator/metrics.py); empty: the endpoint is off (404).
METRICS_TOKEN = envstr("METRICS_TOKEN", "")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": WORKER_LEASE_SECONDS,
    # Look for abandoned messages often enough that one is back within about a lease and a sixth.
    "unacked_restore_interval": max(1, WORKER_LEASE_SECONDS // 6),
    "unacked_restore_throttle": 1,
    # A worker killed while re-queuing holds this lock; don't let it block the others for 5 minutes.
    "unacked_mutex_expire": WORKER_LEASE_SECONDS,
}

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
# The provider's bounce/complaint webhooks (/anymail/<provider>/tracking/) when EMAIL_BACKEND is an anymail
# provider: served only with ANYMAIL_WEBHOOK_SECRET (and the provider's signing key where it signs), and a
# deployment refuses to start without them (curator/mailing/webhook_config.py). False turns them off.
MAILING_WEBHOOKS = envbool("MAILING_WEBHOOKS", "True")
_webhook_problem = webhook_config.problem(EMAIL_BACKEND, ANYMAIL, MAILING_WEBHOOKS)
if _webhook_problem and not DEBUG:
    refuse(_webhook_problem)
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
# Seconds one feed document may take in a parser process before the process is killed.
FEEDS_PARSE_DEADLINE = envfloat("FEEDS_PARSE_DEADLINE", "20")

# A directory of feed files answered for https://demo.curator.invalid/<file> (the demo's sources);
# empty = that host is fetched like any other and never resolves. `make run` sets the bundled demo feeds.
FEEDS_LOCAL_DIR = envstr("FEEDS_LOCAL_DIR", "")

# --- Team ---------------------------------------------------------------------------------
# Where a suggested arXiv id is looked up (the arXiv API's query endpoint), through the feeds fetcher.
TEAM_ARXIV_API_URL = envstr("TEAM_ARXIV_API_URL", "https://export.arxiv.org/api/query")

# --- Summarizer ---------------------------------------------------------------------------
# Empty = offline extractive fallback. A hub id or a local directory otherwise.
SUMMARIZER_MODEL = envstr("SUMMARIZER_MODEL", "")
SUMMARIZER_TORCH_THREADS = envint("SUMMARIZER_TORCH_THREADS", "0")
SUMMARIZER_BATCH_SIZE = envint("SUMMARIZER_BATCH_SIZE", "16")
# Reorder float32 Linear weights once for oneDNN on CPU (summarizer/packing.py); False = stock layers.
SUMMARIZER_CPU_PACKING = envbool("SUMMARIZER_CPU_PACKING", "True")
# auto = the first CUDA GPU when torch sees one, else cpu; or any torch device name (cpu, cuda:1, mps).
SUMMARIZER_DEVICE = envstr("SUMMARIZER_DEVICE", "auto")
# Where drafts come from: `transformers` (a model loaded in the worker, SUMMARIZER_MODEL) or `openai` (any server
# speaking the OpenAI chat-completions API: vLLM, TGI, Ollama, llama.cpp's server, `transformers serve`, a hosted API).
SUMMARIZER_BACKEND = envstr("SUMMARIZER_BACKEND", "transformers").strip().lower()
if SUMMARIZER_BACKEND not in ("transformers", "openai"):
    raise ImproperlyConfigured(f"SUMMARIZER_BACKEND={SUMMARIZER_BACKEND!r}: choose transformers or openai")
# The server's API base (operator configuration: the feed SSRF guard does not apply), e.g. http://vllm:8000/v1.
SUMMARIZER_API_BASE = envstr("SUMMARIZER_API_BASE", "")
SUMMARIZER_API_MODEL = envstr("SUMMARIZER_API_MODEL", "")
# The key, or a file holding it (a mounted secret); the file wins when both are set.
SUMMARIZER_API_KEY = envstr("SUMMARIZER_API_KEY", "")
SUMMARIZER_API_KEY_FILE = envstr("SUMMARIZER_API_KEY_FILE", "")
if SUMMARIZER_API_KEY_FILE:
    try:
        SUMMARIZER_API_KEY = Path(SUMMARIZER_API_KEY_FILE).read_text().strip()
    except OSError as exc:
        raise ImproperlyConfigured(f"SUMMARIZER_API_KEY_FILE={SUMMARIZER_API_KEY_FILE!r}: {exc.strerror}") from exc
# Requests in flight at once when a batch of entries is drafted; servers with continuous batching use them all.
SUMMARIZER_API_CONCURRENCY = envint("SUMMARIZER_API_CONCURRENCY", "4")
if SUMMARIZER_API_CONCURRENCY < 1:
    raise ImproperlyConfigured(f"SUMMARIZER_API_CONCURRENCY={SUMMARIZER_API_CONCURRENCY}: use 1 or more requests")
# Hard deadline of one draft in seconds, retries and waits included; past it the draft is an extract.
SUMMARIZER_API_TIMEOUT = envfloat("SUMMARIZER_API_TIMEOUT", "60")
if SUMMARIZER_API_TIMEOUT <= 0:  # every draft would be an extract "within 0 s", without a single request
    raise ImproperlyConfigured(f"SUMMARIZER_API_TIMEOUT={SUMMARIZER_API_TIMEOUT:g}: use a deadline above 0 seconds")
# Knobs beyond the OpenAI API that this server accepts (vLLM, TGI and llama.cpp take top_k, repetition_penalty,
# min_tokens); any of top_k, repetition_penalty, min_new_tokens. Others are refused on the openai backend.
SUMMARIZER_API_EXTRA_KNOBS = envlist("SUMMARIZER_API_EXTRA_KNOBS")
# A misspelt name would leave its knob refused with a hint to list it, while the operator believes it is listed.
_unknown_knobs = sorted(set(SUMMARIZER_API_EXTRA_KNOBS) - {"top_k", "repetition_penalty", "min_new_tokens"})
if _unknown_knobs:
    raise ImproperlyConfigured(
        f"SUMMARIZER_API_EXTRA_KNOBS names {', '.join(_unknown_knobs)}: use top_k, repetition_penalty, min_new_tokens"
    )
# An A/B experiment: two profile names, comma-separated; every new entry is drafted with both instead of the
# default profile, and the profile report compares them. Empty = the default profile only.
SUMMARIZER_AB_PROFILES = envlist("SUMMARIZER_AB_PROFILES")
if SUMMARIZER_AB_PROFILES and len(SUMMARIZER_AB_PROFILES) != 2:
    raise ImproperlyConfigured(f"SUMMARIZER_AB_PROFILES={SUMMARIZER_AB_PROFILES!r}: name exactly two profiles, A,B")
# The playground runs its columns one after another in the web request; once this many seconds have gone,
# the columns left are listed as not run instead of holding the page (the first column always runs).
SUMMARIZER_PLAYGROUND_SECONDS = envfloat("SUMMARIZER_PLAYGROUND_SECONDS", "60")
if SUMMARIZER_PLAYGROUND_SECONDS < 0:
    raise ImproperlyConfigured(f"SUMMARIZER_PLAYGROUND_SECONDS={SUMMARIZER_PLAYGROUND_SECONDS}: use 0 or more seconds")

# --- Search (docs/search.md) ---------------------------------------------------------------
SEARCH_LANGUAGE = envstr("SEARCH_LANGUAGE", "english")  # PostgreSQL text search configuration
SEARCH_PER_IP_MINUTE = envint("SEARCH_PER_IP_MINUTE", "30")  # public searches per visitor per minute, 0 = no limit
SEARCH_PAGE_SIZE = envint("SEARCH_PAGE_SIZE", "10")  # public results per page
SEARCH_QUERY_THREADS = envint("SEARCH_QUERY_THREADS", "1")  # torch threads embedding one query
# "Have we covered this?" lists past picks at least this similar (MiniLM cosine) to the entry.
SEARCH_COVERED_SIMILARITY = envfloat("SEARCH_COVERED_SIMILARITY", "0.55")

# --- Ranking ------------------------------------------------------------------------------
RANKING_EMBED_BATCH_SIZE = envint("RANKING_EMBED_BATCH_SIZE", "32")
RANKING_MAX_TOKENS = envint("RANKING_MAX_TOKENS", "256")  # of title + abstract embedded per entry
RANKING_MIN_POSITIVES = envint("RANKING_MIN_POSITIVES", "5")  # fewer picks: cold start on interests
RANKING_REFIT_DELAY = envint("RANKING_REFIT_DELAY", "60")  # seconds of quiet after a decision before a refit
RANKING_LIKELY_SCORE = envfloat("RANKING_LIKELY_SCORE", "0.5")  # "likely picks" filter: score at least this
# Below this cosine similarity to every decided entry and to the interests text, an entry is a new topic
# and scored low (see docs/ranking.md for the measured distribution it rests on).
RANKING_NEW_TOPIC_SIMILARITY = envfloat("RANKING_NEW_TOPIC_SIMILARITY", "0.33")
# Two entries whose embeddings are at least this similar, published within the window, are one story.
RANKING_DUPLICATE_SIMILARITY = envfloat("RANKING_DUPLICATE_SIMILARITY", "0.92")
RANKING_DUPLICATE_WINDOW_DAYS = envint("RANKING_DUPLICATE_WINDOW_DAYS", "21")

# --- Editions / mailing -------------------------------------------------------------------
EDITIONS_DEFAULT_SECTIONS = envlist(
    "EDITIONS_DEFAULT_SECTIONS", "Feature,Research updates,Recommended reading,Livestreams,Updates"
)
# --- Team: reminders, link check, sign-off (curator/team/) ----------------------------------
TEAM_REMINDER_DAYS = envint("TEAM_REMINDER_DAYS", "3")  # days before an issue's due date that reminders start
TEAM_REQUIRE_APPROVAL = envbool("TEAM_REQUIRE_APPROVAL", "False")  # a second Publisher signs off before sending
# False: Mark ready skips the link check (a newsroom without internet access); Check links still works.
TEAM_LINKCHECK_BEFORE_READY = envbool("TEAM_LINKCHECK_BEFORE_READY", "True")
TEAM_LINKCHECK_CONCURRENCY = envint("TEAM_LINKCHECK_CONCURRENCY", "8")  # links checked at once (per host: FEEDS_)
TEAM_LINKCHECK_TIMEOUT = envfloat("TEAM_LINKCHECK_TIMEOUT", "10")  # seconds per link, redirects included
TEAM_LINKCHECK_SLOW_SECONDS = envfloat("TEAM_LINKCHECK_SLOW_SECONDS", "3")  # a link answering slower is marked slow
MAILING_RATE_LIMIT = envfloat("MAILING_RATE_LIMIT", "0")  # messages per second, 0 = unlimited
MAILING_BATCH_SIZE = envint("MAILING_BATCH_SIZE", "100")
# Lease on claimed `sending` rows, in seconds: the sending worker renews it every third of this while
# its batch goes out (curator/mailing/leases.py); a lease that lapses means the worker died, and the rows
# go back to the queue. Independent of batch size and rate limit; raise it only for a slow database.
MAILING_CLAIM_TIMEOUT = envint("MAILING_CLAIM_TIMEOUT", "30")
if MAILING_CLAIM_TIMEOUT < 3:
    raise ImproperlyConfigured(f"MAILING_CLAIM_TIMEOUT={MAILING_CLAIM_TIMEOUT}: use at least 3 (renewed every third)")
MAILING_MAX_ATTEMPTS = envint("MAILING_MAX_ATTEMPTS", "6")  # transient failures before a row is failed
MAILING_RETRY_BACKOFF = envint("MAILING_RETRY_BACKOFF", "60")  # seconds, doubled per attempt
MAILING_BOUNCE_LIMIT = envint("MAILING_BOUNCE_LIMIT", "3")  # hard failures before a subscriber is bounced
# Mark rows sent without waiting for the WAL flush (PostgreSQL synchronous_commit=off, sending connection
# only). A worker crash loses nothing either way; only a database server crash could forget the last
# fraction of a second of "sent" marks, and those people would get a second copy with the same Message-ID.
MAILING_ASYNC_COMMIT = envbool("MAILING_ASYNC_COMMIT", "False")
# Pick links in the email go through /r/<signed pick token>/ and are counted per pick and day (never per person).
MAILING_TRACK_CLICKS = envbool("MAILING_TRACK_CLICKS", "True")
# User-Agent fragments (case-insensitive) of mail security gateways and link-preview bots that fetch every
# link at delivery; their requests redirect but are not counted. An empty User-Agent is never counted either.
MAILING_CLICK_SCANNERS = envlist(
    "MAILING_CLICK_SCANNERS",
    "barracuda,proofpoint,mimecast,symantec,messagelabs,forcepoint,trend micro,fireeye,sophos,cisco,ironport,"
    "safelinks,urldefense,mailscanner,bot,crawler,spider,preview,python-requests,curl,wget,go-http-client",
)
MAILING_CONFIRM_MAX_AGE = envint("MAILING_CONFIRM_MAX_AGE", str(7 * 24 * 3600))  # seconds a confirm link lives
# Sign-up flood limits: one confirmation email per address per this many minutes, and at most this many
# sign-ups per client IP per hour (0 turns either off).
MAILING_CONFIRM_RESEND_MINUTES = envint("MAILING_CONFIRM_RESEND_MINUTES", "10")
MAILING_SIGNUPS_PER_IP_HOUR = envint("MAILING_SIGNUPS_PER_IP_HOUR", "20")
# In the eager demo (no beat), `manage.py runserver` starts scheduled sends from a thread of its own
# (curator/mailing/scheduler.py). Production runs `celery beat` and a mail worker instead.
MAILING_SCHEDULER_THREAD = envbool("MAILING_SCHEDULER_THREAD", str(CELERY_TASK_ALWAYS_EAGER))
MAILING_IMPORT_MAX_BYTES = envint("MAILING_IMPORT_MAX_BYTES", str(50 * 1024 * 1024))  # largest CSV import

LOG_LEVEL = envstr("LOG_LEVEL", "INFO")
# One line format for web, worker and beat: when, how bad, who, what.
LOG_FORMAT = "[%(asctime)s: %(levelname)s/%(name)s] %(message)s"
CELERY_WORKER_LOG_FORMAT = LOG_FORMAT
CELERY_WORKER_TASK_LOG_FORMAT = "[%(asctime)s: %(levelname)s/%(name)s] %(task_name)s[%(task_id)s]: %(message)s"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": LOG_FORMAT},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{asctime}: {levelname}/{name}] {message}",
            "style": "{",
        },
    },
    "filters": {"housekeeping": {"()": "curator.log_filters.HousekeepingAtDebug"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's default config gives "django" a console handler of its own; beside root's, every
        # line (runserver's included) was printed twice. Root prints them once; no ADMINS, no mail.
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # httpx logs every request at INFO; a weekly ingest of hundreds of feeds would drown everything else.
        "httpx": {"level": "WARNING"},
        # Tasks run inside the request when eager (the demo): a "Task ... succeeded" line for each is noise.
        # Failures are still logged (ERROR), and a real worker keeps its INFO lines.
        "celery.app.trace": {
            "level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO",
            "filters": ["housekeeping"],
        },
        # Periodic housekeeping (every 15 s) at DEBUG: curator/log_filters.py.
        "celery.worker.strategy": {"filters": ["housekeeping"]},
        "celery.beat": {"filters": ["housekeeping"]},
    },
}
