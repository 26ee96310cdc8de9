/// @file
/// `login_page` and `logout_page`: the HTML login and logout pages a browser uses to
/// start and end a session, the counterparts of Django's LoginView and LogoutView as
/// DRF's `rest_framework.urls` routes them (`/api-auth/login/`, `/api-auth/logout/`).
///
/// The login page:
/// - GET renders an accessible form (labelled `username` and `password` fields, the
///   hidden `csrfmiddlewaretoken`, and `next` when it is safe) and sets the `csrftoken`
///   cookie, as Django's `get_token` does;
/// - POST (a form body) must pass Django's CSRF checks, anonymous as it is (see
///   `csrf_protect`): otherwise 403, shown as a page. A blank field re-renders the form
///   with "This field is required."; wrong credentials (or an inactive account)
///   re-render it, status 200, with Django's message "Please enter a correct username
///   and password. Note that both fields may be case-sensitive."; a good login starts
///   the session (`session::login`: a fresh session id, the CSRF cookie rotated) and
///   answers 302 to `next` (from the form, else the query string) when
///   `url_has_allowed_host_and_scheme` allows it for this host, else to
///   `settings.login.redirect_url`. No open redirect: see warden/session/redirect.hpp.
///   Every request to it (GET included, as DRF's ScopedRateThrottle counts) counts in
///   the "login" throttle scope: past the rate, 429 as a page with `Retry-After`.
///
/// The logout page: GET renders a form with one button (a GET never logs out, so a
/// link or an image on another site cannot end a session); POST, with the CSRF token
/// in the form field or the `X-CSRFToken` header, ends the session
/// (`session::logout`) and answers 302 to a safe `next` or
/// `settings.login.logout_redirect_url`.
///
/// Every value that came from the request is HTML-escaped. Every answer, the
/// redirects and errors included, carries `Cache-Control: no-store` (Django's
/// `never_cache`), `X-Frame-Options: DENY`, `X-Content-Type-Options: nosniff`,
/// `Referrer-Policy: same-origin` and a Content-Security-Policy that allows only the
/// page's own inline style (by hash) and forms posting to this site: no script at all.
///
/// `OriginCheck` is the CSRF origin policy, as for `session_auth`: by default
/// (`csrf_origin_check::always`, Django 4.0) an Origin header must be this site's or
/// trusted, over plain HTTP too.
///
/// @code
/// auto site = warden::app<warden::route<"/api-auth/login/", warden::login_page>,
///                         warden::route<"/api-auth/logout/", warden::logout_page>, ...>(db, settings);
/// @endcode
#ifndef WARDEN_SESSION_PAGES_HPP
#define WARDEN_SESSION_PAGES_HPP

#include <warden/auth/credentials.hpp>
#include <warden/core/body.hpp>
#include <warden/core/html.hpp>
#include <warden/core/http.hpp>
#include <warden/core/request.hpp>
#include <warden/core/response.hpp>
#include <warden/core/service_tags.hpp>
#include <warden/csrf/cookie.hpp>
#include <warden/csrf/enforce.hpp>
#include <warden/csrf/protect.hpp>
#include <warden/session/cookies.hpp>
#include <warden/session/detail/pages.hpp>
#include <warden/session/login.hpp>
#include <warden/session/redirect.hpp>
#include <warden/store/failure.hpp>
#include <warden/throttle/builtin.hpp>
#include <warden/view/api_view.hpp>
#include <warden/view/dispatch.hpp>

#include <boost/json/object.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace warden {

