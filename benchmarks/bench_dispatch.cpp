// bench_dispatch: GET /api/profile/ with `Authorization: Token <key>` (memory store),
// from the parsed Beast request to the serialized response, four ways:
//   dispatch_warden       the framework (app::handle with a per-connection arena)
//   dispatch_handwritten  the same steps coded by hand with Beast: the floor
//   dispatch_virtual      a DRF-like runtime design: virtual authenticators and
//                         permissions in vectors of unique_ptr, std::function handlers,
//                         a runtime route map (unordered_map, regex for patterns)
//   dispatch_routes/N     the framework with N routes, the request hitting the last
//                         (bench_routes.cpp)
// and two cases where the pipeline itself dominates, each the same three ways:
//   dispatch_pipeline_*   GET /api/ping/: no authenticator, allow_any, a constant body
//   dispatch_chain_*      GET /api/service/: three authenticators, the first two
//                         declining, and all_of<any_of<...>, not_<...>>
// Counters: allocs (operator new per request), ossl_allocs (OpenSSL mallocs).
//
//   bench_dispatch [Google Benchmark flags]     times and ratios
//   bench_dispatch --callgrind N                runs each case N times between
//                                               callgrind dumps (run under
//                                               valgrind --tool=callgrind)
#include "alloc_counter.hpp"
#include "bench_main.hpp"
#include "dispatch_cases.hpp"
#include "handmade.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <regex>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace bench {

dispatch_fixture& fixture() {
    static dispatch_fixture f;
    return f;
}

namespace {

using namespace handmade;

const warden::connection_info peer{"127.0.0.1", false};

// ---------------------------------------------------------------------------------
// The framework.

using warden_site = decltype(warden::app<warden::route<"/api/profile/", profile_api>>(
    std::declval<warden::memory_store&>(), std::declval<warden::settings>()));

struct warden_case : case_state {
    warden_site site = warden::app<warden::route<"/api/profile/", profile_api>>(f.store, bench_settings());

    void once() {
        run([&](warden::detail::arena* a) { return site.handle(f.msg, peer, a); });
    }
};

// ---------------------------------------------------------------------------------
// The floor: every step written out for this one route.

http_response handwritten(http_request& msg, warden::memory_store& store, warden::detail::arena* arena) {
    constexpr std::string_view allow = "GET, HEAD, OPTIONS";
    if (!host_ok(msg)) return invalid_host(msg, arena);
    std::string_view target = msg.target();
    std::string_view path = target.substr(0, target.find('?'));
    if (path != "/api/profile/") return make_response(msg, arena, http::status::not_found, R"({"detail":"Not found."})", {});
    if (!accepts_json(msg[http::field::accept]))
        return make_response(msg, arena, http::status::not_acceptable,
                             R"({"detail":"Could not satisfy the request Accept header."})", allow);
    std::shared_ptr<const warden::user> user;
    switch (check_token(msg[http::field::authorization], store, user)) {
    case token_check::ok: break;
    case token_check::absent: {
        auto r = make_response(msg, arena, http::status::unauthorized,
                               R"({"detail":"Authentication credentials were not provided."})", allow);
        r.set(http::field::www_authenticate, "Token");
        return r;
    }
    case token_check::invalid: {
        auto r = make_response(msg, arena, http::status::unauthorized, R"({"detail":"Invalid token."})", allow);
        r.set(http::field::www_authenticate, "Token");
        return r;
    }
    }
    if (msg.method() != http::verb::get && msg.method() != http::verb::head)
        return make_response(msg, arena, http::status::method_not_allowed, R"({"detail":"Method not allowed."})", allow);
    auto res = make_response(msg, arena, http::status::ok, profile_body(*user), allow);
    if (msg.method() == http::verb::head) res.body().clear();
    return res;
}

struct handwritten_case : case_state {

