/// @file
/// `jwt::jwks_view`: the app's public verification keys as a JWK Set (RFC 7517), for
/// other services to verify the tokens this one signs (route it at
/// `/.well-known/jwks.json`).
///
/// GET answers `key_service::jwks()`: every RSA, EC and Ed25519 verifying key with its
/// `kid`, `alg`, `use: "sig"` and public members only; never an HMAC secret, never a
/// private member (an HMAC-only service publishes `{"keys":[]}`). The document is
/// built once at start. Cache headers: `Cache-Control: public, max-age=<jwks_max_age>`
/// and a strong `ETag` (`If-None-Match` gets 304). No authentication, no permission;
/// the app's default throttles apply.
///
/// Key rotation is a sequence of `key_service::from_keys` configurations, each
/// published here before it matters (docs/jwt.md, "Key rotation").
///
/// @code
/// auto site = warden::app<warden::route<"/.well-known/jwks.json", warden::jwt::jwks_view>, ...>(
///     db, settings, warden::jwt::key_service::from_keys(cfg, signing_key));
/// @endcode
#ifndef WARDEN_JWT_JWKS_HPP
#define WARDEN_JWT_JWKS_HPP

#include <warden/core/detail/etag.hpp>
#include <warden/core/http.hpp>
#include <warden/core/request.hpp>
#include <warden/core/response.hpp>
#include <warden/core/service_tags.hpp>
#include <warden/jwt/key_service.hpp>
#include <warden/view/api_view.hpp>

#include <string>
#include <string_view>

namespace warden::jwt {

/// Publishes the app's `key_service::jwks()` (see the file comment).
struct jwks_view : api_view<authentication<>, permissions<>> {
    static constexpr std::string_view name = "JWKS";
    using requires_services = services<jwt_keys_tag>;

    template <class Ctx>
    response get(request& req, Ctx& ctx) {
        const key_service& k = ctx.template get<jwt_keys_tag>();
        const bool fresh = warden::detail::etag_matches(req.header(http::field::if_none_match), k.jwks_etag());
        response r = fresh ? response{http::status::not_modified} : response{http::status::ok, k.jwks()};
        r.set_header(http::field::etag, k.jwks_etag());
        r.set_header(http::field::cache_control, "public, max-age=" + std::to_string(k.config().jwks_max_age.count()));
        return r;
    }
};

} // namespace warden::jwt

#endif
