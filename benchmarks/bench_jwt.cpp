// bench_jwt: verifying and signing a simplejwt access token.
//   hmac_sha256_raw            one HMAC-SHA256 of the token's signing input with a keyed
//                              EVP_MAC_CTX re-initialised per message: the HS256 floor
//   jwt_hs256_verify_warden    decode + verify + claims (token_backend::validate, what
//                              the JWT authenticator does per request)
//   jwt_hs256_sign_warden      sign_jwt over the same claims
//   jwt_{hs256,rs256,es256}_{verify,sign}_{cppjwt,libjwt}   the peers (other TUs)
//   {rs256,es256,eddsa}_{verify,sign}_raw   one EVP_DigestVerify/Sign with the key
//                              loaded once: the asymmetric floors
//   jwt_{rs256,es256,eddsa}_{verify,sign}_warden
// Counters: allocs (operator new per operation), ossl_allocs (OpenSSL mallocs).
//
//   bench_jwt [Google Benchmark flags]     times and ratios
//   bench_jwt --callgrind N                each HS256 verify case N times between
//                                          callgrind dumps
#include "alloc_counter.hpp"
#include "bench_main.hpp"
#include "jwt_inputs.hpp"

#include <warden/jwt/simplejwt.hpp>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bench {

namespace {

using namespace warden;

struct pkey_deleter {
    void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_deleter>;

pkey_ptr generate(const char* type) {
    EVP_PKEY* k = nullptr;
    if (std::string_view(type) == "RSA") k = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
    else if (std::string_view(type) == "EC") k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    else k = EVP_PKEY_Q_keygen(nullptr, nullptr, type);
    if (!k) throw std::runtime_error("key generation failed");
    return pkey_ptr(k);
}

std::string pem_of(EVP_PKEY* k, bool private_part) {
    BIO* bio = BIO_new(BIO_s_mem());
    int ok = private_part ? PEM_write_bio_PrivateKey(bio, k, nullptr, nullptr, 0, nullptr, nullptr)
                          : PEM_write_bio_PUBKEY(bio, k);
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    std::string out = ok == 1 && n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string{};
    BIO_free(bio);
    if (out.empty()) throw std::runtime_error("PEM export failed");
    return out;
}

jwt::settings settings_for(jwt::algorithm alg, const jwt_inputs::alg_inputs& a) {
    jwt::settings s;
    s.alg = alg;
    s.access_token_lifetime = std::chrono::hours(24);   // outlives any benchmark run
    s.signing_key = a.secret.empty() ? a.private_pem : a.secret;
    s.verifying_key = a.public_pem;
    return s;
}

// One backend per algorithm, built from the same strings the peers get.
struct backends {
    std::unique_ptr<jwt::token_backend> hs256, rs256, es256, eddsa;
    boost::json::object claims;   // the access token's claims, for the signing cases
};

struct state_t {
    jwt_inputs in;
    backends be;
    pkey_ptr rsa, ec, ed;
};

state_t& state() {
    static state_t s = [] {
        state_t st;
        auto& in = st.in;
        in.hs256.name = "HS256";
        in.hs256.secret = "benchmark signing key, 32 bytes or more, for HS256";
        st.rsa = generate("RSA");
        st.ec = generate("EC");
        st.ed = generate("ED25519");
        auto fill = [](jwt_inputs::alg_inputs& a, const char* name, EVP_PKEY* k) {
            a.name = name;
            a.private_pem = pem_of(k, true);
            a.public_pem = pem_of(k, false);
        };
        fill(in.rs256, "RS256", st.rsa.get());
        fill(in.es256, "ES256", st.ec.get());
        fill(in.eddsa, "EdDSA", st.ed.get());
        st.be.hs256 = std::make_unique<jwt::token_backend>(settings_for(jwt::algorithm::hs256, in.hs256));
        st.be.rs256 = std::make_unique<jwt::token_backend>(settings_for(jwt::algorithm::rs256, in.rs256));
        st.be.es256 = std::make_unique<jwt::token_backend>(settings_for(jwt::algorithm::es256, in.es256));
        st.be.eddsa = std::make_unique<jwt::token_backend>(settings_for(jwt::algorithm::eddsa, in.eddsa));
        auto now = std::chrono::system_clock::now();
        auto tok = jwt::token::for_user(jwt::token_type::access, in.user_id, st.be.hs256->config(), now);
        st.be.claims = tok.payload();
        in.exp = st.be.claims.at("exp").as_int64();
        in.iat = st.be.claims.at("iat").as_int64();
        in.jti = std::string(st.be.claims.at("jti").as_string());
        in.hs256.token = st.be.hs256->encode(tok);
        in.rs256.token = st.be.rs256->encode(tok);
        in.es256.token = st.be.es256->encode(tok);
        in.eddsa.token = st.be.eddsa->encode(tok);
        return st;
    }();
    return s;
}

} // namespace

const jwt_inputs& inputs() { return state().in; }

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

namespace {

std::string_view signing_input(const std::string& token) { return std::string_view(token).substr(0, token.rfind('.')); }

// ---------------------------------------------------------------------------------
// HS256 floor: a keyed EVP_MAC_CTX, re-initialised with the same key per message.

struct raw_hmac {
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr);
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
    std::string_view data = signing_input(inputs().hs256.token);
    unsigned char out[EVP_MAX_MD_SIZE];

