#!/usr/bin/env python3
"""Runs warden's conformance suite: for each scenario file, a fresh candidate server and
a fresh copy of warden's DRF site (drf_site/serve.py) on free 127.0.0.1 ports, with new
temporary databases and one JWT key; compare.py then sends the file's requests to both.

  run_conformance.py PATH/TO/reference_site [FILE...]
  run_conformance.py --candidate-command 'CMD {port} {db} {jwt_key}' [FILE...]
  run_conformance.py --candidate-drf [FILE...]          # self-check: DRF against DRF

FILE defaults to every scenarios/*.json beside this script. The candidate binary is
started as `reference_site --address 127.0.0.1 --port P --db DB --jwt-key K --threads N`.
Both servers are stopped however the run ends (failure, timeout, Ctrl-C, SIGTERM).
Exit status: 0 when every step agrees, 1 when one does not or a server failed,
2 on a usage error, 77 (skipped) when Debian's Django REST Framework packages are missing.
Python standard library only; the DRF site itself runs on /usr/bin/python3.
"""
import argparse
import contextlib
import ctypes
import glob
import http.client
import os
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import compare  # noqa: E402

DRF_PYTHON = "/usr/bin/python3"
DRF_SERVE = os.path.join(HERE, "drf_site", "serve.py")
SKIP = 77
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGALRM}


class Stop(Exception):
    """A signal or the overall deadline ends the run; servers are stopped on the way out."""