    void once() {
        run([&](warden::detail::arena* a) { return handwritten(f.msg, f.store, a); });
    }
};

// ---------------------------------------------------------------------------------
// A DRF-like runtime design: what a framework without compile-time policies does.

namespace rt {

struct request {
    http_request& msg;
    std::string path;
    std::shared_ptr<const warden::user> user;
    std::string auth_scheme;
};

struct response {
    http::status status = http::status::ok;
    std::string body;
    std::vector<std::pair<http::field, std::string>> headers;
};

struct api_exception {
    http::status status;
    std::string detail;
};

class authenticator {
public:
    virtual ~authenticator() = default;
    /// True when this authenticator decided (success or `error` set); false to try the next.
    virtual bool authenticate(request& req, std::optional<api_exception>& error) = 0;
    virtual std::string authenticate_header() const { return {}; }
};

class permission {
public:
    virtual ~permission() = default;
    virtual bool has_permission(const request& req) const = 0;
};

class token_authentication : public authenticator {
public:
    explicit token_authentication(warden::memory_store& s) : store_(s) {}
    bool authenticate(request& req, std::optional<api_exception>& error) override {
        switch (check_token(req.msg[http::field::authorization], store_, req.user)) {
        case token_check::ok: req.auth_scheme = "token"; return true;
        case token_check::absent: return false;
        case token_check::invalid: error = api_exception{http::status::unauthorized, "Invalid token."}; return true;
        }
        return false;
    }
    std::string authenticate_header() const override { return "Token"; }

private:
    warden::memory_store& store_;
};

// The chain's three: a session cookie, Basic credentials, an API key.
class session_authentication : public authenticator {
public:
    bool authenticate(request& req, std::optional<api_exception>&) override {
        return has_session_cookie(req.msg);   // the chain's request has none: declines
    }
};

class basic_authentication : public authenticator {
public:
    bool authenticate(request& req, std::optional<api_exception>& error) override {
        if (!is_basic(req.msg[http::field::authorization])) return false;
        error = api_exception{http::status::unauthorized, "Invalid basic header."};   // not reached by the chain
        return true;
    }
    std::string authenticate_header() const override { return R"(Basic realm="api")"; }
};

class api_key_authentication : public authenticator {
public:
    bool authenticate(request& req, std::optional<api_exception>& error) override {
        switch (check_api_key(req.msg)) {
        case token_check::ok: req.user = service_user(); req.auth_scheme = "api_key"; return true;
        case token_check::absent: return false;
        case token_check::invalid: error = api_exception{http::status::unauthorized, "Invalid API key."}; return true;
        }
        return false;
    }
};

class is_authenticated : public permission {
public:
    bool has_permission(const request& req) const override { return req.user && req.user->is_authenticated(); }
};

class is_admin_user : public permission {
public:
    bool has_permission(const request& req) const override { return req.user && req.user->is_staff; }
};

// DRF's composed permissions (`(A | B) & ~C`): operand holders with virtual calls.
class and_ : public permission {
public:
    and_(std::unique_ptr<permission> a, std::unique_ptr<permission> b) : a_(std::move(a)), b_(std::move(b)) {}
    bool has_permission(const request& req) const override { return a_->has_permission(req) && b_->has_permission(req); }

private:
    std::unique_ptr<permission> a_, b_;
};

class or_ : public permission {
public:
    or_(std::unique_ptr<permission> a, std::unique_ptr<permission> b) : a_(std::move(a)), b_(std::move(b)) {}
    bool has_permission(const request& req) const override { return a_->has_permission(req) || b_->has_permission(req); }

private:
    std::unique_ptr<permission> a_, b_;
};

class not_ : public permission {
public:
    explicit not_(std::unique_ptr<permission> a) : a_(std::move(a)) {}
    bool has_permission(const request& req) const override { return !a_->has_permission(req); }

private:
    std::unique_ptr<permission> a_;
};

struct view {
    std::vector<std::unique_ptr<authenticator>> authenticators;
    std::vector<std::unique_ptr<permission>> permissions;
    std::unordered_map<http::verb, std::function<response(request&)>> handlers;
    std::string allow = "GET, HEAD, OPTIONS";
};

class site {
public:
    /// A site with the reference site's other routes (a constant view) plus `path`.
    site(std::string path, std::unique_ptr<view> v) {
        exact_[std::move(path)] = v.get();
        views_.push_back(std::move(v));
        auto other = std::make_unique<view>();
        other->handlers[http::verb::get] = [](request&) { return response{http::status::ok, R"({"notes":[]})", {}}; };
        for (const char* p : {"/api/dashboard/", "/api/notes/", "/api/admin/", "/api/token-auth/", "/api/login/"})
            exact_[p] = other.get();
        patterns_.emplace_back(std::regex("^/api/admin/users/([^/]+)/active/$"), other.get());
        views_.push_back(std::move(other));
    }

