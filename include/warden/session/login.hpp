/// @file
/// Logging a request's client in and out: Django's `login()`, `logout()` and
/// `update_session_auth_hash()` over a session store, for views that manage sessions
/// (warden's `login_view` and `logout_view` use them; custom views may too).
///
/// What `login` does, as Django does it:
/// - the request's session (named by its cookie, loaded from the store) is kept only
///   when it already belongs to the same user with the same auth hash; a session of
///   another user (or of a since-changed password) is deleted and a new one begins;
///   an anonymous session is moved to a fresh id (Django's `cycle_key`);
/// - so the id the client presented is never the id of the new login: an id is always
///   drawn by the server (key.hpp), and a planted or stale id is ignored;
/// - the CSRF token is rotated (a new secret, masked, in the `csrftoken` cookie);
/// - the session expires `settings.session.cookie_age` seconds after the login.
///
/// Every function reports store failures as `std::error_code`s and leaves the
/// request's cookies as they were when it fails.
#ifndef WARDEN_SESSION_LOGIN_HPP
#define WARDEN_SESSION_LOGIN_HPP

#include <warden/core/identity.hpp>
#include <warden/core/request.hpp>
#include <warden/core/service_tags.hpp>
#include <warden/core/settings.hpp>
#include <warden/crypto/compare.hpp>
#include <warden/csrf/cookie.hpp>
#include <warden/csrf/token.hpp>
#include <warden/session/auth_hash.hpp>
#include <warden/store/user_updates.hpp>
#include <warden/session/cookies.hpp>
#include <warden/session/detail/session_info.hpp>
#include <warden/session/key.hpp>
#include <warden/store/error.hpp>
#include <warden/store/records.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace warden::session {

/// How many fresh ids `login` draws before giving up when the store reports each as
/// taken (with 165-bit ids, a second draw is already never needed in practice).
inline constexpr int max_key_attempts = 8;

/// The session the request's cookie names, if the cookie has an id's shape and the
/// store holds that session unexpired. `ec` reports a store failure (the result is
/// then empty).
///
/// @code
/// std::error_code ec;
/// auto current = warden::session::current_session(req, ctx, ec);
/// @endcode
template <class Ctx>
std::optional<session_record> current_session(const request& req, Ctx& ctx, std::error_code& ec) {
    ec.clear();
    auto value = req.find_cookie(ctx.settings().session.cookie_name);
    if (!value || !is_valid_key(*value)) return std::nullopt;
    return ctx.template get<sessions_tag>().load_session(*value, ctx.clock().now_seconds(), ec);
}

namespace detail {

// Stores a new session for `rec` under a fresh id (Django's `create`/`cycle_key`):
// `rec.key` receives the id.
template <class S>
std::error_code create_with_fresh_key(S& sessions, session_record& rec) {
    for (int attempt = 0; attempt < max_key_attempts; ++attempt) {
        if (auto ec = new_key(rec.key)) return ec;
        auto ec = sessions.create_session(rec);
        if (ec != store_errc::duplicate) return ec;
    }
    return store_errc::duplicate;
}

} // namespace detail

