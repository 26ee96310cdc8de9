// Tokens minted by PyJWT (Debian's python3-jwt, run by /usr/bin/python3) with the same
// key authenticate and refresh here, and PyJWT verifies the tokens warden's views mint.
// Skipped, with a message, when /usr/bin/python3 or PyJWT is missing.
#include "support.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace warden;
using namespace jwt_auth_test;
namespace fs = std::filesystem;

namespace {

constexpr const char* python = "/usr/bin/python3";

bool have_pyjwt() {
    if (!fs::exists(python)) return false;
    return std::system((std::string(python) + " -c 'import jwt' >/dev/null 2>&1").c_str()) == 0;
}

// Runs `script` with one argument, a JSON file holding `input`; returns stdout as JSON.
boost::json::value run_python(const std::string& script, const boost::json::value& input) {
    fs::path dir = fs::temp_directory_path() / ("warden-jwt-auth-py-" + crypto::random_hex(8));
    fs::create_directories(dir);
    struct cleanup {
        fs::path p;
        ~cleanup() {
            std::error_code ec;
            fs::remove_all(p, ec);
        }
    } remove_dir{dir};
    std::ofstream(dir / "script.py") << script;
    std::ofstream(dir / "input.json") << boost::json::serialize(input);
    std::string cmd = std::string(python) + " " + (dir / "script.py").string() + " " + (dir / "input.json").string() + " 2>" +
                      (dir / "stderr").string();
    FILE* pipe = popen(cmd.c_str(), "r");
    REQUIRE(pipe);
    std::string out;
    char buf[4096];
    while (std::size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
    int status = pclose(pipe);
    std::ifstream err(dir / "stderr");
    std::stringstream err_text;
    err_text << err.rdbuf();
    INFO("python stderr: " << err_text.str());
    REQUIRE(status == 0);
    return boost::json::parse(out);
}

} // namespace

TEST_CASE("tokens minted by PyJWT with the same key work here, and PyJWT verifies ours", "[jwt_auth][interop]") {
    if (!have_pyjwt()) {
        WARN("skipped: /usr/bin/python3 with python3-jwt (PyJWT) is not available");
        return;
    }
    memory_store db;
    seed(db);
    auto site = make_site(db);   // real time: PyJWT checks exp against its own clock
    test::client c{site};
    auto ours = obtain(c, "bob");

    auto out = run_python(R"PY(
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
                          boost::json::object{{"secret", secret}, {"ours", boost::json::array{ours.access, ours.refresh}}});
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
