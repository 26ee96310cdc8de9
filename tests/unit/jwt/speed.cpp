// jwt_speed_check: HS256 verification of a simplejwt access token (decode + verify +
// claims) against one raw HMAC-SHA256 of the same signing input with a reused keyed
// EVP_MAC_CTX. The project's target is a ratio of at most 3. Not a ctest test: run it
// by hand (`jwt_speed_check`), it prints the ratio and heap allocations per operation.
#include <warden/crypto/hmac.hpp>
#include <warden/jwt/simplejwt.hpp>

#include <benchmark/benchmark.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <support/counting_new.hpp>

#include <cstdio>
#include <map>
#include <string>

namespace {

using namespace warden::jwt;

struct fixture {
    settings cfg;
    token_backend backend;
    std::string token;
    std::string signing_input;
    std::chrono::system_clock::time_point now;

    fixture() : cfg(make_settings()), backend(cfg), now(std::chrono::system_clock::now()) {
        token = backend.encode(token::for_user(token_type::access, 42, cfg, now));
        signing_input = token.substr(0, token.rfind('.'));
    }
    static settings make_settings() {
        settings s;
        s.signing_key = "benchmark signing key, 32 bytes or more";
        return s;
    }
};

fixture& fx() {
    static fixture f;
    return f;
}

void set_allocs(benchmark::State& state, std::size_t before) {
    state.counters["allocs/op"] = benchmark::Counter(
        static_cast<double>(warden_test::heap_allocations - before) / static_cast<double>(state.iterations()));
}

// The baseline: a keyed EVP_MAC_CTX re-initialised per message.
void raw_hmac_sha256(benchmark::State& state) {
    const auto& f = fx();
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr);
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>("SHA256"), 0),
                           OSSL_PARAM_construct_end()};
    EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(f.cfg.signing_key.data()), f.cfg.signing_key.size(), params);
    const auto* data = reinterpret_cast<const unsigned char*>(f.signing_input.data());
    unsigned char out[64];
    std::size_t len = 0;
    for (auto _ : state) {
        EVP_MAC_init(ctx, nullptr, 0, nullptr);
        EVP_MAC_update(ctx, data, f.signing_input.size());
        EVP_MAC_final(ctx, out, &len, sizeof out);
        benchmark::DoNotOptimize(out);
    }
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
}
BENCHMARK(raw_hmac_sha256);

// crypto::hmac (slot pool over the same re-initialised contexts).
void crypto_hmac(benchmark::State& state) {
    const auto& f = fx();
    warden::crypto::hmac mac(warden::crypto::hmac_hash::sha256, f.cfg.signing_key);
    unsigned char out[warden::crypto::hmac::max_size];
    std::size_t before = warden_test::heap_allocations;
    for (auto _ : state) {
        benchmark::DoNotOptimize(mac.compute(f.signing_input, out));
        benchmark::DoNotOptimize(out);
    }
    set_allocs(state, before);
}
BENCHMARK(crypto_hmac);

// The JWS layer alone: split, header, MAC, payload bytes.
void verify_jws_only(benchmark::State& state) {
    const auto& f = fx();
    std::string payload;
    const key& k = *f.backend.verifying_keys().begin();
    std::size_t before = warden_test::heap_allocations;
    for (auto _ : state) benchmark::DoNotOptimize(verify_jws(f.token, k, payload));
    set_allocs(state, before);
}
BENCHMARK(verify_jws_only);

// What the authenticator does per request: simplejwt's AccessToken(raw) semantics.
void validate_access_token(benchmark::State& state) {
    const auto& f = fx();
    claims c;
    std::size_t before = warden_test::heap_allocations;
    for (auto _ : state) {
        auto ec = f.backend.validate(f.token, token_type::access, c, f.now);
        if (ec) state.SkipWithError("token did not validate");
        benchmark::DoNotOptimize(c.object().size());
    }
    set_allocs(state, before);
}
BENCHMARK(validate_access_token);

// Same with the claims object constructed per request (on the stack).
void validate_fresh_claims(benchmark::State& state) {
    const auto& f = fx();
    std::size_t before = warden_test::heap_allocations;
    for (auto _ : state) {
        claims c;
        benchmark::DoNotOptimize(f.backend.validate(f.token, token_type::access, c, f.now));
        benchmark::DoNotOptimize(c.object().size());
    }
    set_allocs(state, before);
}
BENCHMARK(validate_fresh_claims);

// Collects times to print the ratios after the console report: CPU time (steadier on a
// shared machine) and wall time; with --benchmark_repetitions, the medians.
class ratio_reporter : public benchmark::ConsoleReporter {
public:
    struct times {
        double cpu = 0, real = 0;
        bool median = false;
    };
    void ReportRuns(const std::vector<Run>& runs) override {
        for (const auto& r : runs) {
            bool median = r.run_type == Run::RT_Aggregate && r.aggregate_name == "median";
            if (r.run_type == Run::RT_Aggregate && !median) continue;
            auto& t = times_[r.run_name.function_name];
            if (t.median && !median) continue;
            t = {r.GetAdjustedCPUTime(), r.GetAdjustedRealTime(), median};
        }
        ConsoleReporter::ReportRuns(runs);
    }
    std::map<std::string, times> times_;
};

} // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    ratio_reporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    auto base = reporter.times_.find("raw_hmac_sha256");
    if (base != reporter.times_.end() && base->second.cpu > 0) {
        std::printf("ratio to raw_hmac_sha256 (target for validate_access_token: <= 3)\n");
        for (const char* name : {"crypto_hmac", "verify_jws_only", "validate_access_token", "validate_fresh_claims"}) {
            auto it = reporter.times_.find(name);
            if (it != reporter.times_.end())
                std::printf("  %-22s cpu %.2f  wall %.2f\n", name, it->second.cpu / base->second.cpu,
                            it->second.real / base->second.real);
        }
    }
    benchmark::Shutdown();
    return 0;
}
