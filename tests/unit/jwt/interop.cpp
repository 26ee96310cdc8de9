// Interoperability with the Python reference: PyJWT 2.6 and simplejwt 5.2 run by
// /usr/bin/python3 (Debian's packages). Tokens go both ways; failures are classified
// the same way. Skipped, with a message, when python3-jwt or simplejwt is missing.
#include "support.hpp"

#include <warden/jwt/simplejwt.hpp>

#include <support/python.hpp>

#include <catch2/catch.hpp>

#include <openssl/evp.h>

using namespace warden::jwt;
using jwt_test::pem_of;
using warden_test::as_string;
using warden_test::python_has;
using warden_test::run_python_json;

TEST_CASE("PyJWT HS256 tokens verify here, and the same claims sign to the same bytes", "[jwt][interop][pyjwt]") {
    if (!python_has("jwt")) {
        WARN("skipped: /usr/bin/python3 with python3-jwt (PyJWT) is not available");
        return;
    }
    const std::string secret = "interop secret, thirty-two bytes+";
    auto out = run_python_json(R"PY(
import json, sys, jwt
args = json.load(open(sys.argv[1]))
payload = {"token_type": "access", "exp": 4102444800, "iat": 1700000000,
           "jti": "8c9e5d4b1f2a4c3db7e6a5f4e3d2c1b0", "user_id": 42,
           "name": "Zo\u00eb \U0001F600 \u2028", "ctl": "\u0001\t\"\\/\x7f", "ratio": 0.1,
           "big": 1e16, "bigger": 1.2345e+22, "small": 1.5e-05, "tiny": 0.0001, "neg": -0.0,
           "whole": 3.0, "large_int": 12345678901234567890, "list": [1, "two", None, True, False],
           "nested": {"a": {"b": []}, "empty": {}}}
print(json.dumps({"token": jwt.encode(payload, args["secret"], algorithm="HS256"),
                  "payload": json.dumps(payload)}))
)PY",
                               boost::json::object{{"secret", secret}});
    key k = key::hmac(algorithm::hs256, secret);
    std::string token = as_string(out.at("token"));
    claims c;
    REQUIRE_FALSE(verify_jwt(token, k, {}, std::chrono::system_clock::now(), c));
    boost::json::value expected = boost::json::parse(as_string(out.at("payload")));
    CHECK(boost::json::serialize(c.object()) == boost::json::serialize(expected));
    // Byte for byte: PyJWT's header, Python's json.dumps of the claims, the same MAC.
    CHECK(sign_jwt(k, expected.as_object()) == token);
}

TEST_CASE("PyJWT and warden verify each other's tokens for every algorithm", "[jwt][interop][pyjwt]") {
    if (!python_has("jwt") || !python_has("cryptography")) {
        WARN("skipped: /usr/bin/python3 with python3-jwt and python3-cryptography is not available");
        return;
    }
    struct entry {
        algorithm alg;
        key signer, verifier;
        std::string private_text, public_text;
    };
    std::vector<entry> entries;
    for (algorithm alg : {algorithm::hs256, algorithm::hs384, algorithm::hs512}) {
        std::string secret = warden::crypto::random_hex(32); // 64 bytes of text
        key k = key::hmac(alg, secret);
        entries.push_back({alg, k, k, secret, secret});
    }
    auto add_pkey = [&](algorithm alg, EVP_PKEY* pkey) {
        std::string priv = pem_of(pkey, true), pub = pem_of(pkey, false);
        EVP_PKEY_free(pkey);
        entries.push_back({alg, key::from_pem(alg, priv), key::from_pem(alg, pub), priv, pub});
    };
    EVP_PKEY* rsa = EVP_RSA_gen(2048);
    EVP_PKEY_up_ref(rsa);
    EVP_PKEY_up_ref(rsa);
    add_pkey(algorithm::rs256, rsa);
    add_pkey(algorithm::ps256, rsa);
    add_pkey(algorithm::ps512, rsa);
    add_pkey(algorithm::es256, EVP_EC_gen("P-256"));
    add_pkey(algorithm::es384, EVP_EC_gen("P-384"));
    add_pkey(algorithm::es512, EVP_EC_gen("P-521"));
    add_pkey(algorithm::eddsa, EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));

    boost::json::array input;
    boost::json::object claims_obj{{"sub", "interop"}, {"exp", 4102444800}, {"n", 1}};
    for (const auto& e : entries) {
        input.push_back(boost::json::object{{"alg", to_string(e.alg)},
                                            {"private", e.private_text},
                                            {"public", e.public_text},
                                            {"token", sign_jwt(e.signer, claims_obj)}});
    }
    auto out = run_python_json(R"PY(
import json, sys, jwt
result = []
for e in json.load(open(sys.argv[1])):
    try:
        claims = jwt.decode(e["token"], e["public"], algorithms=[e["alg"]])
        verdict = "ok" if claims["sub"] == "interop" else "bad claims"
    except Exception as ex:
        verdict = type(ex).__name__ + ": " + str(ex)
    token = jwt.encode({"sub": "from-python", "exp": 4102444800}, e["private"], algorithm=e["alg"])
    result.append({"alg": e["alg"], "verdict": verdict, "token": token})
print(json.dumps(result))
)PY",
                               input);
    REQUIRE(out.as_array().size() == entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto& r = out.as_array()[i];
        INFO(as_string(r.at("alg")));
        CHECK(as_string(r.at("verdict")) == "ok");
        claims c;
        std::error_code ec = verify_jwt(as_string(r.at("token")), entries[i].verifier, {}, std::chrono::system_clock::now(), c);
        INFO(ec.message());
        CHECK_FALSE(ec);
        CHECK(c.find("sub") != nullptr);
    }
}

