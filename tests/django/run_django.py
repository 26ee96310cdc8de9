#!/usr/bin/python3
"""warden's Django schema mode against Django itself: warden's DRF site
(tests/conformance/drf_site) and reference_site serve over one database, and every
credential one of them makes is checked on the other.

  run_django.py PATH/TO/reference_site --backend sqlite|postgres
  run_django.py --candidate-drf --backend sqlite|postgres   # self-check: DRF against DRF

sqlite: a fresh database file in a temporary folder. postgres: a fresh database
warden_django_<random hex> on the server of WARDEN_TEST_PG
(postgresql://USER@HOST:PORT/DBNAME, the database to connect to for CREATE DATABASE),
dropped at the end.

The DRF site (serve.py) migrates and seeds the database (alice, bob (staff), carol and
dave (inactive), each with a DRF token), then reference_site starts over it as

  reference_site --address 127.0.0.1 --port P --django-db DB --django-secret-key KEY --jwt-key KEY

with the same Django SECRET_KEY and simplejwt signing key (random per run). Checks:
  a. DRF tokens: the seeded token works on warden, warden's /api/token-auth/ hands out
     the same key, a bad key is refused by both; a token warden makes for a user created
     in Django works on DRF.
  b. sessions: a Django login session works on warden (dashboard, CSRF-checked POST), a
     warden login session works on DRF (dashboard, CSRF-checked POST).
  c. logout: a session made on either side and ended on either side is refused by both.
  d. simplejwt: a pair from one side refreshes on the other, which blacklists the old
     refresh token for both; /api/token/blacklist/ on one side holds on the other.
  e. a password changed in Django (ORM) ends the user's sessions on warden; the new
     password logs in on warden.
  f. a user deactivated in Django (ORM) is refused by warden at once (token and session).
  g. an account switched on or off by a staff user on one side is seen on the other.
  h. (with --warden-cli) `warden --django-db DB token create NAME [--reset]` is DRF's
     drf_create_token: the existing key, a new one with --reset; `jwt verify` checks a
     simplejwt token with the site's key.
The ORM runs in a subprocess of /usr/bin/python3 (DJANGO_SETTINGS_MODULE=
warden_drf.settings over the same database).

Both servers are stopped however the run ends (failure, --timeout, Ctrl-C, SIGTERM).
Exit status: 0 when every check passes, 1 when one fails or a server does not start,
2 on a usage error, 77 (skipped) when Debian's Django REST Framework packages are
missing, or for postgres when WARDEN_TEST_PG is unset or python3-psycopg2 is missing
(then 1 instead with WARDEN_TEST_SERVICES=required). Python standard library only
(psycopg2 for the postgres backend's CREATE and DROP DATABASE); the DRF site runs on
/usr/bin/python3.
"""
import argparse
import http.client
import json
import os
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlsplit, urlunsplit

HERE = os.path.dirname(os.path.abspath(__file__))
CONFORMANCE = os.path.join(os.path.dirname(HERE), "conformance")
sys.path.insert(0, CONFORMANCE)
from run_conformance import (DRF_PYTHON, DRF_SERVE, SKIP, STOP_SIGNALS,  # noqa: E402
                             ServerProcess, Stop, check_drf_available, free_port, on_signal)

DRF_SITE = os.path.dirname(DRF_SERVE)
PASSWORDS = {"alice": "alice-pass", "bob": "bob-pass", "carol": "carol-pass", "dave": "dave-pass"}
# Django's get_random_secret_key() alphabet: the key warden gets has its punctuation.
SECRET_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)"

# What the test asks of Django's ORM, run by /usr/bin/python3 over the test's database:
#   create_user NAME {"password": P, "token": bool}  -> {"id": N, "token": KEY or absent}
#   set_password NAME P                                -> {}
#   set_active NAME true|false                         -> {}
ORM_SCRIPT = r"""
import json, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
User = get_user_model()
op, name, arg = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
out = {}
if op == "create_user":
    user = User.objects.create_user(name, name + "@example.com", arg["password"])
    out["id"] = user.id
    if arg.get("token"):
        out["token"] = Token.objects.create(user=user).key
elif op == "set_password":
    user = User.objects.get(username=name)
    user.set_password(arg)
    user.save()
elif op == "set_active":
    user = User.objects.get(username=name)
    user.is_active = bool(arg)
    user.save()
else:
    sys.exit("unknown operation " + op)
print(json.dumps(out))
"""


