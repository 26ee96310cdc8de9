#!/usr/bin/env python3
"""Differential conformance check for warden: scripted HTTP requests go to a candidate
server (warden's reference_site) and to a reference (warden's DRF site), and each pair
of responses must agree on what the step compares.

  compare.py --candidate URL --reference URL [--jwt-key KEY] [options] FILE...

FILE is a scenario file (JSON): a list of scenarios, or {"scenarios": [...]}. A scenario
is {"name": ..., "steps": [...]}; its steps run in order with one cookie jar and one set
of saved values per server. A step (every key but the method is optional):

  {"POST": "/api/token-auth/",                 one method key: GET HEAD POST PUT PATCH
                                               DELETE OPTIONS; the value is the target
   "headers": {"Authorization": "Token {tok}"},  values may hold {variables}; characters
                                               up to U+00FF are sent as single bytes
   "json": {...} | "form": {...} | "multipart": {...} | "body": "raw text",
   "body_latin1": "raw bytes, one per character (U+0000-U+00FF)",
                                               the body and its Content-Type (a
                                               Content-Type in "headers" wins; a form
                                               may be a list of pairs to repeat a name)
   "save": {"tok": "json.token"},              json.PATH (a.b.0.c), cookie.NAME,
                                               header.NAME, status; a filter may follow:
                                               "|csrf_unmask" (Django's masked CSRF token
                                               to its secret), "|csrf_remask" (the same
                                               secret under another mask), "|upper"
   "cross": true,                              fill {variables} from the OTHER server's
                                               saved values (tokens minted there)
   "mint_jwt": {"t": {"claims": {...}, "header": {...}, "alg": "HS256", "key": "..."}},
                                               sign a JWT here (--jwt-key by default) and
                                               save it for both servers; a claim value
                                               {"$now": -60} is the time plus 60 s ago,
                                               {"$uuid": true} a uuid4 hex; alg "none"
                                               leaves the signature empty
   "let": {"planted": "abc"},                   a value saved for both servers
   "set_cookies": {"sessionid": "{planted}"},  cookies added for this request only,
   "drop_cookies": ["csrftoken"],              or left out of it (the jar keeps them),
   "no_cookies": true,                         or none sent at all
   "compare": ["status", "headers", "cookies", "json"],     the default; "headers" may
                                               be narrowed to "www-authenticate", "allow",
                                               "retry-after", "content-type"; "location"
                                               (exact) is compared only when named
   "json_keys_only": true,                     compare the JSON's structure and types only
   "json_ignore": ["description"],             these paths: type only
   "json_match": {"detail": "^... in (?P<n>\\d+) seconds?\\.$"},
                                               both values must match; a group n is
                                               compared within the Retry-After tolerance
   "retry_after_tolerance": 2,                 seconds (default 2)
   "jwt_lifetime_tolerance": 5,                seconds between a JWT's iat and exp
                                               (default 5; simplejwt's refreshed access
                                               token keeps the refresh token's iat)
   "same": [["sid1", "sid2"]],                 per server, whether two saved values are
                                               equal; both servers must agree
   "candidate_expect": {"status": 404, "json": {"detail": "Not found."},
                        "headers": {"content-type": "application/json"}},
                                               what the candidate alone must answer (where
                                               warden differs from DRF on purpose); skipped
                                               with --skip-candidate-expectations
   "note": "why this step exists"}

What is compared: the status; WWW-Authenticate (exact); Allow (as a set); Retry-After
(presence, integer form, value within the tolerance); Content-Type (media type only);
every Set-Cookie (name, value shape or deletion, Max-Age, Path, Domain, SameSite,
HttpOnly, Secure, Expires by presence); the JSON body with token-like strings replaced
by their shape (a JWT by its header, claim names, token_type, user_id, jti shape and
lifetime exp - iat; 40-hex and 32-hex keys by length).

Prints one line per failing step and a summary line 'conformance: N passed, M failed';
exits 1 when a step failed, 2 on a usage or scenario error. Python standard library only.
"""
import argparse
import base64
import copy
import hashlib
import hmac
import http.client
import json
import os
import re
import string
import sys
import time
import urllib.parse
import uuid

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
COMPARED_HEADERS = ("www-authenticate", "allow", "retry-after", "content-type")
OPTIONAL_HEADERS = ("location",)   # compared only where a step names them in "compare"
DEFAULT_COMPARE = ("status", "headers", "cookies", "json")
MULTIPART_BOUNDARY = "wardenconformanceboundary7MA4YWxkTrZu0gW"
VARIABLE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
CSRF_CHARS = string.ascii_letters + string.digits
CSRF_REMASK = "wArDeNcOnFoRmAnCe0123456789mAsKx"  # any 32 characters of CSRF_CHARS


