// bench_jwt's cpp-jwt cases (Debian libcpp-jwt-dev 1.4, nlohmann-json based): decode +
// verify + the same claim checks as warden's simplejwt validation (exp by the library,
// jti present, token_type "access", user_id read), and signing the same claims.
// cpp-jwt has HS*, RS* and ES* but no EdDSA.
#include "alloc_counter.hpp"
#include "bench_main.hpp"
#include "jwt_inputs.hpp"

#include <jwt/jwt.hpp>

#include <cstdint>
#include <string>
#include <system_error>

namespace bench {
namespace {

bool verify_one(const jwt_inputs::alg_inputs& a) {
    std::error_code ec;
    const std::string& key = a.public_pem.empty() ? a.secret : a.public_pem;
    auto obj = jwt::decode(a.token, jwt::params::algorithms({a.name}), ec, jwt::params::secret(key),
                           jwt::params::verify(true), jwt::params::validate_jti(true));
    if (ec) return false;
    const auto& p = obj.payload();
    if (!p.has_claim("token_type") || p.get_claim_value<std::string>("token_type") != "access") return false;
    auto uid = p.get_claim_value<std::int64_t>("user_id");
    return uid == inputs().user_id;
}

struct signer {
    jwt::jwt_object obj;
    explicit signer(const jwt_inputs::alg_inputs& a) {
        const auto& in = inputs();
        obj.header().algo(a.name);
        obj.secret(a.private_pem.empty() ? a.secret : a.private_pem);
        obj.add_claim("token_type", "access");
        obj.add_claim("exp", in.exp);
        obj.add_claim("iat", in.iat);
        obj.add_claim("jti", in.jti);
        obj.add_claim("user_id", in.user_id);
    }
};

template <const jwt_inputs::alg_inputs jwt_inputs::*Alg>
void verify(benchmark::State& state) {
    const auto& a = inputs().*Alg;
    if (!verify_one(a)) {
        state.SkipWithError("cpp-jwt does not verify the token");
        return;
    }
    alloc_meter meter;
    for (auto _ : state) benchmark::DoNotOptimize(verify_one(a));
    meter.report(state);
}

template <const jwt_inputs::alg_inputs jwt_inputs::*Alg>
void sign(benchmark::State& state) {
    signer s(inputs().*Alg);
    std::error_code ec;
    if (s.obj.signature(ec).empty() || ec) {
        state.SkipWithError("cpp-jwt cannot sign");
        return;
    }
    alloc_meter meter;
    for (auto _ : state) {
        std::string t = s.obj.signature(ec);
        benchmark::DoNotOptimize(t.data());
    }
    meter.report(state);
}

void jwt_hs256_verify_cppjwt(benchmark::State& s) { verify<&jwt_inputs::hs256>(s); }
void jwt_rs256_verify_cppjwt(benchmark::State& s) { verify<&jwt_inputs::rs256>(s); }
void jwt_es256_verify_cppjwt(benchmark::State& s) { verify<&jwt_inputs::es256>(s); }
void jwt_hs256_sign_cppjwt(benchmark::State& s) { sign<&jwt_inputs::hs256>(s); }
void jwt_rs256_sign_cppjwt(benchmark::State& s) { sign<&jwt_inputs::rs256>(s); }
void jwt_es256_sign_cppjwt(benchmark::State& s) { sign<&jwt_inputs::es256>(s); }
BENCHMARK(jwt_hs256_verify_cppjwt);
BENCHMARK(jwt_hs256_sign_cppjwt);
BENCHMARK(jwt_rs256_verify_cppjwt);
BENCHMARK(jwt_rs256_sign_cppjwt);
BENCHMARK(jwt_es256_verify_cppjwt);
BENCHMARK(jwt_es256_sign_cppjwt);

const bool registered = add_callgrind_case("jwt_hs256_verify_cppjwt", [](std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) benchmark::DoNotOptimize(verify_one(inputs().hs256));
});

} // namespace
} // namespace bench