    raw_hmac() {
        const auto& key = inputs().hs256.secret;
        OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>("SHA256"), 0),
                               OSSL_PARAM_construct_end()};
        EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(), params);
    }
    ~raw_hmac() {
        EVP_MAC_CTX_free(ctx);
        EVP_MAC_free(mac);
    }
    raw_hmac(const raw_hmac&) = delete;
    raw_hmac& operator=(const raw_hmac&) = delete;

    bool once() {
        std::size_t len = 0;
        return EVP_MAC_init(ctx, nullptr, 0, nullptr) == 1 &&
               EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1 &&
               EVP_MAC_final(ctx, out, &len, sizeof out) == 1;
    }
};

void hmac_sha256_raw(benchmark::State& st) {
    raw_hmac h;
    alloc_meter meter;
    for (auto _ : st) {
        benchmark::DoNotOptimize(h.once());
        benchmark::DoNotOptimize(h.out);
    }
    meter.report(st);
}
BENCHMARK(hmac_sha256_raw);

// ---------------------------------------------------------------------------------
// Asymmetric floors: EVP_DigestVerify/EVP_DigestSign with the key loaded once and the
// digest context reused (DER signatures for ECDSA: no JOSE conversion).

struct raw_asym {
    EVP_PKEY* key;
    const EVP_MD* md;   // null for Ed25519
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::string_view data;
    std::vector<unsigned char> sig;

    raw_asym(EVP_PKEY* k, const EVP_MD* m, const std::string& token) : key(k), md(m), data(signing_input(token)) {
        std::size_t n = 0;
        EVP_DigestSignInit(ctx, nullptr, md, nullptr, key);
        EVP_DigestSign(ctx, nullptr, &n, reinterpret_cast<const unsigned char*>(data.data()), data.size());
        sig.resize(n);
        EVP_DigestSign(ctx, sig.data(), &n, reinterpret_cast<const unsigned char*>(data.data()), data.size());
        sig.resize(n);
        EVP_MD_CTX_reset(ctx);
    }
    ~raw_asym() { EVP_MD_CTX_free(ctx); }
    raw_asym(const raw_asym&) = delete;
    raw_asym& operator=(const raw_asym&) = delete;

