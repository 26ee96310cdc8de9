// libFuzzer harnesses for warden's parsers that need no server: base64, password hash
// strings, cookies and CSRF tokens, the body parsers, JWT decoding and verification
// under every algorithm, PEM/JWK/JWKS keys, and Django's signed session data.
// Each checks, besides "no crash, no leak, no undefined behaviour", a property the code
// promises (a round trip, a match), and stops with a report when it does not hold.
#include "driver.hpp"

#include <support/pem.hpp>

#include <warden/core/body.hpp>
#include <warden/core/cookie.hpp>
#include <warden/core/host.hpp>
#include <warden/crypto/base64.hpp>
#include <warden/crypto/django_signing.hpp>
#include <warden/crypto/password.hpp>
#include <warden/csrf/check.hpp>
#include <warden/csrf/token.hpp>
#include <warden/jwt/jwt.hpp>
#include <warden/jwt/key.hpp>
#include <warden/jwt/key_set.hpp>
#include <warden/store/django/session_codec.hpp>

#include <boost/json/serialize.hpp>

#include <openssl/evp.h>

#include <chrono>
#include <string>
#include <vector>

using namespace warden;

namespace {

// Splits `in` at its first newline: the harnesses that take two inputs.
std::pair<std::string_view, std::string_view> split_line(std::string_view in) {
    auto nl = in.find('\n');
    if (nl == std::string_view::npos) return {in, {}};
    return {in.substr(0, nl), in.substr(nl + 1)};
}

void base64(std::string_view in) {
    std::string out;
    // Strict decoders: whatever they accept is the one canonical encoding of its bytes.
    if (!crypto::base64url_decode(in, out)) WARDEN_FUZZ_ASSERT(crypto::base64url_encode(out) == in);
    if (!crypto::base64_decode(in, out)) WARDEN_FUZZ_ASSERT(crypto::base64_encode(out) == in);
}

// Ceilings far below the defaults so that a stored hash claiming a large cost is
// refused quickly; the code paths are the same.
constexpr crypto::password_policy fuzz_policy() {
    crypto::password_policy p;
    p.iterations = 8;
    p.max_iterations = 1000;
    p.argon2 = {.time_cost = 1, .memory_cost = 64, .parallelism = 1};
    p.max_argon2_memory_cost = 1024;
    p.max_argon2_time_cost = 2;
    p.max_argon2_parallelism = 2;
    p.bcrypt_rounds = 4;
    p.max_bcrypt_rounds = 5;
    return p;
}

void password(std::string_view in) {
    static const crypto::password_policy policy = fuzz_policy();
    auto [pw, stored] = split_line(in);
    auto r = crypto::check_password(pw, stored, policy);
    (void)r;
    std::string made;
    if (!crypto::make_password(pw, made, policy)) {
        WARDEN_FUZZ_ASSERT(crypto::check_password(pw, made, policy).valid);
        std::string other(pw);
        other.push_back('x');
        WARDEN_FUZZ_ASSERT(!crypto::check_password(other, made, policy).valid);
    }
}

void cookies_csrf(std::string_view in) {
    auto [header, value] = split_line(in);
    (void)find_cookie(header, "sessionid");
    (void)find_cookie(header, "csrftoken");
    if (auto token = csrf::sanitize_token(value)) {
        WARDEN_FUZZ_ASSERT(token->size() == csrf::token_length || token->size() == csrf::secret_length);
        const std::string secret = token->size() == csrf::secret_length ? *token : csrf::unmask_token(*token);
        WARDEN_FUZZ_ASSERT(csrf::tokens_match(csrf::mask_secret(secret), *token));
    }
    (void)csrf::tokens_match(header, value);
    csrf::detail::parsed_url u;
    if (csrf::detail::python_urlparse(value, u)) (void)csrf::detail::python_geturl(u);
    static const csrf::config cfg = [] {
        csrf::config c;
        (void)c.trusted.add("https://*.example.com");
        (void)c.trusted.add("http://partner.test:8080");
        return c;
    }();
    for (bool secure : {false, true}) {
        csrf::request_facts f;
        f.is_secure = secure;
        f.host = warden::detail::validated_host(header);
        f.origin = value;
        (void)csrf::check_origin_and_referer(f, cfg);
        f.origin.reset();
        f.referer = value;
        (void)csrf::check_origin_and_referer(f, cfg);
    }
    static const std::vector<std::string> hosts{".example.com", "127.0.0.1", "[::1]"};
    (void)host_allowed(header, hosts);
}

void parsers(std::string_view in) {
    if (in.empty()) return;
    const char which = in.front();
    in.remove_prefix(1);
    boost::json::object out;
    switch (which % 3) {
    case 0: (void)json_parser{}.parse(in, json_parser::media_type, out); break;
    case 1: (void)form_parser{}.parse(in, form_parser::media_type, out); break;
    default: {
        auto [boundary, body] = split_line(in);
        const std::string type = "multipart/form-data; boundary=" + std::string(boundary);
        (void)multipart_parser{}.parse(body, type, out);
    }
    }
    // Whatever a parser produced is valid JSON text again.
    (void)boost::json::serialize(out);
}

std::string public_pem(EVP_PKEY* pkey) {
    std::string pem = warden_test::pem_of(pkey, false);
    EVP_PKEY_free(pkey);
    return pem;
}

// One verification key per algorithm (fixed HMAC secrets, asymmetric keys drawn once).
const std::vector<jwt::key>& jwt_keys() {
    static const std::vector<jwt::key> keys = [] {
        using jwt::algorithm;
        using jwt::key;
        std::vector<key> k;
        const std::string secret(64, 'k');
        for (auto a : {algorithm::hs256, algorithm::hs384, algorithm::hs512}) k.push_back(key::hmac(a, secret).with_kid("h"));
        const std::string rsa = public_pem(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}));
        for (auto a : {algorithm::rs256, algorithm::rs384, algorithm::rs512, algorithm::ps256, algorithm::ps384, algorithm::ps512})
            k.push_back(key::from_pem(a, rsa).with_kid("r"));
        k.push_back(key::from_pem(algorithm::es256, public_pem(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"))).with_kid("e"));
        k.push_back(key::from_pem(algorithm::es384, public_pem(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"))).with_kid("e3"));
        k.push_back(key::from_pem(algorithm::es512, public_pem(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521"))).with_kid("e5"));
        k.push_back(key::from_pem(algorithm::eddsa, public_pem(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"))).with_kid("o"));
        return k;
    }();
    return keys;
}

void jwt_verify(std::string_view token) {
    const auto now = std::chrono::system_clock::time_point{std::chrono::seconds{1'700'000'000}};
    jwt::claims c;
    for (const auto& k : jwt_keys()) {
        if (!jwt::verify_jwt(token, k, {}, now, c)) {
            // Only an HMAC token can verify here (the fuzzer cannot forge the others), and
            // only under the key of its own algorithm.
            WARDEN_FUZZ_ASSERT(jwt::family(k.alg()) == jwt::key_family::hmac);
        }
    }
    static const jwt::key_set set = [] {
        jwt::key_set s;
        for (const auto& k : jwt_keys()) (void)s.add(k.with_kid(std::string(jwt::to_string(k.alg()))));
        return s;
    }();
    (void)jwt::verify_jwt(token, set, {}, now, c);
    boost::json::object header, payload;
    (void)jwt::decode_unverified(token, header, payload);
}

void keys(std::string_view text) {
    using jwt::algorithm;
    for (auto a : {algorithm::hs256, algorithm::rs256, algorithm::ps256, algorithm::es256, algorithm::es384,
                   algorithm::es512, algorithm::eddsa}) {
        std::error_code ec;
        auto k = jwt::key::load(a, text, ec);
        WARDEN_FUZZ_ASSERT(static_cast<bool>(ec) != k.valid());
        (void)jwt::key::from_jwk(std::nullopt, text, ec);
    }
    std::error_code ec;
    (void)jwt::key_set::from_jwks(text, ec);
}

void django_session(std::string_view in) {
    static const django::session_codec codec{{.secret = "fuzz-secret-key", .fallbacks = {"old-fuzz-secret"}}};
    boost::json::object session;
    if (!codec.decode(in, session)) {
        std::string again;
        if (!codec.encode(session, again)) {
            boost::json::object back;
            WARDEN_FUZZ_ASSERT(!codec.decode(again, back));
            WARDEN_FUZZ_ASSERT(back == session);
        }
    }
    std::int64_t n = 0;
    if (!crypto::django::base62_decode(in, n)) WARDEN_FUZZ_ASSERT(crypto::django::base62_encode(n) == in || in.starts_with('-') || in.starts_with('0'));
}

const fuzz::harness harnesses[] = {
    {"base64", base64},   {"password", password}, {"cookies_csrf", cookies_csrf}, {"parsers", parsers},
    {"jwt", jwt_verify},  {"keys", keys},         {"django_session", django_session},
};

} // namespace

WARDEN_FUZZ_MAIN(harnesses)
