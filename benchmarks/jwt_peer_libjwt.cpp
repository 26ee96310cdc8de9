// bench_jwt's libjwt cases (Debian libjwt-dev 1.10, jansson based): jwt_decode
// (signature) then the claim checks warden's simplejwt validation makes (alg as
// expected, exp in the future, jti present, token_type "access", user_id read; libjwt
// 1.10 checks no claim itself), and signing the same claims with jwt_encode_str.
// libjwt 1.10 has HS*, RS* and ES* but no EdDSA.
#include "alloc_counter.hpp"
#include "bench_main.hpp"
#include "jwt_inputs.hpp"

#include <jwt.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

namespace bench {
namespace {

jwt_alg_t alg_of(const std::string& name) { return jwt_str_alg(name.c_str()); }

const std::string& verify_key(const jwt_inputs::alg_inputs& a) { return a.public_pem.empty() ? a.secret : a.public_pem; }

bool verify_one(const jwt_inputs::alg_inputs& a) {
    jwt_t* t = nullptr;
    const std::string& key = verify_key(a);
    if (jwt_decode(&t, a.token.c_str(), reinterpret_cast<const unsigned char*>(key.data()), static_cast<int>(key.size())) != 0)
        return false;
    bool ok = jwt_get_alg(t) == alg_of(a.name);
    errno = 0;
    long exp = jwt_get_grant_int(t, "exp");
    ok = ok && errno != ENOENT && exp > std::time(nullptr);
    const char* type = jwt_get_grant(t, "token_type");
    ok = ok && type && std::strcmp(type, "access") == 0 && jwt_get_grant(t, "jti") != nullptr;
    ok = ok && jwt_get_grant_int(t, "user_id") == inputs().user_id;
    jwt_free(t);
    return ok;
}

struct signer {
    jwt_t* t = nullptr;
    explicit signer(const jwt_inputs::alg_inputs& a) {
        const auto& in = inputs();
        jwt_new(&t);
        const std::string& key = a.private_pem.empty() ? a.secret : a.private_pem;
        jwt_set_alg(t, alg_of(a.name), reinterpret_cast<const unsigned char*>(key.data()), static_cast<int>(key.size()));
        jwt_add_grant(t, "token_type", "access");
        jwt_add_grant_int(t, "exp", in.exp);
        jwt_add_grant_int(t, "iat", in.iat);
        jwt_add_grant(t, "jti", in.jti.c_str());
        jwt_add_grant_int(t, "user_id", in.user_id);
    }
    ~signer() { jwt_free(t); }
    signer(const signer&) = delete;
    signer& operator=(const signer&) = delete;
};

template <const jwt_inputs::alg_inputs jwt_inputs::*Alg>
void verify(benchmark::State& state) {
    const auto& a = inputs().*Alg;
    if (!verify_one(a)) {
        state.SkipWithError("libjwt does not verify the token");
        return;
    }
    alloc_meter meter;
    for (auto _ : state) benchmark::DoNotOptimize(verify_one(a));
    meter.report(state);
}

template <const jwt_inputs::alg_inputs jwt_inputs::*Alg>
void sign(benchmark::State& state) {
    signer s(inputs().*Alg);
    char* first = jwt_encode_str(s.t);
    if (!first) {
        state.SkipWithError("libjwt cannot sign");
        return;
    }
    std::free(first);
    alloc_meter meter;
    for (auto _ : state) {
        char* out = jwt_encode_str(s.t);
        benchmark::DoNotOptimize(out);
        std::free(out);
    }
    meter.report(state);
}

void jwt_hs256_verify_libjwt(benchmark::State& s) { verify<&jwt_inputs::hs256>(s); }
void jwt_rs256_verify_libjwt(benchmark::State& s) { verify<&jwt_inputs::rs256>(s); }
void jwt_es256_verify_libjwt(benchmark::State& s) { verify<&jwt_inputs::es256>(s); }
void jwt_hs256_sign_libjwt(benchmark::State& s) { sign<&jwt_inputs::hs256>(s); }
void jwt_rs256_sign_libjwt(benchmark::State& s) { sign<&jwt_inputs::rs256>(s); }
void jwt_es256_sign_libjwt(benchmark::State& s) { sign<&jwt_inputs::es256>(s); }
BENCHMARK(jwt_hs256_verify_libjwt);
BENCHMARK(jwt_hs256_sign_libjwt);
BENCHMARK(jwt_rs256_verify_libjwt);
BENCHMARK(jwt_rs256_sign_libjwt);
BENCHMARK(jwt_es256_verify_libjwt);
BENCHMARK(jwt_es256_sign_libjwt);

const bool registered = add_callgrind_case("jwt_hs256_verify_libjwt", [](std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) benchmark::DoNotOptimize(verify_one(inputs().hs256));
});

} // namespace
} // namespace bench