class Abort(Exception):
    """A check the rest of its group depends on failed: the group stops there."""


class OrmError(Exception):
    pass


# ---------------------------------------------------------------- HTTP


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except ValueError:
            return None

    def get(self, key):
        data = self.json()
        return data.get(key) if isinstance(data, dict) else None

    def describe(self):
        text = self.body.decode("utf-8", "replace").strip()
        if len(text) > 300:
            text = text[:300] + "..."
        return "%d %s" % (self.status, text or "(empty body)")


class Jar(dict):
    """A client's cookies (name -> value), as a browser would keep them for 127.0.0.1."""

    def update_from(self, set_cookies):
        for line in set_cookies:
            name, _, rest = line.partition("=")
            value = rest.split(";", 1)[0].strip()
            attributes = rest.lower().replace(" ", "")
            if value in ("", '""') or "max-age=0" in attributes:
                self.pop(name.strip(), None)
            else:
                self[name.strip()] = value

    def copy(self):
        return Jar(self)


class Site:
    def __init__(self, name, port, timeout):
        self.name, self.port, self.timeout = name, port, timeout

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def request(self, method, path, body=None, headers=None, jar=None):
        h = {"Accept": "application/json"}
        h.update(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            h["Content-Type"] = "application/json"
        if jar:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in jar.items())
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=data, headers=h)
            r = conn.getresponse()
            payload = r.read()
            if jar is not None:
                jar.update_from(r.headers.get_all("Set-Cookie") or [])
            return Response(r.status, r.headers, payload)
        finally:
            conn.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body={} if body is None else body, **kw)

    def put(self, path, body, **kw):
        return self.request("PUT", path, body=body, **kw)

    def csrf_headers(self, jar):
        """What a page of this site sends with an unsafe request: Django's CSRF header
        and the Origin and Referer of the site itself."""
        return {"X-CSRFToken": jar.get("csrftoken", ""), "Origin": self.url, "Referer": self.url + "/"}

    def csrf_post(self, path, body, jar):
        return self.post(path, body, headers=self.csrf_headers(jar), jar=jar)


def token_header(key):
    return {"Authorization": "Token " + key}


def bearer_header(access):
    return {"Authorization": "Bearer " + (access or "")}


# ---------------------------------------------------------------- checks


class Checks:
    def __init__(self):
        self.total, self.failed = 0, []

    def check(self, what, ok, detail=""):
        self.total += 1
        if ok:
            print("ok   " + what, flush=True)
        else:
            self.failed.append(what)
            print("FAIL " + what + (": " + detail if detail else ""), flush=True)
        return ok

    def response(self, what, r, status, **fields):
        """r has this status and, in its JSON object, these field values."""
        ok = r.status == status and all(r.get(k) == v for k, v in fields.items())
        want = str(status) + ("" if not fields else " " + json.dumps(fields))
        return self.check(what, ok, "expected %s, got %s" % (want, r.describe()))

    def csrf_refusal(self, what, r):
        """DRF's SessionAuthentication refusal: 403 "CSRF Failed: ..."."""
        ok = r.status == 403 and str(r.get("detail") or "").startswith("CSRF Failed")
        return self.check(what, ok, 'expected 403 "CSRF Failed: ...", got ' + r.describe())

    def require(self, what, ok, detail=""):
        if not self.check(what, ok, detail):
            raise Abort(what)

    def require_response(self, what, r, status, **fields):
        if not self.response(what, r, status, **fields):
            raise Abort(what)


class Context:
    def __init__(self, checks, drf, warden, tokens, orm, db=None, secret_key=None, cli=None, jwt_key=None):
        self.checks, self.drf, self.warden, self.tokens, self.orm = checks, drf, warden, tokens, orm
        self.db, self.secret_key, self.cli, self.jwt_key = db, secret_key, cli, jwt_key

    def login(self, site, name, password=None, check=True):
        """A session login on `site` (POST /api/login/); returns the jar (sessionid, csrftoken)."""
        jar = Jar()
        r = site.post("/api/login/", {"username": name, "password": password or PASSWORDS[name]}, jar=jar)
        if check:
            self.checks.require("%s logs in on %s (POST /api/login/ sets sessionid and csrftoken)"
                                % (name, site.name),
                                r.status == 200 and "sessionid" in jar and "csrftoken" in jar,
                                "got %s, cookies %s" % (r.describe(), sorted(jar)))
        return jar

    def dashboard(self, site, jar):
        return site.get("/api/dashboard/", jar=jar.copy())


