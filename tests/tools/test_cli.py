#!/usr/bin/env python3
"""End-to-end tests of the `warden` command with reference_site over one SQLite file.

  test_cli.py WARDEN_BINARY REFERENCE_SITE_BINARY

Checks every subcommand's output and exit status, that a password never appears in the
output, that a token made by `warden token create` works on a running reference_site,
that switching a user off takes effect at once, and that users and tokens survive a
restart of the server. Binds 127.0.0.1 on a free port and stops what it starts.
"""
import os
import sys
import tempfile

from cli_harness import Site, check, failures, run

WARDEN, SITE = sys.argv[1], sys.argv[2]


def warden(*args, stdin=None):
    return run(WARDEN, *args, stdin=stdin, env={"WARDEN_PASSWORD_ITERATIONS": "1000"})


def profile(site, key):
    """GET /api/profile/ with a token: (status, body)."""
    return site.request("/api/profile/", authorization="Token " + key)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "site.db")
        rc, out, err = warden("--help")
        check(rc == 0 and "warden user create" in out, "--help prints usage and exits 0")
        rc, out, err = warden("frobnicate", "--db", db)
        check(rc == 2 and err.count("\n") == 1 and "unknown command" in err, "an unknown command exits 2 with one line")
        rc, out, err = warden("user", "create", "--db", db)
        check(rc == 2 and "expected a user name" in err, "a missing argument exits 2")
        rc, out, err = warden("user", "create", "erin", "--db", db)
        check(rc == 2 and "--email is required" in err, "user create without --email exits 2")
        rc, out, err = warden("user", "create", "erin", "--bogus", "--db", db)
        check(rc == 2 and "unknown option --bogus" in err, "an unknown option exits 2")

        secret = "correct horse battery staple"
        rc, out, err = warden("user", "create", "erin", "--email", "erin@example.com", "--password-stdin", "--db", db,
                              stdin=secret + "\n")
        check(rc == 0 and "Created user erin" in out, "user create succeeds")
        check(secret not in out and secret not in err, "the password is never echoed")
        rc, out, err = warden("user", "create", "erin", "--email", "x@example.com", "--db", db)
        check(rc == 1 and "already exists" in err, "a duplicate user exits 1")

        # The reference site seeds alice..dave only in a new database; this one has erin,
        # so the server keeps it as it is.
        rc, out, err = warden("token", "create", "nobody", "--db", db)
        check(rc == 1 and err.strip() == "warden: user nobody does not exist", "token create for an unknown user exits 1")
        rc, out, err = warden("--db", db, "token", "create", "erin")
        check(rc == 0 and out.startswith("Generated token ") and out.strip().endswith(" for user erin"),
              "token create prints drf_create_token's line")
        key = out.split()[2]
        check(len(key) == 40 and all(c in "0123456789abcdef" for c in key), "the key is 40 lowercase hex characters")

        site = Site(SITE, db)
        try:
            status, body = profile(site, key)
            check(status == 200 and body == {"username": "erin", "email": "erin@example.com"},
                  "a CLI token works on a running reference_site")
            rc, out, err = warden("user", "set-active", "erin", "maybe", "--db", db)
            check(rc == 2, "set-active with a bad value exits 2")
            rc, out, err = warden("user", "set-active", "erin", "false", "--db", db)
            check(rc == 0, "set-active false succeeds")
            status, body = profile(site, key)
            check(status == 401 and body == {"detail": "User inactive or deleted."},
                  "a switched-off account is refused on the next request")
            warden("user", "set-active", "erin", "true", "--db", db)
            check(profile(site, key)[0] == 200, "switching the account back on restores access")
        finally:
            site.stop()

        site = Site(SITE, db)
        try:
            check(profile(site, key)[0] == 200, "users and tokens survive a restart of the server")
            rc, out, err = warden("token", "create", "erin", "--reset", "--db", db)
            key2 = out.split()[2]
            check(rc == 0 and key2 != key, "token create --reset makes a new token")
            check(profile(site, key)[0] == 401, "--reset revokes the user's other tokens")
            check(profile(site, key2)[0] == 200, "the new token works")
            rc, out, err = warden("token", "revoke", key2, "--db", db)
            check(rc == 0, "token revoke succeeds")
            check(profile(site, key2)[0] == 401, "a revoked token is refused")
            rc, out, err = warden("token", "revoke", key2, "--db", db)
            check(rc == 1 and "no such token" in err, "revoking twice exits 1")
            rc, out, err = warden("user", "set-password", "erin", "--password-stdin", "--db", db, stdin="new-pass\n")
            check(rc == 0 and "new-pass" not in out + err, "set-password succeeds without echo")
        finally:
            site.stop()

        bad = os.path.join(tmp, "garbage.db")
        with open(bad, "w") as f:
            f.write("not a database" * 100)
        rc, out, err = warden("token", "create", "erin", "--db", bad)
        check(rc == 1 and "not a SQLite database" in err, "a damaged database file is refused with a clear message")
        with open(bad, "rb") as f:
            check(f.read() == b"not a database" * 100, "the damaged file is left untouched")

    print(f"cli: {'FAILED ' + str(len(failures)) if failures else 'all passed'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