    http_response handle(http_request& msg, warden::detail::arena* arena) {
        if (!host_ok(msg)) return invalid_host(msg, arena);
        std::string_view target = msg.target();
        request req{msg, std::string(target.substr(0, target.find('?'))), anonymous(), {}};
        view* v = match(req.path);
        if (!v) return make_response(msg, arena, http::status::not_found, R"({"detail":"Not found."})", {});
        response r = dispatch(*v, req);
        http_response res = make_response(msg, arena, r.status, std::move(r.body), v->allow);
        for (auto& [f, value] : r.headers) res.set(f, value);
        return res;
    }

private:
    static const std::shared_ptr<const warden::user>& anonymous() { return warden::user::anonymous(); }

    view* match(const std::string& path) {
        if (auto it = exact_.find(path); it != exact_.end()) return it->second;
        for (auto& [re, v] : patterns_)
            if (std::regex_match(path, re)) return v;
        return nullptr;
    }

    static response dispatch(view& v, request& req) {
        if (!accepts_json(req.msg[http::field::accept]))
            return {http::status::not_acceptable, R"({"detail":"Could not satisfy the request Accept header."})", {}};
        std::optional<api_exception> error;
        for (auto& a : v.authenticators)
            if (a->authenticate(req, error)) break;
        if (!error)
            for (auto& p : v.permissions)
                if (!p->has_permission(req)) {
                    // DRF's permission_denied: NotAuthenticated when no authenticator succeeded.
                    if (!v.authenticators.empty() && req.auth_scheme.empty())
                        error = api_exception{http::status::unauthorized, "Authentication credentials were not provided."};
                    else
                        error = api_exception{http::status::forbidden, "You do not have permission to perform this action."};
                    break;
                }
        if (error) {
            std::string challenge = v.authenticators.empty() ? std::string{} : v.authenticators.front()->authenticate_header();
            http::status status = error->status;
            if (status == http::status::unauthorized && challenge.empty()) status = http::status::forbidden;
            response r{status, {}, {}};
            r.body = "{\"detail\":";
            append_json_string(r.body, error->detail);
            r.body.push_back('}');
            if (status == http::status::unauthorized) r.headers.emplace_back(http::field::www_authenticate, std::move(challenge));
            return r;
        }
        auto h = v.handlers.find(req.msg.method() == http::verb::head ? http::verb::get : req.msg.method());
        if (h == v.handlers.end()) return {http::status::method_not_allowed, R"({"detail":"Method not allowed."})", {}};
        return h->second(req);
    }

