#!/usr/bin/env python3
"""Two reference_site instances over one PostgreSQL and one Redis, as a deployment runs.

  test_cluster.py REFERENCE_SITE WARDEN SERVICES_SCRIPT

Starts a private PostgreSQL and Redis (scripts/services: initdb in a temporary folder,
127.0.0.1, free ports) and two reference_site instances at once over the empty database,
then checks, each credential made on one instance and checked on the other:
  - both instances come up, and the demo users are seeded once (ids 1-4);
  - a token, a session login and logout, a JWT refresh rotation and blacklist;
  - a throttle lets exactly its rate through a concurrent burst spread over both;
  - `--pool-size 1` bounds an instance's PostgreSQL connections (and is refused over
    SQLite alone);
  - an account switched off on one instance is refused on the other at once;
  - Redis, then PostgreSQL, stopped mid-test: 503 with a detail and Retry-After (and what
    does not need the stopped server keeps working), then recovery without a restart;
  - a restarted instance keeps every credential;
  - `warden --db postgresql://... token create NAME` makes a token both accept.
Every wait is bounded; everything it starts is stopped however it ends. Exits 77
(skipped) without PostgreSQL 15 or redis-server installed, unless
WARDEN_TEST_SERVICES=required.
"""
import concurrent.futures
import http.client
import json
import os
import shutil
import subprocess
import sys
import time

SITE, WARDEN, SERVICES = sys.argv[1], sys.argv[2], sys.argv[3]
PGBIN = os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin")
SECRET = "cluster-test-secret-key-shared-by-every-instance"
failures = []


