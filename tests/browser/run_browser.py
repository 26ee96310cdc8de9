#!/usr/bin/python3
"""warden in a real browser: headless Chromium (Debian's chromium, chromium-driver and
python3-selenium) against reference_site, one fresh browser per scenario.

  run_browser.py PATH/TO/reference_site [--out DIR] [--only NAME]... [--screenshot PNG]

Scenarios (docs/browser.md):
  login_lands_on_next       the login form (CSRF field, Django's messages) lands on `next`,
                            never off the site
  spa_dashboard_and_note    the single-page demo reads /api/dashboard/ and posts a note
                            with X-CSRFToken (201)
  cross_origin              a page on another local port cannot post with the user's
                            session (CSRF 403) and reads the API only where CORS allows it
  cookies_hidden_from_js    document.cookie never shows sessionid, access_token or
                            refresh_token
  logout_ends_access        logging out (the demo's button and the logout page) ends access
  jwt_cookie_flow           the JWT-in-cookie page logs in, posts, refreshes after the
                            access token expires (a 3-second lifetime here), logs out
  jwks                      /.well-known/jwks.json publishes the site's public key only

The site runs on a free 127.0.0.1 port with a fresh database, an EC P-256 signing key
(--jwt-private-key) and --cors-origin for one of two other local origins that a small
Python server serves on other free ports. Everything started is stopped at the end.
On a failure the browser's screenshot and page are saved in --out (default: the current
directory) beside browser_test.log, as NAME.png and NAME.html.

Exit status: 0 all passed, 1 a scenario failed, 77 (skipped) when Chromium, its driver
or Selenium is not installed (./scripts/test installs them).
--screenshot PNG only logs in, posts a note and saves the demo page (for the docs).
"""
import argparse
import contextlib
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.request

SKIP = 77
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
HEADLESS_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=1100,900"]
WAIT = 20              # seconds any one condition may take
ACCESS_LIFETIME = 3    # seconds: the JWT page's refresh is exercised after it
PASSWORD = {"alice": "alice-pass", "bob": "bob-pass"}


def missing_packages():
    missing = []
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("python3-selenium")
    if not os.access(CHROMIUM, os.X_OK):
        missing.append("chromium")
    if not os.access(CHROMEDRIVER, os.X_OK):
        missing.append("chromium-driver")
    return missing


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Failure(Exception):
    pass


def check(cond, message):
    if not cond:
        raise Failure(message)


# ---------------------------------------------------------------------------------
# The other origins: pages a different site (another port of 127.0.0.1) would serve.