    std::vector<std::unique_ptr<view>> views_;
    std::unordered_map<std::string, view*> exact_;
    std::vector<std::pair<std::regex, view*>> patterns_;
};

site profile_site(warden::memory_store& store) {
    auto v = std::make_unique<view>();
    v->authenticators.push_back(std::make_unique<token_authentication>(store));
    v->permissions.push_back(std::make_unique<is_authenticated>());
    v->handlers[http::verb::get] = [](request& req) { return response{http::status::ok, profile_body(*req.user), {}}; };
    return site("/api/profile/", std::move(v));
}

site ping_site() {
    auto v = std::make_unique<view>();
    v->handlers[http::verb::get] = [](request&) { return response{http::status::ok, std::string(ping_body), {}}; };
    return site("/api/ping/", std::move(v));
}

site service_site() {
    auto v = std::make_unique<view>();
    v->authenticators.push_back(std::make_unique<session_authentication>());
    v->authenticators.push_back(std::make_unique<basic_authentication>());
    v->authenticators.push_back(std::make_unique<api_key_authentication>());
    // (is_admin_user | is_authenticated) & ~is_admin_user
    v->permissions.push_back(std::make_unique<and_>(
        std::make_unique<or_>(std::make_unique<is_admin_user>(), std::make_unique<is_authenticated>()),
        std::make_unique<not_>(std::make_unique<is_admin_user>())));
    v->handlers[http::verb::get] = [](request&) { return response{http::status::ok, std::string(service_body), {}}; };
    return site("/api/service/", std::move(v));
}

} // namespace rt

struct virtual_case : case_state {
    rt::site site = rt::profile_site(f.store);

    void once() {
        run([&](warden::detail::arena* a) { return site.handle(f.msg, a); });
    }
};

// ---------------------------------------------------------------------------------
// dispatch_pipeline_*: GET /api/ping/, no authenticator, `allow_any`, a constant body.

struct ping_api : warden::api_view<warden::authentication<>, warden::permissions<warden::allow_any>> {
    warden::response get(warden::request&) { return warden::response{http::status::ok, std::string(ping_body)}; }
};

struct pipeline_warden_case : case_state {
    static constexpr std::string_view body = ping_body;
    decltype(warden::app<warden::route<"/api/ping/", ping_api>>(std::declval<warden::memory_store&>(),
                                                                 std::declval<warden::settings>()))
        site = warden::app<warden::route<"/api/ping/", ping_api>>(f.store, bench_settings());

    void once() {
        run([&](warden::detail::arena* a) { return site.handle(f.ping_msg, peer, a); });
    }
};

http_response ping_handwritten(http_request& msg, warden::detail::arena* arena) {
    constexpr std::string_view allow = "GET, HEAD, OPTIONS";
    if (!host_ok(msg)) return invalid_host(msg, arena);
    std::string_view target = msg.target();
    if (target.substr(0, target.find('?')) != "/api/ping/")
        return make_response(msg, arena, http::status::not_found, R"({"detail":"Not found."})", {});
    if (!accepts_json(msg[http::field::accept]))
        return make_response(msg, arena, http::status::not_acceptable,
                             R"({"detail":"Could not satisfy the request Accept header."})", allow);
    if (msg.method() != http::verb::get && msg.method() != http::verb::head)
        return make_response(msg, arena, http::status::method_not_allowed, R"({"detail":"Method not allowed."})", allow);
    auto res = make_response(msg, arena, http::status::ok, std::string(ping_body), allow);
    if (msg.method() == http::verb::head) res.body().clear();
    return res;
}

struct pipeline_handwritten_case : case_state {
    static constexpr std::string_view body = ping_body;

    void once() {
        run([&](warden::detail::arena* a) { return ping_handwritten(f.ping_msg, a); });
    }
};

struct pipeline_virtual_case : case_state {
    static constexpr std::string_view body = ping_body;
    rt::site site = rt::ping_site();

    void once() {
        run([&](warden::detail::arena* a) { return site.handle(f.ping_msg, a); });
    }
};

// ---------------------------------------------------------------------------------
// dispatch_chain_*: GET /api/service/, three authenticators of which the first two
// decline (session: no cookie; Basic: no such header) and the third accepts the
// X-Api-Key, then `all_of<any_of<is_admin_user, is_authenticated>, not_<is_admin_user>>`
// (authenticated and not staff), a constant body.

/// The service key authenticator: `X-Api-Key` compared in constant time.
struct api_key_auth {
    using policy_kind = warden::authenticator_tag;
    static constexpr std::string_view scheme = "api_key";