class ScenarioError(Exception):
    """The scenario file itself is wrong (not a server's fault)."""


# ---------------------------------------------------------------------------------
# Values: variables, saving, filters, minted JWTs

class Unresolved(Exception):
    def __init__(self, name):
        super().__init__(name)
        self.name = name


def fill(value, saved):
    """Replaces {name} in every string of value by the saved value."""
    if isinstance(value, str):
        def one(m):
            if m.group(1) not in saved:
                raise Unresolved(m.group(1))
            return str(saved[m.group(1)])
        return VARIABLE.sub(one, value)
    if isinstance(value, list):
        return [fill(v, saved) for v in value]
    if isinstance(value, dict):
        return {fill(k, saved): fill(v, saved) for k, v in value.items()}
    return value


def json_at(doc, path):
    """The value at a dotted path (a.b.0.c), or None."""
    for part in path.split(".") if path else []:
        if isinstance(doc, dict):
            doc = doc.get(part)
        elif isinstance(doc, list) and part.isdigit() and int(part) < len(doc):
            doc = doc[int(part)]
        else:
            return None
    return doc


def csrf_unmask(token):
    """Django's masked CSRF token (mask + cipher, 64 chars) back to its 32-char secret."""
    if len(token) != 64 or any(c not in CSRF_CHARS for c in token):
        return token
    mask, cipher = token[:32], token[32:]
    return "".join(CSRF_CHARS[(CSRF_CHARS.index(c) - CSRF_CHARS.index(m)) % len(CSRF_CHARS)]
                   for c, m in zip(cipher, mask))


def csrf_remask(token):
    """The same secret under another mask: a different token that must be accepted."""
    secret = csrf_unmask(token)
    if len(secret) != 32 or any(c not in CSRF_CHARS for c in secret):
        return token
    cipher = "".join(CSRF_CHARS[(CSRF_CHARS.index(s) + CSRF_CHARS.index(m)) % len(CSRF_CHARS)]
                     for s, m in zip(secret, CSRF_REMASK))
    return CSRF_REMASK + cipher


FILTERS = {"csrf_unmask": csrf_unmask, "csrf_remask": csrf_remask, "upper": str.upper}


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def resolve_claims(value, now):
    if isinstance(value, dict):
        if set(value) == {"$now"}:
            return int(now) + int(value["$now"])
        if set(value) == {"$uuid"}:
            return uuid.uuid4().hex
        return {k: resolve_claims(v, now) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_claims(v, now) for v in value]
    return value


def mint_jwt(spec, default_key):
    """A compact JWS over spec's claims; HS256/384/512 with spec's key or the run's key."""
    alg = spec.get("alg", "HS256")
    header = dict({"alg": alg, "typ": "JWT"}, **spec.get("header", {}))
    claims = resolve_claims(spec.get("claims", {}), time.time())
    signing_input = (b64url(json.dumps(header, separators=(",", ":")).encode()) + "." +
                     b64url(json.dumps(claims, separators=(",", ":")).encode()))
    if alg.lower() == "none":
        return signing_input + "."
    digests = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}
    if alg not in digests:
        raise ScenarioError("mint_jwt: only HS256/384/512 and none can be minted, not %r" % alg)
    key = spec.get("key", default_key)
    if key is None:
        raise ScenarioError("mint_jwt needs --jwt-key (the key both servers sign with)")
    mac = hmac.new(key.encode("utf-8"), signing_input.encode("ascii"), digests[alg]).digest()
    return signing_input + "." + b64url(mac)