    bool verify() {
        bool ok = EVP_DigestVerifyInit(ctx, nullptr, md, nullptr, key) == 1 &&
                  EVP_DigestVerify(ctx, sig.data(), sig.size(), reinterpret_cast<const unsigned char*>(data.data()),
                                   data.size()) == 1;
        EVP_MD_CTX_reset(ctx);
        return ok;
    }
    bool sign(unsigned char* out, std::size_t cap) {
        std::size_t n = cap;
        bool ok = EVP_DigestSignInit(ctx, nullptr, md, nullptr, key) == 1 &&
                  EVP_DigestSign(ctx, out, &n, reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
        EVP_MD_CTX_reset(ctx);
        return ok;
    }
};

template <class F>
void raw_asym_case(benchmark::State& st, F make, bool verify) {
    raw_asym r = make();
    if (verify ? !r.verify() : false) {
        st.SkipWithError("raw verification failed");
        return;
    }
    unsigned char out[1024];
    alloc_meter meter;
    for (auto _ : st) {
        if (verify) benchmark::DoNotOptimize(r.verify());
        else benchmark::DoNotOptimize(r.sign(out, sizeof out));
    }
    meter.report(st);
}

raw_asym make_rs256() { return raw_asym(state().rsa.get(), EVP_sha256(), inputs().rs256.token); }
raw_asym make_es256() { return raw_asym(state().ec.get(), EVP_sha256(), inputs().es256.token); }
raw_asym make_eddsa() { return raw_asym(state().ed.get(), nullptr, inputs().eddsa.token); }

void rs256_verify_raw(benchmark::State& s) { raw_asym_case(s, make_rs256, true); }
void rs256_sign_raw(benchmark::State& s) { raw_asym_case(s, make_rs256, false); }
void es256_verify_raw(benchmark::State& s) { raw_asym_case(s, make_es256, true); }
void es256_sign_raw(benchmark::State& s) { raw_asym_case(s, make_es256, false); }
void eddsa_verify_raw(benchmark::State& s) { raw_asym_case(s, make_eddsa, true); }
void eddsa_sign_raw(benchmark::State& s) { raw_asym_case(s, make_eddsa, false); }

// ---------------------------------------------------------------------------------
// warden: token_backend::validate (decode + verify + simplejwt's claim checks) and the
// user id read the authenticator makes next; sign_jwt over the same claims.

bool warden_verify(const jwt::token_backend& be, const std::string& token, jwt::claims& c) {
    if (be.validate(token, jwt::token_type::access, c, std::chrono::system_clock::now())) return false;
    return c.integer_claim("user_id") == inputs().user_id;
}

void warden_verify_case(benchmark::State& st, const jwt::token_backend& be, const std::string& token) {
    jwt::claims c;
    if (!warden_verify(be, token, c)) {
        st.SkipWithError("warden does not verify the token");
        return;
    }
    alloc_meter meter;
    for (auto _ : st) benchmark::DoNotOptimize(warden_verify(be, token, c));
    meter.report(st);
}

void warden_sign_case(benchmark::State& st, const jwt::token_backend& be) {
    std::string out;
    if (be.encode(state().be.claims, out)) {
        st.SkipWithError("warden cannot sign");
        return;
    }
    alloc_meter meter;
    for (auto _ : st) {
        benchmark::DoNotOptimize(be.encode(state().be.claims, out));
        benchmark::DoNotOptimize(out.data());
    }
    meter.report(st);
}

void jwt_hs256_verify_warden(benchmark::State& s) { warden_verify_case(s, *state().be.hs256, inputs().hs256.token); }
void jwt_rs256_verify_warden(benchmark::State& s) { warden_verify_case(s, *state().be.rs256, inputs().rs256.token); }
void jwt_es256_verify_warden(benchmark::State& s) { warden_verify_case(s, *state().be.es256, inputs().es256.token); }
void jwt_eddsa_verify_warden(benchmark::State& s) { warden_verify_case(s, *state().be.eddsa, inputs().eddsa.token); }
void jwt_hs256_sign_warden(benchmark::State& s) { warden_sign_case(s, *state().be.hs256); }
void jwt_rs256_sign_warden(benchmark::State& s) { warden_sign_case(s, *state().be.rs256); }
void jwt_es256_sign_warden(benchmark::State& s) { warden_sign_case(s, *state().be.es256); }
void jwt_eddsa_sign_warden(benchmark::State& s) { warden_sign_case(s, *state().be.eddsa); }

BENCHMARK(jwt_hs256_verify_warden);
BENCHMARK(jwt_hs256_sign_warden);
BENCHMARK(rs256_verify_raw);
BENCHMARK(rs256_sign_raw);
BENCHMARK(jwt_rs256_verify_warden);
BENCHMARK(jwt_rs256_sign_warden);
BENCHMARK(es256_verify_raw);
BENCHMARK(es256_sign_raw);
BENCHMARK(jwt_es256_verify_warden);
BENCHMARK(jwt_es256_sign_warden);
BENCHMARK(eddsa_verify_raw);
BENCHMARK(eddsa_sign_raw);
BENCHMARK(jwt_eddsa_verify_warden);
BENCHMARK(jwt_eddsa_sign_warden);

const bool registered =
    add_callgrind_case("hmac_sha256_raw", [](std::size_t n) {
        raw_hmac h;
        for (std::size_t i = 0; i < n; ++i) benchmark::DoNotOptimize(h.once());
    }) &&
    add_callgrind_case("jwt_hs256_verify_warden", [](std::size_t n) {
        jwt::claims c;
        for (std::size_t i = 0; i < n; ++i) benchmark::DoNotOptimize(warden_verify(*state().be.hs256, inputs().hs256.token, c));
    });

} // namespace
} // namespace bench

