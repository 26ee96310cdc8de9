// libFuzzer harnesses for a whole request: raw bytes into a connection of a site with
// every authentication scheme (HTTP/1.1 framing, headers, cookies, CSRF, the body
// parsers, the views that check passwords and mint tokens), and the Authorization header
// forms on their own. The server answers every input without crashing, leaking or
// hanging; the harness also checks that each answer it parses is well formed HTTP with
// no 5xx but 501 and 503.
#include "driver.hpp"

#include <warden.hpp>
#include <warden/test/client.hpp>
#include <warden/test/stream_client.hpp>

#include <memory>
#include <string>

using namespace warden;

namespace {

struct profile_api : api_view<authentication<token_auth, basic_auth, jwt::jwt_auth, session_auth>, permissions<is_authenticated>> {
    response get(request& req) { return json({{"username", req.user().username}}); }
};

struct notes_api : api_view<authentication<token_auth, session_auth>, permissions<is_authenticated_or_read_only>,
                            parsers<json_parser, form_parser, multipart_parser>> {
    response get(request&) { return json({{"notes", 0}}); }
    response post(request& req) { return json({{"keys", req.data().size()}}, http::status::created); }
};

struct admin_api : api_view<authentication<token_auth>, permissions<is_admin_user>> {
    response get(request&) { return json({{"ok", true}}); }
};

settings fuzz_settings() {
    settings s;
    s.secret_key = "fuzz-secret-key-fuzz-secret-key";
    s.password.iterations = 8;   // the same code paths, a thousand times faster
    s.throttle_rates = {{"login", "none"}};
    return s;
}

memory_store& store() {
    static memory_store db = [] {
        memory_store m;
        crypto::password_policy p;
        p.iterations = 8;
        for (auto [name, staff] : {std::pair{"alice", false}, std::pair{"bob", true}}) {
            user u;
            u.username = name;
            u.is_staff = staff;
            (void)crypto::make_password(std::string(name) + "-pass", u.password, p);
            (void)m.create_user(u);
        }
        return m;
    }();
    return db;
}

auto make_site() {
    return app<defaults<authentication<session_auth>>,
               route<"/api/profile/", profile_api>,
               route<"/api/notes/", notes_api>,
               route<"/api/admin/<str:name>/", admin_api>,
               route<"/api/login/", login_view>,
               route<"/api/logout/", logout_view>,
               route<"/api/token-auth/", obtain_auth_token>,
               route<"/api/token-auth/logout/", logout_token>,
               route<"/api/token/", jwt::token_obtain_pair>,
               route<"/api/token/refresh/", jwt::token_refresh>,
               route<"/api/token/verify/", jwt::token_verify>>(store(), fuzz_settings(),
                                                                 jwt::key_service::hs256(std::string(48, 'j')));
}

using site_type = decltype(make_site());

site_type& site() {
    static site_type s = make_site();
    return s;
}

// No 5xx but the two the server means: 501 for a transfer coding it does not decode
// (RFC 9112 6.1) and 503 when a limit is reached.
void check_answers(std::string out) {
    while (auto r = test::take_response(out)) WARDEN_FUZZ_ASSERT(r->status() < 500 || r->status() == 501 || r->status() == 503);
}

void request(std::string_view bytes) {
    server_options o;
    o.header_limit = 4096;
    o.body_limit = 16 * 1024;
    test::stream_client c{site(), o};
    check_answers(c.exchange(bytes));
    c.close();
}

void authorization(std::string_view value) {
    test::client c{site()};
    for (const char* target : {"/api/profile/", "/api/notes/", "/api/admin/x/", "/api/token-auth/logout/"}) {
        auto r = c.get(target, {{"Authorization", value}});
        WARDEN_FUZZ_ASSERT(r.status() == 200 || r.status() == 401 || r.status() == 403 || r.status() == 405);
    }
    auto r = c.get("/api/profile/", {{"Cookie", value}});
    WARDEN_FUZZ_ASSERT(r.status() == 200 || r.status() == 401 || r.status() == 403);
}

const fuzz::harness harnesses[] = {{"request", request}, {"authorization", authorization}};

} // namespace

WARDEN_FUZZ_MAIN(harnesses)