# ---------------------------------------------------------------------------------
# One server: a cookie jar, saved values, sending

class Server:
    def __init__(self, role, base_url, timeout):
        url = urllib.parse.urlsplit(base_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ScenarioError("not an http(s) URL: %r" % base_url)
        self.role = role
        self.scheme, self.host = url.scheme, url.hostname
        self.port = url.port or (443 if url.scheme == "https" else 80)
        self.prefix = url.path.rstrip("/")
        self.timeout = timeout
        self.jar = {}
        self.saved = {}

    def reset(self):
        self.jar, self.saved = {}, {}

    def connection(self):
        if self.scheme == "https":
            import ssl
            return http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout,
                                               context=ssl._create_unverified_context())
        return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)

    def send(self, method, target, headers, body, step, extra_cookies=None):
        """Sends one request; returns the response as a dict (never raises)."""
        jar = dict(self.jar)
        for name in step.get("drop_cookies", []):
            jar.pop(name, None)
        jar.update(extra_cookies or {})
        header_names = {k.lower() for k, _ in headers}
        if jar and not step.get("no_cookies") and "cookie" not in header_names:
            headers = headers + [("Cookie", "; ".join(f"{k}={v}" for k, v in jar.items()))]
        conn = self.connection()
        try:
            conn.putrequest(method, self.prefix + target, skip_accept_encoding=True)
            for name, value in headers:
                conn.putheader(name, value.encode("latin-1"))
            if body is not None or method in ("POST", "PUT", "PATCH"):
                conn.putheader("Content-Length", str(len(body or b"")))
            conn.endheaders(body)
            r = conn.getresponse()
            data = r.read()
            raw_headers = r.getheaders()
            status = r.status
        except Exception as e:  # a dead or hung server is a failed step, not a crash
            return {"status": "no answer (%s: %s)" % (type(e).__name__, e), "headers": {},
                    "set_cookies": [], "body": b"", "json": None}
        finally:
            conn.close()
        resp = {"status": status, "headers": {}, "set_cookies": [], "body": data}
        for name, value in raw_headers:
            if name.lower() == "set-cookie":
                resp["set_cookies"].append(value)
            else:
                resp["headers"].setdefault(name.lower(), value)
        for raw in resp["set_cookies"]:
            cookie = parse_set_cookie(raw)
            if cookie["deleted"]:
                self.jar.pop(cookie["name"], None)
            else:
                self.jar[cookie["name"]] = cookie["value"]
        resp["json"] = decode_body(data, resp["headers"].get("content-type", ""))
        return resp

    def save(self, resp, spec):
        for name, where in spec.items():
            where, _, filt = where.partition("|")
            kind, _, key = where.partition(".")
            if kind == "json":
                value = json_at(resp.get("json"), key)
            elif kind == "cookie":
                value = self.jar.get(key)
            elif kind == "header":
                value = resp["headers"].get(key.lower())
            elif kind == "status":
                value = resp["status"]
            else:
                raise ScenarioError("save: unknown source %r" % where)
            if value is None:
                self.saved.pop(name, None)  # a later {name} then fails loudly
                continue
            if filt:
                if filt not in FILTERS:
                    raise ScenarioError("save: unknown filter %r" % filt)
                value = FILTERS[filt](str(value))
            self.saved[name] = value


def decode_body(data, content_type):
    if not data:
        return None
    try:
        return json.loads(data)
    except ValueError:
        media = content_type.split(";")[0].strip().lower() or "none"
        return "<non-json body, %s>" % media


def parse_set_cookie(raw):
    first, _, rest = raw.partition(";")
    name, _, value = first.partition("=")
    name, value = name.strip(), value.strip()
    attrs = {}
    for part in rest.split(";"):
        if not part.strip():
            continue
        key, eq, val = part.strip().partition("=")
        attrs[key.strip().lower()] = val.strip() if eq else True
    deleted = value in ("", '""') or attrs.get("max-age") == "0"
    return {"name": name, "value": value, "attrs": attrs, "deleted": deleted}


