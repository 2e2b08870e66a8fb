"""Settings for certportal, read from the environment.

Every value has a default that runs out of the box on one machine (SQLite and media under var/,
Redis on 127.0.0.1). Production sets CERTPORTAL_PRODUCTION=1 and the variables listed in README.md.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Exchange, Queue

from certportal.lib.env import env_bool, env_int, env_list, env_networks, env_str, read_secret_key
from certportal.lib.instances import instance_key_prefix, instance_name, instance_queue
from certportal.lib.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("CERTPORTAL_VAR_DIR", str(BASE_DIR / "var")))

PRODUCTION = env_bool("CERTPORTAL_PRODUCTION", False)
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = read_secret_key(production=PRODUCTION, var_dir=VAR_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# A refused form gets the portal's own page, in the visitor's language, with the way back to the form.
CSRF_FAILURE_VIEW = "certportal.views.csrf_failure_page"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "certportal.apps.LockoutsConfig",  # django-axes, named for the admin
    "csp",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc from our own static files
    "certportal.apps.CertportalConfig",
    "certportal.accounts",
    "notifications",
    "applications",
    "audits",
]

MIDDLEWARE = [
    # First, so that every log line written while handling the request carries its id.
    "certportal.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Cleans the posted form before anything reads it (the CSRF check and axes read it later too).
    "certportal.middleware.FormTextMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Inside authentication, so that it knows whom each response (from any view or middleware) is for.
    "certportal.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "csp.middleware.CSPMiddleware",
    # Axes last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "certportal.urls"
WSGI_APPLICATION = "certportal.wsgi.application"

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
                "certportal.context_processors.portal",
                "notifications.context_processors.unread_count",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL names another (PostgreSQL in production).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'certportal.sqlite3'}"),
        # Production keeps connections open: reconnecting to PostgreSQL costs milliseconds per request.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0),
        # A persistent connection that a database failover closed is replaced, not reused.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a competing writer instead of failing at once; a file for the test database so that
    # a Celery worker in another process can read what the tests wrote.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-certportal.sqlite3")}
else:
    # A database that does not answer fails a request (and the health check) in seconds, not minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5))
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL's JIT compiles the dashboards' many correlated subqueries for seconds to save
        # milliseconds; the portal's short queries are faster without it.
        DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The portal's cache lives in the database so that a Redis outage never takes pages down.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "certportal_cache",
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "certportal.accounts.backends.UsernameOrEmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "landing"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Brute-force protection: an account at one address is locked out for a while, never for good, and
# so is an address that fails on many accounts (certportal/accounts/lockout.py). Failures count under
# the account the login names, however it was written.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "certportal.accounts.lockout.LockoutHandler"
AXES_USERNAME_CALLABLE = "certportal.accounts.lockout.lockout_username"
# Failed logins from one address across all accounts within the cool-off; an office behind one NAT
# address shares it, so it is well above the per-account limit.
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False

# Language: Simplified Chinese first, English complete.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "certportal_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded evidence and generated PDFs: private, only ever served through access-checked views.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# No public URL: files are served only by access-checked views. Django's test server wants a value;
# one on a reserved, unresolvable host means nothing ever serves media by URL.
MEDIA_URL = "https://media.invalid/"

# --- Storage -------------------------------------------------------------------------------------
# Evidence and PDFs go to the default storage: local disk under MEDIA_ROOT (one machine), or an
# S3-compatible object store (several web hosts). Objects stay private: downloads are answered by
# access-checked views with a short-lived signed URL (see certportal/lib/files.py).
STORAGE_BACKEND = env_str("STORAGE_BACKEND", "local")
if STORAGE_BACKEND not in {"local", "s3"}:
    raise ImproperlyConfigured(f"STORAGE_BACKEND must be local or s3; got {STORAGE_BACKEND!r}")
S3_SIGNED_URL_SECONDS = env_int("S3_SIGNED_URL_SECONDS", 300)
if STORAGE_BACKEND == "s3":
    from botocore.config import Config as BotocoreConfig

    DEFAULT_STORAGE: dict[str, Any] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET", ""),
            "endpoint_url": env_str("S3_ENDPOINT_URL", None),
            "region_name": env_str("S3_REGION", None),
            "location": env_str("S3_LOCATION", ""),
            "addressing_style": env_str("S3_ADDRESSING_STYLE", None),
            "signature_version": "s3v4",
            # Credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or the host's instance role.
            # No ACL: objects inherit the bucket's (private) policy, never public-read.
            "default_acl": None,
            # Two uploads under one name must never replace each other's evidence.
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": S3_SIGNED_URL_SECONDS,
            # An object store that hangs fails the upload (and the health check) instead of the worker.
            "client_config": BotocoreConfig(connect_timeout=5, read_timeout=60, retries={"max_attempts": 3}),
        },
    }
    if not DEFAULT_STORAGE["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs S3_BUCKET.")
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "certportal.lib.staticfiles.ManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Behind nginx, local files are sent by nginx itself: the view answers with this prefix plus the
# file's name in X-Accel-Redirect, and nginx serves it from an `internal` location.
MEDIA_X_ACCEL_REDIRECT_PREFIX = env_str("MEDIA_X_ACCEL_REDIRECT_PREFIX", "")
WHITENOISE_USE_FINDERS = not PRODUCTION
FILE_UPLOAD_TEMP_DIR = env_str("FILE_UPLOAD_TEMP_DIR", None)
FILE_UPLOAD_PERMISSIONS = 0o640
# Uploads stream to temporary files on disk, never into memory (evidence scans reach 200 MB).
FILE_UPLOAD_HANDLERS = ["certportal.lib.uploads.StreamingUploadHandler"]
EVIDENCE_MAX_UPLOAD_MB = env_int("EVIDENCE_MAX_UPLOAD_MB", 200)
# Images are decoded and re-encoded on upload; larger ones are refused as possible decompression bombs.
EVIDENCE_MAX_IMAGE_PIXELS = env_int("EVIDENCE_MAX_IMAGE_PIXELS", 40_000_000)
EVIDENCE_ARCHIVE_KEEP_DAYS = env_int("EVIDENCE_ARCHIVE_KEEP_DAYS", 7)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# Selects offer "请选择" / "Please choose" as their empty choice.
FORM_RENDERER = "certportal.lib.form_renderer.PortalFormRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: printed to the console in development; SMTP when EMAIL_HOST is set.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
# A hung mail server must not hold a worker for the whole task time limit.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "sent-emails"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "certportal <noreply@certportal.local>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# This installation's name (certportal/lib/instances.py): installations that share one Redis keep
# their tasks apart by it. Every host of one installation must agree on it: the same checkout folder
# and database name, or the same CERTPORTAL_INSTANCE.
CERTPORTAL_INSTANCE = instance_name(
    env_str("CERTPORTAL_INSTANCE", ""), checkout=BASE_DIR, database=str(DATABASES["default"]["NAME"])
)

# Celery, with Redis as the broker. A killed worker must not lose a task: late acknowledgement,
# re-queue on worker loss, one task prefetched at a time.
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 120)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 180)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task left unacknowledged by a dead worker comes back after this many seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 600),
    "socket_connect_timeout": 3,
    # Every key Celery writes (queues, unacknowledged tasks, heartbeats, control) is this installation's.
    "global_keyprefix": instance_key_prefix(CERTPORTAL_INSTANCE),
}
# Publishing must fail fast when Redis is down: the page answers and the sweeper re-sends later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0}
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "certportal.tasks.heartbeat", "schedule": 60.0},
    "sweep-pending-jobs": {"task": "certportal.tasks.sweep_pending_jobs", "schedule": 120.0},
    "daily-reminders": {
        "task": "applications.tasks.reminders.send_daily_reminders",
        "schedule": crontab(hour=env_int("REMINDER_HOUR", 9), minute=0),
    },
    "surveillance-reminders": {
        "task": "audits.tasks.send_surveillance_reminders",
        "schedule": crontab(hour=env_int("REMINDER_HOUR", 9), minute=5),
    },
    "certificate-deadlines": {
        "task": "audits.tasks.send_certificate_deadline_notices",
        "schedule": crontab(hour=env_int("REMINDER_HOUR", 9), minute=10),
    },
    "complaint-appeal-reminders": {
        "task": "audits.tasks.send_case_overdue_reminders",
        "schedule": crontab(hour=env_int("REMINDER_HOUR", 9), minute=15),
    },
    "sweep-evidence-jobs": {"task": "applications.tasks.evidence.evidence_sweep", "schedule": 120.0},
    "sweep-certificate-pdfs": {"task": "audits.tasks.sweep_certificate_pdfs", "schedule": 120.0},
    # Expires certificates past their expiry date; hourly so that a missed night catches up soon.
    "expire-certificates": {"task": "audits.tasks.expire_certificates", "schedule": 3600.0},
    "sweep-form-renditions": {"task": "applications.tasks.sweep_form_renditions", "schedule": 120.0},
    "sweep-notification-deliveries": {"task": "notifications.tasks.sweep_deliveries", "schedule": 120.0},
}
# The installation's one queue; a worker started on any other (`-Q`) refuses to start.
CELERY_TASK_DEFAULT_QUEUE = instance_queue(CERTPORTAL_INSTANCE)
CELERY_TASK_QUEUES = [
    Queue(CELERY_TASK_DEFAULT_QUEUE, Exchange(CELERY_TASK_DEFAULT_QUEUE), routing_key=CELERY_TASK_DEFAULT_QUEUE)
]
CELERY_TASK_CREATE_MISSING_QUEUES = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / f"celerybeat-schedule.{CERTPORTAL_INSTANCE}")
# Thumbnails and previews are drawn in a child process with these limits: a PDF that inflates to
# gigabytes kills that child, never the worker (certportal.lib.previews).
PREVIEW_MEMORY_MB = env_int("PREVIEW_MEMORY_MB", 1024)
PREVIEW_TIME_LIMIT = env_int("PREVIEW_TIME_LIMIT", 60)
CELERY_TIMEZONE = TIME_ZONE
# Reminders go to people whose part of an application has waited longer than this.
REMINDER_AFTER_DAYS = env_int("REMINDER_AFTER_DAYS", 3)

# The certification body that runs this portal (shown on forms and certificates).
CERTIFICATION_BODY_NAME = env_str("CERTIFICATION_BODY_NAME", _("Certification body (demo)"))
CERTIFICATION_BODY_CODE = env_str("CERTIFICATION_BODY_CODE", "CIEC")
CERTIFICATION_BODY_ADDRESS = env_str("CERTIFICATION_BODY_ADDRESS", _("Address of the certification body (demo)"))
# The body's approval number from the national regulator (批准号), shown wherever its name is.
CERTIFICATION_BODY_APPROVAL_NUMBER = env_str("CERTIFICATION_BODY_APPROVAL_NUMBER", "CNCA-R-0000-000")
# Where anyone can look a certificate up besides this portal: the national platform (全国认证认可信息公共服务平台).
NATIONAL_PLATFORM_URL = env_str("NATIONAL_PLATFORM_URL", "http://cx.cnca.cn")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# Certificate numbers: {year}, {sequence} (per year, never reused) and {body} (CERTIFICATION_BODY_CODE).
CERTIFICATE_NUMBER_PATTERN = env_str("CERTIFICATE_NUMBER_PATTERN", "CSA-{year}-SV-{sequence:05d}")
# A surveillance audit not held by its due date may be extended once by the body, by at most this many months.
SURVEILLANCE_GRACE_MONTHS = env_int("SURVEILLANCE_GRACE_MONTHS", 3)
# The public certificate search and verification pages, per client address (django-ratelimit rates).
VERIFY_SEARCH_RATE = env_str("VERIFY_SEARCH_RATE", "20/m")
VERIFY_PAGE_RATE = env_str("VERIFY_PAGE_RATE", "60/m")
# The public certificate check of the API, per client address (audits/api/views.py).
API_VERIFY_RATE = env_str("API_VERIFY_RATE", "60/m")
# The public check of a certificate file: uploads per client address, and the largest file taken.
VERIFY_FILE_RATE = env_str("VERIFY_FILE_RATE", "10/m")
VERIFY_FILE_MAX_MB = env_int("VERIFY_FILE_MAX_MB", 20)
# Complaints (投诉) and appeals (申诉): complaints filed from the public certificate page per client
# address; days to answer a complaint; days after a decision within which it may be appealed; days to
# decide an appeal.
COMPLAINT_RATE = env_str("COMPLAINT_RATE", "5/h")
COMPLAINT_ANSWER_DAYS = env_int("COMPLAINT_ANSWER_DAYS", 30)
APPEAL_DAYS = env_int("APPEAL_DAYS", 60)
APPEAL_DECISION_DAYS = env_int("APPEAL_DECISION_DAYS", 30)
# Certificate PDFs are signed (PAdES) with the body's certificate and key, a PKCS#12 file; its
# password from CERTIFICATE_SIGNING_PASSWORD or the file CERTIFICATE_SIGNING_PASSWORD_FILE names.
# In development `make run` creates a self-signed demo certificate under var/signing/; with no file
# the PDFs are rendered unsigned (and `manage.py check` warns). A timestamp authority (RFC 3161) is
# asked for a timestamp on each signature when CERTIFICATE_TSA_URL is set.
_DEMO_SIGNING_DIR = VAR_DIR / "signing"
CERTIFICATE_SIGNING_P12 = env_str(
    "CERTIFICATE_SIGNING_P12", "" if PRODUCTION else str(_DEMO_SIGNING_DIR / "certificate-signing.p12")
)
CERTIFICATE_SIGNING_PASSWORD = env_str("CERTIFICATE_SIGNING_PASSWORD", "")
CERTIFICATE_SIGNING_PASSWORD_FILE = env_str(
    "CERTIFICATE_SIGNING_PASSWORD_FILE", "" if PRODUCTION else str(_DEMO_SIGNING_DIR / "certificate-signing.password")
)
CERTIFICATE_TSA_URL = env_str("CERTIFICATE_TSA_URL", "")
# Sign-up and password reset (each sends an e-mail), per client address and per e-mail address.
ACCOUNT_EMAIL_RATE_PER_CLIENT = env_str("ACCOUNT_EMAIL_RATE_PER_CLIENT", "10/h")
ACCOUNT_EMAIL_RATE_PER_ADDRESS = env_str("ACCOUNT_EMAIL_RATE_PER_ADDRESS", "3/h")

# Webhooks: a URL failing this many deliveries in a row is disabled (its owner is told); a target
# may hold a worker for at most this many seconds per connect and per read; private, loopback and
# link-local targets are refused unless allowed (tests, intranets).
WEBHOOK_MAX_FAILURES = env_int("WEBHOOK_MAX_FAILURES", 10)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 5)
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE", False)
# SMS: "console" writes them to the log (development); "http" posts JSON {to, text} to the gateway,
# with the token as a bearer credential. WeChat Work: the body's group robot.
SMS_BACKEND = env_str("SMS_BACKEND", "http" if env_str("SMS_GATEWAY_URL", "") else "console")
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = env_str("SMS_GATEWAY_TOKEN", "")
WECOM_BODY_WEBHOOK_URL = env_str("WECOM_BODY_WEBHOOK_URL", "")

DEMO_PASSWORD = env_str("DEMO_PASSWORD", "certportal-demo")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # The header only allows a submission to the browsers' preload list; the domain's owner decides.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]  # turned off on purpose, not forgotten
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Proxy ---------------------------------------------------------------------------------------
# How many reverse proxies (nginx, a load balancer) stand between the client and gunicorn. Each
# appends the address it saw to X-Forwarded-For; anyone can send that header, so with 0 it is ignored
# and the login lockout counts failures by the connecting address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "certportal.lib.client_ip.client_ip"
RATELIMIT_IP_META_KEY = "certportal.lib.client_ip.client_ip"
# A load balancer probes the health endpoint over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]

# --- Health endpoint -----------------------------------------------------------------------------
# A worker beats every 60 s; after this many seconds without a beat the workers count as down.
HEALTH_WORKER_MAX_AGE = env_int("HEALTH_WORKER_MAX_AGE", 300)
# The checks that make /health/ answer 503, i.e. take this web process out of the load balancer.
# Redis and the workers are reported but not essential by default: pages keep working without them
# (e-mails and PDFs wait in the database), so an outage there must not take every web process down.
HEALTH_ESSENTIAL_CHECKS = env_list("HEALTH_ESSENTIAL_CHECKS", ["database", "storage"])
# Who sees each check (and the workers) besides staff: monitoring addresses or networks (CIDR). Anyone
# else gets up or down only. Loopback by default, for a probe on the host itself; behind nginx this
# relies on TRUSTED_PROXY_COUNT, without which every request would come from nginx's loopback address.
HEALTH_DETAIL_ALLOWED_IPS = env_networks("HEALTH_DETAIL_ALLOWED_IPS", ["127.0.0.1", "::1"])

# Scripts only from our own static files; inline styles allowed for progress bars and widths.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Logging -------------------------------------------------------------------------------------
# One line per event on stderr (systemd's journal or the container runtime collects it): JSON in
# production, plain text in development. Every line carries the request id (or the Celery task id),
# and resident ID numbers and mobile numbers are masked whatever logged them.
LOG_FORMAT = env_str("LOG_FORMAT", "json" if PRODUCTION else "plain")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain; got {LOG_FORMAT!r}")
# One line per request (method, path without query string, status, duration); nginx logs too.
LOG_REQUESTS = env_bool("LOG_REQUESTS", PRODUCTION)
LOGGING = logging_config(
    log_format=LOG_FORMAT,
    level=env_str("LOG_LEVEL", "INFO"),
    loggers={
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "botocore": {"level": "WARNING"},
        "boto3": {"level": "WARNING"},
        "s3transfer": {"level": "WARNING"},
    },
)

# --- JSON API (/api/v1/, audits/api/) ------------------------------------------------------------
# Personal tokens (certportal/accounts) for programs, the session (with its CSRF check) for the
# portal's own pages. Every view names its own permissions; nothing is open by default.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "audits.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["audits.api.permissions.TokenScope"],
    "DEFAULT_PAGINATION_CLASS": "audits.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "audits.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "certportal API",
    "DESCRIPTION": "The after-sales service certification portal: applications, audits and certificates.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its documentation describe the API, not anyone's data: open to all.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "audits.api.schema.drop_database_integer_limits",
    ],
    # Several models have a `status` or a `kind`: each choice set gets its own name.
    "ENUM_NAME_OVERRIDES": {
        "ApplicationStatusEnum": "applications.models.Application.Status",
        "ApplicationKindEnum": "applications.models.Application.Kind",
        "EnterpriseKindEnum": "applications.models.Enterprise.Kind",
        "CertificateStatusEnum": "audits.models.Certificate.Status",
    },
}
