/// @file
/// `api_error`: a request that fails with DRF's status, body and headers.
///
/// Authenticators, permissions, throttles, parsers and handlers report failures as an
/// `api_error`; the dispatch pipeline turns it into the response DRF would send.
#ifndef WARDEN_CORE_API_ERROR_HPP
#define WARDEN_CORE_API_ERROR_HPP

#include <warden/core/detail/json_write.hpp>

#include <ostream>   // boost/core string_view (1.81) uses std::ostream without including it

#include <boost/beast/http/status.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace warden {

/// The DRF exception an `api_error` stands for. The kind decides how the pipeline
/// finishes it (e.g. authentication errors become 401 or 403 depending on the view's
/// first authenticator).
enum class error_kind : unsigned char {
    not_authenticated,       ///< NotAuthenticated
    authentication_failed,   ///< AuthenticationFailed (and simplejwt's InvalidToken)
    permission_denied,       ///< PermissionDenied (including CSRF failures)
    throttled,               ///< Throttled
    not_found,               ///< NotFound / Http404
    method_not_allowed,      ///< MethodNotAllowed
    not_acceptable,          ///< NotAcceptable
    unsupported_media_type,  ///< UnsupportedMediaType
    parse_error,             ///< ParseError
    validation,              ///< ValidationError
    payload_too_large,       ///< request body over the configured limit
    service_unavailable,     ///< ServiceUnavailable: a store (database, cache) cannot serve now
    other,                   ///< any other APIException
};

/// A failed request: status, DRF detail message and code, or a complete JSON body.
struct api_error {
    error_kind kind = error_kind::other;
    boost::beast::http::status status = boost::beast::http::status::bad_request;
    /// DRF's `detail` string, rendered as `{"detail": "..."}` when `body` is empty.
    std::string detail;
    /// DRF's error code ("not_authenticated", "permission_denied", ...). Only
    /// rendered when `body` includes it (simplejwt style); kept for callers.
    std::string_view code;
    /// A full JSON body that replaces `{"detail": ...}` (validation errors, simplejwt).
    std::string body;
    /// For `throttled` and `service_unavailable`: seconds until a retry may succeed
    /// (Retry-After), -1 if unknown.
    std::int64_t wait = -1;

    /// The Retry-After value to send, or -1 for none: a throttle's non-zero wait (DRF
    /// sends it only `if exc.wait:`), or the wait of a 503.
    std::int64_t retry_after() const noexcept {
        if (kind == error_kind::throttled) return wait > 0 ? wait : -1;
        if (kind == error_kind::service_unavailable) return wait;
        return -1;
    }

    /// The JSON text of the response body.
    std::string render() const {
        if (!body.empty()) return body;
        std::string out;
        out.reserve(detail.size() + 14);
        out.append("{\"detail\":");
        detail::append_json_string(out, detail);
        out.push_back('}');
        return out;
    }
};

namespace errors {

namespace http_ = boost::beast::http;

/// 401/403 "Authentication credentials were not provided."
inline api_error not_authenticated() {
    return {error_kind::not_authenticated, http_::status::unauthorized,
            "Authentication credentials were not provided.", "not_authenticated", {}, -1};
}
/// 401/403 with `detail` (e.g. "Invalid token.").
inline api_error authentication_failed(std::string detail) {
    return {error_kind::authentication_failed, http_::status::unauthorized, std::move(detail),
            "authentication_failed", {}, -1};
}
/// 403 with `detail`; the default is DRF's generic message.
inline api_error permission_denied(std::string detail = "You do not have permission to perform this action.",
                                   std::string_view code = "permission_denied") {
    return {error_kind::permission_denied, http_::status::forbidden, std::move(detail), code, {}, -1};
}
/// 404 "Not found."
inline api_error not_found(std::string detail = "Not found.") {
    return {error_kind::not_found, http_::status::not_found, std::move(detail), "not_found", {}, -1};
}
/// 405 `Method "X" not allowed.`
inline api_error method_not_allowed(std::string_view method) {
    std::string d = "Method \"";
    d.append(method).append("\" not allowed.");
    return {error_kind::method_not_allowed, http_::status::method_not_allowed, std::move(d), "method_not_allowed", {}, -1};
}
/// 406 "Could not satisfy the request Accept header."
inline api_error not_acceptable() {
    return {error_kind::not_acceptable, http_::status::not_acceptable,
            "Could not satisfy the request Accept header.", "not_acceptable", {}, -1};
}
/// 415 `Unsupported media type "X" in request.`
inline api_error unsupported_media_type(std::string_view media_type) {
    std::string d = "Unsupported media type \"";
    d.append(media_type).append("\" in request.");
    return {error_kind::unsupported_media_type, http_::status::unsupported_media_type, std::move(d),
            "unsupported_media_type", {}, -1};
}
/// 400 with `detail` (DRF: "JSON parse error - ...", "Malformed request.").
inline api_error parse_error(std::string detail = "Malformed request.") {
    return {error_kind::parse_error, http_::status::bad_request, std::move(detail), "parse_error", {}, -1};
}
/// 413 for a body over the limit.
inline api_error payload_too_large() {
    return {error_kind::payload_too_large, http_::status::payload_too_large,
            "Request body is too large.", "payload_too_large", {}, -1};
}
/// 429 "Request was throttled. Expected available in N second(s)." with Retry-After.
/// @param wait seconds, already rounded up; negative when unknown (no Retry-After).
inline api_error throttled(std::int64_t wait) {
    std::string d = "Request was throttled.";
    if (wait >= 0) {
        d.append(" Expected available in ");
        detail::append_json_integer(d, wait);
        d.append(wait == 1 ? " second." : " seconds.");
    }
    return {error_kind::throttled, http_::status::too_many_requests, std::move(d), "throttled", {}, wait};
}
/// Seconds a client is asked to wait (Retry-After) before retrying after a 503.
inline constexpr std::int64_t default_retry_after = 5;

/// 503 "Service temporarily unavailable, try again later." (DRF's ServiceUnavailable)
/// with Retry-After: what a request gets when a store it needs (a database, Redis)
/// cannot serve it now. warden's policies and views answer it on any store failure;
/// the app answers it for a `std::system_error` matching `store_condition::unavailable`
/// that escapes a handler.
/// @param retry_after seconds for Retry-After; negative for none.
inline api_error service_unavailable(std::int64_t retry_after = default_retry_after) {
    return {error_kind::service_unavailable, http_::status::service_unavailable,
            "Service temporarily unavailable, try again later.", "service_unavailable", {}, retry_after};
}
/// 400 with a complete JSON body of field errors, e.g. `{"username":["This field is required."]}`.
inline api_error validation(std::string json_body) {
    return {error_kind::validation, http_::status::bad_request, {}, "invalid", std::move(json_body), -1};
}

} // namespace errors

} // namespace warden

#endif