# ---------------------------------------------------------------------------------
# Building a request from a step

STEP_KEYS = set(METHODS) | {
    "headers", "json", "form", "multipart", "body", "body_latin1", "save", "cross", "mint_jwt",
    "let", "set_cookies", "drop_cookies", "no_cookies", "compare", "json_keys_only",
    "json_ignore", "json_match", "retry_after_tolerance", "jwt_lifetime_tolerance", "same",
    "candidate_expect", "note"}
BODY_KEYS = ("json", "form", "multipart", "body", "body_latin1")


def check_step(step):
    """Catches typos in a scenario before anything is sent."""
    unknown = set(step) - STEP_KEYS
    if unknown:
        raise ScenarioError("unknown step key(s) %s" % ", ".join(sorted(unknown)))
    if sum(k in step for k in BODY_KEYS) > 1:
        raise ScenarioError("a step has at most one of %s" % ", ".join(BODY_KEYS))
    step_method(step)


def step_method(step):
    found = [m for m in METHODS if m in step]
    if len(found) != 1:
        raise ScenarioError("a step needs exactly one method key out of %s" % ", ".join(METHODS))
    return found[0]


def build_request(step, saved):
    """(target, headers as a list of pairs, body bytes or None, cookies to add);
    may raise Unresolved."""
    method = step_method(step)
    target = fill(step[method], saved)
    headers = [(k, fill(v, saved)) for k, v in step.get("headers", {}).items()]
    body, content_type = None, None
    if "json" in step:
        body = json.dumps(fill(step["json"], saved)).encode("utf-8")
        content_type = "application/json"
    elif "form" in step:
        form = step["form"]
        pairs = form.items() if isinstance(form, dict) else form
        body = urllib.parse.urlencode([(fill(k, saved), fill(v, saved)) for k, v in pairs]).encode()
        content_type = "application/x-www-form-urlencoded"
    elif "multipart" in step:
        chunks = []
        for k, v in step["multipart"].items():
            chunks.append(f'--{MULTIPART_BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"'
                          f'\r\n\r\n{fill(v, saved)}\r\n')
        chunks.append(f"--{MULTIPART_BOUNDARY}--\r\n")
        body = "".join(chunks).encode("utf-8")
        content_type = "multipart/form-data; boundary=" + MULTIPART_BOUNDARY
    elif "body" in step:
        body = fill(step["body"], saved).encode("utf-8")
    elif "body_latin1" in step:
        body = fill(step["body_latin1"], saved).encode("latin-1")
    if content_type and not any(k.lower() == "content-type" for k, _ in headers):
        headers.append(("Content-Type", content_type))
    return target, headers, body, fill(step.get("set_cookies", {}), saved)


# ---------------------------------------------------------------------------------
# What is compared

SHAPE_HEX = re.compile(r"^[0-9a-f]+$")
SHAPE_JWT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")


def jwt_shape(text):
    try:
        head, payload, _ = text.split(".")
        header = json.loads(b64url_decode(head))
        claims = json.loads(b64url_decode(payload))
        if not isinstance(header, dict) or not isinstance(claims, dict):
            return None
    except ValueError:
        return None
    parts = ["alg=%s" % header.get("alg"), "header=%s" % ",".join(sorted(header)),
             "claims=%s" % ",".join(sorted(claims))]
    for key in ("token_type", "user_id"):
        if key in claims:
            parts.append("%s=%s" % (key, claims[key]))
    if isinstance(claims.get("jti"), str):
        parts.append("jti=%s" % value_shape(claims["jti"]))
    out = {"<jwt>": " ".join(parts)}
    if isinstance(claims.get("exp"), (int, float)) and isinstance(claims.get("iat"), (int, float)):
        # simplejwt copies a refresh token's iat into the access token it derives, so
        # the lifetime seen there grows with the refresh token's age: compared loosely.
        out["$lifetime"] = round(claims["exp"] - claims["iat"])
    return out