    template <class Ctx>
    warden::auth_result authenticate(warden::request& req, Ctx&) const {
        switch (check_api_key(req.message())) {
        case token_check::ok: return warden::auth_result::success(service_user());
        case token_check::absent: return warden::auth_result::none();
        case token_check::invalid: break;
        }
        return warden::auth_result::failure(warden::errors::authentication_failed("Invalid API key."));
    }
};

struct service_api : warden::api_view<warden::authentication<warden::session_auth, warden::basic_auth, api_key_auth>,
                                      warden::permissions<warden::all_of<warden::any_of<warden::is_admin_user, warden::is_authenticated>,
                                                                         warden::not_<warden::is_admin_user>>>> {
    warden::response get(warden::request&) { return warden::response{http::status::ok, std::string(service_body)}; }
};

struct chain_warden_case : case_state {
    static constexpr std::string_view body = service_body;
    decltype(warden::app<warden::route<"/api/service/", service_api>>(std::declval<warden::memory_store&>(),
                                                                       std::declval<warden::settings>()))
        site = warden::app<warden::route<"/api/service/", service_api>>(f.store, bench_settings());

    void once() {
        run([&](warden::detail::arena* a) { return site.handle(f.service_msg, peer, a); });
    }
};

http_response chain_handwritten(http_request& msg, warden::detail::arena* arena) {
    constexpr std::string_view allow = "GET, HEAD, OPTIONS";
    if (!host_ok(msg)) return invalid_host(msg, arena);
    std::string_view target = msg.target();
    if (target.substr(0, target.find('?')) != "/api/service/")
        return make_response(msg, arena, http::status::not_found, R"({"detail":"Not found."})", {});
    if (!accepts_json(msg[http::field::accept]))
        return make_response(msg, arena, http::status::not_acceptable,
                             R"({"detail":"Could not satisfy the request Accept header."})", allow);
    const warden::user* user = nullptr;
    // Session, then Basic, then the API key.
    if (has_session_cookie(msg) || is_basic(msg[http::field::authorization])) {
        auto r = make_response(msg, arena, http::status::unauthorized, R"({"detail":"Invalid basic header."})", allow);
        r.set(http::field::www_authenticate, R"(Basic realm="api")");
        return r;
    }
    switch (check_api_key(msg)) {
    case token_check::ok: user = service_user().get(); break;
    case token_check::absent: break;
    case token_check::invalid: {
        auto r = make_response(msg, arena, http::status::unauthorized, R"({"detail":"Invalid API key."})", allow);
        r.set(http::field::www_authenticate, R"(Basic realm="api")");
        return r;
    }
    }
    // (is_admin_user | is_authenticated) & ~is_admin_user
    const bool staff = user && user->is_staff;
    if (!((staff || (user && user->is_authenticated())) && !staff)) {
        if (!user) {
            auto r = make_response(msg, arena, http::status::unauthorized,
                                   R"({"detail":"Authentication credentials were not provided."})", allow);
            r.set(http::field::www_authenticate, R"(Basic realm="api")");
            return r;
        }
        return make_response(msg, arena, http::status::forbidden,
                             R"({"detail":"You do not have permission to perform this action."})", allow);
    }
    if (msg.method() != http::verb::get && msg.method() != http::verb::head)
        return make_response(msg, arena, http::status::method_not_allowed, R"({"detail":"Method not allowed."})", allow);
    auto res = make_response(msg, arena, http::status::ok, std::string(service_body), allow);
    if (msg.method() == http::verb::head) res.body().clear();
    return res;
}

struct chain_handwritten_case : case_state {
    static constexpr std::string_view body = service_body;

