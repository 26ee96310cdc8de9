#!/usr/bin/python3
"""Starts warden's conformance DRF site on 127.0.0.1 under gunicorn.

  serve.py [--port P] [--db PATH|postgresql://USER@HOST:PORT/DBNAME] [--jwt-key KEY]
           [--secret-key KEY] [--workers N] [--fresh]

Each option falls back to an environment variable (WARDEN_DRF_PORT, WARDEN_DRF_DB,
WARDEN_DRF_JWT_KEY, WARDEN_DRF_SECRET_KEY, WARDEN_DRF_WORKERS), then to a default (8800,
a file in the temporary directory, a fixed development key, a random Django SECRET_KEY,
1 worker). One worker keeps throttle counts in one process, so the throttle scenarios
are predictable.

--db takes a SQLite file or a PostgreSQL URL (Django's PostgreSQL backend, Debian's
python3-psycopg2). --fresh deletes the SQLite file first; on PostgreSQL it drops and
recreates the schema public of that database, with every table in it.

A new database (one without auth_user) gets the site's users, in this order so their
ids are 1-4: alice/alice-pass, bob/bob-pass (staff), carol/carol-pass, dave/dave-pass
(inactive), each with email NAME@example.com and a DRF token, printed as
"token NAME KEY". The id sequence of auth_user is then moved past them (PostgreSQL), so
users created later get ids from 5.

Runs with Debian's /usr/bin/python3 (Django 3.2, DRF 3.14, simplejwt 5.2, gunicorn, and
psycopg2 for a PostgreSQL URL). Exits 77 when those packages are missing
(--install-missing installs them with apt-get).
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
POSTGRES_PACKAGES = ["python3-psycopg2"]  # only for a postgresql:// database
POSTGRES_MODULES = ["psycopg2"]
SEED_USERS = [  # (name, staff, active); the order gives ids 1-4
    ("alice", False, True),
    ("bob", True, True),
    ("carol", False, True),
    ("dave", False, False),
]
DEFAULT_JWT_KEY = "warden-conformance-jwt-key-0123456789abcdef"
SKIP = 77  # what ctest and automake read as "skipped"


def is_postgres_url(db):
    return db.startswith(("postgresql://", "postgres://"))


def missing_modules(modules):
    return [m for m in modules if importlib.util.find_spec(m) is None]


def ensure_packages(install, postgres=False):
    modules = MODULES + (POSTGRES_MODULES if postgres else [])
    missing = missing_modules(modules)
    if not missing:
        return
    command = (["apt-get", "install", "-y", "-qq"] + DEBIAN_PACKAGES
               + (POSTGRES_PACKAGES if postgres else []))
    if not install:
        sys.stderr.write("warden DRF site: missing Python modules %s; install them with:\n  %s\n"
                         % (", ".join(missing), " ".join(command)))
        sys.exit(SKIP)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    importlib.invalidate_caches()
    if missing_modules(modules):
        sys.exit("warden DRF site: %s still missing after apt-get"
                 % ", ".join(missing_modules(modules)))


def parse_args(argv):
    env = os.environ.get
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--port", type=int, default=int(env("WARDEN_DRF_PORT", "8800")))
    p.add_argument("--db", default=env("WARDEN_DRF_DB",
                                       os.path.join(tempfile.gettempdir(), "warden_drf.sqlite3")))
    p.add_argument("--jwt-key", default=env("WARDEN_DRF_JWT_KEY", DEFAULT_JWT_KEY))
    p.add_argument("--secret-key", default=env("WARDEN_DRF_SECRET_KEY"),
                   help="Django's SECRET_KEY (default: a random one per start)")
    p.add_argument("--workers", type=int, default=int(env("WARDEN_DRF_WORKERS", "1")))
    p.add_argument("--fresh", action="store_true",
                   help="delete the database file first (PostgreSQL: recreate schema public)")
    p.add_argument("--install-missing", action="store_true",
                   help="apt-get install the Debian packages when they are missing")
    p.add_argument("--quiet", action="store_true", help="do not print the seeded tokens")
    return p.parse_args(argv)


def prepare_database(args):
    """Creates the schema and, for a new database, the users and their tokens."""
    import django
    django.setup()
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection
    if args.fresh and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
    is_new = "auth_user" not in connection.introspection.table_names()
    call_command("migrate", verbosity=0, interactive=False)
    if not is_new:
        return
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token
    model = get_user_model()
    for number, (name, staff, active) in enumerate(SEED_USERS, start=1):
        user = model.objects.create_user(name, f"{name}@example.com", f"{name}-pass",
                                         id=number, is_staff=staff, is_active=active)
        key = Token.objects.create(user=user).key
        if not args.quiet:
            print("token", name, key, flush=True)
    # Explicit ids do not advance PostgreSQL's id sequence (setval; nothing on SQLite).
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(statement)
    connection.close()  # gunicorn's workers open their own


def main(argv):
    args = parse_args(argv)
    postgres = is_postgres_url(args.db)
    ensure_packages(args.install_missing, postgres)
    if not postgres:
        args.db = os.path.abspath(args.db)
    if args.fresh and not postgres:
        for suffix in ("", "-journal", "-wal", "-shm"):
            try:
                os.remove(args.db + suffix)
            except FileNotFoundError:
                pass
    # The settings module reads these; gunicorn's workers inherit them.
    os.environ["DJANGO_SETTINGS_MODULE"] = "warden_drf.settings"
    os.environ["WARDEN_DRF_DB"] = args.db
    os.environ["WARDEN_DRF_JWT_KEY"] = args.jwt_key
    os.environ["WARDEN_DRF_SECRET_KEY"] = args.secret_key or secrets.token_urlsafe(48)
    sys.path.insert(0, HERE)
    prepare_database(args)
    sys.stdout.flush()
    gunicorn = [sys.executable, "-m", "gunicorn", "--chdir", HERE,
                "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers),
                "--log-level", "warning", "warden_drf.wsgi:application"]
    os.execv(sys.executable, gunicorn)


if __name__ == "__main__":
    main(sys.argv[1:])