def hello(name):
    return "Hello %s, welcome to your dashboard" % name


def check_tokens(c):
    """a. DRF's tokens: one key per user, whichever side makes or reads it."""
    ck, drf, warden = c.checks, c.drf, c.warden
    alice = c.tokens["alice"]
    ck.response("a. alice's DRF-seeded token works on warden's /api/profile/",
                warden.get("/api/profile/", headers=token_header(alice)), 200,
                username="alice", email="alice@example.com")
    ck.response("a. warden's POST /api/token-auth/ for alice returns the DRF-seeded key",
                warden.post("/api/token-auth/", {"username": "alice", "password": "alice-pass"}), 200,
                token=alice)
    bad = secrets.token_hex(20)
    for site in (warden, drf):
        ck.response("a. a bad token is refused by %s (401 Invalid token.)" % site.name,
                    site.get("/api/profile/", headers=token_header(bad)), 401, detail="Invalid token.")
    ck.response("a. a wrong password gets no token from warden (400)",
                warden.post("/api/token-auth/", {"username": "alice", "password": "not-alice-pass"}), 400)
    frank = c.orm("create_user", "frank", {"password": "frank-pass", "token": False})
    ck.check("a. a user created in Django after the seeded ones gets id 5 (the id sequence was moved past them)",
             frank.get("id") == 5, "got id %s" % frank.get("id"))
    r = warden.post("/api/token-auth/", {"username": "frank", "password": "frank-pass"})
    ck.require_response("a. warden's POST /api/token-auth/ makes a token for frank (created in Django, no token)",
                        r, 200)
    key = r.get("token") or ""
    ck.response("a. the token warden made for frank works on DRF's /api/profile/",
                drf.get("/api/profile/", headers=token_header(key)), 200, username="frank")
    ck.response("a. DRF's POST /api/token-auth/ for frank returns the key warden made",
                drf.post("/api/token-auth/", {"username": "frank", "password": "frank-pass"}), 200, token=key)


def check_sessions(c):
    """b. Sessions and CSRF across the two sites."""
    ck, drf, warden = c.checks, c.drf, c.warden
    jar = c.login(drf, "alice")
    ck.response("b. Django's login session works on warden's /api/dashboard/",
                c.dashboard(warden, jar), 200, message=hello("alice"))
    ck.response("b. warden accepts a POST /api/notes/ with Django's session, csrftoken cookie and X-CSRFToken (201)",
                warden.csrf_post("/api/notes/", {"text": "from a Django session"}, jar.copy()), 201,
                created="from a Django session")
    r = warden.post("/api/notes/", {"text": "no CSRF token"}, jar=jar.copy(),
                    headers={"Origin": warden.url, "Referer": warden.url + "/"})
    ck.csrf_refusal("b. warden refuses that POST without X-CSRFToken (403 CSRF Failed)", r)
    jar = c.login(warden, "bob")
    ck.response("b. warden's login session works on DRF's /api/dashboard/",
                c.dashboard(drf, jar), 200, message=hello("bob"))
    ck.response("b. DRF accepts a POST /api/notes/ with warden's session, csrftoken cookie and X-CSRFToken (201)",
                drf.csrf_post("/api/notes/", {"text": "from a warden session"}, jar.copy()), 201,
                created="from a warden session")
    r = drf.post("/api/notes/", {"text": "no CSRF token"}, jar=jar.copy(),
                 headers={"Origin": drf.url, "Referer": drf.url + "/"})
    ck.csrf_refusal("b. DRF refuses that POST without X-CSRFToken (403 CSRF Failed)", r)


