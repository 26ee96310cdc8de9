// bench_dispatch: GET /api/profile/ with `Authorization: Token <key>` (memory store),
// from the parsed Beast request to the serialized response, four ways:
//   dispatch_warden       the framework (app::handle with a per-connection arena)
//   dispatch_handwritten  the same steps coded by hand with Beast: the floor
//   dispatch_virtual      a DRF-like runtime design: virtual authenticators and
//                         permissions in vectors of unique_ptr, std::function handlers,
//                         a runtime route map (unordered_map, regex for patterns)
//   dispatch_routes/N     the framework with N routes, the request hitting the last
//                         (bench_routes.cpp)
// Counters: allocs (operator new per request), ossl_allocs (OpenSSL mallocs).
//
//   bench_dispatch [Google Benchmark flags]     times and ratios
//   bench_dispatch --callgrind N                runs each case N times between
//                                               callgrind dumps (run under
//                                               valgrind --tool=callgrind)
#include "alloc_counter.hpp"
#include "bench_main.hpp"
#include "dispatch_cases.hpp"

#include <boost/beast/core/string.hpp>

#include <openssl/crypto.h>
#include <openssl/sha.h>

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

namespace http = boost::beast::http;
using warden::http_request;
using warden::http_response;

const warden::connection_info peer{"127.0.0.1", false};

// ---------------------------------------------------------------------------------
// The framework.

using warden_site = decltype(warden::app<warden::route<"/api/profile/", profile_api>>(
    std::declval<warden::memory_store&>(), std::declval<warden::settings>()));

struct warden_case {
    dispatch_fixture& f = fixture();
    warden_site site = warden::app<warden::route<"/api/profile/", profile_api>>(f.store, bench_settings());
    warden::detail::arena arena{4096};
    std::string out;

    void once() {
        {
            http_response res = site.handle(f.msg, peer, &arena);
            serialize(res, out);
        }
        arena.reset();
    }
};

// ---------------------------------------------------------------------------------
// Shared by the two hand-made designs: nothing from warden but the store, the Beast
// message types (fields over the same arena allocator) and the user record.

bool accepts_json(std::string_view accept) {
    if (accept.empty()) return true;
    while (!accept.empty()) {
        auto comma = accept.find(',');
        std::string_view range = accept.substr(0, comma);
        accept = comma == std::string_view::npos ? std::string_view{} : accept.substr(comma + 1);
        range = range.substr(0, range.find(';'));
        while (!range.empty() && (range.front() == ' ' || range.front() == '\t')) range.remove_prefix(1);
        while (!range.empty() && (range.back() == ' ' || range.back() == '\t')) range.remove_suffix(1);
        if (range == "*/*" || range == "*" || boost::beast::iequals(range, "application/json") ||
            boost::beast::iequals(range, "application/*"))
            return true;
    }
    return false;
}

struct two_words {
    std::string_view first, second;
    int count = 0;
};

// Python's bytes.split(): runs of ASCII whitespace separate words.
two_words split_words(std::string_view s) {
    two_words w;
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && space(s[i])) ++i;
        if (i == s.size()) break;
        std::size_t b = i;
        while (i < s.size() && !space(s[i])) ++i;
        if (w.count == 0) w.first = s.substr(b, i - b);
        else if (w.count == 1) w.second = s.substr(b, i - b);
        ++w.count;
    }
    return w;
}

bool is_key(std::string_view k) {
    if (k.size() != 40) return false;
    for (char c : k)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

void append_json_string(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    out.push_back('"');
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(ch);
        } else if (c < 0x20) {
            out.append("\\u00");
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        } else {
            out.push_back(ch);
        }
    }
    out.push_back('"');
}

std::string profile_body(const warden::user& u) {
    std::string body;
    body.reserve(32 + u.username.size() + u.email.size());
    body.append("{\"username\":");
    append_json_string(body, u.username);
    body.append(",\"email\":");
    append_json_string(body, u.email);
    body.push_back('}');
    return body;
}

// The token lookup DRF's TokenAuthentication makes, on the hashed store: one SHA-256,
// one lookup, a constant-time confirmation, expiry, active.
enum class token_check { ok, absent, invalid };
token_check check_token(std::string_view header, warden::memory_store& store, std::shared_ptr<const warden::user>& user) {
    auto w = split_words(header);
    if (w.count == 0 || !boost::beast::iequals(w.first, "Token")) return token_check::absent;
    if (w.count != 2 || !is_key(w.second)) return token_check::invalid;
    warden::token::key_digest d{};
    // The low-level SHA-256 calls: OpenSSL 3's one-shot SHA256() goes through EVP and
    // allocates a context per call; these do not.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    SHA256_CTX sha;
    SHA256_Init(&sha);
    SHA256_Update(&sha, w.second.data(), w.second.size());
    SHA256_Final(d.data(), &sha);
#pragma GCC diagnostic pop
    auto found = store.find_token(d);
    if (!found || CRYPTO_memcmp(found->token.digest.data(), d.data(), d.size()) != 0) return token_check::invalid;
    if (found->token.expires_at != 0 && std::time(nullptr) >= found->token.expires_at) return token_check::invalid;
    if (!found->owner || !found->owner->is_active) return token_check::invalid;
    user = std::move(found->owner);
    return token_check::ok;
}