    void once() {
        run([&](warden::detail::arena* a) { return chain_handwritten(f.service_msg, a); });
    }
};

struct chain_virtual_case : case_state {
    static constexpr std::string_view body = service_body;
    rt::site site = rt::service_site();

    void once() {
        run([&](warden::detail::arena* a) { return site.handle(f.service_msg, a); });
    }
};

const bool registered = register_case<warden_case>("dispatch_warden") &&
                        register_case<handwritten_case>("dispatch_handwritten") &&
                        register_case<virtual_case>("dispatch_virtual") &&
                        register_case<pipeline_warden_case>("dispatch_pipeline_warden") &&
                        register_case<pipeline_handwritten_case>("dispatch_pipeline_handwritten") &&
                        register_case<pipeline_virtual_case>("dispatch_pipeline_virtual") &&
                        register_case<chain_warden_case>("dispatch_chain_warden") &&
                        register_case<chain_handwritten_case>("dispatch_chain_handwritten") &&
                        register_case<chain_virtual_case>("dispatch_chain_virtual");

void dispatch_warden(benchmark::State& s) { time_case<warden_case>(s); }
void dispatch_handwritten(benchmark::State& s) { time_case<handwritten_case>(s); }
void dispatch_virtual(benchmark::State& s) { time_case<virtual_case>(s); }
void dispatch_pipeline_warden(benchmark::State& s) { time_case<pipeline_warden_case>(s); }
void dispatch_pipeline_handwritten(benchmark::State& s) { time_case<pipeline_handwritten_case>(s); }
void dispatch_pipeline_virtual(benchmark::State& s) { time_case<pipeline_virtual_case>(s); }
void dispatch_chain_warden(benchmark::State& s) { time_case<chain_warden_case>(s); }
void dispatch_chain_handwritten(benchmark::State& s) { time_case<chain_handwritten_case>(s); }
void dispatch_chain_virtual(benchmark::State& s) { time_case<chain_virtual_case>(s); }
BENCHMARK(dispatch_handwritten);
BENCHMARK(dispatch_warden);
BENCHMARK(dispatch_virtual);
BENCHMARK(dispatch_pipeline_handwritten);
BENCHMARK(dispatch_pipeline_warden);
BENCHMARK(dispatch_pipeline_virtual);
BENCHMARK(dispatch_chain_handwritten);
BENCHMARK(dispatch_chain_warden);
BENCHMARK(dispatch_chain_virtual);

} // namespace
} // namespace bench

int main(int argc, char** argv) {
    if (!bench::count_openssl_allocations()) std::fprintf(stderr, "bench_dispatch: OpenSSL allocations not counted\n");
    if (argc == 3 && std::string_view(argv[1]) == "--callgrind") return bench::callgrind_mode(std::strtoul(argv[2], nullptr, 10));
    return bench::run_with_ratios(argc, argv,
                                  {{"dispatch_warden", "dispatch_handwritten", "<= 1.05", 1.05},
                                   {"dispatch_virtual", "dispatch_handwritten", "", 0},
                                   {"dispatch_warden", "dispatch_virtual", "< 1.00", 0.9999},
                                   {"dispatch_pipeline_warden", "dispatch_pipeline_handwritten", "<= 1.05", 1.05},
                                   {"dispatch_pipeline_warden", "dispatch_pipeline_virtual", "<= 0.833 (virtual >= 1.2x)", 1 / 1.2},
                                   {"dispatch_chain_warden", "dispatch_chain_handwritten", "<= 1.05", 1.05},
                                   {"dispatch_chain_warden", "dispatch_chain_virtual", "<= 0.833 (virtual >= 1.2x)", 1 / 1.2},
                                   {"dispatch_routes/10", "dispatch_routes/1", "", 0},
                                   {"dispatch_routes/100", "dispatch_routes/10", "", 0},
                                   {"dispatch_routes/1000", "dispatch_routes/10", "<= 2.00", 2.0},
                                   {"dispatch_routes/1", "dispatch_handwritten", "", 0}});
}