def check_logout(c):
    """c. A logout on either side ends the session for both."""
    ck = c.checks
    for made_on in (c.drf, c.warden):
        for ended_on in (c.drf, c.warden):
            jar = c.login(made_on, "alice")
            other = c.warden if made_on is c.drf else c.drf
            ck.require_response("c. a session made on %s works on %s" % (made_on.name, other.name),
                                c.dashboard(other, jar), 200, message=hello("alice"))
            stale = jar.copy()  # the cookies as they were: replayed after the logout
            r = ended_on.csrf_post("/api/logout/", {}, jar)
            ck.check("c. POST /api/logout/ on %s ends the session made on %s (204)" % (ended_on.name, made_on.name),
                     r.status == 204, "got " + r.describe())
            for site in (c.warden, c.drf):
                ck.response("c.   then %s refuses that session (403)" % site.name, c.dashboard(site, stale), 403)


def refresh(site, token):
    return site.post("/api/token/refresh/", {"refresh": token or ""})


def check_jwt(c):
    """d. simplejwt: rotation and blacklist shared through token_blacklist_*."""
    ck, drf, warden = c.checks, c.drf, c.warden
    credentials = {"username": "alice", "password": "alice-pass"}

    def obtain(site):
        r = site.post("/api/token/", credentials)
        ck.require("d. %s's /api/token/ gives alice a pair" % site.name,
                   r.status == 200 and r.get("refresh") and r.get("access"), "got " + r.describe())
        return r.get("refresh"), r.get("access")

    for first, second in ((drf, warden), (warden, drf)):
        old, access = obtain(first)
        ck.response("d. %s's access token works on %s's /api/jwt/profile/" % (first.name, second.name),
                    second.get("/api/jwt/profile/", headers=bearer_header(access)), 200, username="alice")
        r = refresh(second, old)
        new = r.get("refresh")
        ck.require("d. %s refreshes %s's refresh token (200, a new refresh token: rotation)"
                   % (second.name, first.name),
                   r.status == 200 and bool(r.get("access")) and bool(new) and new != old,
                   "got " + r.describe())
        ck.response("d. the old refresh token is then refused on %s (401 token_not_valid)" % first.name,
                    refresh(first, old), 401, code="token_not_valid")
        ck.response("d. and on %s too (401 token_not_valid)" % second.name,
                    refresh(second, old), 401, code="token_not_valid")
        ck.response("d. the rotated refresh token from %s refreshes on %s" % (second.name, first.name),
                    refresh(first, new), 200)
    for first, second in ((drf, warden), (warden, drf)):
        token, _ = obtain(first)
        ck.response("d. %s's /api/token/blacklist/ takes a refresh token from %s (200)" % (second.name, first.name),
                    second.post("/api/token/blacklist/", {"refresh": token}), 200)
        ck.response("d. that token is then refused by %s's /api/token/refresh/ (401 token_not_valid)" % first.name,
                    refresh(first, token), 401, code="token_not_valid")


def check_password_change(c):
    """e. A password set through Django's ORM: old sessions end, the new password works."""
    ck, drf, warden = c.checks, c.drf, c.warden
    key = c.tokens["carol"]
    warden_jar = c.login(warden, "carol")
    django_jar = c.login(drf, "carol")
    for jar, made_on in ((warden_jar, warden), (django_jar, drf)):
        ck.require_response("e. carol's session from %s works on warden before the change" % made_on.name,
                            c.dashboard(warden, jar), 200, message=hello("carol"))
    c.orm("set_password", "carol", "carol-new-pass")
    ck.response("e. after the change in Django, warden refuses carol's session made on warden (403)",
                c.dashboard(warden, warden_jar), 403)
    ck.response("e. and the one made on DRF (403)", c.dashboard(warden, django_jar), 403)
    ck.response("e. DRF refuses the session made on warden too (403)", c.dashboard(drf, warden_jar), 403)
    ck.response("e. warden refuses the old password (POST /api/login/ 400)",
                warden.post("/api/login/", {"username": "carol", "password": "carol-pass"}), 400)
    jar = c.login(warden, "carol", "carol-new-pass", check=False)
    ck.check("e. the new password logs in on warden (POST /api/login/ 200)", "sessionid" in jar,
             "no sessionid cookie; cookies %s" % sorted(jar))
    ck.response("e. that session works on warden", c.dashboard(warden, jar), 200, message=hello("carol"))
    ck.response("e. and on DRF", c.dashboard(drf, jar), 200, message=hello("carol"))
    ck.response("e. warden's /api/token-auth/ takes the new password and returns carol's key",
                warden.post("/api/token-auth/", {"username": "carol", "password": "carol-new-pass"}), 200,
                token=key)