http_response make_response(const http_request& msg, warden::detail::arena* arena, http::status status, std::string body,
                            std::string_view allow) {
    http_response res{std::piecewise_construct, std::make_tuple(std::move(body)),
                      std::make_tuple(warden::detail::arena_allocator<char>{arena})};
    res.result(status);
    res.version(msg.version());
    res.keep_alive(msg.keep_alive());
    if (!res.body().empty()) res.set(http::field::content_type, "application/json");
    if (!allow.empty()) res.set(http::field::allow, allow);
    res.prepare_payload();
    return res;
}

// ---------------------------------------------------------------------------------
// The floor: every step written out for this one route.

http_response handwritten(http_request& msg, warden::memory_store& store, warden::detail::arena* arena) {
    constexpr std::string_view allow = "GET, HEAD, OPTIONS";
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

struct handwritten_case {
    dispatch_fixture& f = fixture();
    warden::detail::arena arena{4096};
    std::string out;

    void once() {
        {
            http_response res = handwritten(f.msg, f.store, &arena);
            serialize(res, out);
        }
        arena.reset();
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

class is_authenticated : public permission {
public:
    bool has_permission(const request& req) const override { return req.user && req.user->is_authenticated(); }
};

struct view {
    std::vector<std::unique_ptr<authenticator>> authenticators;
    std::vector<std::unique_ptr<permission>> permissions;
    std::unordered_map<http::verb, std::function<response(request&)>> handlers;
    std::string allow;
};

class site {
public:
    explicit site(warden::memory_store& store) {
        auto profile = std::make_unique<view>();
        profile->authenticators.push_back(std::make_unique<token_authentication>(store));
        profile->permissions.push_back(std::make_unique<is_authenticated>());
        profile->handlers[http::verb::get] = [](request& req) { return response{http::status::ok, profile_body(*req.user), {}}; };
        profile->allow = "GET, HEAD, OPTIONS";
        exact_["/api/profile/"] = profile.get();
        views_.push_back(std::move(profile));
        auto other = std::make_unique<view>();
        other->handlers[http::verb::get] = [](request&) { return response{http::status::ok, R"({"notes":[]})", {}}; };
        other->allow = "GET, HEAD, OPTIONS";
        for (const char* p : {"/api/dashboard/", "/api/notes/", "/api/admin/", "/api/token-auth/", "/api/login/"})
            exact_[p] = other.get();
        patterns_.emplace_back(std::regex("^/api/admin/users/([^/]+)/active/$"), other.get());
        views_.push_back(std::move(other));
    }

    http_response handle(http_request& msg, warden::detail::arena* arena) {
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
                    error = api_exception{http::status::unauthorized, "Authentication credentials were not provided."};
                    break;
                }
        if (error) {
            std::string challenge = v.authenticators.empty() ? std::string{} : v.authenticators.front()->authenticate_header();
            response r{challenge.empty() ? http::status::forbidden : error->status, {}, {}};
            r.body = "{\"detail\":";
            append_json_string(r.body, error->detail);
            r.body.push_back('}');
            if (!challenge.empty()) r.headers.emplace_back(http::field::www_authenticate, std::move(challenge));
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

} // namespace rt

struct virtual_case {
    dispatch_fixture& f = fixture();
    rt::site site{f.store};
    warden::detail::arena arena{4096};
    std::string out;

    void once() {
        {
            http_response res = site.handle(f.msg, &arena);
            serialize(res, out);
        }
        arena.reset();
    }
};

const bool registered = register_case<warden_case>("dispatch_warden") &&
                        register_case<handwritten_case>("dispatch_handwritten") &&
                        register_case<virtual_case>("dispatch_virtual");

void dispatch_warden(benchmark::State& s) { time_case<warden_case>(s); }
void dispatch_handwritten(benchmark::State& s) { time_case<handwritten_case>(s); }
void dispatch_virtual(benchmark::State& s) { time_case<virtual_case>(s); }
BENCHMARK(dispatch_handwritten);
BENCHMARK(dispatch_warden);
BENCHMARK(dispatch_virtual);

} // namespace
} // namespace bench

int main(int argc, char** argv) {
    if (!bench::count_openssl_allocations()) std::fprintf(stderr, "bench_dispatch: OpenSSL allocations not counted\n");
    if (argc == 3 && std::string_view(argv[1]) == "--callgrind") return bench::callgrind_mode(std::strtoul(argv[2], nullptr, 10));
    return bench::run_with_ratios(argc, argv,
                                  {{"dispatch_warden", "dispatch_handwritten", "<= 1.10", 1.10},
                                   {"dispatch_virtual", "dispatch_handwritten", "", 0},
                                   {"dispatch_warden", "dispatch_virtual", "< 1.00", 0.9999},
                                   {"dispatch_routes/10", "dispatch_routes/1", "", 0},
                                   {"dispatch_routes/100", "dispatch_routes/10", "", 0},
                                   {"dispatch_routes/1000", "dispatch_routes/10", "<= 2.00", 2.0},
                                   {"dispatch_routes/1", "dispatch_handwritten", "", 0}});
}
