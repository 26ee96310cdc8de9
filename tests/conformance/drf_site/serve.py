#!/usr/bin/python3
"""Starts warden's conformance DRF site on 127.0.0.1 under gunicorn.

  serve.py [--port P] [--db PATH] [--jwt-key KEY] [--workers N] [--fresh]

Each option falls back to an environment variable (WARDEN_DRF_PORT, WARDEN_DRF_DB,
WARDEN_DRF_JWT_KEY, WARDEN_DRF_WORKERS), then to a default (8800, a file in the
temporary directory, a fixed development key, 1 worker). One worker keeps throttle
counts in one process, so the throttle scenarios are predictable.

A new database gets the site's users, in this order so their ids are 1-4:
alice/alice-pass, bob/bob-pass (staff), carol/carol-pass, dave/dave-pass (inactive),
each with email NAME@example.com and a DRF token, printed as "token NAME KEY".

Runs with Debian's /usr/bin/python3 (Django 3.2, DRF 3.14, simplejwt 5.2, gunicorn).
Exits 77 when those packages are missing (--install-missing installs them with apt-get).
"""
import argparse
import importlib.util
import os
import secrets
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEBIAN_PACKAGES = ["python3-djangorestframework", "python3-djangorestframework-simplejwt", "gunicorn"]
MODULES = ["django", "rest_framework", "rest_framework_simplejwt", "gunicorn"]
SEED_USERS = [  # (name, staff, active); the order gives ids 1-4
    ("alice", False, True),
    ("bob", True, True),
    ("carol", False, True),
    ("dave", False, False),
]
DEFAULT_JWT_KEY = "warden-conformance-jwt-key-0123456789abcdef"
SKIP = 77  # what ctest and automake read as "skipped"


def missing_modules():
    return [m for m in MODULES if importlib.util.find_spec(m) is None]


def ensure_packages(install):
    missing = missing_modules()
    if not missing:
        return
    command = ["apt-get", "install", "-y", "-qq"] + DEBIAN_PACKAGES
    if not install:
        sys.stderr.write("warden DRF site: missing Python modules %s; install them with:\n  %s\n"
                         % (", ".join(missing), " ".join(command)))
        sys.exit(SKIP)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    if missing_modules():
        sys.exit("warden DRF site: %s still missing after apt-get" % ", ".join(missing_modules()))


def parse_args(argv):
    env = os.environ.get
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--port", type=int, default=int(env("WARDEN_DRF_PORT", "8800")))
    p.add_argument("--db", default=env("WARDEN_DRF_DB",
                                       os.path.join(tempfile.gettempdir(), "warden_drf.sqlite3")))
    p.add_argument("--jwt-key", default=env("WARDEN_DRF_JWT_KEY", DEFAULT_JWT_KEY))
    p.add_argument("--workers", type=int, default=int(env("WARDEN_DRF_WORKERS", "1")))
    p.add_argument("--fresh", action="store_true", help="delete the database file first")
    p.add_argument("--install-missing", action="store_true",
                   help="apt-get install the Debian packages when they are missing")
    p.add_argument("--quiet", action="store_true", help="do not print the seeded tokens")
    return p.parse_args(argv)


def prepare_database(args):
    """Creates the schema and, for a new file, the users and their tokens."""
    is_new = not os.path.exists(args.db) or os.path.getsize(args.db) == 0
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0, interactive=False)
    if not is_new:
        return
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token
    users = get_user_model().objects
    for number, (name, staff, active) in enumerate(SEED_USERS, start=1):
        user = users.create_user(name, f"{name}@example.com", f"{name}-pass",
                                 id=number, is_staff=staff, is_active=active)
        key = Token.objects.create(user=user).key
        if not args.quiet:
            print("token", name, key, flush=True)


def main(argv):
    args = parse_args(argv)
    ensure_packages(args.install_missing)
    args.db = os.path.abspath(args.db)
    if args.fresh:
        for suffix in ("", "-journal", "-wal", "-shm"):
            try:
                os.remove(args.db + suffix)
            except FileNotFoundError:
                pass
    # The settings module reads these; gunicorn's workers inherit them.
    os.environ["DJANGO_SETTINGS_MODULE"] = "warden_drf.settings"
    os.environ["WARDEN_DRF_DB"] = args.db
    os.environ["WARDEN_DRF_JWT_KEY"] = args.jwt_key
    os.environ.setdefault("WARDEN_DRF_SECRET_KEY", secrets.token_urlsafe(48))
    sys.path.insert(0, HERE)
    prepare_database(args)
    sys.stdout.flush()
    gunicorn = [sys.executable, "-m", "gunicorn", "--chdir", HERE,
                "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers),
                "--log-level", "warning", "warden_drf.wsgi:application"]
    os.execv(sys.executable, gunicorn)


if __name__ == "__main__":
    main(sys.argv[1:])
