// Tokens minted by PyJWT (Debian's python3-jwt, run by /usr/bin/python3) with the same
// key authenticate and refresh here, and PyJWT verifies the tokens warden's views mint.
// Skipped, with a message, when /usr/bin/python3 or PyJWT is missing.
#include "support.hpp"

#include <support/python.hpp>

using namespace warden;
using namespace jwt_auth_test;
using warden_test::python_has;
using warden_test::run_python_json;

TEST_CASE("tokens minted by PyJWT with the same key work here, and PyJWT verifies ours", "[jwt_auth][interop]") {
    if (!python_has("jwt")) {
        WARN("skipped: /usr/bin/python3 with python3-jwt (PyJWT) is not available");
        return;
    }
    memory_store db;
    seed(db);
    auto site = make_site(db);   // real time: PyJWT checks exp against its own clock
    test::client c{site};
    auto ours = obtain(c, "bob");

    auto out = run_python_json(R"PY(
import json, sys, time, uuid
import jwt
spec = json.load(open(sys.argv[1]))
key, now = spec["secret"], int(time.time())
def mint(kind, lifetime, user):
    claims = {"token_type": kind, "exp": now + lifetime, "iat": now, "jti": uuid.uuid4().hex, "user_id": user}
    return jwt.encode(claims, key, algorithm="HS256")
decoded = [jwt.decode(t, key, algorithms=["HS256"]) for t in spec["ours"]]
print(json.dumps({"access": mint("access", 300, 1), "refresh": mint("refresh", 86400, 3),
                  "dave": mint("access", 300, 4), "decoded": decoded}))
)PY",
                               boost::json::object{{"secret", secret},
                                                   {"ours", boost::json::array{ours.access, ours.refresh}}});
    auto o = out.as_object();
    std::string access(o.at("access").as_string()), refresh(o.at("refresh").as_string());

    auto profile = c.get("/api/jwt/profile/", {{"Authorization", bearer(access)}});
    CHECK(profile.status() == 200);
    CHECK(profile.json() == boost::json::parse(R"({"username":"alice","email":"alice@example.com"})"));
    CHECK(c.post("/api/token/verify/", R"({"token":")" + refresh + "\"}").status() == 200);
    auto rotated = c.post("/api/token/refresh/", R"({"refresh":")" + refresh + "\"}");
    REQUIRE(rotated.status() == 200);
    CHECK(c.get("/api/jwt/profile/", {{"Authorization", bearer(rotated.json().at("access").as_string())}}).json() ==
          boost::json::parse(R"({"username":"carol","email":"carol@example.com"})"));
    CHECK(c.post("/api/token/refresh/", R"({"refresh":")" + refresh + "\"}").json() == invalid("Token is blacklisted"));
    CHECK(c.get("/api/jwt/profile/", {{"Authorization", bearer(o.at("dave").as_string())}}).json() ==
          boost::json::parse(R"({"detail":"User is inactive","code":"user_inactive"})"));

    auto decoded = o.at("decoded").as_array();
    REQUIRE(decoded.size() == 2);
    CHECK(decoded[0] == payload_of(ours.access));
    CHECK(decoded[1] == payload_of(ours.refresh));
}
