#!/usr/bin/env python3
"""End-to-end tests of `warden jwt verify|sign|decode` and `warden jws verify`.

  test_jwt_cli.py WARDEN_BINARY REFERENCE_SITE_BINARY

Checks exit statuses (0 valid, 1 refused with the reason on stderr, 2 usage or key
error), the claims and payload printed, every key source (--secret, --secret-b64url,
PEM private and public keys, a JWK, a JWK Set), each claim option (--now, --leeway,
--token-type, --require, --audience, --issuer), that secrets never appear in the
output, that tokens minted by PyJWT (/usr/bin/python3, skipped when missing) verify,
and that tokens go both ways between the command and a running reference_site signed
with the same key. Binds 127.0.0.1 on a free port and stops what it starts.
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile

from cli_harness import Site, check, failures, run

WARDEN, SITE = sys.argv[1], sys.argv[2]
KEY = "reference-jwt-signing-key-0123456789abcdef"


def warden(*args, stdin=None):
    return run(WARDEN, *args, stdin=stdin)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(claims, *key, extra=()):
    rc, out, err = warden("jwt", "sign", *key, *extra, json.dumps(claims))
    check(rc == 0, f"jwt sign succeeds ({' '.join(key[:2])}): {err}")
    return out.strip()


def test_hmac(tmp):
    hs = ["--alg", "HS256", "--secret", KEY]
    now = 1_800_000_000
    claims = {"token_type": "access", "exp": now + 300, "iat": now, "jti": "0" * 32, "user_id": 1}
    token = sign(claims, *hs)
    check(token.count(".") == 2, "sign prints a compact token")
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    check(header == {"alg": "HS256", "typ": "JWT"}, "the header is PyJWT's")

    rc, out, err = warden("jwt", "verify", *hs, "--now", str(now), token)
    check(rc == 0 and json.loads(out) == claims and err == "", "verify prints the claims and exits 0")
    rc, out, err = warden("jwt", "verify", *hs, "--now", str(now + 300), token)
    check(rc == 1 and out == "" and "expired" in err, "an expired token exits 1 with the reason on stderr")
    rc, out, err = warden("jwt", "verify", *hs, "--now", str(now + 310), "--leeway", "30", token)
    check(rc == 0, "--leeway accepts a token expired within it")
    rc, out, err = warden("jwt", "verify", *hs, "--now", str(now - 60), token)
    check(rc == 1 and "future" in err, "a token issued in the future is refused")
    rc, out, err = warden("jwt", "verify", *hs, "--now", str(now), "--token-type", "access", token)
    check(rc == 0, "--token-type access accepts an access token")
    rc, out, err = warden("jwt", "verify", *hs, "--now", str(now), "--token-type", "refresh", token)
    check(rc == 1 and "wrong type" in err, "--token-type refresh refuses an access token")
    rc, out, err = warden("jwt", "verify", *hs, "--now", str(now), "--require", "jti", "--require", "sub", token)
    check(rc == 1 and "required claim" in err, "--require refuses a token without the claim")
    rc, out, err = warden("jwt", "verify", *hs, "--now", str(now), "--audience", "api", token)
    check(rc == 1 and "audience" in err, "--audience refuses a token without aud")
    aud = sign(dict(claims, aud=["web", "api"], iss="https://issuer"), *hs)
    rc, out, err = warden("jwt", "verify", *hs, "--now", str(now), "--audience", "api", "--issuer", "https://issuer", aud)
    check(rc == 0, "--audience and --issuer accept matching claims")
    rc, out, err = warden("jwt", "verify", *hs, "--now", str(now), "--issuer", "https://other", aud)
    check(rc == 1 and "issuer" in err, "--issuer refuses another issuer")
    rc, out, err = warden("jwt", "verify", *hs, "--now", str(now), aud)
    check(rc == 1 and "audience" in err, "a token with aud is refused when no audience is given")

    rc, out, err = warden("jwt", "verify", *hs, "--now", str(now), token + "x")
    check(rc == 1 and ("signature" in err or "base64" in err), "a tampered token is refused")
    rc, out, err = warden("jwt", "verify", "--alg", "HS512", "--secret", KEY + KEY, "--now", str(now), token)
    check(rc == 1 and "alg" in err, "a token under another algorithm than the key's is refused")
    rc, out, err = warden("jwt", "verify", *hs, "--now", str(now), "-", stdin=token + "\n")
    check(rc == 0 and json.loads(out) == claims, "TOKEN - reads the token from standard input")
    rc, out, err = warden("jwt", "verify", "--alg", "HS256", "--secret-b64url", b64url(KEY.encode()), "--now", str(now), token)
    check(rc == 0, "--secret-b64url is the same secret")

    none = b64url(b'{"alg":"none"}') + "." + b64url(json.dumps(claims).encode()) + "."
    rc, out, err = warden("jwt", "verify", *hs, "--now", str(now), none)
    check(rc == 1 and "malformed" in err, "an unsecured token (empty signature) is refused")
    rc, out, err = warden("jwt", "verify", *hs, "--now", str(now), none + "c2ln")
    check(rc == 1 and "none" in err, "alg none is refused whatever the signature")

    rc, out, err = warden("jws", "verify", *hs, token)
    check(rc == 0 and json.loads(out) == claims, "jws verify prints the payload (no claim checks: expired is fine)")
    jws = warden("jwt", "sign", *hs, "{}")[1].strip()
    rc, out, err = warden("jws", "verify", *hs, jws[:-2] + ("AA" if not jws.endswith("AA") else "BB"))
    check(rc == 1 and "signature" in err, "jws verify refuses a bad signature")

    rc, out, err = warden("jwt", "decode", token)
    d = json.loads(out) if rc == 0 else {}
    check(rc == 0 and d.get("verified") is False and d.get("payload") == claims and d.get("header") == header,
          "decode prints header and claims marked unverified")
    check("NOT verified" in err, "decode warns on stderr")
    rc, out, err = warden("jwt", "decode", "abc")
    check(rc == 1 and "malformed" in err, "decode of a non-token exits 1")

    signed = warden("jwt", "sign", *hs, "--now", str(now), "--exp-in", "60", "--kid", "k1", '{"sub":"x"}')[1].strip()
    rc, out, err = warden("jwt", "decode", signed)
    d = json.loads(out)
    check(d["payload"] == {"sub": "x", "iat": now, "exp": now + 60} and d["header"].get("kid") == "k1",
          "sign --exp-in sets iat and exp; --kid names the key")

    # Usage and key errors exit 2; the secret never appears in any output.
    for args, what in [
        (["jwt", "verify", token], "no --alg"),
        (["jwt", "verify", "--alg", "HS256", token], "no key"),
        (["jwt", "verify", "--alg", "HS256", "--secret", KEY, "--key", "/x", token], "two keys"),
        (["jwt", "verify", "--alg", "hs256", "--secret", KEY, token], "a lower-case algorithm name"),
        (["jwt", "verify", "--alg", "none", "--secret", KEY, token], "alg none"),
        (["jwt", "verify", "--alg", "RS256", "--secret", KEY, token], "a secret for RS256"),
        (["jwt", "verify", *hs, "--now", "soon", token], "a bad --now"),
        (["jwt", "verify", *hs, "--token-type", "bearer", token], "a bad --token-type"),
        (["jwt", "verify", *hs], "no token"),
        (["jwt", "verify", *hs, "--frobnicate", token], "an unknown option"),
        (["jwt", "verify", "--alg", "HS256", "--secret", "short-secret", token], "a short secret"),
        (["jwt", "verify", "--alg", "HS256", "--secret-b64url", "a+b/", token], "bad base64url"),
        (["jwt", "verify", "--alg", "RS256", "--key", os.path.join(tmp, "missing.pem"), token], "a missing key file"),
        (["jwt", "sign", *hs, "[1]"], "claims that are not an object"),
    ]:
        rc, out, err = warden(*args)
        check(rc == 2, f"{what}: exit 2 (got {rc}: {err.strip()})")
        check(KEY not in out + err and "short-secret" not in out + err, f"{what}: the secret is not printed")
    rc, out, err = warden("jwt", "verify", "--alg", "HS256", "--secret", "short-secret", "--allow-short-key", token)
    check(rc == 1 and "signature" in err, "--allow-short-key accepts a short secret (which then does not verify)")
    short = warden("jwt", "sign", "--alg", "HS256", "--secret", "short-secret", "--allow-short-key", '{"exp": 4102444800}')[1].strip()
    rc, out, err = warden("jwt", "verify", "--alg", "HS256", "--secret", "short-secret", "--allow-short-key", short)
    check(rc == 0, "a short secret works both ways when allowed")

    # A JWK (kty oct) and a JWK Set, with kid.
    jwk = {"kty": "oct", "k": b64url(KEY.encode()), "alg": "HS256"}
    jwk_path = os.path.join(tmp, "hs.jwk")
    with open(jwk_path, "w") as f:
        json.dump(jwk, f)
    rc, out, err = warden("jwt", "verify", "--alg", "HS256", "--key", jwk_path, "--now", str(now), token)
    check(rc == 0, "--key takes a JWK")
    other = "another-signing-key-0123456789abcdef0123"
    jwks_path = os.path.join(tmp, "set.jwks")
    with open(jwks_path, "w") as f:
        json.dump({"keys": [dict(jwk, kid="k1"), {"kty": "oct", "k": b64url(other.encode()), "alg": "HS256", "kid": "k2"}]}, f)
    k2 = warden("jwt", "sign", "--alg", "HS256", "--secret", other, "--kid", "k2", '{"exp": 4102444800}')[1].strip()
    rc, out, err = warden("jwt", "verify", "--alg", "HS256", "--key", jwks_path, k2)
    check(rc == 0, "--key takes a JWK Set and picks the key by kid")
    rc, out, err = warden("jwt", "verify", "--alg", "HS256", "--key", jwks_path, "--now", str(now), token)
    check(rc == 1 and "kid" in err, "a token without kid is refused by a set of several keys")
    with open(os.path.join(tmp, "raw.key"), "w") as f:
        f.write(KEY)
    rc, out, err = warden("jwt", "verify", "--alg", "HS256", "--key", os.path.join(tmp, "raw.key"), token)
    check(rc == 2, "--key with a raw secret is a usage error (secrets go in --secret)")
    return token


def test_public_keys(tmp):
    if not shutil.which("openssl"):
        print("skipped: public-key cases need the openssl command")
        return
    for alg, genpkey in [("RS256", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]),
                         ("PS384", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]),
                         ("ES256", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]),
                         ("EdDSA", ["-algorithm", "ED25519"])]:
        priv, pub = os.path.join(tmp, alg + ".pem"), os.path.join(tmp, alg + ".pub.pem")
        subprocess.run(["openssl", "genpkey", *genpkey, "-out", priv], check=True, capture_output=True)
        subprocess.run(["openssl", "pkey", "-in", priv, "-pubout", "-out", pub], check=True, capture_output=True)
        token = sign({"sub": "s", "exp": 4102444800}, "--alg", alg, "--key", priv)
        rc, out, err = warden("jwt", "verify", "--alg", alg, "--key", pub, token)
        check(rc == 0 and json.loads(out) == {"sub": "s", "exp": 4102444800}, f"{alg}: a public PEM verifies")
        rc, out, err = warden("jwt", "verify", "--alg", alg, "--key", priv, token)
        check(rc == 0, f"{alg}: a private PEM verifies too")
        rc, out, err = warden("jws", "verify", "--alg", alg, "--key", pub, token)
        check(rc == 0, f"{alg}: jws verify with the public key")
        rc, out, err = warden("jwt", "sign", "--alg", alg, "--key", pub, "{}")
        check(rc == 2 and "sign" in err, f"{alg}: signing with a public key is a key error")
        check("PRIVATE" not in out + err, f"{alg}: key material is not printed")
    rc, out, err = warden("jwt", "verify", "--alg", "ES256", "--key", os.path.join(tmp, "RS256.pub.pem"), "a.b.c")
    check(rc == 2 and "key" in err, "an RSA key for ES256 is a key error")
    rc, out, err = warden("jwt", "verify", "--alg", "HS256", "--key", os.path.join(tmp, "RS256.pub.pem"), "a.b.c")
    check(rc == 2, "a PEM public key as an HMAC secret is refused")


def test_pyjwt():
    py = "/usr/bin/python3"
    if not os.path.exists(py) or subprocess.run([py, "-c", "import jwt"], capture_output=True).returncode != 0:
        print("skipped: /usr/bin/python3 with PyJWT (python3-jwt) is not available")
        return
    script = ("import jwt,sys,json; print(jwt.encode({'token_type':'access','exp':4102444800,'jti':'j','user_id':3}, "
              "sys.argv[1], algorithm='HS384'))")
    token = subprocess.run([py, "-c", script, KEY + "-0123456789"], capture_output=True, text=True, check=True).stdout.strip()
    rc, out, err = warden("jwt", "verify", "--alg", "HS384", "--secret", KEY + "-0123456789", "--token-type", "access", token)
    check(rc == 0 and json.loads(out)["user_id"] == 3, "a PyJWT HS384 token verifies")
    ours = sign({"a": "é", "exp": 4102444800}, "--alg", "HS256", "--secret", KEY)
    script = "import jwt,sys; print(jwt.decode(sys.argv[1], sys.argv[2], algorithms=['HS256'])['a'])"
    p = subprocess.run([py, "-c", script, ours, KEY], capture_output=True, text=True)
    check(p.returncode == 0 and p.stdout.strip() == "é", "PyJWT verifies a token signed by the command")


def test_with_site(tmp):
    site = Site(SITE, os.path.join(tmp, "site.db"), "--jwt-key", KEY)
    try:
        status, body = site.request("/api/token/", {"username": "alice", "password": "alice-pass"})
        check(status == 200, "reference_site issues a pair")
        access, refresh = body.get("access", ""), body.get("refresh", "")
        rc, out, err = warden("jwt", "verify", "--alg", "HS256", "--secret", KEY, "--token-type", "access", access)
        check(rc == 0 and json.loads(out)["user_id"] == 1, "the site's access token verifies with the command")
        rc, out, err = warden("jwt", "verify", "--alg", "HS256", "--secret", KEY, "--token-type", "refresh", refresh)
        check(rc == 0, "the site's refresh token verifies as a refresh token")
        mine = warden("jwt", "sign", "--alg", "HS256", "--secret", KEY, "--exp-in", "300",
                      '{"token_type":"access","jti":"00000000000000000000000000000001","user_id":3}')[1].strip()
        status, body = site.request("/api/jwt/profile/", authorization="Bearer " + mine)
        check(status == 200 and body == {"username": "carol", "email": "carol@example.com"},
              "a token signed by the command authenticates on the site")
        forged = warden("jwt", "sign", "--alg", "HS256", "--secret", KEY + "-not", "--exp-in", "300",
                        '{"token_type":"access","jti":"x","user_id":3}')[1].strip()
        status, body = site.request("/api/jwt/profile/", authorization="Bearer " + forged)
        check(status == 401 and body.get("code") == "token_not_valid", "a token signed with another key is refused")
    finally:
        site.stop()


def main():
    with tempfile.TemporaryDirectory() as tmp:
        rc, out, err = warden("--help")
        check(rc == 0 and "warden jwt verify" in out and "warden jws verify" in out, "--help lists the JWT commands")
        test_hmac(tmp)
        test_public_keys(tmp)
        test_pyjwt()
        test_with_site(tmp)
    print(f"jwt cli: {'FAILED ' + str(len(failures)) if failures else 'all passed'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
