"""Django settings for dualprev, read from environment variables (see docs/configuration.md).

``DUALPREV_ENV`` selects the profile: ``development`` (the default, used by ``make demo``),
``test`` (set by the test suite) or ``production`` (requires ``DJANGO_SECRET_KEY`` and
``DJANGO_ALLOWED_HOSTS``; passes ``manage.py check --deploy``).
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from dualprev.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_required,
    env_str,
)

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent
VAR_DIR = Path(env_str("DUALPREV_VAR_DIR", str(BASE_DIR / "var")))

ENVIRONMENT = env_choice("DUALPREV_ENV", "development", ("development", "test", "production"))
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DJANGO_DEBUG", ENVIRONMENT == "development")
if PRODUCTION and DEBUG:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production")

SECRET_KEY = (
    env_required("DJANGO_SECRET_KEY")
    if PRODUCTION
    else env_str("DJANGO_SECRET_KEY", "dualprev-insecure-development-key-change-me-" + "x" * 20)
)
ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "dualprev.core",
    "dualprev.accounts",
    "dualprev.orgs",
    "dualprev.reference",
    "dualprev.risks",
    "dualprev.documents",
    "dualprev.maps",
    "dualprev.majorhazards",
    "dualprev.inspections",
    "dualprev.evidence",
    "dualprev.hazards",
    "dualprev.notifications",
    "dualprev.supervision",
    "dualprev.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dualprev.core.middleware.LanguageMiddleware",
    # Before CSRF, which reads (and spools) POST bodies.
    "dualprev.core.middleware.RequestSizeMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dualprev.core.middleware.ActorMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dualprev.urls"
WSGI_APPLICATION = "dualprev.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "dualprev.core.context_processors.navigation",
                "dualprev.notifications.context_processors.inbox",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'dualprev.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the web server, the worker and the scheduler share the file; IMMEDIATE
    # transactions take the write lock up front so concurrent writers wait instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions --------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Idle timeout: the session expires after this many seconds without a request.
SESSION_COOKIE_AGE = env_int("DUALPREV_SESSION_IDLE_SECONDS", 2 * 60 * 60, minimum=60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Auth ------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "dualprev.accounts.backends.UsernameOrMobileBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if ENVIRONMENT == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Login throttling (django-axes): lock a username+address pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("DUALPREV_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("DUALPREV_LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLED = env_bool("DUALPREV_LOGIN_THROTTLING", True)

# --- Internationalisation --------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("DUALPREV_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and uploads ----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS: list[tuple[str, Path] | Path] = [PACKAGE_DIR / "static"]
_ECHARTS = BASE_DIR / "node_modules" / "echarts" / "dist"
if _ECHARTS.is_dir():
    STATICFILES_DIRS.append(("vendor/echarts", _ECHARTS))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if ENVIRONMENT == "test"
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Whole request bodies above this are refused before they are read (core.middleware).
MAX_REQUEST_BYTES = env_int("DUALPREV_MAX_REQUEST_MB", 32, minimum=1) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Reports without an account (hazards.ratelimit): the proxies whose X-Forwarded-For is trusted
# (addresses or networks), and what one client and one enterprise may store.
DUALPREV_TRUSTED_PROXIES = env_list("DUALPREV_TRUSTED_PROXIES", [])
DUALPREV_PUBLIC_REPORTS_PER_HOUR = env_int("DUALPREV_PUBLIC_REPORTS_PER_HOUR", 20, minimum=1)
DUALPREV_PUBLIC_REPORTS_PER_DAY = env_int("DUALPREV_PUBLIC_REPORTS_PER_DAY", 200, minimum=1)
DUALPREV_PUBLIC_PHOTO_MB_PER_DAY = env_int("DUALPREV_PUBLIC_PHOTO_MB_PER_DAY", 200, minimum=0)

# --- Background jobs -------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- E-mail and notifications (docs/notifications.md) -----------------------------------------
# E-mail notifications are on when an SMTP host is set; without one only the inbox and the
# group robots are used.
EMAIL_HOST = env_str("DUALPREV_EMAIL_HOST", "")
EMAIL_PORT = env_int("DUALPREV_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("DUALPREV_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("DUALPREV_EMAIL_PASSWORD", "")
_EMAIL_SECURITY = env_choice("DUALPREV_EMAIL_SECURITY", "none", ("none", "starttls", "ssl"))
EMAIL_USE_TLS = _EMAIL_SECURITY == "starttls"
EMAIL_USE_SSL = _EMAIL_SECURITY == "ssl"
EMAIL_TIMEOUT = env_int("DUALPREV_EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DUALPREV_EMAIL_FROM", "dualprev@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
DUALPREV_EMAIL_ENABLED = bool(EMAIL_HOST)
# The site's address as people reach it, for links in e-mails and group messages.
DUALPREV_BASE_URL = env_str("DUALPREV_BASE_URL", "").rstrip("/")
# Group robots post only to the official robot hosts over HTTPS; extra hosts (e.g. a company
# relay) by name, `http://name` to also allow plain HTTP to it (notifications.models).
DUALPREV_WEBHOOK_ALLOWED_HOSTS = env_list("DUALPREV_WEBHOOK_ALLOWED_HOSTS", [])

# --- Security --------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("DUALPREV_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

DUALPREV_SITE_NAME = _("双重预防信息平台")
