"""Settings from the environment, with defaults that are safe in production.

`make demo` sets DEBUG=1; everything else is read from the environment:
DATABASE_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS, HTTPS,
MINSHENG_VAR_DIR (database file, uploads, generated secret key), REDIS_URL, TRUSTED_PROXY_COUNT,
LOG_LEVEL; the city running it: MINSHENG_CITY_NAME, MINSHENG_SITE_NAME, MINSHENG_SMS_SIGNATURE,
MINSHENG_HOTLINE, MINSHENG_OPEN311_CONTACT, MINSHENG_PUBLIC_URL; the maps' tiles: TIANDITU_KEY
(天地图's vector tiles and labels) or MAP_TILE_URL (any XYZ service, with MAP_TILE_LABELS_URL,
MAP_TILE_SUBDOMAINS, MAP_TILE_ATTRIBUTION); without either the maps draw the county outlines.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("MINSHENG_VAR_DIR") or BASE_DIR.parent / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
# Behind TLS in production; the demo serves plain http on loopback.
HTTPS = env_bool("HTTPS", not DEBUG)


def _secret_key() -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    # A key generated once per installation beats a default baked into the code:
    # nothing to configure for the demo, nothing guessable in production.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# The city running the platform: another city sets these and edits no code.
# Its name (page footers, the public site's headings).
MINSHENG_CITY_NAME = os.environ.get("MINSHENG_CITY_NAME", "九江市")
# The platform's name: page titles, the slip, the authenticator app's entry ("九江民生").
MINSHENG_SITE_NAME = os.environ.get("MINSHENG_SITE_NAME") or MINSHENG_CITY_NAME.removesuffix("市") + "民生"
# The signature every SMS starts with (China's SMS gateways require the registered one).
MINSHENG_SMS_SIGNATURE = os.environ.get("MINSHENG_SMS_SIGNATURE") or f"【{MINSHENG_SITE_NAME}】"
# The hotline residents may call, on the tracking page, the slip and in Open311's discovery.
MINSHENG_HOTLINE = os.environ.get("MINSHENG_HOTLINE", "0792-12345")
MINSHENG_OPEN311_CONTACT = os.environ.get("MINSHENG_OPEN311_CONTACT") or (
    f"{MINSHENG_CITY_NAME}12345政务服务便民热线 · {MINSHENG_HOTLINE}"
)
# The public site's address (https://minsheng.example.gov.cn), for the slip's QR code and link
# when the window prints it from a staff host the public cannot reach. Empty: the request's host.
MINSHENG_PUBLIC_URL = os.environ.get("MINSHENG_PUBLIC_URL", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Serves Swagger UI's own files for /api/v1/docs (no CDN: the deployment cannot reach one).
    "ninja",
    "minsheng.core",
    "minsheng.org",
    "minsheng.pledges",
    "minsheng.cases",
    "minsheng.open311",
    "minsheng.elevators",
    "minsheng.enterprises",
    "minsheng.inspections",
    "minsheng.policies",
    "minsheng.evaluation",
    "minsheng.stations",
    # The project package itself, last: the staff home, `demo` and `serve` (they gather every app).
    "minsheng.apps.ProjectConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads a parameter: one input rule for every channel (core/middleware.py).
    "minsheng.core.middleware.InputGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Administrators (and anyone who enrolled) finish the second factor before anything else.
    "minsheng.org.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "minsheng.urls"
WSGI_APPLICATION = "minsheng.wsgi.application"
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff-home"
LOGOUT_REDIRECT_URL = "board"

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
                "minsheng.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'minsheng.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        # A health check is a SELECT 1 before each request's first query: a round trip on every
        # request. Off by default; turn it on behind connection poolers that drop connections.
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", False),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of
    # failing with "database is locked" halfway through an action.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation costs more than it saves on these short OLTP and report queries.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # Parameters travel separately from the SQL (no quoting in Python), and psycopg prepares the
    # statements a connection repeats, so PostgreSQL stops re-planning the intake's inserts.
    DATABASES["default"]["OPTIONS"]["server_side_binding"] = env_bool("DB_SERVER_SIDE_BINDING", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# State every process shares (rate limits, cached lists, reference generations): Redis when REDIS_URL
# is set, as production does; otherwise a table in the database, so the embedded demo needs
# nothing installed. Never one process's memory: three gunicorn workers would each count alone.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "minsheng"),
            # A Redis outage degrades to cache misses (pages still work, computed afresh) and to
            # refused rate-limited requests (core/ratelimit.py fails closed): never a 500.
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2, "IGNORE_EXCEPTIONS": True},
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {
        "default": {
            "BACKEND": "minsheng.core.cache.DatabaseCache",
            "LOCATION": "minsheng_cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
# How many reverse proxies (load balancer, nginx) stand in front of the site and append to
# X-Forwarded-For. 0: REMOTE_ADDR is the client. Set it exactly: one too many lets a client
# choose its own address, one too few makes every resident share the proxy's.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Staff log-ins: django-axes counts failures per account and address in the database (shared by
# every process) and locks that pair out; an administrator unlocks it (工作人员 › 解除登录锁定).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "minsheng.org.backends.StaffBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "minsheng.core.net.client_ip"
AXES_LOCKOUT_CALLABLE = "minsheng.org.views.locked_out"
AXES_VERBOSE = False
# TOTP two-factor (RFC 6238, any authenticator app): offered to all staff, required of
# administrators and of anyone who can open the admin site.
OTP_TOTP_ISSUER = MINSHENG_SITE_NAME

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# minsheng/static is the project app's own static folder (found with the apps' folders).
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# The county outlines the maps draw (static/minsheng/geo) are GeoJSON (RFC 7946).
WHITENOISE_MIMETYPES = {".geojson": "application/geo+json"}
# Evidence attachments: photos, scans and office documents, 10 MB each.
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): only this site's own scripts, styles, images and forms;
# no inline script or style anywhere, so injected markup cannot run or restyle a page.
# Map tiles. 天地图 (the national service, WGS-84 in its _w sets' Web Mercator, as stored here)
# with its key in production; any XYZ service otherwise; none in tests and the demo.
TIANDITU_KEY = os.environ.get("TIANDITU_KEY", "")
_TIANDITU = ("https://t{s}.tianditu.gov.cn/%s_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=%s"
             "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=" + TIANDITU_KEY)
MAP_TILE_URL = os.environ.get("MAP_TILE_URL") or (_TIANDITU % ("vec", "vec") if TIANDITU_KEY else "")
MAP_TILE_LABELS_URL = os.environ.get("MAP_TILE_LABELS_URL") or (_TIANDITU % ("cva", "cva") if TIANDITU_KEY else "")
MAP_TILE_SUBDOMAINS = os.environ.get("MAP_TILE_SUBDOMAINS") or ("01234567" if TIANDITU_KEY else "abc")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION") or ("天地图" if TIANDITU_KEY else "")


def _tile_hosts(*urls: str) -> list[str]:
    from urllib.parse import urlsplit

    hosts = []
    for url in urls:
        if url:
            parts = urlsplit(url.replace("{s}", "x"))
            host = parts.netloc.split(".", 1)[1] if "{s}" in url and "." in parts.netloc else parts.netloc
            hosts.append(f"{parts.scheme}://*.{host}" if "{s}" in url else f"{parts.scheme}://{host}")
    return sorted(set(hosts))


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *_tile_hosts(MAP_TILE_URL, MAP_TILE_LABELS_URL)],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
    # GeoReport answers JSON and XML to other systems, never a page a browser renders.
    "EXCLUDE_URL_PREFIXES": ["/open311/"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# The input guard's refusals in each part's own format; elsewhere a short Chinese page.
MINSHENG_INPUT_ERROR_RESPONDERS = {
    "/open311/": "minsheng.open311.formats.input_error",
    "/api/": "minsheng.api.input_error",
}

