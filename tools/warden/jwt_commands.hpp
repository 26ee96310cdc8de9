// `warden jwt verify|sign|decode` and `warden jws verify`: check, mint and inspect
// JSON Web Tokens from the command line with the same code the server uses.
//
// Exit status: 0 valid (the claims, or the JWS payload, on stdout), 1 the token is
// refused (the reason on stderr), 2 a usage or key error. Messages never contain key
// material or token content.
#pragma once

#include "args.hpp"

#include <warden/crypto/base64.hpp>
#include <warden/jwt/algorithm.hpp>
#include <warden/jwt/error.hpp>
#include <warden/jwt/jws.hpp>
#include <warden/jwt/jwt.hpp>
#include <warden/jwt/key.hpp>
#include <warden/jwt/key_set.hpp>
#include <warden/jwt/simplejwt.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>

namespace warden::cli {

namespace detail {

// A key problem (unreadable file, wrong type, too short...): exit 2, as usage errors.
struct key_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

inline jwt::algorithm parse_alg(const args& a) {
    auto name = a.option("alg");
    if (!name) throw usage_error("--alg is required (HS256, HS384, HS512, RS256, ..., ES256, ..., PS256, ..., EdDSA)");
    std::string lower = *name;
    for (auto& ch : lower)
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    if (lower == "none") throw usage_error("alg none is not supported: unsecured tokens prove nothing");
    auto alg = jwt::algorithm_from_string(*name);
    if (!alg) throw usage_error("unknown --alg '" + *name + "' (names are case-sensitive: HS256, RS256, ES256, PS256, EdDSA, ...)");
    return *alg;
}

inline std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw key_error("cannot read the key file " + path);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

inline std::int64_t parse_int(const args& a, std::string_view name, std::int64_t lo, std::int64_t hi, std::int64_t fallback) {
    auto v = a.option(name);
    if (!v) return fallback;
    std::int64_t out = 0;
    auto r = std::from_chars(v->data(), v->data() + v->size(), out);
    if (v->empty() || r.ec != std::errc{} || r.ptr != v->data() + v->size() || out < lo || out > hi)
        throw usage_error("--" + std::string(name) + " expects a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
    return out;
}

// The verification keys (one key, or a JWK Set read from --key) or the signing key.
struct loaded_keys {
    jwt::key_set set;
    jwt::key single;
};

inline loaded_keys load_keys(const args& a, bool for_signing) {
    const jwt::algorithm alg = parse_alg(a);
    auto secret = a.option("secret"), secret_b64 = a.option("secret-b64url"), file = a.option("key");
    int given = (secret ? 1 : 0) + (secret_b64 ? 1 : 0) + (file ? 1 : 0);
    if (given != 1) throw usage_error("give exactly one of --secret TEXT, --secret-b64url K or --key FILE");
    const bool hmac = jwt::family(alg) == jwt::key_family::hmac;
    if ((secret || secret_b64) && !hmac)
        throw usage_error("--secret and --secret-b64url are HMAC secrets; " + std::string(jwt::to_string(alg)) +
                          " needs --key FILE (PEM or JWK)");
    jwt::key_options opt{.min_hmac_key_length = !a.flag("allow-short-key")};
    std::error_code ec;
    loaded_keys out;
    if (secret || secret_b64) {
        std::string bytes;
        if (secret) bytes = *secret;
        else if (crypto::base64url_decode(*secret_b64, bytes))
            throw usage_error("--secret-b64url is not canonical unpadded base64url");
        out.single = jwt::key::hmac(alg, bytes, ec, opt);
    } else {
        std::string text = read_file(*file);
        auto first = text.find_first_not_of(" \t\r\n");
        bool is_json = first != std::string::npos && text[first] == '{';
        if (is_json && text.find("\"keys\"") != std::string::npos && !for_signing) {
            jwt::jwks_options jo;
            jo.default_alg = alg;
            jo.keys = opt;
            out.set = jwt::key_set::from_jwks(text, ec, jo);
            if (ec) throw key_error("key: " + ec.message());
            return out;
        }
        if (!is_json && hmac)
            throw usage_error("--key for " + std::string(jwt::to_string(alg)) +
                              " must be a JWK (kty oct); give raw secrets with --secret or --secret-b64url");
        out.single = jwt::key::load(alg, text, ec, opt);
    }
    if (ec) throw key_error("key: " + ec.message());
    if (for_signing && !out.single.can_sign()) throw key_error("key: " + jwt::make_error_code(jwt::errc::key_cannot_sign).message());
    out.set = jwt::key_set(out.single);
    return out;
}

// TOKEN, or "-" for one line of standard input (keeps long tokens out of shell history).
inline std::string token_argument(const args& a, std::string_view what) {
    a.expect_positional(1, what);
    std::string t = a.positional()[0];
    if (t == "-") {
        std::getline(std::cin, t);
        while (!t.empty() && (t.back() == '\r' || t.back() == ' ' || t.back() == '\t')) t.pop_back();
    }
    return t;
}

inline int refused(std::error_code ec) {
    std::cerr << "warden: token refused: " << ec.message() << "\n";
    return 1;
}

template <class F>
int with_key_errors(F&& f) {
    try {
        return f();
    } catch (const key_error& e) {
        std::cerr << "warden: " << e.what() << "\n";
        return 2;
    }
}

} // namespace detail

/// `warden jwt verify --alg ALG KEY [--now EPOCH] [--leeway S] [--token-type T]
/// [--require CLAIM]... [--audience A]... [--issuer I] TOKEN`
inline int jwt_verify(const args& a) {
    return detail::with_key_errors([&] {
        auto keys = detail::load_keys(a, false);
        jwt::validation rules;
        rules.leeway = std::chrono::seconds(detail::parse_int(a, "leeway", 0, 365LL * 86400, 0));
        rules.required_claims = a.all("require");
        rules.audience = a.all("audience");
        rules.issuer = a.option("issuer");
        auto now = std::chrono::system_clock::now();
        if (a.option("now"))
            now = std::chrono::system_clock::time_point{std::chrono::seconds{detail::parse_int(a, "now", 0, 253402300799, 0)}};
        std::optional<jwt::token_type> type;
        if (auto t = a.option("token-type")) {
            if (*t == "access") type = jwt::token_type::access;
            else if (*t == "refresh") type = jwt::token_type::refresh;
            else if (*t == "sliding") type = jwt::token_type::sliding;
            else throw usage_error("--token-type is access, refresh or sliding");
        }
        std::string token = detail::token_argument(a, "one token: warden jwt verify --alg ALG KEY TOKEN");
        jwt::claims c;
        if (auto ec = jwt::verify_jwt(token, keys.set, rules, now, c)) return detail::refused(ec);
        static const jwt::settings simplejwt_defaults;   // the jti and token_type claims
        if (type)
            if (auto ec = jwt::verify_token_claims(c.object(), *type, simplejwt_defaults)) return detail::refused(ec);
        std::cout << boost::json::serialize(c.object()) << "\n";
        return 0;
    });
}

/// `warden jws verify --alg ALG KEY TOKEN`: the signature only; prints the payload bytes.
inline int jws_verify(const args& a) {
    return detail::with_key_errors([&] {
        auto keys = detail::load_keys(a, false);
        std::string token = detail::token_argument(a, "one token: warden jws verify --alg ALG KEY TOKEN");
        std::string payload;
        if (auto ec = jwt::verify_jws(token, keys.set, payload)) return detail::refused(ec);
        std::cout.write(payload.data(), static_cast<std::streamsize>(payload.size()));
        std::cout.flush();
        return 0;
    });
}

/// `warden jwt sign --alg ALG KEY [--kid KID] [--now EPOCH] [--exp-in S] CLAIMS`:
/// signs a JSON object (CLAIMS, or "-" for standard input) as PyJWT would.
inline int jwt_sign(const args& a) {
    return detail::with_key_errors([&] {
        auto keys = detail::load_keys(a, true);
        a.expect_positional(1, "the claims, a JSON object (or - to read it from standard input)");
        std::string text = a.positional()[0];
        if (text == "-") text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
        boost::json::error_code jec;
        auto v = boost::json::parse(text, jec);
        if (jec || !v.is_object()) throw usage_error("the claims must be a JSON object");
        auto claims = v.get_object();
        std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
        now = detail::parse_int(a, "now", 0, 253402300799, now);
        if (a.option("exp-in")) {
            auto lifetime = detail::parse_int(a, "exp-in", 1, 100LL * 365 * 86400, 0);
            if (!claims.contains("iat")) claims["iat"] = now;
            claims["exp"] = now + lifetime;
        }
        jwt::key k = keys.single;
        if (auto kid = a.option("kid")) k = k.with_kid(*kid);
        std::string token;
        if (auto ec = jwt::sign_jwt(k, claims, token)) throw detail::key_error("cannot sign: " + ec.message());
        std::cout << token << "\n";
        return 0;
    });
}

/// `warden jwt decode TOKEN`: header and claims WITHOUT verification, marked so.
inline int jwt_decode(const args& a) {
    std::string token = detail::token_argument(a, "one token: warden jwt decode TOKEN");
    boost::json::object header, payload;
    if (auto ec = jwt::decode_unverified(token, header, payload)) {
        std::cerr << "warden: cannot decode: " << ec.message() << "\n";
        return 1;
    }
    boost::json::object out;
    out["verified"] = false;
    out["header"] = std::move(header);
    out["payload"] = std::move(payload);
    std::cout << boost::json::serialize(out) << "\n";
    std::cerr << "warden: NOT verified: the signature and claims were not checked\n";
    return 0;
}

} // namespace warden::cli
