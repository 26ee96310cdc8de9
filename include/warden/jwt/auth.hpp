/// @file
/// `jwt_auth`: simplejwt's JWTAuthentication (`Authorization: Bearer <JWT>`), and
/// `jwt_stateless_auth`, its JWTStatelessUserAuthentication (the user comes from the
/// token's claims, no store lookup), and `cookie_auth`, the same with the token in an
/// HttpOnly cookie.
#ifndef WARDEN_JWT_AUTH_HPP
#define WARDEN_JWT_AUTH_HPP

#include <warden/auth/detail/header_words.hpp>
#include <warden/core/api_error.hpp>
#include <warden/core/concepts.hpp>
#include <warden/core/detail/json_write.hpp>
#include <warden/core/identity.hpp>
#include <warden/core/request.hpp>
#include <warden/core/service_tags.hpp>
#include <warden/csrf/enforce.hpp>
#include <warden/jwt/blacklist.hpp>
#include <warden/jwt/jwt.hpp>
#include <warden/jwt/key_service.hpp>
#include <warden/jwt/simplejwt.hpp>
#include <warden/store/failure.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <charconv>
#include <concepts>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

namespace warden::jwt {

/// Variants of the JWT authenticator (a template argument: each choice is compiled in).
struct auth_options {
    /// Build the user from the token's claims instead of loading it from the user
    /// store (simplejwt's JWTStatelessUserAuthentication): `id` from the user id claim,
    /// `username`, `email`, `is_staff`, `is_superuser` from claims of those names,
    /// always active. For services that trust the issuer and have no user table.
    bool stateless = false;
    /// Beyond simplejwt: consult the blacklist for every token type, so access tokens
    /// revoked with `jwt::revoke()` are refused until they expire. Costs one store
    /// lookup per request and makes the authenticator need the blacklist store.
    bool check_revoked = false;
    /// Read the access token from the HttpOnly cookie `settings.cookies.access_name`
    /// instead of the `Authorization` header (warden/jwt/cookies.hpp). A cookie is
    /// sent by the browser on its own, so, as for sessions, an unsafe request it
    /// authenticates must pass Django's CSRF checks (with `csrf_origin`), and there is
    /// no challenge: a view whose first authenticator this is answers 403, not 401.
    bool from_cookie = false;
    /// The CSRF origin policy of `from_cookie` (as `basic_session_auth`'s).
    csrf_origin_check csrf_origin = csrf_origin_check::always;
};

namespace detail {

// The claims a request was authenticated with and its user, in one allocation; the
// request's user pointer aliases into it, so `auth().claims` lives as long as the user.
struct jwt_identity {
    std::shared_ptr<const user> owner;   // the stored user (stateful), or null
    user from_claims;                    // the stateless user
    boost::json::object claims;
};

// A user id written as a string: Django converts "42" (and "+42") to 42.
inline std::optional<std::int64_t> user_id_from_string(std::string_view t) noexcept {
    if (!t.empty() && t.front() == '+') t.remove_prefix(1);
    std::int64_t out = 0;
    auto r = std::from_chars(t.data(), t.data() + t.size(), out);
    if (!t.empty() && r.ec == std::errc{} && r.ptr == t.data() + t.size()) return out;
    return std::nullopt;
}

// Django's `User.objects.get(id=value)` for the values a token can carry: an integer,
// or a string holding one (Django converts it). Anything else finds nobody (Django
// would answer some of them with a 500).
inline std::optional<std::int64_t> user_id_value(const boost::json::value& v) noexcept {
    if (auto i = v.if_int64()) return *i;
    if (auto u = v.if_uint64()) {
        if (*u <= static_cast<std::uint64_t>(INT64_MAX)) return static_cast<std::int64_t>(*u);
        return std::nullopt;
    }
    if (auto s = v.if_string()) return user_id_from_string(*s);
    return std::nullopt;
}

// The same for the claim `name` of verified claims, read from their table.
inline std::optional<std::int64_t> user_id_value(const claims& c, std::string_view name) noexcept {
    if (auto i = c.integer_claim(name)) return i;
    if (auto s = c.string_claim(name)) return user_id_from_string(*s);
    return std::nullopt;
}

// find_token_user once the claim is read: `name` when it is a string, `id` as above.
template <class Users>
std::shared_ptr<const user> find_token_user_by(Users& users, std::optional<std::string_view> name,
                                               std::optional<std::int64_t> id, const settings& cfg, std::error_code& ec) {
    ec.clear();
    if (cfg.user_id_field == "username") return name ? users.find_user_by_username(*name, ec) : nullptr;
    return id ? users.find_user(*id, ec) : nullptr;
}

// simplejwt's error bodies: {"detail": ..., "code": ...[, "messages": [...]]}.
inline api_error simplejwt_failure(std::string_view detail, std::string_view code, const boost::json::array* messages = nullptr) {
    api_error e = errors::authentication_failed(std::string(detail));
    e.code = code;
    std::string body = "{\"detail\":";
    warden::detail::append_json_string(body, detail);
    body.append(",\"code\":");
    warden::detail::append_json_string(body, code);
    if (messages) {
        body.append(",\"messages\":");
        body.append(boost::json::serialize(*messages));
    }
    body.push_back('}');
    e.body = std::move(body);
    return e;
}

} // namespace detail

/// The user a token's user id claim value names, as simplejwt's
/// `User.objects.get(**{USER_ID_FIELD: user_id})`: by id (an integer, or a string
/// holding one, which Django converts) or, with `user_id_field` "username", by
/// username. Null when there is none (including values Django would answer with a
/// 500), or with `ec` set when the user store failed.
template <class Users>
std::shared_ptr<const user> find_token_user(Users& users, const boost::json::value& id, const settings& cfg,
                                            std::error_code& ec) {
    std::optional<std::string_view> name;
    if (const auto* s = id.if_string()) name = *s;
    return detail::find_token_user_by(users, name, detail::user_id_value(id), cfg, ec);
}

/// `find_token_user` for the user id claim (`settings::user_id_claim`) of verified
/// claims, read from their table.
template <class Users>
std::shared_ptr<const user> find_token_user(Users& users, const claims& c, const settings& cfg, std::error_code& ec) {
    return detail::find_token_user_by(users, c.string_claim(cfg.user_id_claim), detail::user_id_value(c, cfg.user_id_claim),
                                      cfg, ec);
}

/// simplejwt 5.2's JWTAuthentication; use `jwt_auth`, `jwt_stateless_auth` or
/// `revocable_jwt_auth`.
///
/// Per request, exactly as simplejwt (messages, codes and order):
/// - no `Authorization` header, an empty one, or one whose first word is not one of
///   `AUTH_HEADER_TYPES` (exact, case-sensitive: "bearer" is not "Bearer"): no
///   credentials, the next authenticator is tried;
/// - not exactly two words (split on runs of whitespace): 401 `{"detail":
///   "Authorization header must contain two space-delimited values", "code":
///   "bad_authorization_header"}`;
/// - a token valid for none of `AUTH_TOKEN_CLASSES` (signature, `exp`, the
///   blacklist for refresh and sliding types, `jti`, `token_type`): 401 `{"detail":
///   "Given token not valid for any token type", "code": "token_not_valid",
///   "messages": [{"token_class": "AccessToken", "token_type": "access", "message":
///   "Token is invalid or expired"}, ...]}`;
/// - no user id claim: 401 `{"detail": "Token contained no recognizable user
///   identification", "code": "token_not_valid"}`;
/// - (stateful) no such user: 401 `{"detail": "User not found", "code":
///   "user_not_found"}`; a switched-off user: `{"detail": "User is inactive", "code":
///   "user_inactive"}`;
/// - a user or blacklist store that fails: 503 with Retry-After (never "not
///   blacklisted" or "user not found").
/// The challenge is `<AUTH_HEADER_TYPES[0]> realm="api"` (`Bearer realm="api"`).
///
/// On success `req.auth()` has scheme "jwt", `credential_id` the token's `jti`,
/// `expires_at` its `exp` and `claims` the validated claims (valid while the request's
/// user is). Every check of jwt.hpp and simplejwt.hpp applies (warden is stricter than
/// PyJWT; see docs/jwt.md); no malformed header or token, of any size or bytes, gets
/// anything but these answers.
///
/// Services: `jwt_keys_tag` (a `jwt::key_service`); the stateful variant also `users_tag` and
/// `jwt_blacklist_tag` (refresh and sliding tokens are checked against the blacklist,
/// as simplejwt does with its blacklist app); `check_revoked` needs the blacklist too.
/// A route whose store blocks (SQLite) therefore runs off the I/O threads; the
/// stateless variant without `check_revoked` touches no store.
///
/// @code
/// struct profile_api : warden::api_view<warden::authentication<warden::jwt::jwt_auth>,
///                                       warden::permissions<warden::is_authenticated>> {
///     warden::response get(warden::request& req) {
///         return warden::json({{"username", req.user().username}, {"jti", req.auth().credential_id}});
///     }
/// };
/// @endcode
template <auth_options Options = auth_options{}>
class basic_jwt_auth {
public:
    using policy_kind = authenticator_tag;
    using requires_services = std::conditional_t<
        Options.stateless,
        std::conditional_t<Options.check_revoked, services<jwt_keys_tag, jwt_blacklist_tag>, services<jwt_keys_tag>>,
        services<jwt_keys_tag, users_tag, jwt_blacklist_tag>>;
    /// Reads the user and the blacklist, never writes.
    static constexpr bool store_reads_only = true;
    static constexpr std::string_view scheme = "jwt";