def check(cond, what):
    print(("ok:   " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        failures.append(what)


def services(*args):
    return subprocess.run([SERVICES, *args], check=True, capture_output=True, text=True, timeout=120).stdout.strip()


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body or b"null")

    def header(self, name):
        return self.headers.get(name.lower(), "")


def request(port, method, path, body=None, headers=None, cookies=None, timeout=15):
    """One request on a fresh connection; Set-Cookie values go into `cookies`."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    h = dict(headers or {})
    if body is not None:
        h["Content-Type"] = "application/json"
        body = json.dumps(body)
    if cookies:
        h["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    try:
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        hdrs = {}
        for k, v in r.getheaders():
            if k.lower() == "set-cookie" and cookies is not None:
                name, _, rest = v.partition("=")
                value = rest.split(";", 1)[0]
                if value in ("", '""') or "Max-Age=0" in v:
                    cookies.pop(name, None)
                else:
                    cookies[name] = value
            hdrs[k.lower()] = v
        return Response(r.status, hdrs, data)
    finally:
        conn.close()


class Site:
    def __init__(self, name, db, redis, extra=()):
        self.name, self.db, self.redis, self.extra = name, db, redis, list(extra)
        self.port = int(services("free_port"))
        self.log = open(os.path.join(TMP, f"{name}.log"), "ab")
        self.proc = None

    def start(self):
        env = dict(os.environ, WARDEN_PASSWORD_ITERATIONS="1000", WARDEN_SECRET_KEY=SECRET)
        self.proc = subprocess.Popen([SITE, "--port", str(self.port), "--db", self.db, "--redis", self.redis,
                                      "--threads", "2", *self.extra], stdout=self.log, stderr=self.log, env=env)

    def wait_ready(self):
        for _ in range(600):
            if self.proc.poll() is not None:
                return False
            try:
                if request(self.port, "GET", "/api/notes/", timeout=2).status == 200:
                    return True
            except OSError:
                pass
            time.sleep(0.1)
        return False

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def get(self, path, **kw):
        return request(self.port, "GET", path, **kw)

    def post(self, path, body=None, **kw):
        return request(self.port, "POST", path, body=body if body is not None else {}, **kw)

    def put(self, path, body, **kw):
        return request(self.port, "PUT", path, body=body, **kw)


def until(what, attempt, tries=100, pause=0.1):
    """Retries `attempt` (bounded) until it returns a true value; returns the last value."""
    value = None
    for _ in range(tries):
        value = attempt()
        if value:
            return value
        time.sleep(pause)
    return value


def unavailable(r):
    return (r.status == 503 and r.json() == {"detail": "Service temporarily unavailable, try again later."}
            and r.header("Retry-After").isdigit())


def credentials(user):
    return {"username": user, "password": f"{user}-pass"}


def main():
    # --pool-size and --store-timeout tune the network stores: over SQLite alone they are
    # refused, not ignored.
    env = {k: v for k, v in os.environ.items() if k not in ("WARDEN_REDIS_URL", "WARDEN_DATABASE_URL")}
    refused_db = os.path.join(TMP, "refused.db")
    p = subprocess.run([SITE, "--db", refused_db, "--pool-size", "2"], capture_output=True, text=True, timeout=60, env=env)
    check(p.returncode == 2 and "--pool-size apply to PostgreSQL and Redis" in p.stderr and not os.path.exists(refused_db),
          f"--pool-size over SQLite alone is refused with exit status 2 ({p.returncode}: {p.stderr.strip()})")

    pg_port, redis_port = int(services("free_port")), int(services("free_port"))
    services("pg_start", TMP, str(pg_port))
    services("redis_start", TMP, str(redis_port))
    db = f"postgresql://postgres@127.0.0.1:{pg_port}/warden"
    redis = f"redis://127.0.0.1:{redis_port}/0"

    def psql(sql):
        return subprocess.run([f"{PGBIN}/psql", "-h", "127.0.0.1", "-p", str(pg_port), "-U", "postgres", "-d", "warden",
                               "-Atc", sql], capture_output=True, text=True, timeout=30).stdout.strip()

    # B names itself to PostgreSQL, so that its connections can be counted, and keeps one.
    a = Site("a", db, redis)
    b = Site("b", db + "?application_name=warden_site_b", redis, ["--pool-size", "1", "--store-timeout", "4000"])
    sites.extend([a, b])

    # Both start at once over the empty database: the schema and the users are made once.
    a.start()
    b.start()
    check(a.wait_ready() and b.wait_ready(), "two instances started at once over one empty database both come up")
    users = psql("SELECT string_agg(id || ':' || username, ',' ORDER BY id) FROM warden_users")
    check(users == "1:alice,2:bob,3:carol,4:dave", f"the demo users are seeded once, ids 1-4 ({users})")

    # A token made on one instance works on the other.
    r = a.post("/api/token-auth/", credentials("alice"))
    check(r.status == 200, "alice obtains a token on A")
    alice = "Token " + r.json()["token"]
    r = b.get("/api/profile/", headers={"Authorization": alice})
    check(r.status == 200 and r.json()["username"] == "alice", "the token made on A authenticates on B")

    # A session logged in on A is logged in on B; logged out on B, it is over on A.
    jar = {}
    check(a.post("/api/login/", credentials("alice"), cookies=jar).status == 200 and "sessionid" in jar,
          "alice logs in on A (session cookie)")
    r = b.get("/api/dashboard/", cookies=dict(jar))
    check(r.status == 200 and "alice" in r.json().get("message", ""), "the session made on A is alice's on B")
    stale = dict(jar)
    r = b.post("/api/logout/", cookies=jar, headers={"X-CSRFToken": jar.get("csrftoken", "")})
    check(r.status == 204, "the session logs out on B (CSRF checked)")
    check(a.get("/api/dashboard/", cookies=stale).status == 403, "the session logged out on B is refused on A")

    # JWT: rotated on B, the old refresh token is blacklisted on A; blacklisted on B,
    # the new one is refused on A.
    r = a.post("/api/token/", credentials("bob"))
    check(r.status == 200, "bob obtains a JWT pair on A")
    first = r.json().get("refresh", "")
    r = b.post("/api/token/refresh/", {"refresh": first})
    check(r.status == 200 and "refresh" in r.json(), "B refreshes it with rotation")
    second = r.json().get("refresh", "")
    r = a.post("/api/token/refresh/", {"refresh": first})
    check(r.status == 401 and r.json().get("detail") == "Token is blacklisted", "the rotated-out token is blacklisted on A")
    check(a.post("/api/token/verify/", {"token": second}).status == 200, "the new refresh token verifies on A")
    check(b.post("/api/token/blacklist/", {"refresh": second}).status == 200, "B blacklists the new refresh token")
    r = a.post("/api/token/refresh/", {"refresh": second})
    check(r.status == 401 and r.json().get("detail") == "Token is blacklisted", "blacklisted on B, refused on A")

    # Throttles exact under a concurrent burst over both instances (anonymous: 3/minute
    # for 127.0.0.1; alice: 5/minute).
    def burst(n, headers=None):
        with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
            futures = [pool.submit(request, (a, b)[i % 2].port, "GET", "/api/throttled/", None, headers)
                       for i in range(n)]
            return [f.result().status for f in futures]
    statuses = burst(24)
    check(statuses.count(200) == 3 and statuses.count(429) == 21,
          f"24 concurrent anonymous requests over both instances: exactly 3 pass a 3/minute limit ({statuses.count(200)})")
    statuses = burst(20, {"Authorization": alice})
    check(statuses.count(200) == 5 and statuses.count(429) == 15,
          f"20 concurrent requests of alice over both: exactly 5 pass a 5/minute limit ({statuses.count(200)})")
    # Each of those looked alice's token up in PostgreSQL on the instance's blocking
    # threads, several at once; B, started with --pool-size 1, did it over one connection.
    held = psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'warden_site_b'")
    check(held == "1", f"B (--pool-size 1) holds one PostgreSQL connection after the burst ({held})")

    # An account switched off on A is refused on B at once, token and session alike.
    bob = "Token " + a.post("/api/token-auth/", credentials("bob")).json().get("token", "")
    r = b.post("/api/token-auth/", credentials("carol"))
    carol = "Token " + r.json().get("token", "")
    carol_jar = {}
    b.post("/api/login/", credentials("carol"), cookies=carol_jar)
    r = a.put("/api/admin/users/carol/active/", {"active": False}, headers={"Authorization": bob})
    check(r.status == 200 and r.json() == {"username": "carol", "active": False}, "bob switches carol off on A")
    r = b.get("/api/profile/", headers={"Authorization": carol})
    check(r.status == 401 and r.json() == {"detail": "User inactive or deleted."}, "carol's token is refused on B at once")
    check(b.get("/api/dashboard/", cookies=carol_jar).status == 403, "carol's session is over on B at once")
    a.put("/api/admin/users/carol/active/", {"active": True}, headers={"Authorization": bob})

    # Redis stops: throttled routes answer 503 on both (throttles fail closed), the rest
    # goes on; Redis back (empty: it keeps no data), they count again.
    services("redis_stop", TMP)
    for site in (a, b):
        check(unavailable(site.get("/api/throttled/")), f"Redis stopped: {site.name} answers the throttled route 503 + Retry-After")
    check(a.get("/api/profile/", headers={"Authorization": alice}).status == 200, "Redis stopped: token routes still work")
    services("redis_start", TMP, str(redis_port))
    for site in (a, b):
        r = until("recovery", lambda: site.get("/api/throttled/", headers={"Authorization": bob}).status == 200)
        check(bool(r), f"Redis back: {site.name} counts again without a restart")

    # PostgreSQL stops: everything that needs it answers 503 at once; the throttled route
    # (anonymous: no database, counts in Redis) goes on; PostgreSQL back, all recover.
    services("pg_stop", TMP)
    for site in (a, b):
        check(unavailable(site.get("/api/profile/", headers={"Authorization": alice})),
              f"PostgreSQL stopped: {site.name} answers a token request 503 + Retry-After")
        check(unavailable(site.post("/api/login/", credentials("alice"))), f"PostgreSQL stopped: {site.name} answers login 503")
    check(a.get("/api/throttled/").status in (200, 429), "PostgreSQL stopped: an anonymous throttled request still works")
    services("pg_start", TMP, str(pg_port))
    for site in (a, b):
        r = until("recovery", lambda: site.get("/api/profile/", headers={"Authorization": alice}).status == 200)
        check(bool(r), f"PostgreSQL back: {site.name} serves again without a restart")

    # Each outage is one line in each instance's log when it starts and one when the store
    # serves again, however many requests failed in between.
    for site in (a, b):
        site.log.flush()
        with open(os.path.join(TMP, f"{site.name}.log"), "rb") as f:
            lines = f.read().decode(errors="replace").splitlines()
        for store, url in (("Redis", redis), ("PostgreSQL", db)):
            down = sum(1 for l in lines if f"store {url} is unavailable" in l)
            back = sum(1 for l in lines if f"store {url} is serving again" in l)
            check(down == 1 and back == 1,
                  f"{site.name} logged the {store} outage once when it began and once when it ended ({down}, {back})")

    # A restarted instance keeps every credential.
    jar = {}
    check(b.post("/api/login/", credentials("alice"), cookies=jar).status == 200, "alice logs in on B again")
    r = b.post("/api/token/", credentials("alice"))
    refresh = r.json().get("refresh", "")
    a.stop()
    a.start()
    check(a.wait_ready(), "A restarts")
    check(a.get("/api/profile/", headers={"Authorization": alice}).status == 200, "the token still works on the restarted A")
    check(a.get("/api/dashboard/", cookies=jar).status == 200, "the session still works on the restarted A")
    check(a.post("/api/token/refresh/", {"refresh": refresh}).status == 200, "the refresh token still works on the restarted A")

    # The warden command on the same database.
    p = subprocess.run([WARDEN, "--db", db, "token", "create", "dave"], capture_output=True, text=True, timeout=60)
    check(p.returncode == 0 and p.stdout.startswith("Generated token "), "warden --db postgresql://... token create dave")
    key = p.stdout.split()[2] if p.returncode == 0 else ""
    r = b.get("/api/profile/", headers={"Authorization": "Token " + key})
    check(r.status == 401 and r.json() == {"detail": "User inactive or deleted."}, "dave's new token is known on B (dave is inactive)")
    p = subprocess.run([WARDEN, "--db", db, "token", "create", "carol"], capture_output=True, text=True, timeout=60)
    key = p.stdout.split()[2] if p.returncode == 0 else ""
    r = a.get("/api/profile/", headers={"Authorization": "Token " + key})
    check(r.status == 200 and r.json()["username"] == "carol", "a token made by the warden command works on A")


if __name__ == "__main__":
    required = os.environ.get("WARDEN_TEST_SERVICES") == "required"
    if not os.path.exists(f"{PGBIN}/initdb") or not shutil.which("redis-server"):
        print(("FAILED" if required else "SKIPPED") + f": PostgreSQL 15 ({PGBIN}) or redis-server is not installed; "
              "./scripts/test installs them")
        sys.exit(1 if required else 77)
    TMP = services("service_dir")
    sites = []
    try:
        main()
    except Exception as e:  # a crash is a failure, after cleaning up
        failures.append(f"the test stopped: {e!r}")
        print("FAIL:", failures[-1])
    finally:
        for s in sites:
            s.stop()
        for what in ("pg_stop", "redis_stop"):
            try:
                services(what, TMP)
            except Exception:
                pass
        if failures:
            for s in sites:
                print(f"--- {s.name}.log (tail)")
                with open(os.path.join(TMP, f"{s.name}.log"), "rb") as f:
                    print(f.read()[-3000:].decode(errors="replace"))
        shutil.rmtree(TMP, ignore_errors=True)
    print(f"{len(failures)} failure(s)")
    sys.exit(1 if failures else 0)
