/// @file
/// `csrf_protect`: Django's `csrf_protect` for a view that has no cookie-borne
/// credentials to check yet, such as a login form: every unsafe request must pass
/// Django's CSRF checks, whoever makes it.
#ifndef WARDEN_CSRF_PROTECT_HPP
#define WARDEN_CSRF_PROTECT_HPP

#include <warden/core/api_error.hpp>
#include <warden/core/concepts.hpp>
#include <warden/core/request.hpp>
#include <warden/core/settings.hpp>
#include <warden/csrf/enforce.hpp>

#include <concepts>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

namespace warden {

/// Django's CSRF protection for every unsafe request of a view, with origin policy
/// `OriginCheck`; use `csrf_protect`.
///
/// It is an authenticator that authenticates nobody: listed first in a view's
/// `authentication<...>`, it answers `none` for a safe method (GET, HEAD, OPTIONS,
/// TRACE) and for an unsafe request that passes `csrf::enforce` (so the next
/// authenticator, if any, runs), and fails the request with DRF's 403 `{"detail":
/// "CSRF Failed: <Django's reason>"}` otherwise. Unlike `session_auth`, which checks
/// CSRF only for the requests it authenticates, it checks anonymous requests too: a
/// login form must refuse a cross-site POST that would log the victim in to the
/// attacker's account (login CSRF), as Django's middleware does.
///
/// The page views (warden/session/pages.hpp) use it; a view rendering HTML shows the
/// refusal as a page.
///
/// @code
/// struct comment_form : warden::api_view<warden::authentication<warden::csrf_protect>,
///                                        warden::parsers<warden::form_parser>> {
///     warden::response post(warden::request& req) { ... }   // only with a valid token
/// };
/// @endcode
template <csrf_origin_check OriginCheck = csrf_origin_check::always>
class basic_csrf_protect {
public:
    using policy_kind = authenticator_tag;
    static constexpr std::string_view scheme = "csrf";

    /// Unconfigured: the settings are read per request (and a malformed
    /// `settings.csrf.trusted_origins` refuses every unsafe request).
    basic_csrf_protect() = default;

    /// Configured once from the app context (the app builds its policies this way).
    /// @throws std::invalid_argument naming an entry of `settings.csrf.trusted_origins`
    ///         that is not `scheme://host[:port]`.
    template <class Ctx>
        requires requires(const Ctx& c) { { c.settings() } -> std::convertible_to<const settings&>; }
    explicit basic_csrf_protect(const Ctx& ctx)
        : config_(std::make_shared<const csrf::config>(csrf::config_from(ctx.settings(), OriginCheck))) {}

    /// Checks an unsafe request; reads the `csrfmiddlewaretoken` field from a form body
    /// through `body` (a body the view cannot parse answers 415 or 400 here).
    template <class Ctx, class Body>
    auth_result authenticate(request& req, Ctx& ctx, Body& body) const {
        if (auto refused = csrf::refuse(req, ctx.settings(), config_.get(), OriginCheck, body))
            return auth_result::failure(std::move(*refused));
        return auth_result::none();
    }

private:
    std::shared_ptr<const csrf::config> config_;
};

/// Django's CSRF protection for every unsafe request (Origin checked over HTTPS, as
/// `session_auth` does).
using csrf_protect = basic_csrf_protect<>;

} // namespace warden

#endif