namespace session::detail {

// A string field of a form body (the parsers give strings); empty when absent.
inline std::optional<std::string> form_field(const boost::json::object& data, std::string_view name) {
    const auto* v = data.if_contains(name);
    if (!v || !v->is_string()) return std::nullopt;
    return std::string(v->get_string());
}

// A page of the login views: the headers every answer of theirs carries.
inline response secured(response r) {
    set_page_security_headers(r, page_policy());
    return r;
}

// 302 to `target`, percent-encoded as Django's HttpResponseRedirect does.
inline response redirect_to(std::string_view target) {
    response r{http::status::found};
    r.set_header(http::field::location, iri_to_uri(target));
    return secured(std::move(r));
}

// Characters of UTF-8 text, as Django counts them for max_length.
inline std::size_t code_points(std::string_view s) noexcept {
    std::size_t n = 0;
    for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

} // namespace session::detail

/// The login page with CSRF origin policy `OriginCheck`; use `login_page`.
template <csrf_origin_check OriginCheck = csrf_origin_check::always>
struct basic_login_page
    : api_view<authentication<basic_csrf_protect<OriginCheck>>, permissions<>, throttles<scoped_rate>,
               parsers<form_parser, multipart_parser>> {
    static constexpr std::string_view name = "Login";
    /// Password guessing is throttled per client, as the other views that check a
    /// password are (`settings.throttle_rates["login"]`, 60 a minute by default).
    static constexpr std::string_view throttle_scope = "login";
    static constexpr std::string_view renders = html_renders;
    static constexpr bool may_block = true;   // PBKDF2
    using requires_services = services<users_tag, sessions_tag>;

    /// Django's AuthenticationForm `invalid_login` message.
    static constexpr std::string_view invalid_login =
        "Please enter a correct username and password. Note that both fields may be case-sensitive.";
    /// Django's username length limit (`User.username`'s max_length).
    static constexpr std::size_t username_max_length = 150;

    template <class Ctx>
    response get(request& req, Ctx& ctx) {
        return page(req, ctx, safe_next_url(req, nullptr), {});
    }

    template <class Ctx>
    response post(request& req, Ctx& ctx) {
        const auto& data = req.data();
        const auto posted_next = session::detail::form_field(data, "next");
        std::string next = safe_next_url(req, posted_next ? &*posted_next : nullptr);

        // Django's AuthenticationForm: the username is stripped, the password is not;
        // a blank field is "required" and the credentials are not checked then.
        session::detail::form_state form;
        std::string username(session::detail::form_field(data, "username").value_or(std::string{}));
        username = std::string(warden::detail::python_strip(username));
        const std::string password = session::detail::form_field(data, "password").value_or(std::string{});
        if (username.empty()) form.username_error = "This field is required.";
        else if (std::size_t n = session::detail::code_points(username); n > username_max_length)
            form.username_error = "Ensure this value has at most 150 characters (it has " + std::to_string(n) + ").";
        if (password.empty()) form.password_error = "This field is required.";
        form.username = username;
        if (!form.username_error.empty() || !form.password_error.empty()) return page(req, ctx, next, form);

        std::error_code ec;
        auto u = check_credentials(ctx.template get<users_tag>(), ctx.settings(), username, password, ec);
        if (ec) raise_store_failure(ec);
        if (!u) {
            form.non_field_errors.emplace_back(invalid_login);
            return page(req, ctx, next, form);
        }
        if ((ec = session::login(req, ctx, u))) raise_store_failure(ec);
        return session::detail::redirect_to(next.empty() ? std::string_view(ctx.settings().login.redirect_url)
                                                         : std::string_view(next));
    }

private:
    template <class Ctx>
    static response page(request& req, Ctx& ctx, std::string_view next, const session::detail::form_state& form) {
        std::string token = csrf::get_token(req, ctx.settings(), ctx.clock().now());
        session::vary_on_cookie(req);
        return session::detail::secured(html(session::detail::login_page_html(req.raw_path(), token, next, form)));
    }
};

/// The logout page with CSRF origin policy `OriginCheck`; use `logout_page`.
template <csrf_origin_check OriginCheck = csrf_origin_check::always>
struct basic_logout_page
    : api_view<authentication<basic_csrf_protect<OriginCheck>>, permissions<>, parsers<form_parser, multipart_parser>> {
    static constexpr std::string_view name = "Logout";
    static constexpr std::string_view renders = html_renders;
    using requires_services = services<sessions_tag>;

    template <class Ctx>
    response get(request& req, Ctx& ctx) {
        std::string token = csrf::get_token(req, ctx.settings(), ctx.clock().now());
        session::vary_on_cookie(req);
        return session::detail::secured(
            html(session::detail::logout_page_html(req.raw_path(), token, safe_next_url(req, nullptr))));
    }

    template <class Ctx>
    response post(request& req, Ctx& ctx) {
        const auto posted_next = session::detail::form_field(req.data(), "next");
        std::string next = safe_next_url(req, posted_next ? &*posted_next : nullptr);
        if (auto ec = session::logout(req, ctx)) raise_store_failure(ec);
        return session::detail::redirect_to(next.empty() ? std::string_view(ctx.settings().login.logout_redirect_url)
                                                         : std::string_view(next));
    }
};

/// Django's LoginView as `rest_framework.urls` routes it (see the file comment).
using login_page = basic_login_page<>;
/// Django's LogoutView, POST only (see the file comment).
using logout_page = basic_logout_page<>;

} // namespace warden

#endif