def on_signal(signum, _frame):
    if signum == signal.SIGALRM:
        raise Stop("the run took longer than --timeout")
    raise Stop("stopped by signal %d" % signum)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def child_setup():
    """Runs in the child before exec: undoes the runner's blocked signals (exec keeps the
    mask) and asks the kernel for SIGTERM if the runner dies, even by SIGKILL."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class ServerProcess:
    """A server started in its own process group, so stopping it stops its workers too."""

    def __init__(self, role, argv, log_path, port, env=None):
        self.role, self.argv, self.log_path, self.port = role, argv, log_path, port
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT, env=env,
                                     start_new_session=True, preexec_fn=child_setup)

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def wait_ready(self, deadline):
        """True once the server answers any HTTP request."""
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            try:
                conn.request("GET", "/")
                conn.getresponse().read()
                return True
            except OSError:
                time.sleep(0.2)
            finally:
                conn.close()
        return False

    def stop(self):
        if self.proc.poll() is None:
            for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, sig)  # the group this runner created
                try:
                    self.proc.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        self.log.close()

    def tail(self, lines=20):
        try:
            with open(self.log_path, "rb") as f:
                text = f.read().decode("utf-8", "replace").splitlines()
        except OSError:
            return ""
        return "\n".join("    | " + line for line in text[-lines:])


def drf_argv(port, db, jwt_key):
    return [DRF_PYTHON, DRF_SERVE, "--port", str(port), "--db", db, "--jwt-key", jwt_key,
            "--workers", "1", "--fresh", "--quiet"]


def candidate_argv(args, port, db, jwt_key):
    if args.candidate_drf:
        return drf_argv(port, db, jwt_key)
    if args.candidate_command:
        return [part.format(port=port, db=db, jwt_key=jwt_key)
                for part in shlex.split(args.candidate_command)]
    return [args.candidate, "--address", "127.0.0.1", "--port", str(port), "--db", db,
            "--jwt-key", jwt_key, "--threads", str(args.threads)]


def check_drf_available():
    if not os.access(DRF_PYTHON, os.X_OK):
        return "%s not found" % DRF_PYTHON
    probe = subprocess.run([DRF_PYTHON, "-c", "import django, rest_framework, "
                            "rest_framework_simplejwt, gunicorn"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if probe.returncode != 0:
        return ("Debian's python3-djangorestframework, python3-djangorestframework-simplejwt "
                "and gunicorn are not installed (apt-get install -y python3-djangorestframework "
                "python3-djangorestframework-simplejwt gunicorn)")
    return None


def start(servers, role, argv, log_path, port):
    """Starts a server and records it at once, so no signal can leave it unrecorded."""
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        servers.append(ServerProcess(role, argv, log_path, port))
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


def run_file(args, runner, path, workdir, number, jwt_key):
    """Fresh servers for one scenario file; True unless a server failed to start."""
    label = os.path.basename(path)
    servers = []
    try:
        cport, rport = free_port(), free_port()
        cdb = os.path.join(workdir, "%02d-candidate.db" % number)
        rdb = os.path.join(workdir, "%02d-drf.sqlite3" % number)
        start(servers, "candidate", candidate_argv(args, cport, cdb, jwt_key),
              os.path.join(workdir, "%02d-candidate.log" % number), cport)
        start(servers, "reference", drf_argv(rport, rdb, jwt_key),
              os.path.join(workdir, "%02d-drf.log" % number), rport)
        deadline = time.monotonic() + args.start_timeout
        for server in servers:
            if not server.wait_ready(deadline):
                state = ("exited with status %s" % server.proc.returncode
                         if server.proc.poll() is not None else "did not answer in time")
                print("FAIL %s :: the %s server (%s) %s\n%s"
                      % (label, server.role, " ".join(server.argv[:1]), state, server.tail()),
                      flush=True)
                return False
        print("== %s (candidate %s, DRF %s)" % (label, servers[0].url, servers[1].url), flush=True)
        runner.candidate = compare.Server("candidate", servers[0].url, args.request_timeout)
        runner.reference = compare.Server("reference", servers[1].url, args.request_timeout)
        failed_before = runner.failed
        runner.run_file(path)
        for server in servers:
            if server.proc.poll() is not None:
                print("FAIL %s :: the %s server exited during the run (status %s)\n%s"
                      % (label, server.role, server.proc.returncode, server.tail()), flush=True)
                return False
        if runner.failed > failed_before and args.logs:
            for server in servers:
                print("  %s log:\n%s" % (server.role, server.tail()), flush=True)
        return True
    finally:
        # A second Ctrl-C or the deadline must not interrupt the stopping itself.
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            for server in reversed(servers):
                server.stop()
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("paths", nargs="*", metavar="[CANDIDATE] FILE",
                   help="the reference_site binary (unless --candidate-command or "
                        "--candidate-drf), then scenario files (default: scenarios/*.json)")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--candidate-command",
                     help="command line with {port}, {db} and {jwt_key} placeholders")
    who.add_argument("--candidate-drf", action="store_true",
                     help="run a second DRF site as the candidate (self-check of the suite)")
    p.add_argument("--threads", type=int, default=2, help="the candidate's --threads")
    p.add_argument("--jwt-key", help="the HS256 key for both servers (default: random)")
    p.add_argument("--skip-candidate-expectations", action="store_true",
                   help="skip what only warden is expected to answer (implied by --candidate-drf)")
    p.add_argument("--start-timeout", type=float, default=120, help="seconds for both to answer")
    p.add_argument("--request-timeout", type=float, default=30, help="seconds per request")
    p.add_argument("--timeout", type=float, default=1200, help="seconds for the whole run")
    p.add_argument("--logs", action="store_true", help="print the servers' log tails on failures")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, databases)")
    p.add_argument("-v", "--verbose", action="store_true", help="do not shorten differences")
    p.add_argument("--show", action="store_true", help="print both views of every step")
    args = p.parse_args(argv)
    args.candidate, args.files = None, list(args.paths)
    if not (args.candidate_command or args.candidate_drf):
        if not args.files:
            p.error("give the candidate binary (or --candidate-command / --candidate-drf)")
        args.candidate = os.path.abspath(args.files.pop(0))
        if not (os.path.isfile(args.candidate) and os.access(args.candidate, os.X_OK)):
            p.error("candidate %r is not an executable file" % args.candidate)
    files = args.files or sorted(glob.glob(os.path.join(HERE, "scenarios", "*.json")))
    if not files:
        p.error("no scenario files")

    try:
        for path in files:
            compare.load_file(path)  # a typo fails now, before any server starts
    except compare.ScenarioError as e:
        print("conformance: scenario error: %s" % e, flush=True)
        return 2

    problem = check_drf_available()
    if problem:
        print("conformance: skipped: " + problem, flush=True)
        return SKIP

    jwt_key = args.jwt_key or secrets.token_hex(32)
    runner = compare.Runner("http://127.0.0.1:1", "http://127.0.0.1:1", jwt_key,
                            args.request_timeout,
                            args.skip_candidate_expectations or args.candidate_drf,
                            args.verbose, args.show)
    workdir = tempfile.mkdtemp(prefix="warden-conformance-")
    broken = 0
    status = 1
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGALRM, on_signal)
    signal.alarm(int(args.timeout))
    try:
        for number, path in enumerate(files, start=1):
            if not run_file(args, runner, path, workdir, number, jwt_key):
                broken += 1
        extra_note = ", %d scenario file(s) without servers" % broken if broken else ""
        print(runner.summary() + extra_note, flush=True)
        status = 1 if runner.failed or broken else 0
    except compare.ScenarioError as e:
        print("conformance: scenario error: %s" % e, flush=True)
        status = 2
    except Stop as e:
        print("conformance: %s (%s); servers stopped" % (e, runner.summary()), flush=True)
        status = 1
    finally:
        signal.alarm(0)
        if args.keep:
            print("conformance: logs and databases kept in %s" % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
