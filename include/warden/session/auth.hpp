/// @file
/// `session_auth`: DRF's SessionAuthentication over warden's server-side sessions,
/// with Django 3.2's CSRF protection for session-authenticated unsafe requests.
#ifndef WARDEN_SESSION_AUTH_HPP
#define WARDEN_SESSION_AUTH_HPP

#include <warden/core/api_error.hpp>
#include <warden/core/concepts.hpp>
#include <warden/core/request.hpp>
#include <warden/core/service_tags.hpp>
#include <warden/core/settings.hpp>
#include <warden/csrf/enforce.hpp>
#include <warden/session/auth_hash.hpp>
#include <warden/session/cookies.hpp>
#include <warden/session/detail/session_info.hpp>
#include <warden/session/key.hpp>

#include <concepts>
#include <exception>
#include <memory>
#include <optional>
#include <string_view>
#include <system_error>
#include <utility>

namespace warden {

/// Session authentication with CSRF origin policy `OriginCheck`; use `session_auth`.
///
/// What it does per request, as DRF's SessionAuthentication over Django's session and
/// auth middleware:
/// - no `sessionid` cookie: no credentials (the next authenticator is tried);
/// - a cookie that names no live session (malformed, unknown, expired, logged out):
///   anonymous, and the response clears the cookie (Max-Age=0), as Django does;
/// - a session whose user is gone or switched off, or whose auth hash no longer
///   matches the user's password: the session is deleted, the cookie cleared, and the
///   request is anonymous (Django keeps a switched-off user's session; warden ends it);
/// - a session or user store that fails: 503 with Retry-After (never an anonymous
///   request, which could change the answer; the cookie is kept);
/// - otherwise the session's user is authenticated, and an unsafe request (not GET,
///   HEAD, OPTIONS, TRACE) must pass Django 3.2's CSRF checks: a 403
///   `{"detail": "CSRF Failed: <Django's reason>"}` otherwise.
///
/// CSRF: the `csrftoken` cookie must be present and the request must present the same
/// secret, masked (64 characters) or not (32), in the form field `csrfmiddlewaretoken`
/// (POST with a form or multipart body; read first) or the `X-CSRFToken` header
/// (`settings.csrf.header_name`). Over HTTPS, the Referer must be https and name this
/// host, the CSRF cookie domain or a trusted origin (`settings.csrf.trusted_origins`,
/// `https://*.example.com` form); with `OriginCheck` (default `always`, Django 4.0's
/// check) an Origin header is checked first instead, over HTTP as over HTTPS. Requests authenticated otherwise (a token) are not
/// CSRF-checked, as in DRF.
///
/// No challenge: a view whose first authenticator is this one answers 403, never 401.
///
/// @code
/// struct dashboard_api : warden::api_view<warden::authentication<warden::session_auth>,
///                                         warden::permissions<warden::is_authenticated>> {
///     warden::response get(warden::request& req) {
///         return warden::json({{"message", "Hello " + req.user().username}});
///     }
/// };
/// using django32_session_auth = warden::basic_session_auth<warden::csrf_origin_check::never>;
/// @endcode
template <csrf_origin_check OriginCheck = csrf_origin_check::always>
class basic_session_auth {
public:
    using policy_kind = authenticator_tag;
    using requires_services = services<sessions_tag, users_tag>;
    /// Reads the store; the only write, deleting a stale record, may fail harmlessly.
    static constexpr bool store_reads_only = true;
    static constexpr std::string_view scheme = "session";

    /// Unconfigured: the settings are read (and the auth hash keyed) per request.
    basic_session_auth() = default;

    /// Configured once from the app context (the app builds its policies this way):
    /// keys the auth hash with `settings.secret_key` and parses the trusted origins.
    /// @throws std::invalid_argument naming an entry of `settings.csrf.trusted_origins`
    ///         that is not `scheme://host[:port]`.
    template <class Ctx>
        requires requires(const Ctx& c) { { c.settings() } -> std::convertible_to<const settings&>; }
    explicit basic_session_auth(const Ctx& ctx) : state_(std::make_shared<const state>(ctx.settings())) {}

    /// `body` is the view's lazily parsed body (see `lazy_body`): the CSRF check of a POST
    /// reads `csrfmiddlewaretoken` from a form body, which parses it, as Django's
    /// `request.POST` makes DRF parse it — so a body the view cannot parse answers 415
    /// or 400 here, exactly where DRF does.
    template <class Ctx, class Body>
    auth_result authenticate(request& req, Ctx& ctx, Body& body) const {
        if (state_) return run(req, ctx, body, *state_);
        try {
            const state local(ctx.settings());
            return run(req, ctx, body, local);
        } catch (const std::exception&) {
            return auth_result::none();   // misconfigured and unconfigured: no session logins
        }
    }

    /// The auth hasher this authenticator verifies sessions with (null if unconfigured).
    const session::auth_hasher* hasher() const noexcept { return state_ ? &state_->hasher : nullptr; }

private:
    struct state {
        session::auth_hasher hasher;
        csrf::config csrf;

        explicit state(const settings& s) : hasher(s.secret_key, s.secret_key_fallbacks), csrf(csrf::config_from(s, OriginCheck)) {}
    };

    template <class Ctx, class Body>
    static auth_result run(request& req, Ctx& ctx, Body& body, const state& st) {
        const settings& s = ctx.settings();
        auto value = req.find_cookie(s.session.cookie_name);
        if (!value) return auth_result::none();
        session::vary_on_cookie(req);
        auto clear = [&] { req.set_cookie(session::session_cookie_deletion(s, req.is_secure()), ctx.clock().now()); };
        if (!session::is_valid_key(*value)) {
            clear();
            return auth_result::none();
        }
        auto& sessions = ctx.template get<sessions_tag>();
        std::error_code ec;
        auto rec = sessions.load_session(*value, ctx.clock().now_seconds(), ec);
        if (ec) return auth_result::failure(errors::service_unavailable());
        if (!rec) {
            clear();
            return auth_result::none();
        }
        if (rec->user_id == 0) return auth_result::none();   // an anonymous session
        auto u = ctx.template get<users_tag>().find_user(rec->user_id, ec);
        if (ec) return auth_result::failure(errors::service_unavailable());
        if (!u || !u->is_active || !st.hasher.matches(u->password, rec->auth_hash)) {
            // Deleted, switched off, or the password changed since the login: end it
            // (anonymous either way: a failed delete leaves a session no request accepts).
            sessions.delete_session(rec->key, ec);
            clear();
            return auth_result::none();
        }
        // DRF's enforce_csrf, for session-authenticated requests only (a body's parse
        // error comes out of the check, as DRF raises it there).
        if (auto refused = csrf::refuse(req, s, &st.csrf, OriginCheck, body)) return auth_result::failure(std::move(*refused));
        return auth_result::success(std::move(u), session::detail::session_info(*rec));
    }

    std::shared_ptr<const state> state_;
};

/// DRF's SessionAuthentication with Django's CSRF checks (Origin checked over HTTPS).
using session_auth = basic_session_auth<>;

} // namespace warden

#endif