int main(int argc, char** argv) {
    if (!bench::count_openssl_allocations()) std::fprintf(stderr, "bench_jwt: OpenSSL allocations not counted\n");
    if (argc == 3 && std::string_view(argv[1]) == "--callgrind") return bench::callgrind_mode(std::strtoul(argv[2], nullptr, 10));
    return bench::run_with_ratios(argc, argv,
                                  {{"jwt_hs256_verify_warden", "hmac_sha256_raw", "<= 2.00", 2.0},
                                   {"jwt_hs256_verify_warden", "jwt_hs256_verify_cppjwt", "<= 0.20 (5x faster)", 0.2},
                                   {"jwt_hs256_verify_warden", "jwt_hs256_verify_libjwt", "", 0},
                                   {"jwt_hs256_sign_warden", "hmac_sha256_raw", "", 0},
                                   {"jwt_hs256_sign_warden", "jwt_hs256_sign_cppjwt", "", 0},
                                   {"jwt_hs256_sign_warden", "jwt_hs256_sign_libjwt", "", 0},
                                   {"jwt_rs256_verify_warden", "rs256_verify_raw", "", 0},
                                   {"jwt_rs256_verify_warden", "jwt_rs256_verify_cppjwt", "", 0},
                                   {"jwt_rs256_verify_warden", "jwt_rs256_verify_libjwt", "", 0},
                                   {"jwt_rs256_sign_warden", "rs256_sign_raw", "", 0},
                                   {"jwt_rs256_sign_warden", "jwt_rs256_sign_cppjwt", "", 0},
                                   {"jwt_rs256_sign_warden", "jwt_rs256_sign_libjwt", "", 0},
                                   {"jwt_es256_verify_warden", "es256_verify_raw", "", 0},
                                   {"jwt_es256_verify_warden", "jwt_es256_verify_cppjwt", "", 0},
                                   {"jwt_es256_verify_warden", "jwt_es256_verify_libjwt", "", 0},
                                   {"jwt_es256_sign_warden", "es256_sign_raw", "", 0},
                                   {"jwt_es256_sign_warden", "jwt_es256_sign_cppjwt", "", 0},
                                   {"jwt_es256_sign_warden", "jwt_es256_sign_libjwt", "", 0},
                                   {"jwt_eddsa_verify_warden", "eddsa_verify_raw", "", 0},
                                   {"jwt_eddsa_sign_warden", "eddsa_sign_raw", "", 0}});
}