    basic_jwt_auth() = default;

    /// Configured once from the app context (`from_cookie` only): parses the CSRF
    /// trusted origins. @throws std::invalid_argument naming a malformed entry of
    /// `settings.csrf.trusted_origins`.
    template <class Ctx>
        requires(Options.from_cookie && requires(const Ctx& c) { { c.settings() } -> std::convertible_to<const warden::settings&>; })
    explicit basic_jwt_auth(const Ctx& ctx)
        : csrf_(std::make_shared<const csrf::config>(csrf::config_from(ctx.settings(), Options.csrf_origin))) {}

    /// `Bearer realm="api"` (the first of AUTH_HEADER_TYPES); none when `from_cookie`.
    template <class Ctx>
        requires(!Options.from_cookie)
    std::string challenge(const Ctx& ctx) const {
        return ctx.template get<jwt_keys_tag>().challenge();
    }

    /// The token of the `Authorization` header (see the class comment).
    template <class Ctx>
        requires(!Options.from_cookie)
    auth_result authenticate(request& req, Ctx& ctx) const {
        const key_service& k = ctx.template get<jwt_keys_tag>();
        const settings& cfg = k.config();
        auto words = warden::detail::split_header_words(req.header(http::field::authorization));
        if (words.count == 0 || !is_header_type(cfg, words.first)) return auth_result::none();
        if (words.count != 2)
            return auth_result::failure(detail::simplejwt_failure("Authorization header must contain two space-delimited values",
                                                                  "bad_authorization_header"));
        return authenticate_token(words.second, ctx, k);
    }