def check_deactivation(c):
    """f. A user switched off in Django's ORM is refused by warden at once."""
    ck, drf, warden = c.checks, c.drf, c.warden
    erin = c.orm("create_user", "erin", {"password": "erin-pass", "token": True})
    key = erin.get("token") or ""
    ck.require_response("f. erin (created in Django, with a token) reads warden's /api/profile/",
                        warden.get("/api/profile/", headers=token_header(key)), 200, username="erin")
    warden_jar = c.login(warden, "erin", "erin-pass")
    django_jar = c.login(drf, "erin", "erin-pass")
    ck.require_response("f. erin's session from DRF works on warden", c.dashboard(warden, django_jar), 200)
    c.orm("set_active", "erin", False)
    ck.response("f. after is_active=False in Django, warden refuses erin's token (401 User inactive or deleted.)",
                warden.get("/api/profile/", headers=token_header(key)), 401, detail="User inactive or deleted.")
    ck.response("f. warden refuses erin's session made on warden (403)", c.dashboard(warden, warden_jar), 403)
    ck.response("f. warden refuses erin's session made on DRF (403)", c.dashboard(warden, django_jar), 403)
    ck.response("f. warden refuses erin's password (POST /api/login/ 400)",
                warden.post("/api/login/", {"username": "erin", "password": "erin-pass"}), 400)
    ck.response("f. warden's /api/token-auth/ refuses erin (400)",
                warden.post("/api/token-auth/", {"username": "erin", "password": "erin-pass"}), 400)


def check_admin_switch(c):
    """g. UserActiveAPI (PUT by a staff token) on one side, seen on the other."""
    ck, drf, warden = c.checks, c.drf, c.warden
    staff, dave = token_header(c.tokens["bob"]), token_header(c.tokens["dave"])
    ck.response("g. dave (seeded inactive) is refused by warden (401 User inactive or deleted.)",
                warden.get("/api/profile/", headers=dave), 401, detail="User inactive or deleted.")
    ck.require_response("g. bob switches dave on through warden (PUT /api/admin/users/dave/active/)",
                        warden.put("/api/admin/users/dave/active/", {"active": True}, headers=staff), 200,
                        username="dave", active=True)
    ck.response("g. DRF then accepts dave's token", drf.get("/api/profile/", headers=dave), 200, username="dave")
    ck.response("g. and dave's password (DRF's /api/token-auth/ returns his seeded key)",
                drf.post("/api/token-auth/", {"username": "dave", "password": "dave-pass"}), 200,
                token=c.tokens["dave"])
    ck.require_response("g. bob switches dave off through DRF",
                        drf.put("/api/admin/users/dave/active/", {"active": False}, headers=staff), 200,
                        username="dave", active=False)
    ck.response("g. warden then refuses dave's token (401 User inactive or deleted.)",
                warden.get("/api/profile/", headers=dave), 401, detail="User inactive or deleted.")