def value_shape(text):
    """A random token's shape: character class and length."""
    for name, chars in (("hex", "0123456789abcdef"),
                        ("lower-alnum", string.ascii_lowercase + string.digits),
                        ("alnum", CSRF_CHARS),
                        ("base64url", CSRF_CHARS + "-_")):
        if text and all(c in chars for c in text):
            return "<%s:%d>" % (name, len(text))
    return "<text:%d>" % len(text)


def shape(value):
    """JSON with token-like strings replaced by their shape."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(v) for v in value]
    if isinstance(value, str):
        if SHAPE_JWT.match(value) and value.startswith("eyJ"):
            return jwt_shape(value) or "<jwt?>"
        if len(value) in (32, 40) and SHAPE_HEX.match(value):
            return "<hex:%d>" % len(value)
    return value


def type_only(value):
    if isinstance(value, dict):
        return {k: type_only(v) for k, v in value.items()}
    if isinstance(value, list):
        return [type_only(v) for v in value]
    return "<%s>" % type(value).__name__


def replace_at(doc, path, fn):
    """doc with fn applied to the value at the dotted path (missing paths are left alone)."""
    if not path:
        return fn(doc)
    head, _, rest = path.partition(".")
    if isinstance(doc, dict) and head in doc:
        doc = dict(doc)
        doc[head] = replace_at(doc[head], rest, fn)
    elif isinstance(doc, list) and head.isdigit() and int(head) < len(doc):
        doc = list(doc)
        doc[int(head)] = replace_at(doc[int(head)], rest, fn)
    return doc


def json_view(doc, step):
    """The body as compared: shaped, with ignored and matched paths normalised.

    A json_match path becomes {"matches": bool, "n": int} so the comparison can apply
    the tolerance to n."""
    if step.get("json_keys_only"):
        return type_only(doc)
    for path in step.get("json_ignore", []):
        doc = replace_at(doc, path, type_only)
    for path, pattern in step.get("json_match", {}).items():
        def matcher(v, pattern=pattern):
            m = re.search(pattern, v) if isinstance(v, str) else None
            out = {"matches": bool(m)}
            if m and "n" in m.groupdict():
                out["$n"] = int(m.group("n"))
            return out
        doc = replace_at(doc, path, matcher)
    return shape(doc)


def cookie_view(raw_cookies):
    out = {}
    for raw in raw_cookies:
        c = parse_set_cookie(raw)
        a = c["attrs"]
        out[c["name"]] = {
            "value": "<deleted>" if c["deleted"] else value_shape(c["value"]),
            "max-age": a.get("max-age"),
            "path": a.get("path"),
            "domain": a.get("domain"),
            "samesite": a["samesite"].lower() if isinstance(a.get("samesite"), str) else None,
            "httponly": "httponly" in a,
            "secure": "secure" in a,
            "expires": "expires" in a,
        }
    return out


def header_view(headers, names):
    out = {}
    for name in names:
        v = headers.get(name)
        if v is None:
            out[name] = None
        elif name == "allow":
            out[name] = sorted({m.strip().upper() for m in v.split(",") if m.strip()})
        elif name == "content-type":
            out[name] = v.split(";")[0].strip().lower()
        elif name == "retry-after":
            out[name] = {"integer": bool(re.fullmatch(r"\d+", v.strip())),
                         "$seconds": int(v) if v.strip().isdigit() else None}
        else:
            out[name] = v
    return out


def response_view(resp, step):
    what = step.get("compare", DEFAULT_COMPARE)
    unknown = set(what) - set(DEFAULT_COMPARE) - set(COMPARED_HEADERS) - set(OPTIONAL_HEADERS)
    if unknown:
        raise ScenarioError("compare: unknown aspect(s) %s" % ", ".join(sorted(unknown)))
    out = {}
    if "status" in what:
        out["status"] = resp["status"]
    names = [h for h in COMPARED_HEADERS if "headers" in what or h in what] + [h for h in OPTIONAL_HEADERS if h in what]
    if names:
        out["headers"] = header_view(resp["headers"], names)
    if "cookies" in what:
        out["cookies"] = cookie_view(resp["set_cookies"])
    if "json" in what:
        out["json"] = json_view(resp["json"], step)
    return out


def close_enough(a, b, tolerances):
    """Equality, except for numbers under the keys of tolerances: Retry-After seconds,
    json_match numbers and JWT lifetimes may differ that much (the two servers count
    from slightly different instants)."""
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            return False
        for k in a:
            if k in tolerances and isinstance(a[k], int) and isinstance(b[k], int):
                if abs(a[k] - b[k]) > tolerances[k]:
                    return False
            elif not close_enough(a[k], b[k], tolerances):
                return False
        return True
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close_enough(x, y, tolerances) for x, y in zip(a, b))
    return a == b and type(a) is type(b)


MISSING = "<missing>"


def differences(a, b, tolerances, path):
    """(path, candidate value, reference value) for each place where a and b disagree."""
    if close_enough(a, b, tolerances):
        return []
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b), key=str):
            out += differences(a.get(k, MISSING), b.get(k, MISSING), tolerances, "%s.%s" % (path, k))
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        out = []
        for i, (x, y) in enumerate(zip(a, b)):
            out += differences(x, y, tolerances, "%s.%d" % (path, i))
        return out
    return [(path, a, b)]


def expectation_failures(resp, expect):
    """Differences between the candidate's response and what the step expects of it."""
    bad = []
    if "status" in expect and resp["status"] != expect["status"]:
        bad.append(("status", expect["status"], resp["status"]))
    for name, want in expect.get("headers", {}).items():
        got = header_view(resp["headers"], [name.lower()])[name.lower()] \
            if name.lower() in COMPARED_HEADERS else resp["headers"].get(name.lower())
        if name.lower() == "allow" and want is not None:
            want = sorted(m.strip().upper() for m in want.split(","))
        if got != want:
            bad.append(("header " + name.lower(), want, got))
    if "json" in expect:
        got = json_view(resp["json"], expect)
        if got != shape(expect["json"]) and not (expect.get("json_keys_only")
                                                   and got == type_only(expect["json"])):
            bad.append(("json", expect["json"], got))
    return bad