OTHER_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>another origin</title></head>
<body><h1>A page on %(origin)s</h1><pre id="results"></pre>
<script>
const site = %(site)s;
const results = {};
function cookie(name) {
  for (const part of document.cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq >= 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return '';
}
async function attempt(name, url, init) {
  try {
    const r = await fetch(site + url, init);
    let body = null;
    try { body = await r.json(); } catch (e) { body = null; }
    results[name] = {status: r.status, body: body};
  } catch (e) {
    results[name] = {error: String(e)};   // the browser kept the answer from this page
  }
}
(async () => {
  results.csrftoken_visible = cookie('csrftoken') !== '';
  await attempt('anonymous_get', '/api/notes/', {});
  await attempt('credentialed_get', '/api/dashboard/', {credentials: 'include'});
  await attempt('post_without_token', '/api/notes/', {
    method: 'POST', credentials: 'include',
    headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: 'text=from-another-origin'});
  await attempt('post_with_token', '/api/notes/', {
    method: 'POST', credentials: 'include',
    headers: {'Content-Type': 'application/json', 'X-CSRFToken': cookie('csrftoken')},
    body: JSON.stringify({text: 'from-another-origin'})});
  document.getElementById('results').textContent = JSON.stringify(results);
  window.done = true;
})();
</script></body></html>
"""

FORM_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>cross-site form</title></head>
<body><form id="f" method="post" action="%(site)s/api/notes/">
<input name="text" value="forged"><input name="csrfmiddlewaretoken" id="t"></form>
<script>
// Cookies are not isolated by port: this page can read the site's csrftoken cookie.
for (const part of document.cookie.split(';')) {
  const eq = part.indexOf('=');
  if (eq >= 0 && part.slice(0, eq).trim() === 'csrftoken') document.getElementById('t').value = part.slice(eq + 1).trim();
}
document.getElementById('f').submit();
</script></body></html>
"""


class OtherOrigin:
    """A tiny server on a free 127.0.0.1 port for pages of another origin; the pages
    name the site, which `point_at` sets once the site has started."""

    def __init__(self):
        self.pages = {}
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                page = owner.pages.get(self.path)
                body = (page or "not found").encode()
                self.send_response(200 if page else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.origin = "http://127.0.0.1:%d" % self.port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def point_at(self, site):
        self.pages = {"/other.html": OTHER_PAGE % {"origin": self.origin, "site": json.dumps(site)},
                      "/form.html": FORM_PAGE % {"site": site}}

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


# ---------------------------------------------------------------------------------
# The site.

class Site:
    def __init__(self, binary, workdir, log, cors_origin):
        self.port = free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        self.key = os.path.join(workdir, "jwt-p256.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-out", self.key], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.public_key = os.path.join(workdir, "jwt-p256.pub")
        subprocess.run(["openssl", "pkey", "-in", self.key, "-pubout", "-out", self.public_key], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        argv = [binary, "--address", "127.0.0.1", "--port", str(self.port),
                "--db", os.path.join(workdir, "site.db"), "--threads", "2",
                "--jwt-private-key", self.key, "--jwt-access-lifetime", str(ACCESS_LIFETIME),
                "--cors-origin", cors_origin]
        self.log = open(log, "wb")
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise Failure("reference_site exited with %s (see %s)" % (self.proc.returncode, log))
            try:
                with urllib.request.urlopen(self.base + "/api/notes/", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise Failure("reference_site did not answer within 60 s")
            time.sleep(0.2)

    def close(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=15)
        self.log.close()


# ---------------------------------------------------------------------------------
# The browser.

def new_browser(profile_dir):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in HEADLESS_FLAGS + ["--user-data-dir=" + profile_dir]:
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(WAIT)
    driver.set_script_timeout(WAIT)
    return driver


def wait_for(driver, condition, what):
    from selenium.webdriver.support.ui import WebDriverWait
    try:
        return WebDriverWait(driver, WAIT, poll_frequency=0.1).until(lambda d: condition(d))
    except Exception as e:
        raise Failure("timed out waiting for %s (%s)" % (what, type(e).__name__))


def by_id(driver, element_id):
    from selenium.webdriver.common.by import By
    return driver.find_element(By.ID, element_id)


def text_of(driver, element_id):
    return by_id(driver, element_id).text


def state_of(driver, element_id):
    return by_id(driver, element_id).get_attribute("data-state")


def api(driver, method, path, data=None):
    """fetch() from the page, same origin, with the CSRF header on writes: {status, body}."""
    return driver.execute_async_script("""
        const [method, path, data, done] = arguments;
        const headers = {Accept: 'application/json'};
        const init = {method, credentials: 'same-origin', headers, redirect: 'manual'};
        if (method !== 'GET') {
          const m = document.cookie.match(/(?:^|; )csrftoken=([^;]*)/);
          headers['X-CSRFToken'] = m ? m[1] : '';
          if (data !== null) { headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(data); }
        }
        fetch(path, init).then(async (r) => {
          let body = null;
          try { body = await r.json(); } catch (e) {}
          done({status: r.status, body});
        }).catch((e) => done({error: String(e)}));
    """, method, path, data)


def log_in_with_form(driver, site, user, next_path="/"):
    from urllib.parse import quote
    driver.get(site.base + "/api-auth/login/?next=" + quote(next_path, safe=""))
    by_id(driver, "id_username").send_keys(user)
    by_id(driver, "id_password").send_keys(PASSWORD[user])
    by_id(driver, "id_password").submit()


# ---------------------------------------------------------------------------------
# Scenarios: each gets a fresh browser; a Failure or any exception fails it.

def login_lands_on_next(driver, ctx):
    site = ctx["site"]
    driver.get(site.base + "/api-auth/login/?next=/jwt/")
    check(driver.title == "Log in", "the login page's title is %r" % driver.title)
    token = by_id(driver, "id_username").find_element("xpath", "../../input[@name='csrfmiddlewaretoken']")
    check(len(token.get_attribute("value")) == 64, "the form has no masked csrfmiddlewaretoken")
    check(by_id(driver, "id_username").get_attribute("autocomplete") == "username", "username field")
    # Wrong credentials: the form again, with Django's message and the username kept.
    by_id(driver, "id_username").send_keys("alice")
    by_id(driver, "id_password").send_keys("wrong")
    by_id(driver, "id_password").submit()
    wait_for(driver, lambda d: "Please enter a correct username and password" in d.page_source, "Django's message")
    check(by_id(driver, "id_username").get_attribute("value") == "alice", "the username was not kept")
    check(driver.current_url.startswith(site.base + "/api-auth/login/"), "a failed login left the page")
    # Right credentials: 302 to next.
    by_id(driver, "id_password").send_keys("alice-pass")
    by_id(driver, "id_password").submit()
    wait_for(driver, lambda d: d.current_url == site.base + "/jwt/", "landing on next=/jwt/")
    # An off-site next lands on the site's own default instead.
    for evil in ["//evil.example/", "/\\evil.example/", "https:evil.example", "http://evil.example/"]:
        log_in_with_form(driver, site, "alice", evil)
        wait_for(driver, lambda d: d.current_url == site.base + "/", "landing on / instead of %r" % evil)


def spa_dashboard_and_note(driver, ctx):
    site = ctx["site"]
    driver.get(site.base + "/")
    wait_for(driver, lambda d: state_of(d, "who") == "logged-out", "the demo saying nobody is logged in")
    check("403" in text_of(driver, "who"), "the anonymous dashboard is not 403: %r" % text_of(driver, "who"))
    log_in_with_form(driver, site, "alice", "/")
    wait_for(driver, lambda d: d.current_url == site.base + "/", "landing on the demo")
    wait_for(driver, lambda d: state_of(d, "who") == "logged-in", "the demo reading the dashboard")
    check(text_of(driver, "who") == "Hello alice, welcome to your dashboard", "dashboard: %r" % text_of(driver, "who"))
    note = "<b>hello</b> from the browser"
    by_id(driver, "note-text").send_keys(note)
    by_id(driver, "note-submit").click()
    wait_for(driver, lambda d: state_of(d, "note-result") == "created", "the note being created")
    check(text_of(driver, "note-result") == "Created (201): " + note, "note: %r" % text_of(driver, "note-result"))
    # Without the header the same POST is refused by CSRF.
    r = driver.execute_async_script("""
        const done = arguments[0];
        fetch('/api/notes/', {method: 'POST', credentials: 'same-origin',
                              headers: {'Content-Type': 'application/json'}, body: '{"text":"x"}'})
          .then(async (r) => done({status: r.status, body: await r.json()}));""")
    check(r["status"] == 403 and r["body"]["detail"] == "CSRF Failed: CSRF token missing or incorrect.",
          "a POST without X-CSRFToken: %r" % r)


def cross_origin(driver, ctx):
    site, allowed, other = ctx["site"], ctx["allowed"], ctx["other"]
    log_in_with_form(driver, site, "alice", "/")
    wait_for(driver, lambda d: state_of(d, "who") == "logged-in", "alice logged in")

    # A page of an origin CORS does not allow: it cannot read the API, and its writes fail.
    driver.get(other.origin + "/other.html")
    wait_for(driver, lambda d: d.execute_script("return window.done === true"), "the other origin's page")
    res = json.loads(text_of(driver, "results"))
    check(res["csrftoken_visible"], "expected the csrftoken cookie to be visible on another port (cookies ignore ports)")
    for name in ["anonymous_get", "credentialed_get", "post_without_token", "post_with_token"]:
        check("error" in res[name], "%s from a foreign origin was readable: %r" % (name, res[name]))
    # A cross-origin form POST carrying the stolen CSRF token: the Origin check refuses it.
    driver.get(other.origin + "/form.html")
    wait_for(driver, lambda d: d.current_url.startswith(site.base), "the forged form's navigation")
    body = driver.find_element("tag name", "body").text
    check("CSRF Failed: Origin checking failed - %s does not match any trusted origins." % other.origin in body,
          "the forged POST was not refused by the Origin check: %r" % body)

    # A page of the allowed origin: reads the API with the user's cookies, and posts with the token.
    driver.get(allowed.origin + "/other.html")
    wait_for(driver, lambda d: d.execute_script("return window.done === true"), "the allowed origin's page")
    res = json.loads(text_of(driver, "results"))
    check(res["anonymous_get"].get("status") == 200, "allowed origin, GET /api/notes/: %r" % res["anonymous_get"])
    check(res["credentialed_get"].get("status") == 200 and "alice" in res["credentialed_get"]["body"]["message"],
          "allowed origin, GET /api/dashboard/: %r" % res["credentialed_get"])
    check(res["post_without_token"].get("status") == 403 and
          res["post_without_token"]["body"]["detail"] == "CSRF Failed: CSRF token missing or incorrect.",
          "allowed origin, POST without the token: %r" % res["post_without_token"])
    check(res["post_with_token"].get("status") == 201, "allowed origin, POST with the token: %r" % res["post_with_token"])


def cookies_hidden_from_js(driver, ctx):
    site = ctx["site"]
    log_in_with_form(driver, site, "alice", "/")
    wait_for(driver, lambda d: state_of(d, "who") == "logged-in", "alice logged in")
    visible = driver.execute_script("return document.cookie")
    check("csrftoken=" in visible, "the csrftoken cookie should be readable: %r" % visible)
    check("sessionid" not in visible, "document.cookie shows the session: %r" % visible)
    jar = {c["name"]: c for c in driver.get_cookies()}
    check(jar.get("sessionid", {}).get("httpOnly") is True, "sessionid is not an HttpOnly cookie: %r" % jar.get("sessionid"))
    driver.get(site.base + "/jwt/")
    by_id(driver, "jwt-username").send_keys("bob")
    by_id(driver, "jwt-password").send_keys("bob-pass")
    by_id(driver, "jwt-login-submit").click()
    wait_for(driver, lambda d: state_of(d, "profile") == "logged-in", "the JWT login")
    visible = driver.execute_script("return document.cookie")
    for name in ["access_token", "refresh_token", "sessionid"]:
        check(name not in visible, "document.cookie shows %s: %r" % (name, visible))
    check("access_token" not in text_of(driver, "script-cookies"), "the page lists the access cookie")
    jar = {c["name"]: c for c in driver.get_cookies()}
    check(jar.get("access_token", {}).get("httpOnly") is True, "access_token is not HttpOnly: %r" % jar.get("access_token"))
    # The refresh cookie is scoped to its path: not even sent to the page.
    check("refresh_token" not in jar, "the refresh cookie is visible at /jwt/: %r" % sorted(jar))


def logout_ends_access(driver, ctx):
    site = ctx["site"]
    log_in_with_form(driver, site, "alice", "/")
    wait_for(driver, lambda d: state_of(d, "who") == "logged-in", "alice logged in")
    by_id(driver, "logout").click()
    wait_for(driver, lambda d: state_of(d, "who") == "logged-out", "the demo after logging out")
    check(api(driver, "GET", "/api/dashboard/")["status"] == 403, "the dashboard still answers after logout")
    # The logout page: a GET asks, the POST (with the CSRF field) logs out and redirects.
    log_in_with_form(driver, site, "bob", "/")
    wait_for(driver, lambda d: state_of(d, "who") == "logged-in", "bob logged in")
    driver.get(site.base + "/api-auth/logout/?next=/jwt/")
    driver.get(site.base + "/")   # the page itself may run no script: ask from the demo
    wait_for(driver, lambda d: state_of(d, "who") == "logged-in", "bob still logged in after a GET of the logout page")
    driver.get(site.base + "/api-auth/logout/?next=/jwt/")
    driver.find_element("css selector", "button[type=submit]").click()
    wait_for(driver, lambda d: d.current_url == site.base + "/jwt/", "the logout page's redirect to next")
    check(api(driver, "GET", "/api/dashboard/")["status"] == 403, "the dashboard still answers after the logout page")


def jwt_cookie_flow(driver, ctx):
    site = ctx["site"]
    driver.get(site.base + "/jwt/")
    wait_for(driver, lambda d: state_of(d, "profile") == "logged-out", "the JWT page saying nobody is logged in")
    by_id(driver, "jwt-username").send_keys("alice")
    by_id(driver, "jwt-password").send_keys("alice-pass")
    by_id(driver, "jwt-login-submit").click()
    wait_for(driver, lambda d: state_of(d, "profile") == "logged-in", "the JWT login")
    check(text_of(driver, "profile") == "Logged in as alice (alice@example.com)", "profile: %r" % text_of(driver, "profile"))
    by_id(driver, "jwt-note-text").send_keys("jwt note")
    by_id(driver, "jwt-note-submit").click()
    wait_for(driver, lambda d: state_of(d, "jwt-note-result") == "created", "the JWT note")
    # The access token expires; the page refreshes it with the refresh cookie and goes on.
    before = int(text_of(driver, "refresh-count"))
    time.sleep(ACCESS_LIFETIME + 2)
    check(api(driver, "GET", "/api/cookie/profile/")["status"] == 403, "the expired access token still works")
    by_id(driver, "profile-reload").click()
    wait_for(driver, lambda d: int(text_of(d, "refresh-count")) > before, "the refresh after expiry")
    wait_for(driver, lambda d: state_of(d, "profile") == "logged-in", "the profile after the refresh")
    check(api(driver, "GET", "/api/cookie/profile/")["status"] == 200, "the refreshed access token does not work")
    by_id(driver, "jwt-logout").click()
    wait_for(driver, lambda d: state_of(d, "profile") == "logged-out", "the JWT page after logging out")
    check(api(driver, "GET", "/api/cookie/profile/")["status"] == 403, "the profile still answers after logout")
    r = api(driver, "POST", "/api/token/cookie/refresh/", {})
    check(r["status"] == 401, "a refresh after logout: %r" % r)


def jwks(driver, ctx):
    site = ctx["site"]
    driver.get(site.base + "/.well-known/jwks.json")
    doc = json.loads(driver.find_element("tag name", "body").text)
    keys = doc["keys"]
    check(len(keys) == 1 and keys[0]["kty"] == "EC" and keys[0]["crv"] == "P-256" and keys[0]["alg"] == "ES256",
          "jwks: %r" % doc)
    check("d" not in keys[0] and keys[0].get("kid"), "jwks has a private member or no kid: %r" % keys[0])


SCENARIOS = [login_lands_on_next, spa_dashboard_and_note, cross_origin, cookies_hidden_from_js, logout_ends_access,
             jwt_cookie_flow, jwks]


def demo_screenshot(driver, ctx, path):
    site = ctx["site"]
    log_in_with_form(driver, site, "alice", "/")
    wait_for(driver, lambda d: state_of(d, "who") == "logged-in", "alice logged in")
    by_id(driver, "note-text").send_keys("Hello from a real browser")
    by_id(driver, "note-submit").click()
    wait_for(driver, lambda d: state_of(d, "note-result") == "created", "the note")
    driver.execute_script("document.activeElement.blur()")
    driver.save_screenshot(path)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("reference_site")
    p.add_argument("--out", default=os.getcwd(), help="where the log and failure screenshots go")
    p.add_argument("--only", action="append", default=[], help="run only this scenario (repeatable)")
    p.add_argument("--screenshot", help="save a screenshot of the demo page and exit")
    args = p.parse_args(argv)

    missing = missing_packages()
    if missing:
        print("warden browser tests: SKIPPED: Debian packages missing: %s (./scripts/test installs them: "
              "apt-get install chromium chromium-driver python3-selenium)" % " ".join(missing))
        return SKIP
    os.makedirs(args.out, exist_ok=True)
    log_path = os.path.join(args.out, "browser_test.log")
    workdir = tempfile.mkdtemp(prefix="warden-browser-")
    failed = []
    with open(log_path, "w") as log, contextlib.ExitStack() as stack:
        def say(line):
            print(line)
            log.write(line + "\n")
            log.flush()
        stack.callback(shutil.rmtree, workdir, True)
        allowed = OtherOrigin()
        stack.callback(allowed.close)
        other = OtherOrigin()
        stack.callback(other.close)
        site = Site(args.reference_site, workdir, os.path.join(args.out, "reference_site.log"), allowed.origin)
        stack.callback(site.close)
        allowed.point_at(site.base)
        other.point_at(site.base)
        ctx = {"site": site, "allowed": allowed, "other": other}
        say("warden browser tests: site %s, allowed origin %s, other origin %s" % (site.base, allowed.origin, other.origin))

        scenarios = [s for s in SCENARIOS if not args.only or s.__name__ in args.only]
        if args.screenshot:
            scenarios = []
            driver = new_browser(tempfile.mkdtemp(prefix="profile-", dir=workdir))
            try:
                demo_screenshot(driver, ctx, args.screenshot)
            finally:
                driver.quit()
            say("saved %s" % args.screenshot)
        for scenario in scenarios:
            name = scenario.__name__
            started = time.monotonic()
            driver = new_browser(tempfile.mkdtemp(prefix="profile-", dir=workdir))
            try:
                scenario(driver, ctx)
                say("PASS %s (%.1f s)" % (name, time.monotonic() - started))
            except Exception as e:  # a Failure, or Selenium's own errors
                failed.append(name)
                shot = os.path.join(args.out, name + ".png")
                with contextlib.suppress(Exception):
                    driver.save_screenshot(shot)
                with contextlib.suppress(Exception):
                    with open(os.path.join(args.out, name + ".html"), "w") as f:
                        f.write(driver.page_source)
                say("FAIL %s: %s\n  at %s\n  screenshot %s" % (name, e, driver.current_url if driver else "?", shot))
                if not isinstance(e, Failure):
                    log.write(traceback.format_exc())
            finally:
                with contextlib.suppress(Exception):
                    driver.quit()
        say("warden browser tests: %d passed, %d failed%s" % (len(scenarios) - len(failed), len(failed),
                                                              (": " + ", ".join(failed)) if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
