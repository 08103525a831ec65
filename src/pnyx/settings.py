"""The one settings module. Everything that differs between machines comes from PNYX_* variables.

With nothing set, Pnyx runs in development mode on a SQLite file under ``PNYX_DATA_DIR``
(default ``./var``). Production: set ``PNYX_DEBUG=0``, ``PNYX_SECRET_KEY``, ``PNYX_ALLOWED_HOSTS``
and ``PNYX_DATABASE_URL=postgres://...``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("PNYX_DEBUG", True)
DATA_DIR = Path(os.environ.get("PNYX_DATA_DIR", "var")).resolve()
DEMO_MODE = env_bool("PNYX_DEMO", False)

_DEV_SECRET = "pnyx-development-only-secret-key-do-not-use-in-production-0123456789"
SECRET_KEY = os.environ.get("PNYX_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("PNYX_SECRET_KEY must be set when PNYX_DEBUG is off.")
    SECRET_KEY = _DEV_SECRET
# Census entries are stored as HMAC(document number + birth date) under this key, never raw.
CENSUS_HMAC_KEY = os.environ.get("PNYX_CENSUS_KEY", "") or SECRET_KEY

ALLOWED_HOSTS = env_list("PNYX_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("PNYX_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "pnyx.core",
    "pnyx.spaces",
    "pnyx.comments",
    "pnyx.pages",
    "pnyx.api",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "pnyx.core.middleware.PreferredLanguageMiddleware",
    "pnyx.core.middleware.StaffTwoFactorMiddleware",
]

ROOT_URLCONF = "pnyx.urls"
WSGI_APPLICATION = "pnyx.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pnyx.core.context_processors.site",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get(
            "PNYX_DATABASE_URL",
            f"sqlite:///{DATA_DIR / ('demo.sqlite3' if DEMO_MODE else 'pnyx.sqlite3')}",
        ),
        conn_max_age=int(os.environ.get("PNYX_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default must work on a fresh machine: create its folder.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [  # Django's and allauth's, refusing demo accounts outside demo mode
    "pnyx.core.backends.PnyxModelBackend",
    "pnyx.core.backends.PnyxAuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: e-mail is the login, verified before the account can act.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "5/5m/ip,5/5m/key",
    "signup": "5/h/ip",
    "reset_password": "5/h/ip,3/h/key",
    "confirm_email": "3/10m/key",
}
ACCOUNT_ADAPTER = "pnyx.core.adapters.AccountAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("PNYX_SITE_NAME", "Pnyx")

EMAIL_BACKEND = os.environ.get(
    "PNYX_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("PNYX_EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("PNYX_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("PNYX_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("PNYX_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("PNYX_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("PNYX_EMAIL_USE_TLS", True)
EMAIL_FILE_PATH = str(DATA_DIR / "mail")
DEFAULT_FROM_EMAIL = os.environ.get("PNYX_DEFAULT_FROM_EMAIL", "Pnyx <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

CACHES = {
    "default": {
        "BACKEND": os.environ.get(
            "PNYX_CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"
        ),
        "LOCATION": os.environ.get("PNYX_CACHE_LOCATION", "pnyx"),
    }
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("PNYX_TIME_ZONE", "Europe/Paris")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("PNYX_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("PNYX_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("PNYX_HSTS_PRELOAD", True)

# How long a verification of residence stays valid (days); 0 = no expiry.
VERIFICATION_VALIDITY_DAYS = int(os.environ.get("PNYX_VERIFICATION_VALIDITY_DAYS", "730"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PNYX_LOG_LEVEL", "WARNING")},
}