/// Logs `u` in on this request (Django's `login(request, user)` followed by
/// `get_token`): starts or keeps a session as described in the file comment, queues
/// the session cookie and a rotated CSRF cookie, and makes `u` the request's user.
///
/// @param hasher the app's auth hasher (session_auth keeps one); the overload without
///        it keys one from `settings.secret_key`.
/// @return a store or CSPRNG failure; the request is unchanged then.
/// @code
/// auto u = warden::check_credentials(ctx.template get<warden::users_tag>(), ctx.settings(), name, password);
/// if (u) if (auto ec = warden::session::login(req, ctx, u)) warden::raise_store_failure(ec);   // 503
/// @endcode
template <class Ctx>
std::error_code login(request& req, Ctx& ctx, std::shared_ptr<const user> u, const auth_hasher& hasher) {
    if (!u || u->is_anonymous()) return std::make_error_code(std::errc::invalid_argument);
    const settings& s = ctx.settings();
    auto& sessions = ctx.template get<sessions_tag>();
    const std::int64_t now = ctx.clock().now_seconds();

    std::error_code ec;
    std::optional<session_record> existing = current_session(req, ctx, ec);
    if (ec) return ec;

    session_record rec;
    rec.user_id = u->id;
    rec.auth_hash = hasher.hash(u->password);
    if (rec.auth_hash.empty()) return std::make_error_code(std::errc::operation_not_permitted);
    rec.expires_at = now + s.session.cookie_age;

    bool stored = false;
    if (existing && existing->user_id != 0) {
        if (existing->user_id == u->id && crypto::constant_time_equal(existing->auth_hash, rec.auth_hash)) {
            // The same user logging in again keeps the session (and its id).
            rec.key = existing->key;
            rec.csrf_secret = existing->csrf_secret;
            ec = sessions.save_session(rec);
            if (!ec) stored = true;
            else if (ec != store_errc::not_found) return ec;   // ended meanwhile: start anew
        } else {
            // Another user's session: flush it rather than hand it over.
            sessions.delete_session(existing->key, ec);
            if (ec) return ec;
        }
    } else if (existing) {
        // An anonymous session keeps its data under a new id (cycle_key).
        rec.csrf_secret = existing->csrf_secret;
    }
    if (!stored) {
        if ((ec = detail::create_with_fresh_key(sessions, rec))) return ec;
        if (existing && existing->user_id == 0) {
            sessions.delete_session(existing->key, ec);
            if (ec) return ec;
        }
    }

    // Django's user_logged_in signal: update_last_login.
    if constexpr (Ctx::template has<users_tag>)
        if ((ec = record_login(ctx.template get<users_tag>(), *u, now))) return ec;

    std::string token;
    if ((ec = csrf::new_token(token))) return ec;
    const auto when = ctx.clock().now();
    req.set_cookie(session_cookie(s, rec.key, req.is_secure()), when);
    req.set_cookie(csrf::csrf_cookie(s, std::move(token), req.is_secure()), when);
    vary_on_cookie(req);
    req.set_identity(std::move(u), detail::session_info(rec));
    return {};
}

template <class Ctx>
std::error_code login(request& req, Ctx& ctx, std::shared_ptr<const user> u) {
    try {
        const auth_hasher hasher{ctx.settings().secret_key, ctx.settings().secret_key_fallbacks};
        return login(req, ctx, std::move(u), hasher);
    } catch (const std::system_error& e) {
        return e.code();
    }
}

/// Logs the request's client out (Django's `logout(request)`): deletes the session
/// its cookie names from the store, queues the cookie's deletion when the request
/// sent one, and makes the request anonymous. Idempotent: with no session it only
/// clears the identity.
///
/// @return a store failure (the session may then still exist).
/// @code
/// if (auto ec = warden::session::logout(req, ctx)) warden::raise_store_failure(ec);
/// return warden::response{warden::http::status::no_content};
/// @endcode
template <class Ctx>
std::error_code logout(request& req, Ctx& ctx) {
    const settings& s = ctx.settings();
    auto value = req.find_cookie(s.session.cookie_name);
    std::error_code ec;
    if (value && is_valid_key(*value)) {
        ctx.template get<sessions_tag>().delete_session(*value, ec);
        if (ec) return ec;
    }
    if (value) {
        req.set_cookie(session_cookie_deletion(s, req.is_secure()), ctx.clock().now());
        vary_on_cookie(req);
    }
    req.set_identity(nullptr, {});
    return {};
}

/// After `u` changed their password on this request, keeps this request's session
/// valid (Django's `update_session_auth_hash`) and ends every other session of `u`
/// at once (Django lets them fail their next auth hash check; the client-visible
/// result is the same). The current session moves to a fresh id, as Django cycles it.
///
/// Call it with the user as stored after the change. Without a session of `u` on
/// this request it only ends the other sessions.
///
/// @return a store or CSPRNG failure.
/// @code
/// updated.password = new_hash;
/// users.update_user(updated);
/// warden::session::update_session_auth_hash(req, ctx, updated);
/// @endcode
template <class Ctx>
std::error_code update_session_auth_hash(request& req, Ctx& ctx, const user& u) {
    auto& sessions = ctx.template get<sessions_tag>();
    std::error_code ec;
    std::optional<session_record> current = current_session(req, ctx, ec);
    if (ec) return ec;
    std::string kept;
    if (current && current->user_id == u.id && u.id != 0) {
        session_record rec = *current;
        rec.expires_at = ctx.clock().now_seconds() + ctx.settings().session.cookie_age;
        try {
            rec.auth_hash = auth_hasher{ctx.settings().secret_key, ctx.settings().secret_key_fallbacks}.hash(u.password);
        } catch (const std::system_error& e) {
            return e.code();
        }
        if ((ec = detail::create_with_fresh_key(sessions, rec))) return ec;
        kept = rec.key;
        req.set_cookie(session_cookie(ctx.settings(), rec.key, req.is_secure()), ctx.clock().now());
        vary_on_cookie(req);
    }
    sessions.delete_user_sessions(u.id, kept, ec);
    return ec;
}

} // namespace warden::session

#endif