    /// The token of the access cookie (`from_cookie`): no cookie (or an empty one) is
    /// no credentials; a token is checked as a header's is; then an unsafe request
    /// must pass Django's CSRF checks (`csrf::enforce`, the form field read through
    /// `body`): 403 `{"detail": "CSRF Failed: ..."}` otherwise.
    template <class Ctx, class Body>
        requires(Options.from_cookie)
    auth_result authenticate(request& req, Ctx& ctx, Body& body) const {
        const key_service& k = ctx.template get<jwt_keys_tag>();
        auto raw = req.find_cookie(k.config().cookies.access_name);
        if (!raw || raw->empty()) return auth_result::none();
        auth_result r = authenticate_token(*raw, ctx, k);
        if (!r.succeeded()) return r;
        if (auto refused = csrf::refuse(req, ctx.settings(), csrf_.get(), Options.csrf_origin, body))
            return auth_result::failure(std::move(*refused));
        return r;
    }

    /// Checks `raw` as simplejwt's `get_validated_token` and `get_user` do (every
    /// token type of AUTH_TOKEN_CLASSES, the blacklist, the user), wherever the token
    /// came from.
    template <class Ctx>
    static auth_result authenticate_token(std::string_view raw, Ctx& ctx, const key_service& k) {
        const settings& cfg = k.config();
        const auto now = ctx.clock().now();
        claims c;
        std::error_code decoded = k.backend().decode(raw, c, now);
        std::optional<boost::json::array> messages;
        bool valid = false;
        for (token_type t : cfg.auth_token_types) {
            std::error_code ec = decoded;
            if (!ec && uses_blacklist(t)) {
                ec = check_revoked(ctx, c, cfg);
                if (is_store_failure(ec)) return auth_result::failure(errors::service_unavailable());
            }
            if (!ec) ec = verify_token_claims(c, t, cfg);
            if (!ec) {
                valid = true;
                break;
            }
            if (!messages) messages.emplace();
            messages->emplace_back(simplejwt_message_entry(t, ec, cfg));
        }
        if (!valid) {
            boost::json::array none;
            return auth_result::failure(detail::simplejwt_failure("Given token not valid for any token type",
                                                                  token_not_valid_code, messages ? &*messages : &none));
        }
        return identify(c, cfg, ctx);
    }

private:
    static bool is_header_type(const settings& cfg, std::string_view word) noexcept {
        for (const auto& t : cfg.auth_header_types)
            if (word == t) return true;
        return false;
    }

