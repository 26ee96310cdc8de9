"""Django settings of warden's conformance DRF site.

Everything that changes the wire behaviour is fixed here so that the site answers as
the reference site of the issues does; what differs between runs (database, JWT
signing key, Django secret) comes from the environment, set by ../serve.py:

  WARDEN_DRF_DB          SQLite file, or postgresql://USER[:PASSWORD]@HOST:PORT/DBNAME
                         (then Django's PostgreSQL backend, psycopg2)
  WARDEN_DRF_JWT_KEY     HS256 key for simplejwt (the candidate gets the same one)
  WARDEN_DRF_SECRET_KEY  Django's SECRET_KEY; serve.py makes one per start so that
                         every gunicorn worker signs sessions the same way
"""
import os
from datetime import timedelta
from urllib.parse import parse_qsl, unquote, urlsplit

DEBUG = False
SECRET_KEY = os.environ.get("WARDEN_DRF_SECRET_KEY", "warden-conformance-site-not-a-secret")
# The site listens on loopback only; any Host header a test client sends is fine.
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "warden_drf.urls"
WSGI_APPLICATION = "warden_drf.wsgi.application"

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_simplejwt.token_blacklist",
]

# Order matters: sessions before CSRF before the auth middleware, as Django documents.
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]

# The login and logout pages of rest_framework.urls (api-auth/) render DRF's templates.
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]
STATIC_URL = "/static/"
# warden's settings.login defaults: both pages go to / without a safe `next`.
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"


def _database(where):
    """Django's DATABASES entry for a SQLite path or a postgresql:// URL."""
    if not where.startswith(("postgresql://", "postgres://")):
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": where}
    url = urlsplit(where)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(url.path.lstrip("/")),
        "USER": unquote(url.username or ""),
        "PASSWORD": unquote(url.password or ""),
        "HOST": url.hostname or "",
        "PORT": str(url.port or ""),
        # Query parameters (sslmode=..., ...) are libpq connection options.
        "OPTIONS": dict(parse_qsl(url.query)),
    }


DATABASES = {"default": _database(os.environ.get("WARDEN_DRF_DB", "warden_drf.sqlite3"))}

USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

REST_FRAMEWORK = {
    # Views that name no authenticators get session authentication only.
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON and form bodies only: multipart is a 415 except where a view names its own parsers.
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": "5/minute"},
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=5),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=1),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": os.environ.get("WARDEN_DRF_JWT_KEY", "warden-conformance-jwt-key-0123456789abcdef"),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["stderr"], "level": "ERROR"},
}