def check_cli(c):
    """h. The warden command over the Django database: DRF's drf_create_token."""
    ck, drf, warden = c.checks, c.drf, c.warden
    if not c.cli:
        print("     (skipped: no --warden-cli given)", flush=True)
        return
    base = [c.cli, "--django-db", c.db, "--django-secret-key", c.secret_key]

    def cli(*argv):
        r = subprocess.run(base + list(argv), capture_output=True, text=True, timeout=120)
        return r.returncode, r.stdout.strip(), r.stderr.strip()

    alice = c.tokens["alice"]
    code, out, err = cli("token", "create", "alice")
    ck.check("h. `warden --django-db DB token create alice` prints alice's existing DRF key (drf_create_token)",
             code == 0 and out == "Generated token %s for user alice" % alice,
             "exit %s, stdout %r, stderr %r" % (code, out, err))
    code, out, err = cli("token", "create", "alice", "--reset")
    fresh = out.split()[2] if code == 0 and len(out.split()) == 6 else ""
    ck.require("h. `token create alice --reset` replaces her key (drf_create_token -r)",
               code == 0 and len(fresh) == 40 and fresh != alice, "exit %s, stdout %r, stderr %r" % (code, out, err))
    ck.response("h. the new key works on DRF", drf.get("/api/profile/", headers=token_header(fresh)), 200,
                username="alice")
    ck.response("h. the replaced key is refused by warden",
                warden.get("/api/profile/", headers=token_header(alice)), 401, detail="Invalid token.")
    code, out, err = cli("token", "create", "nobody")
    ck.check("h. `token create` for an unknown user fails with a message (exit 1)",
             code == 1 and "nobody" in err, "exit %s, stderr %r" % (code, err))
    # simplejwt's tokens with the site's key: SIMPLE_JWT_SIGNING_KEY (the DRF site's
    # SIGNING_KEY is the run's JWT key).
    pair = drf.post("/api/token/", {"username": "bob", "password": PASSWORDS["bob"]})
    access = pair.get("access") or ""
    r = subprocess.run(base + ["jwt", "verify", "--token-type", "access", access], capture_output=True, text=True,
                       timeout=120, env=dict(os.environ, SIMPLE_JWT_SIGNING_KEY=c.jwt_key))
    ck.check("h. `warden --django-db DB jwt verify` checks a simplejwt access token with SIMPLE_JWT_SIGNING_KEY",
             r.returncode == 0 and '"token_type":"access"' in r.stdout,
             "exit %s, stdout %r, stderr %r" % (r.returncode, r.stdout, r.stderr))
    r = subprocess.run(base + ["jwt", "verify", access], capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, SIMPLE_JWT_SIGNING_KEY="not-the-site-key-0123456789abcdef"))
    ck.check("h. ... and refuses it under another key (exit 1)", r.returncode == 1,
             "exit %s, stdout %r, stderr %r" % (r.returncode, r.stdout, r.stderr))


GROUPS = [
    ("a. DRF tokens", check_tokens),
    ("b. sessions and CSRF", check_sessions),
    ("c. logout", check_logout),
    ("d. simplejwt refresh, rotation and blacklist", check_jwt),
    ("e. a password changed in Django", check_password_change),
    ("f. a user deactivated in Django", check_deactivation),
    ("g. accounts switched on and off by staff", check_admin_switch),
    ("h. the warden command", check_cli),
]


# ---------------------------------------------------------------- databases and servers


def services_required():
    return os.environ.get("WARDEN_TEST_SERVICES") == "required"


def unavailable(message):
    """No PostgreSQL to test against: skipped, or a failure when services are required."""
    required = services_required()
    print("django: %s: %s" % ("FAILED" if required else "skipped", message), flush=True)
    return 1 if required else SKIP


def with_database(url, name):
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


class PostgresDatabase:
    """A fresh database on the server of WARDEN_TEST_PG, dropped by drop()."""

    def __init__(self, server_url):
        import psycopg2  # only the postgres backend needs it; checked by the caller
        self.psycopg2, self.server_url = psycopg2, server_url
        self.name = "warden_django_" + secrets.token_hex(6)
        self.url = with_database(server_url, self.name)
        self._execute('CREATE DATABASE "%s"' % self.name)

    def _execute(self, statement):
        conn = self.psycopg2.connect(self.server_url, connect_timeout=15)
        try:
            conn.autocommit = True  # CREATE and DROP DATABASE refuse a transaction
            with conn.cursor() as cursor:
                cursor.execute(statement)
        finally:
            conn.close()

    def drop(self):
        # FORCE (PostgreSQL 13+): a connection a stopped server left behind does not hold it.
        self._execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % self.name)


def django_secret_key():
    return "".join(secrets.choice(SECRET_ALPHABET) for _ in range(50))