TEST_CASE("simplejwt and warden accept each other's tokens and classify failures alike",
          "[jwt][interop][simplejwt]") {
    if (!python_has("jwt") || !python_has("rest_framework_simplejwt")) {
        WARN("skipped: /usr/bin/python3 with simplejwt (python3-djangorestframework-simplejwt) is not available");
        return;
    }
    settings cfg;
    cfg.signing_key = "interop signing key for simplejwt, long enough";
    token_backend backend{cfg};
    auto now = std::chrono::system_clock::now();

    // Good tokens of each type, and defective ones to classify.
    boost::json::object mine;
    mine["access"] = backend.encode(token::for_user(token_type::access, 1, cfg, now));
    mine["refresh"] = backend.encode(token::for_user(token_type::refresh, 1, cfg, now));
    mine["sliding"] = backend.encode(token::for_user(token_type::sliding, 1, cfg, now));
    auto defect = [&](auto edit) {
        token t = token::for_user(token_type::access, 1, cfg, now);
        edit(t);
        return backend.encode(t);
    };
    boost::json::object defects;
    defects["no_type"] = defect([](token& t) { t.payload().erase("token_type"); });
    defects["no_jti"] = defect([](token& t) { t.payload().erase("jti"); });
    defects["no_exp"] = defect([](token& t) { t.payload().erase("exp"); });
    defects["expired"] = defect([&](token& t) { t.set_exp("exp", now - std::chrono::hours(1), std::chrono::minutes(5)); });
    defects["wrong_type"] = mine["refresh"];
    defects["future_iat"] = defect([&](token& t) { t.set_iat("iat", now + std::chrono::hours(1)); });
    defects["not_yet"] = defect([&](token& t) { t.payload()["nbf"] = detail::unix_seconds(now) + 3600; });
    std::string tampered = boost::json::value_to<std::string>(mine["access"]);
    tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == 'A' ? 'B' : 'A';
    defects["bad_signature"] = tampered;
    defects["garbage"] = "abc.def.ghi";

    auto out = run_python_json(R"PY(
import json, sys
args = json.load(open(sys.argv[1]))
import django
from django.conf import settings
settings.configure(
    SECRET_KEY="x" * 50, USE_TZ=True,
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth",
                    "rest_framework_simplejwt.token_blacklist"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    SIMPLE_JWT={"SIGNING_KEY": args["key"]})
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth.models import User
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken, SlidingToken

def check(cls, raw):
    try:
        return {"ok": True, "payload": cls(raw).payload}
    except TokenError as e:
        return {"ok": False, "message": str(e.args[0])}

mine = args["mine"]
verified = {"access": check(AccessToken, mine["access"]), "refresh": check(RefreshToken, mine["refresh"]),
            "sliding": check(SlidingToken, mine["sliding"])}
classified = {name: check(AccessToken, raw) for name, raw in args["defects"].items()}
user = User.objects.create(username="alice")
refresh = RefreshToken.for_user(user)
theirs = {"refresh": str(refresh), "access": str(refresh.access_token),
          "sliding": str(SlidingToken.for_user(user)), "user_id": user.id}
print(json.dumps({"verified": verified, "classified": classified, "theirs": theirs}))
)PY",
                               boost::json::object{{"key", cfg.signing_key}, {"mine", mine}, {"defects", defects}});

    // simplejwt accepts ours, with our claims.
    for (auto name : {"access", "refresh", "sliding"}) {
        INFO(name);
        const auto& r = out.at("verified").at(name);
        CHECK(r.at("ok").as_bool());
        if (r.as_object().contains("payload")) CHECK(r.at("payload").at("token_type") == name);
    }
    // Our classification gives simplejwt's message for each defect.
    for (const auto& kv : defects) {
        INFO(kv.key());
        const auto& r = out.at("classified").at(kv.key());
        REQUIRE_FALSE(r.at("ok").as_bool());
        claims c;
        std::error_code ec = backend.validate(kv.value().as_string(), token_type::access, c, now);
        REQUIRE(ec);
        CHECK(simplejwt_message(ec, cfg) == as_string(r.at("message")));
    }
    // We accept theirs.
    const auto& theirs = out.at("theirs");
    struct row {
        const char* name;
        token_type type;
    };
    for (auto [name, type] : {row{"access", token_type::access}, row{"refresh", token_type::refresh},
                              row{"sliding", token_type::sliding}}) {
        INFO(name);
        claims c;
        std::error_code ec = backend.validate(as_string(theirs.at(name)), type, c, std::chrono::system_clock::now());
        INFO(ec.message());
        CHECK_FALSE(ec);
        CHECK(c.find("user_id") != nullptr);
        if (c.find("user_id")) CHECK(*c.find("user_id") == theirs.at("user_id"));
        // Byte for byte: re-encoding simplejwt's own claims gives simplejwt's token.
        CHECK(backend.encode(token::from_claims(type, c.to_object(), std::chrono::system_clock::now())) ==
              as_string(theirs.at(name)));
    }
    claims c;
    CHECK(backend.validate(as_string(theirs.at("refresh")), token_type::access, c, std::chrono::system_clock::now()) ==
          errc::wrong_token_type);
}
