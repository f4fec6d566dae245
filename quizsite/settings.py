"""Settings for the Factcards site, read from the environment.

Every variable is listed in `.env.example`. SQLite is the zero-set-up default; set
`DATABASE_URL` to run on PostgreSQL. A `.env` file in the project directory fills in whatever
the environment leaves unset.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import dj_email_url
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent

# `.env` first, so everything below reads it; a variable already in the environment always wins.
# ENV_FILE names another file, or none when empty (pytest sets it empty: the tests never read a
# developer's `.env`).
ENV_FILE = os.environ.get("ENV_FILE")
if ENV_FILE is None:
    load_dotenv(BASE_DIR / ".env", override=False)
elif ENV_FILE:
    if not Path(ENV_FILE).is_file():
        raise ImproperlyConfigured(f"ENV_FILE names {ENV_FILE!r}, which is not a file.")
    load_dotenv(ENV_FILE, override=False)


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false/1/0), got {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}.") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment, "
            "or set DEBUG=true for local development (which uses an insecure development key)."
        )
    SECRET_KEY = "django-insecure-factcards-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "axes",
    "csp",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "quizzes",
    "flashcards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "quizzes.middleware.CSPMiddleware",  # django-csp's, building the policy once
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "quizzes.middleware.RejectNulBytesInAdminMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a login refused for a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "quizsite.urls"

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
                "quizzes.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "quizsite.wsgi.application"

# Database: SQLite file in the project directory unless DATABASE_URL says otherwise.
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
_db = dj_database_url.parse(DATABASE_URL)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # Tuned for a web server with several threads or workers: WAL lets readers run alongside
    # a writer, the busy timeout waits for the lock instead of failing, and IMMEDIATE
    # transactions take the write lock up front so two writers never deadlock on upgrade.
    _db["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif _db["ENGINE"] == "django.db.backends.postgresql":
    _db["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 600)
    _db["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _db}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds API throttle counts. The default lives in each process; with several server
# processes set CACHE_URL (redis://host:6379/0) so that the limits are shared.
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        # Django's RedisCache on one shared client per process (quizzes/redis_cache.py).
        "default": {
            "BACKEND": "quizzes.redis_cache.PooledRedisCache",
            "LOCATION": CACHE_URL,
            # Several sites (or test runs) can share one Redis database under their own prefix.
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX"),
        }
    }
elif CACHE_URL:
    raise ImproperlyConfigured(f"CACHE_URL must be a redis:// URL, got {CACHE_URL!r}.")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# With a shared cache, sessions and the signed-in user are read from it instead of the database
# on every request (see quizzes/auth.py). A per-process cache could not drop a logged-out session
# or a changed user in the other processes, so without CACHE_URL both stay in the database.
SHARED_CACHE = bool(CACHE_URL)
if SHARED_CACHE:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# The backend that checks passwords and permissions (and the one a sign-up logs in with). Before
# it, django-axes refuses any login for an account or an address that is locked out.
USER_BACKEND = f"quizzes.auth.{'CachedUserBackend' if SHARED_CACHE else 'PermissionBackend'}"
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", USER_BACKEND]
USER_CACHE_SECONDS = env_int("USER_CACHE_SECONDS", 300)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files need `collectstatic` first; development and tests skip that.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATICFILES_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]
# JSON fixtures are read by Django's deserializer, with faults naming the line and the field.
SERIALIZATION_MODULES = {"json": "quizzes.fixture_json"}

# --- Security: deploy settings, login lockout, API tokens, Content-Security-Policy -------------
# With DEBUG off every default is the secure one (`manage.py check --deploy` passes); `make serve`
# turns the HTTPS-only ones off for a local try over plain HTTP.
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    # Preloading is a request a site makes to the browsers' lists, not a default to impose.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
BEHIND_PROXY = env_bool("BEHIND_PROXY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None

# Login lockout (django-axes), for the site's login, the admin's and the API token login alike.
# Failures are counted in the database, so every server process shares them without CACHE_URL:
# per account (whatever the address) and per address (whatever the account), each with its own
# limit; past either, every login is refused until LOGIN_COOLOFF_SECONDS after the last counted
# failure, the right password included. See quizzes/lockout.py.
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 5)
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 50)
LOGIN_COOLOFF_SECONDS = env_int("LOGIN_COOLOFF_SECONDS", 900)
AXES_HANDLER = "quizzes.lockout.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # the order LockoutHandler relies on
AXES_FAILURE_LIMIT = "quizzes.lockout.failure_limit"  # LOGIN_FAILURES_PER_ACCOUNT
AXES_COOLOFF_TIME = "quizzes.lockout.cooloff"  # LOGIN_COOLOFF_SECONDS
# A refused login during the lockout does not extend it, so the owner can get in once it ends.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A success does not wipe the failures: an attacker's own good login would reset the count.
AXES_RESET_ON_SUCCESS = False
AXES_DISABLE_ACCESS_LOG = True  # successful logins are not recorded
AXES_LOCKOUT_CALLABLE = "quizzes.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "quizzes.lockout.client_address"
AXES_USERNAME_CALLABLE = "quizzes.lockout.lockout_username"
AXES_SENSITIVE_PARAMETERS = ["password"]

# API tokens (django-rest-knox): stored as hashes, valid for API_TOKEN_HOURS from the login.
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env_int("API_TOKEN_HOURS", 24)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
API_TOKENS_PER_USER = env_int("API_TOKENS_PER_USER", 20)
# With a shared cache, how long a checked token is remembered (quizzes/api/tokens.py).
API_TOKEN_CACHE_SECONDS = env_int("API_TOKEN_CACHE_SECONDS", 60)

# Content-Security-Policy (django-csp): only this site's own scripts, styles and images; no
# inline script, style or event handler anywhere (the admin and Swagger UI included).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF],
        "style-src": [CSP_SELF],
        "img-src": [CSP_SELF, "data:"],
        "font-src": [CSP_SELF],
        "connect-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_SELF],
        "form-action": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
    }
}

# E-mail (password resets): printed to the console unless EMAIL_URL names a server, e.g.
# smtp://user:password@mail.example.org:587/?tls=True (dj-email-url's format).
_email = dj_email_url.parse(env_str("EMAIL_URL") or "console://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = _email["EMAIL_TIMEOUT"] or 10
if _email["EMAIL_FILE_PATH"]:
    EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"]
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Factcards <noreply@localhost>")
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3 * 86400)

# Factcards' own switches.
SIGNUP_ENABLED = env_bool("SIGNUP_ENABLED", default=True)
# Account pages' limits per hour (0: none), counted in the database across every process.
PASSWORD_RESETS_PER_HOUR = env_int("PASSWORD_RESETS_PER_HOUR", 5)
SIGNUPS_PER_HOUR = env_int("SIGNUPS_PER_HOUR", 30)
# Seconds after an attempt's deadline during which a save is still accepted (network lag).
ATTEMPT_GRACE_SECONDS = env_int("ATTEMPT_GRACE_SECONDS", 10)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "quizzes.api.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON whose strings the database can store (quizzes/api/parsers.py), forms, multipart.
    "DEFAULT_PARSER_CLASSES": [
        "quizzes.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "quizzes.api.pagination.Pagination",
    "PAGE_SIZE": env_int("API_PAGE_SIZE", 20),
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "quizzes.api.exceptions.exception_handler",
    # DRF's throttles with the rates read per request; `throttle_scope` adds `login`/`check`.
    "DEFAULT_THROTTLE_CLASSES": [
        "quizzes.api.throttling.AnonThrottle",
        "quizzes.api.throttling.UserThrottle",
        "quizzes.api.throttling.ScopedThrottle",
    ],
    # Behind one proxy the client is the address it appended to X-Forwarded-For; otherwise the
    # header is the client's own word and is ignored.
    "NUM_PROXIES": 1 if BEHIND_PROXY else 0,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "60/min"),
        "user": env_str("API_THROTTLE_USER", "600/min"),
        "login": env_str("API_THROTTLE_LOGIN", "10/min"),
        "check": env_str("API_THROTTLE_CHECK", "30/min"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Factcards API",
    "DESCRIPTION": "Quizzes and flashcards built from facts in news articles.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "QuestionKindEnum": "quizzes.models.QuestionKind",
        "FactKindEnum": "quizzes.models.FactKind",
        "AttemptStateEnum": "quizzes.models.AttemptState",
        # A student's standing on a quiz (the quiz page, the gradebook's cells).
        "StandingStateEnum": ["not_started", "in_progress", "finished"],
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "quizzes.api.schema.add_error_responses",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