    // simplejwt's BlacklistMixin covers refresh and sliding tokens; `check_revoked`
    // extends the check to access tokens.
    static constexpr bool uses_blacklist(token_type t) noexcept {
        if constexpr (Options.check_revoked) return true;
        else if constexpr (!Options.stateless) return t == token_type::refresh || t == token_type::sliding;
        else return false;
    }

    template <class Ctx>
    static std::error_code check_revoked(Ctx& ctx, const claims& c, const settings& cfg) {
        if constexpr (Options.check_revoked || !Options.stateless)
            return check_blacklist(ctx.template get<jwt_blacklist_tag>(), c, cfg);
        else
            return {};
    }

    // The user the claims name; then `auth().claims`, which core's auth_info holds as a
    // built object, so the DOM is made here (once, straight from the payload text).
    template <class Ctx>
    static auth_result identify(const claims& c, const settings& cfg, Ctx& ctx) {
        if (!c.contains(cfg.user_id_claim))
            return auth_result::failure(
                detail::simplejwt_failure("Token contained no recognizable user identification", token_not_valid_code));
        auto holder = std::make_shared<detail::jwt_identity>();
        const user* who = nullptr;
        if constexpr (Options.stateless) {
            if (!stateless_user(c, cfg, holder->from_claims))
                return auth_result::failure(
                    detail::simplejwt_failure("Token contained no recognizable user identification", token_not_valid_code));
            who = &holder->from_claims;
        } else {
            std::error_code ec;
            auto found = find_token_user(ctx.template get<users_tag>(), c, cfg, ec);
            if (ec) return auth_result::failure(errors::service_unavailable());
            if (!found) return auth_result::failure(detail::simplejwt_failure("User not found", "user_not_found"));
            if (!found->is_active) return auth_result::failure(detail::simplejwt_failure("User is inactive", "user_inactive"));
            who = found.get();
            holder->owner = std::move(found);
        }
        holder->claims = c.to_object();
        auth_info info;
        info.scheme = scheme;
        if (auto jti = jti_of(c, cfg)) info.credential_id = std::move(*jti);
        if (const auto* exp = holder->claims.if_contains("exp")) (void)detail::numeric_date(*exp, info.expires_at);
        info.claims = &holder->claims;
        std::shared_ptr<const user> u(holder, who);
        return auth_result::success(std::move(u), std::move(info));
    }

    // simplejwt's TokenUser: id from the user id claim (the username when USER_ID_FIELD
    // is "username"), the rest from claims of the same names when present; always
    // active (simplejwt never issues tokens to inactive users).
    static bool stateless_user(const claims& c, const settings& cfg, user& u) {
        if (cfg.user_id_field == "username") {
            auto name = c.string_claim(cfg.user_id_claim);
            if (!name || name->empty()) return false;
            u.username = std::string(*name);
        } else {
            auto n = detail::user_id_value(c, cfg.user_id_claim);
            if (!n) return false;
            u.id = *n;
            if (auto v = c.string_claim("username")) u.username = std::string(*v);
        }
        if (auto v = c.string_claim("email")) u.email = std::string(*v);
        if (auto v = c.bool_claim("is_staff")) u.is_staff = *v;
        if (auto v = c.bool_claim("is_superuser")) u.is_superuser = *v;
        u.is_active = true;
        return true;
    }

    // The CSRF checks' configuration of a cookie authenticator (nothing otherwise).
    struct no_state {};
    [[no_unique_address]] std::conditional_t<Options.from_cookie, std::shared_ptr<const csrf::config>, no_state> csrf_;
};

/// simplejwt's JWTAuthentication: the user is loaded from the user store.
using jwt_auth = basic_jwt_auth<>;

/// simplejwt's JWTStatelessUserAuthentication (JWTTokenUserAuthentication): the user is
/// built from the token's claims, with no store lookup.
using jwt_stateless_auth = basic_jwt_auth<auth_options{.stateless = true}>;

/// `jwt_auth` that also refuses access tokens revoked with `jwt::revoke()`.
using revocable_jwt_auth = basic_jwt_auth<auth_options{.check_revoked = true}>;

/// The JWT-in-cookie authenticator: the access token from the HttpOnly cookie
/// `settings.cookies.access_name`, CSRF enforced on the unsafe requests it
/// authenticates, revoked tokens refused (the cookie logout revokes the access token
/// it clears). See warden/jwt/cookies.hpp for the views that set the cookies.
using cookie_auth = basic_jwt_auth<auth_options{.check_revoked = true, .from_cookie = true}>;

} // namespace warden::jwt

#endif
