"""What the end-to-end tests of the `warden` command share: the list of failures, running
a command, and a reference_site on a free 127.0.0.1 port over one SQLite file, stopped by
the caller."""
import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(binary, *args, stdin=None, env=None):
    """Runs `binary args...` (bounded); returns (exit status, stdout, stderr)."""
    p = subprocess.run([binary, *args], input=stdin, capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, **(env or {})))
    return p.returncode, p.stdout, p.stderr


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Site:
    """reference_site over `db` (one I/O thread, fast password hashing), ready on return."""

    def __init__(self, binary, db, *extra):
        self.port = free_port()
        env = dict(os.environ, WARDEN_PASSWORD_ITERATIONS="1000")
        self.proc = subprocess.Popen([binary, "--port", str(self.port), "--db", db, "--threads", "1", *extra],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("reference_site did not start")

    def request(self, path, body=None, authorization=None):
        """GET, or POST of `body` as JSON; returns (status, parsed JSON body)."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if authorization:
            req.add_header("Authorization", authorization)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