def drf_env(db, secret_key, jwt_key):
    """The environment of warden_drf.settings over the test's database."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="warden_drf.settings", WARDEN_DRF_DB=db,
               WARDEN_DRF_SECRET_KEY=secret_key, WARDEN_DRF_JWT_KEY=jwt_key)
    env["PYTHONPATH"] = os.pathsep.join([DRF_SITE] + [p for p in [os.environ.get("PYTHONPATH")] if p])
    return env


def make_orm(env, timeout):
    def orm(op, name, arg):
        try:
            done = subprocess.run([DRF_PYTHON, "-c", ORM_SCRIPT, op, name, json.dumps(arg)], env=env,
                                  stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise OrmError("Django's ORM (%s %s) took longer than %ss" % (op, name, timeout))
        if done.returncode != 0:
            raise OrmError("Django's ORM (%s %s) failed with status %d: %s"
                           % (op, name, done.returncode, done.stderr.strip()[-800:]))
        print("     (Django ORM: %s %s %s)" % (op, name, json.dumps(arg) if op != "set_password" else "..."),
              flush=True)
        try:
            return json.loads(done.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            raise OrmError("Django's ORM (%s %s) printed no result: %r" % (op, name, done.stdout[-300:]))
    return orm


def start(servers, role, argv, log_path, port):
    """Starts a server and records it at once, so no signal can leave it unrecorded."""
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        server = ServerProcess(role, argv, log_path, port)
        servers.append(server)
        return server
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


def wait_for(server, deadline, what):
    if server.wait_ready(deadline):
        return True
    if server.proc.poll() is not None:
        state = "exited with status %s" % server.proc.returncode
    else:
        state = "did not answer within the start timeout"
    print("FAIL %s %s\n  command: %s\n  its output (%s):\n%s"
          % (what, state, shlex.join(server.argv), server.log_path, server.tail() or "    | (nothing)"),
          flush=True)
    return False


def seeded_tokens(log_path):
    tokens = {}
    with open(log_path, "rb") as f:
        for line in f.read().decode("utf-8", "replace").splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[0] == "token":
                tokens[parts[1]] = parts[2]
    return tokens


def run(args, workdir, db, servers):
    secret_key, jwt_key = django_secret_key(), secrets.token_hex(32)
    drf_port, warden_port = free_port(), free_port()
    drf_argv = [DRF_PYTHON, DRF_SERVE, "--port", str(drf_port), "--db", db, "--jwt-key", jwt_key,
                "--secret-key", secret_key, "--workers", "1"]
    if args.backend == "sqlite":
        drf_argv.append("--fresh")
    drf_log = os.path.join(workdir, "drf.log")
    deadline = time.monotonic() + args.start_timeout
    drf = start(servers, "DRF", drf_argv, drf_log, drf_port)
    if not wait_for(drf, deadline, "the DRF site (serve.py: migrate, seed, gunicorn)"):
        print("django (%s): the DRF site did not start; no checks ran" % args.backend, flush=True)
        return 1
    tokens = seeded_tokens(drf_log)
    if sorted(tokens) != sorted(PASSWORDS):
        print("FAIL the DRF site printed no seeded token for %s (%s)"
              % (", ".join(sorted(set(PASSWORDS) - set(tokens))), drf_log), flush=True)
        return 1

    if args.candidate_drf:
        warden_argv = [DRF_PYTHON, DRF_SERVE, "--port", str(warden_port), "--db", db, "--jwt-key", jwt_key,
                       "--secret-key", secret_key, "--workers", "1", "--quiet"]
    else:
        warden_argv = [args.site, "--address", "127.0.0.1", "--port", str(warden_port), "--django-db", db,
                       "--django-secret-key", secret_key, "--jwt-key", jwt_key] + args.site_arg
    warden = start(servers, "warden", warden_argv, os.path.join(workdir, "warden.log"), warden_port)
    deadline = time.monotonic() + args.start_timeout
    if not wait_for(warden, deadline, "warden's reference_site over the Django database"
                    if not args.candidate_drf else "the second DRF site (self-check)"):
        print("django (%s): warden's server did not start; no checks ran" % args.backend, flush=True)
        return 1

    print("== backend %s, database %s\n== DRF site %s, %s %s"
          % (args.backend, db, drf.url, "second DRF site (self-check)" if args.candidate_drf else "warden",
             warden.url), flush=True)
    checks = Checks()
    context = Context(checks, Site("DRF", drf_port, args.request_timeout),
                      Site("warden", warden_port, args.request_timeout), tokens,
                      make_orm(drf_env(db, secret_key, jwt_key), args.request_timeout * 4),
                      db=db, secret_key=secret_key, cli=None if args.candidate_drf else args.warden_cli,
                      jwt_key=jwt_key)
    for title, group in GROUPS:
        if args.only and not any(title.startswith(o + ".") for o in args.only):
            continue
        print("== " + title, flush=True)
        try:
            group(context)
        except Abort as e:
            print("     (the rest of this group is skipped: it needs \"%s\")" % e, flush=True)
        except (OSError, http.client.HTTPException, OrmError, ValueError) as e:
            checks.check(title + ": runs to its end", False, "%s: %s" % (type(e).__name__, e))
        for server in servers:
            if server.proc.poll() is not None:
                checks.check("the %s server is still running" % server.role, False,
                             "exited with status %s\n%s" % (server.proc.returncode, server.tail()))
                print("django (%s): %d checks, %d failed; a server stopped"
                      % (args.backend, checks.total, len(checks.failed)), flush=True)
                return 1
    print("django (%s): %d checks, %d failed" % (args.backend, checks.total, len(checks.failed)), flush=True)
    if checks.failed:
        for server in servers:
            print("  %s log (%s):\n%s" % (server.role, server.log_path, server.tail(30) or "    | (nothing)"),
                  flush=True)
        return 1
    return 0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("site", nargs="?", help="the reference_site binary (not with --candidate-drf)")
    p.add_argument("--backend", choices=["sqlite", "postgres"], required=True)
    p.add_argument("--candidate-drf", action="store_true",
                   help="run a second DRF site in warden's place (self-check of the test)")
    p.add_argument("--site-arg", action="append", default=[], metavar="ARG",
                   help="one more argument for reference_site (repeatable)")
    p.add_argument("--only", action="append", default=[], metavar="LETTER",
                   help="run only this group of checks (a-h; repeatable)")
    p.add_argument("--warden-cli", metavar="PATH", help="the warden command, for group h (token create)")
    p.add_argument("--start-timeout", type=float, default=120, help="seconds for each server to answer")
    p.add_argument("--request-timeout", type=float, default=30, help="seconds per request")
    p.add_argument("--timeout", type=float, default=540, help="seconds for the whole run")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, SQLite database)")
    args = p.parse_args(argv)
    if args.candidate_drf == bool(args.site):
        p.error("give the reference_site binary, or --candidate-drf")
    if args.site:
        args.site = os.path.abspath(args.site)
        if not (os.path.isfile(args.site) and os.access(args.site, os.X_OK)):
            p.error("reference_site %r is not an executable file" % args.site)

    problem = check_drf_available()
    if problem:
        print("django: skipped: " + problem, flush=True)
        return SKIP
    server_url = None
    if args.backend == "postgres":
        server_url = os.environ.get("WARDEN_TEST_PG")
        if not server_url:
            return unavailable("WARDEN_TEST_PG is not set, so there is no PostgreSQL to test against; "
                               "./scripts/test starts one and sets it (or export "
                               "WARDEN_TEST_PG=postgresql://USER@HOST:PORT/DBNAME yourself)")
        try:
            import psycopg2  # noqa: F401
        except ImportError:
            return unavailable("python3-psycopg2 is not installed (apt-get install -y python3-psycopg2)")

    workdir = tempfile.mkdtemp(prefix="warden-django-")
    servers, database, status = [], None, 1
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGALRM, on_signal)
    signal.alarm(int(args.timeout))
    try:
        if args.backend == "postgres":
            try:
                database = PostgresDatabase(server_url)
            except Exception as e:  # psycopg2.Error and its kin: the server is there but refuses
                print("FAIL could not create a database on %s: %s" % (server_url, str(e).strip()), flush=True)
                database = None
                return 1
            db = database.url
        else:
            db = os.path.join(workdir, "django.sqlite3")
        status = run(args, workdir, db, servers)
    except Stop as e:
        print("django: %s; servers stopped" % e, flush=True)
        status = 1
    finally:
        signal.alarm(0)
        # A second Ctrl-C must not interrupt the stopping itself.
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            for server in reversed(servers):
                server.stop()
            if database is not None:
                try:
                    database.drop()
                except Exception as e:
                    print("django: could not drop the database %s: %s" % (database.name, e), flush=True)
                    status = 1
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
        if args.keep:
            print("django: logs kept in %s" % workdir, flush=True)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
