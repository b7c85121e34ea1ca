"""Settings for Pantau Janji Kupang, read from the environment.

SQLite and DEBUG off by default so a checkout works with no set-up; `make run` turns DEBUG on.
Production sets SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (see docs/deploy.md).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY wajib diisi bila DEBUG mati (SECRET_KEY is required when DEBUG is off).")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_ratelimit",
    "promises",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # an id per request (X-Request-ID), on the response and on every log line written meanwhile
    "promises.middleware.RequestIdMiddleware",
    # bodies capped by their declared length; file uploads only where one is expected (promises/request_limits.py)
    "promises.request_limits.RequestLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # whole pages for anonymous readers, never stale (promises/middleware.py, promises/cache.py)
    "promises.middleware.PageCacheMiddleware",
    # a view that finds the database down answers 503 with the error page (promises/middleware.py)
    "promises.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # last, as django-axes asks: it turns a locked-out login into its own response
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kupang.urls"
WSGI_APPLICATION = "kupang.wsgi.application"

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
                "promises.permissions.editing",
            ],
        },
    },
]

# SQLite by default so that a checkout runs as it is; DATABASE_URL switches to PostgreSQL (psycopg 3).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        # Off by default: a health check is one more round trip ("SELECT 1") on every request. Django still
        # drops a connection that failed; after a database restart a worker's first request may fail once.
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS"),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The tracker's data fits in memory many times over, so a random read costs about what a sequential one does
    # (1.1 is the usual value for SSDs and cached data; PostgreSQL's default 4 is for spinning disks). With 4 the
    # planner hashes a whole table to join a page's rows to it: 20 ms instead of 3 at 100x (docs/benchmark.md).
    # join_collapse_limit 1: joins in the order Django writes them (the page's table first, then each related row
    # by its key, which is the plan anyway); searching every order of the log's eight select_related tables took
    # 6–11 ms of planning for 1–3 ms of execution.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c random_page_cost={os.environ.get('PG_RANDOM_PAGE_COST', '1.1')}"
        f" -c join_collapse_limit={os.environ.get('PG_JOIN_COLLAPSE_LIMIT', '1')}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "promises:home"
LOGOUT_REDIRECT_URL = "promises:home"

# Login throttling (django-axes): lock a username from one IP after 5 failures for 15 minutes, so one
# carrier's shared IP (common on phones in Kupang) does not lock every editor out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Tries while locked do not restart the 15 minutes: someone on the same carrier address cannot keep an editor out.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
# Behind nginx (deploy/nginx.conf) the client's address comes from X-Real-IP, which nginx overwrites; it is
# trusted from a proxy on this machine always, and from a proxy elsewhere with BEHIND_PROXY=true.
BEHIND_PROXY = env_bool("BEHIND_PROXY")
# A verdict (Ditepati, Ditepati sebagian, Tidak ditepati, Tidak dapat diverifikasi) is public only once a second
# editor approves it; a one-person team sets VERDICTS_NEED_SECOND_EDITOR=false.
VERDICTS_NEED_SECOND_EDITOR = env_bool("VERDICTS_NEED_SECOND_EDITOR", True)
AXES_CLIENT_IP_CALLABLE = "promises.permissions.client_ip"

# Readers' reports (issue 13). At most REPORTS_PER_HOUR and REPORTS_PER_DAY from one client address (IPv6: per
# /64), counted in the shared cache by django-ratelimit with the same address rule as the login throttle.
REPORTS_PER_HOUR = int(os.environ.get("REPORTS_PER_HOUR", "5"))
REPORTS_PER_DAY = int(os.environ.get("REPORTS_PER_DAY", "20"))
RATELIMIT_IP_META_KEY = "promises.permissions.client_ip"
# A reader's WhatsApp number or e-mail is erased this many days after the report is closed
# (`manage.py purge_report_contacts`, run daily by deploy/pantau-janji-purge.timer).
REPORT_CONTACT_DAYS = int(os.environ.get("REPORT_CONTACT_DAYS", "90"))
# E-mail editors (active users who may work the queue and have an address) when a report arrives.
REPORT_EMAILS = env_bool("REPORT_EMAILS")
# Django's mailers (6.1). With REPORT_EMAILS off nothing sends mail and the console stands in; with it on the
# default is SMTP: EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS (EMAIL_BACKEND
# chooses another backend, e.g. the console one to try it out).
_EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if REPORT_EMAILS
    else "django.core.mail.backends.console.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": _EMAIL_BACKEND,
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS"),
        }
        if _EMAIL_BACKEND.endswith("smtp.EmailBackend")
        else {},
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Makassar"  # Kupang is WITA (UTC+8)
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# A file every app process on this machine may write: a new data version touches it, and a process reuses the
# versions it read last until it changes, so a cache hit costs no query (promises/cache.py). Empty: off.
VERSION_STAMP_FILE = os.environ.get("VERSION_STAMP_FILE", "")
# The open-data files, written once per data version (promises/downloads.py); the app must be able to write here.
DOWNLOADS_DIR = Path(os.environ.get("DOWNLOADS_DIR", BASE_DIR / "downloads"))
# nginx in front serves those files itself: the internal location that maps to DOWNLOADS_DIR (deploy/nginx.conf),
# e.g. /_unduhan/. Empty: the app sends the files (FileResponse).
DOWNLOADS_X_ACCEL = os.environ.get("DOWNLOADS_X_ACCEL", "")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# favicon.ico and the like, served at the site's root (browsers ask for /favicon.ico whatever the page says)
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0

# A cache shared by every app process (promises/cache.py relies on it): the database by default, Redis when
# CACHE_URL=redis://... is set (needs the `redis` package). The table is created by a migration. The data
# version never expires and must never be evicted: the database cache here keeps it when it culls; Redis
# needs a `volatile-*` maxmemory-policy (pages expire, the version does not) or no maxmemory.
CACHE_URL = os.environ.get("CACHE_URL", "db")
if CACHE_URL.startswith("redis://") or CACHE_URL.startswith("rediss://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
elif CACHE_URL == "locmem":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "promises.cache.DatabaseCache",
            "LOCATION": "django_cache",
            "OPTIONS": {"MAX_ENTRIES": 5000, "CULL_FREQUENCY": 4},
        }
    }
# django-ratelimit names the caches it knows; ours are shared and count atomically too: the database cache
# (promises.cache.DatabaseCache locks the row in `incr`) and Redis. LocMemCache (CACHE_URL=locmem) is one
# process's only: fine for a test or a one-process dev server, which is all it is used for.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001", *(["django_ratelimit.E003"] if CACHE_URL == "locmem" else [])]
# SQLite (the local `make run`) builds the covering indexes without their INCLUDE columns, which is all they are
# there for on PostgreSQL (Promise.Meta.indexes); the warning says so on every start.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    SILENCED_SYSTEM_CHECKS.append("models.W040")
# "A development-only e-mail backend": only while the site sends no mail at all (REPORT_EMAILS off).
if not REPORT_EMAILS:
    SILENCED_SYSTEM_CHECKS.append("mail.E001")

# Security. Production values are on unless DEBUG; `check --deploy` is clean with them.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

from django.utils.csp import CSP, build_policy  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}


def static_file_headers(headers, path: str, url: str) -> None:
    """whitenoise answers before the CSP and frame middleware run: static files get their headers here."""
    headers["Content-Security-Policy"] = build_policy(SECURE_CSP)
    headers["X-Frame-Options"] = X_FRAME_OPTIONS


WHITENOISE_ADD_HEADERS_FUNCTION = static_file_headers

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # request_id: promises.middleware.RequestIdMiddleware, so an error line leads to its request
    "filters": {
        "request_id": {"()": "promises.middleware.RequestIdFilter"},
        "suspicious_request": {"()": "promises.middleware.SuspiciousRequestFilter"},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False, "filters": ["request_id"]},
        # requests anyone can send, refused with 400: one WARNING line each, not an ERROR with a traceback
        **{
            f"django.security.{name}": {"filters": ["suspicious_request"]}
            for name in (
                "DisallowedHost",
                "RequestDataTooBig",
                "TooManyFieldsSent",
                "TooManyFilesSent",
                "SuspiciousMultipartForm",
                "SuspiciousSession",
                "InvalidSessionKey",
            )
        },
    },
}
