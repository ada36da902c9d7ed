"""The portal's one settings module: every value comes from the environment (see README, "Configuration").

Production defaults are safe: DEBUG is off, cookies are secure, a SECRET_KEY must be given. With no
DATABASE_URL / REDIS_URL the portal runs on an embedded SQLite file and a server-less filesystem broker.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("PORTAL_DATA_DIR", str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DJANGO_DEBUG", False)

_secret = env_str("DJANGO_SECRET_KEY", "")
if not _secret:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off.")
    _secret = "dev-only-insecure-key-never-used-in-production-0123456789abcdefghijklmnop"
SECRET_KEY = _secret

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# The one policy profile this deployment runs under (accounts/profiles/<slug>.json).
POLICY_PROFILE = env_str("POLICY_PROFILE", "bloomington")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_htmx",
    "django_celery_beat",
    "axes",
    "audit",
    "accounts",
    "approvals",
    "investigations",
    "retention",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "audit.middleware.RequestContextMiddleware",
    # AxesMiddleware last: it turns a lockout into the lockout response (CJIS AC-7).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "policy_portal.urls"
WSGI_APPLICATION = "policy_portal.wsgi.application"

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
                "accounts.context_processors.portal",
            ],
        },
    },
]

_database_url = env_str("DATABASE_URL", "")
if _database_url:
    if _database_url.split("://", 1)[0] not in {"postgres", "postgresql", "pgsql", "sqlite"}:
        raise ImproperlyConfigured("DATABASE_URL must be a postgres:// (or sqlite://) URL.")
    try:
        DATABASES = {"default": environ.Env.db_url_config(_database_url)}
    except Exception as exc:  # django-environ raises a bare error on an unknown scheme
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL we understand: {exc}") from exc
    DATABASES["default"]["ATOMIC_REQUESTS"] = False
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "portal.sqlite3",
            # SQLite serialises writers; wait for the lock rather than fail under a worker + web server.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.Member"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("PORTAL_TIME_ZONE", "America/Chicago")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security baseline (FBI CJIS Security Policy 5.9.5, see shared/legal-notes.md) -------------------
# AC-11/AC-12: a session locks after 30 idle minutes and ends on logout.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# AC-7: lock after 5 consecutive failures; only an administrator releases it (no cool-off).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = None
AXES_LOCKOUT_PARAMETERS = ["username"]
# W006 warns that username-only lockout can be dodged by rotating IPs; CJIS AC-7 locks the *account*,
# which rotating addresses cannot dodge, so the warning does not apply here.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "policy_portal.lockout.lockout_response"
# AC-2(3): disable members inactive this many days (a daily sweep, see CELERY_BEAT_SCHEDULE).
# No guardian "AnonymousUser" member: anonymous visitors hold no rights at all.
ANONYMOUS_USER_NAME = None
INACTIVE_MEMBER_DAYS = env_int("INACTIVE_MEMBER_DAYS", 90, minimum=1)

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the container health check speaks plain HTTP on localhost
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- API --------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Session for the browser, Token for scripts. No BasicAuthentication: it 500s on a NUL byte.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON nested thousands deep is a 400, not a RecursionError (500) inside the parser.
    "DEFAULT_PARSER_CLASSES": [
        "policy_portal.api_errors.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "policy_portal.api_errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Police social-media policy portal API",
    "DESCRIPTION": "Department accounts, post approvals, alias authorizations, retention and FOIA. "
    "Errors are JSON {code, message, fields}; hidden objects are 404; illegal transitions 409.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ExtensionReasonEnum": "retention.models.ExtensionReason",
        "ViolationDispositionEnum": "approvals.models.Disposition",
        "RecordDispositionEnum": "retention.models.Disposition",
    },
}

# --- Celery -----------------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 3600}
else:
    # Server-less broker for a laptop: messages are files. The folders must exist before kombu starts.
    _broker_dir = DATA_DIR / "broker"
    for _sub in ("out", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        # Broadcast (pidbox) exchanges; otherwise kombu writes a control/ folder into the working dir.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "portal")
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True  # a task whose worker dies is redelivered, not lost
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Every periodic job of the portal, in one place. Sweeps read database state, so a missed beat
# only delays work to the next run; it never loses it.
CELERY_BEAT_SCHEDULE = {
    # CJIS AC-2(3): nightly, outside shift change, so a member is never disabled mid-session by surprise.
    "disable-inactive-members": {
        "task": "accounts.tasks.disable_inactive_members",
        "schedule": crontab(hour=3, minute=15),
    },
    # Courtesy e-mails whose queue message was lost (Redis outage, dead worker): every 5 minutes.
    "email-pending-notifications": {
        "task": "accounts.tasks.email_pending_notifications",
        "schedule": timedelta(minutes=5),
    },
    # B5: pending approvals escalate level by level; time-sensitive deadlines are minutes, so every minute.
    "escalate-overdue-approvals": {
        "task": "approvals.tasks.escalate_overdue_approvals",
        "schedule": timedelta(minutes=1),
    },
    # C4: alias authorizations expire when their term ends. Every 15 minutes, so a term that ended at
    # midnight is closed before the morning shift; a worker that was down catches up on its next run.
    "expire-alias-authorizations": {
        "task": "investigations.tasks.expire_alias_authorizations",
        "schedule": timedelta(minutes=15),
    },
    # 28 CFR 23.20(h): weekly, Monday morning, the review-or-purge list reaches each investigator.
    "remind-intelligence-reviews": {
        "task": "investigations.tasks.remind_intelligence_reviews",
        "schedule": crontab(day_of_week=1, hour=7, minute=0),
    },
    # D3: FOIA reminders and overdue flags, hourly during the day: a statutory clock in business days.
    "foia-reminders": {
        "task": "retention.tasks.foia_reminders",
        "schedule": crontab(minute=5, hour="6-18"),
    },
    # D4: export packages whose message or worker was lost are re-sent from database state.
    "export-sweep": {
        "task": "retention.tasks.export_sweep",
        "schedule": timedelta(minutes=5),
    },
    # D2: nightly, after the inactive-member sweep: propose disposal batches for records past retention
    # and resume any execution a dead worker left half done.
    "disposal-sweep": {
        "task": "retention.tasks.disposal_sweep",
        "schedule": crontab(hour=3, minute=45),
    },
    # Audit chain check hourly: a broken link is found within the hour, cheap on an indexed table.
    "verify-audit-chain": {
        "task": "audit.tasks.verify_audit_chain",
        "schedule": timedelta(hours=1),
    },
}

EMAIL_BACKEND = env_choice(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
    {
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.smtp.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
    },
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "policy-portal@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
