"""WSGI entry point for gunicorn: `gunicorn warden_drf.wsgi:application`."""
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warden_drf.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