# ---------------------------------------------------------------------------------
# Running

def brief(value, limit):
    text = json.dumps(value, sort_keys=True)
    return text if limit is None or len(text) <= limit else text[:limit] + "..."


def load_file(path):
    """(label, scenarios) of a scenario file, checked; raises ScenarioError."""
    label = os.path.basename(path)
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        raise ScenarioError("%s: %s" % (path, e))
    scenarios = doc.get("scenarios") if isinstance(doc, dict) else doc
    if not isinstance(scenarios, list):
        raise ScenarioError("%s: expected a list of scenarios" % path)
    for scenario in scenarios:
        if not (isinstance(scenario, dict) and isinstance(scenario.get("name"), str)
                and isinstance(scenario.get("steps"), list)):
            raise ScenarioError("%s: a scenario needs a name and a list of steps" % path)
        for number, step in enumerate(scenario["steps"], start=1):
            try:
                check_step(step)
            except ScenarioError as e:
                raise ScenarioError("%s :: %s :: step %d: %s" % (label, scenario["name"], number, e))
    return label, scenarios


class Runner:
    def __init__(self, candidate, reference, jwt_key=None, timeout=30.0,
                 skip_candidate_expectations=False, verbose=False, show=False, out=sys.stdout):
        self.candidate = Server("candidate", candidate, timeout)
        self.reference = Server("reference", reference, timeout)
        self.jwt_key = jwt_key
        self.skip_expect = skip_candidate_expectations
        self.verbose, self.show, self.out = verbose, show, out
        self.passed = self.failed = self.skipped = 0

    def say(self, line):
        print(line, file=self.out, flush=True)

    def run_file(self, path):
        label, scenarios = load_file(path)
        for scenario in scenarios:
            self.run_scenario(label, scenario)

    def run_scenario(self, label, scenario):
        self.candidate.reset()
        self.reference.reset()
        for number, step in enumerate(scenario["steps"], start=1):
            self.run_step(label, scenario["name"], number, step)

    def run_step(self, label, scenario_name, number, raw_step):
        step = copy.deepcopy(raw_step)
        method = step_method(step)
        where = "%s :: %s :: step %d %s %s" % (label, scenario_name, number, method, step[method])
        for name, value in step.get("let", {}).items():
            self.candidate.saved[name] = self.reference.saved[name] = value
        for name, spec in step.get("mint_jwt", {}).items():
            token = mint_jwt(spec, self.jwt_key)
            self.candidate.saved[name] = self.reference.saved[name] = token
        responses = {}
        for side, other in ((self.candidate, self.reference), (self.reference, self.candidate)):
            source = other.saved if step.get("cross") else side.saved
            try:
                target, headers, body, cookies = build_request(step, source)
            except Unresolved as e:
                responses[side.role] = {"status": "unresolved variable {%s}" % e.name, "headers": {},
                                        "set_cookies": [], "body": b"", "json": None}
                continue
            responses[side.role] = side.send(method, target, headers, body, step, cookies)
        cand, ref = responses["candidate"], responses["reference"]
        self.candidate.save(cand, step.get("save", {}))
        self.reference.save(ref, step.get("save", {}))

        problems = []
        vc, vr = response_view(cand, step), response_view(ref, step)
        for pair in step.get("same", []):
            key = "%s==%s" % tuple(pair)
            vc.setdefault("same", {})[key] = self.same(self.candidate, pair)
            vr.setdefault("same", {})[key] = self.same(self.reference, pair)
        if not isinstance(ref["status"], int):
            problems.append("reference: %s" % ref["status"])
        seconds = step.get("retry_after_tolerance", 2)
        tolerances = {"$seconds": seconds, "$n": seconds,
                      "$lifetime": step.get("jwt_lifetime_tolerance", 5)}
        limit = None if self.verbose else 240
        for aspect in vr:
            for path, got, want in differences(vc.get(aspect), vr[aspect], tolerances, aspect):
                problems.append("%s: candidate %s, reference %s"
                                % (path, brief(got, limit), brief(want, limit)))
        expect = step.get("candidate_expect")
        if expect and self.skip_expect:
            self.skipped += 1
        elif expect:
            for what, want, got in expectation_failures(cand, expect):
                problems.append("%s (candidate-only expectation): want %s, got %s"
                                % (what, brief(want, 240), brief(got, None if self.verbose else 240)))
        if self.show:
            self.say("%s\n    candidate %s\n    reference %s" % (where, brief(vc, None), brief(vr, None)))
        if problems:
            self.failed += 1
            self.say("FAIL %s :: %s" % (where, "; ".join(problems)))
        else:
            self.passed += 1

    @staticmethod
    def same(server, pair):
        a, b = (server.saved.get(n) for n in pair)
        return a is not None and a == b

    def summary(self):
        extra = ", %d candidate-only checks skipped" % self.skipped if self.skipped else ""
        return "conformance: %d passed, %d failed%s" % (self.passed, self.failed, extra)


def main(argv=None):
    p = argparse.ArgumentParser(description="Compare a candidate server with warden's DRF site.")
    p.add_argument("--candidate", required=True, help="base URL, e.g. http://127.0.0.1:8000")
    p.add_argument("--reference", required=True, help="base URL of the DRF site")
    p.add_argument("--jwt-key", help="the HS256 key both servers sign with (for mint_jwt steps)")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    p.add_argument("--skip-candidate-expectations", action="store_true",
                   help="for a DRF candidate: skip what only warden is expected to answer")
    p.add_argument("-v", "--verbose", action="store_true", help="do not shorten differences")
    p.add_argument("--show", action="store_true", help="print both views of every step")
    p.add_argument("files", nargs="+", help="scenario files")
    args = p.parse_args(argv)
    try:
        runner = Runner(args.candidate, args.reference, args.jwt_key, args.timeout,
                        args.skip_candidate_expectations, args.verbose, args.show)
        for path in args.files:
            runner.run_file(path)
    except ScenarioError as e:
        print("compare.py: scenario error: %s" % e, file=sys.stderr)
        return 2
    print(runner.summary())
    return 1 if runner.failed else 0


if __name__ == "__main__":
    sys.exit(main())
