// What the hand-written floors and the DRF-like runtime designs of bench_dispatch share:
// nothing from warden but the store, the Beast message types (fields over the same
// arena allocator), the user record and the Host validation every case must do (Django's
// ALLOWED_HOSTS, on by default in warden: `warden::host_allowed`, so all designs pay the
// same for it).
#ifndef WARDEN_BENCHMARKS_HANDMADE_HPP
#define WARDEN_BENCHMARKS_HANDMADE_HPP

#include "dispatch_common.hpp"

#include <boost/beast/core/string.hpp>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <ctime>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bench::handmade {

namespace http = boost::beast::http;
using warden::http_request;
using warden::http_response;

/// The default allowed hosts, as warden::settings has them.
inline const std::vector<std::string>& allowed_hosts() {
    static const std::vector<std::string> hosts = warden::settings{}.allowed_hosts;
    return hosts;
}

/// Django's Host check: present and allowed, or absent (HTTP/1.0).
inline bool host_ok(const http_request& msg) {
    auto it = msg.find(http::field::host);
    return it == msg.end() || warden::host_allowed(it->value(), allowed_hosts());
}

inline bool accepts_json(std::string_view accept) {
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
inline two_words split_words(std::string_view s) {
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

inline bool is_key(std::string_view k) {
    if (k.size() != 40) return false;
    for (char c : k)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

inline void append_json_string(std::string& out, std::string_view s) {
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

inline std::string profile_body(const warden::user& u) {
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
inline token_check check_token(std::string_view header, warden::memory_store& store, std::shared_ptr<const warden::user>& user) {
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

/// The chain's first authenticator declines without a `sessionid` cookie.
inline bool has_session_cookie(const http_request& msg) {
    for (auto it = msg.find(http::field::cookie); it != msg.end() && it->name() == http::field::cookie; ++it)
        if (warden::find_cookie(it->value(), "sessionid")) return true;
    return false;
}

/// The chain's second declines unless `Authorization` says Basic.
inline bool is_basic(std::string_view authorization) {
    auto w = split_words(authorization);
    return w.count > 0 && boost::beast::iequals(w.first, "Basic");
}

/// The chain's third: `X-Api-Key` against the service key, in constant time.
inline token_check check_api_key(const http_request& msg) {
    auto it = msg.find("X-Api-Key");
    if (it == msg.end()) return token_check::absent;
    std::string_view k = it->value();
    if (k.size() != service_key.size() || CRYPTO_memcmp(k.data(), service_key.data(), k.size()) != 0) return token_check::invalid;
    return token_check::ok;
}

inline http_response make_response(const http_request& msg, warden::detail::arena* arena, http::status status, std::string body,
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

inline http_response invalid_host(const http_request& msg, warden::detail::arena* arena) {
    return make_response(msg, arena, http::status::bad_request, R"({"detail":"Invalid Host header."})", {});
}

} // namespace bench::handmade

#endif
