// What simplejwt's views (and the cookie views built on them) share: their 401 answers
// (with the Bearer challenge), the OPTIONS metadata of their fields, minting a token for
// a user, reading and checking the token a request presents (refresh, verify,
// blacklist), and the obtain and refresh steps themselves.
#ifndef WARDEN_JWT_DETAIL_VIEWS_HPP
#define WARDEN_JWT_DETAIL_VIEWS_HPP

#include <warden/auth/credentials.hpp>
#include <warden/core/body.hpp>
#include <warden/core/detail/json_write.hpp>
#include <warden/core/detail/type_list.hpp>
#include <warden/core/fields.hpp>
#include <warden/core/identity.hpp>
#include <warden/core/json.hpp>
#include <warden/core/request.hpp>
#include <warden/core/response.hpp>
#include <warden/core/service_tags.hpp>
#include <warden/jwt/auth.hpp>
#include <warden/jwt/blacklist.hpp>
#include <warden/jwt/jwt.hpp>
#include <warden/jwt/key_service.hpp>
#include <warden/jwt/simplejwt.hpp>
#include <warden/store/failure.hpp>
#include <warden/store/user_updates.hpp>

#include <boost/json/object.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace warden::jwt::detail {

// A 401 of simplejwt's views: they always name the Bearer challenge.
inline response unauthorized(std::string body, const key_service& k) {
    response r{http::status::unauthorized, std::move(body)};
    r.set_header(http::field::www_authenticate, k.challenge());
    return r;
}

// TokenViewBase.post: `except TokenError as e: raise InvalidToken(e.args[0])`.
inline response invalid_token(std::error_code ec, const key_service& k) {
    std::string body = "{\"detail\":";
    warden::detail::append_json_string(body, simplejwt_message(ec, k.config()));
    body.append(",\"code\":");
    warden::detail::append_json_string(body, token_not_valid_code);
    body.push_back('}');
    return unauthorized(std::move(body), k);
}

// DRF's exceptions.AuthenticationFailed from a serializer: {"detail": ...} only.
inline response no_active_account(std::string_view message, const key_service& k) {
    std::string body = "{\"detail\":";
    warden::detail::append_json_string(body, message);
    body.push_back('}');
    return unauthorized(std::move(body), k);
}

inline constexpr std::string_view obtain_failed = "No active account found with the given credentials";
inline constexpr std::string_view refresh_user_gone = "No active account found for the given token.";

// DRF's SimpleMetadata for a GenericAPIView: name, description, renders, parses, and the
// POST serializer's fields as `actions` (pre-rendered JSON members).
template <class... Ps>
response options_metadata(std::string_view name, std::string_view description, std::string_view fields,
                          warden::detail::type_list<Ps...>) {
    std::string body = "{\"name\":";
    warden::detail::append_json_string(body, name);
    body.append(",\"description\":");
    warden::detail::append_json_string(body, description);
    body.append(",\"renders\":[\"application/json\"],\"parses\":[");
    bool first = true;
    ((body.append(first ? "" : ","), warden::detail::append_json_string(body, Ps::media_type), first = false), ...);
    body.append("],\"actions\":{\"POST\":{");
    body.append(fields);
    body.append("}}}");
    return response{http::status::ok, std::move(body)};
}

#define WARDEN_JWT_DETAIL_FIELD(NAME, LABEL) \
    "\"" NAME "\":{\"type\":\"string\",\"required\":true,\"read_only\":false,\"label\":\"" LABEL "\"}"
inline constexpr std::string_view credential_fields = WARDEN_JWT_DETAIL_FIELD("username", "Username") "," WARDEN_JWT_DETAIL_FIELD("password", "Password");
inline constexpr std::string_view refresh_fields =
    WARDEN_JWT_DETAIL_FIELD("refresh", "Refresh") ",\"access\":{\"type\":\"string\",\"required\":false,\"read_only\":true,\"label\":\"Access\"}";
inline constexpr std::string_view blacklist_fields = WARDEN_JWT_DETAIL_FIELD("refresh", "Refresh");
inline constexpr std::string_view token_fields = WARDEN_JWT_DETAIL_FIELD("token", "Token");
#undef WARDEN_JWT_DETAIL_FIELD

// The still-active user a refresh or sliding token belongs to, or null (warden's
// addition to simplejwt 5.2's refresh). A store failure raises the 503.
template <class Users>
std::shared_ptr<const user> active_owner(Users& users, const boost::json::object& payload, const settings& cfg) {
    auto it = payload.find(cfg.user_id_claim);
    if (it == payload.end()) return nullptr;
    std::error_code ec;
    auto u = find_token_user(users, it->value(), cfg, ec);
    if (ec) raise_store_failure(ec);
    return u && u->is_active ? u : nullptr;
}

// `RefreshToken.for_user(user)` / `SlidingToken.for_user(user)` with the blacklist app:
// the new token, recorded as outstanding.
template <class Ctx>
token issue_for(token_type t, const user& u, const key_service& k, Ctx& ctx) {
    const settings& cfg = k.config();
    const auto now = ctx.clock().now();
    token tok = cfg.user_id_field == "username" ? token::for_user(t, std::string_view(u.username), cfg, now)
                                                : token::for_user(t, u.id, cfg, now);
    if (auto ec = record_outstanding(ctx.template get<jwt_blacklist_tag>(), tok.payload(), u.id, cfg, jwt::detail::unix_seconds(now)))
        raise_store_failure(ec);
    return tok;
}

// Django's update_last_login, when UPDATE_LAST_LOGIN is on.
template <class Ctx>
void update_last_login(const user& u, const settings& cfg, Ctx& ctx) {
    if (!cfg.update_last_login) return;
    if (auto ec = record_login(ctx.template get<users_tag>(), u, ctx.clock().now_seconds())) raise_store_failure(ec);
}

// The obtain serializers' fields and authenticate(): the user, or the response to send.
template <class Ctx>
std::shared_ptr<const user> obtain_user(request& req, Ctx& ctx, const key_service& k, std::optional<response>& refused) {
    field_errors errs;
    auto username = char_field(req.data(), "username", errs);
    auto password = char_field(req.data(), "password", errs);   // PasswordField trims too
    if (errs) {
        refused = errs.response();
        return nullptr;
    }
    std::error_code ec;
    auto u = check_credentials(ctx.template get<users_tag>(), ctx.settings(), *username, *password, ec);
    if (ec) raise_store_failure(ec);
    if (!u) refused = no_active_account(obtain_failed, k);
    return u;
}

// Token `raw` decoded and checked in simplejwt's order (signature and expiry,
// blacklist, type) into `c`; or the 401 refusing it. A store failure raises the 503.
template <class Ctx>
std::optional<response> read_token(std::string_view raw, Ctx& ctx, const key_service& k, token_type type, claims& c) {
    if (auto ec = k.backend().decode(raw, c, ctx.clock().now())) return invalid_token(ec, k);
    if (auto ec = check_blacklist(ctx.template get<jwt_blacklist_tag>(), c, k.config())) {
        if (is_store_failure(ec)) raise_store_failure(ec);
        return invalid_token(ec, k);
    }
    if (auto ec = verify_token_claims(c, type, k.config())) return invalid_token(ec, k);
    return std::nullopt;
}

// The posted token field `field`, read as `read_token` does; or the response refusing
// it (field errors 400, an invalid token 401).
template <class Ctx>
std::optional<response> read_posted_token(request& req, Ctx& ctx, const key_service& k, std::string_view field, token_type type,
                                          claims& c) {
    field_errors errs;
    auto raw = char_field(req.data(), field, errs);
    if (errs) return errs.response();
    return read_token(*raw, ctx, k, type, c);
}

// Tokens a view hands out: the signed refresh token (empty when a refresh does not
// rotate it) and access token, with their `exp`.
struct issued_tokens {
    std::shared_ptr<const user> owner;
    std::string refresh, access;
    std::int64_t refresh_exp = 0, access_exp = 0;
};

inline std::int64_t exp_of(const token& t) noexcept {
    std::int64_t v = 0;
    if (const auto* e = t.payload().if_contains("exp")) (void)numeric_date(*e, v);
    return v;
}

// TokenObtainPairSerializer: the credentials checked, a refresh token recorded as
// outstanding and its access token; or the response refusing the credentials.
template <class Ctx>
std::optional<issued_tokens> obtain_pair(request& req, Ctx& ctx, const key_service& k, std::optional<response>& refused) {
    auto u = obtain_user(req, ctx, k, refused);
    if (!u) return std::nullopt;
    token refresh = issue_for(token_type::refresh, *u, k, ctx);
    token access = refresh.access_token(k.config());
    issued_tokens out{u, k.encode(refresh), k.encode(access), exp_of(refresh), exp_of(access)};
    update_last_login(*u, k.config(), ctx);
    return out;
}

// TokenRefreshSerializer for the checked refresh token `c`: its owner must still be
// active; a new access token; with ROTATE_REFRESH_TOKENS a new refresh token recorded
// as outstanding (the old one blacklisted first with BLACKLIST_AFTER_ROTATION, so of
// two concurrent refreshes only one succeeds). Or the response refusing it; a store
// failure raises the 503.
template <class Ctx>
std::optional<issued_tokens> refresh_pair(const claims& c, Ctx& ctx, const key_service& k, std::optional<response>& refused) {
    const settings& cfg = k.config();
    auto& blacklist_store = ctx.template get<jwt_blacklist_tag>();
    const auto now = ctx.clock().now();
    auto owner = active_owner(ctx.template get<users_tag>(), c.object(), cfg);
    if (!owner) {
        refused = no_active_account(refresh_user_gone, k);
        return std::nullopt;
    }
    token refresh = token::from_claims(token_type::refresh, c.to_object(), now);
    token access = refresh.access_token(cfg);
    issued_tokens out{owner, {}, k.encode(access), 0, exp_of(access)};
    if (!cfg.rotate_refresh_tokens) return out;
    const std::int64_t now_s = jwt::detail::unix_seconds(now);
    std::error_code ec;
    if (cfg.blacklist_after_rotation && !blacklist(blacklist_store, refresh.payload(), cfg, now_s, ec)) {
        if (ec) raise_store_failure(ec);
        refused = invalid_token(errc::blacklisted, k);   // rotated concurrently
        return std::nullopt;
    }
    refresh.set_jti(cfg);
    refresh.set_exp(cfg);
    refresh.set_iat();
    if ((ec = record_outstanding(blacklist_store, refresh.payload(), owner->id, cfg, now_s))) raise_store_failure(ec);
    out.refresh = k.encode(refresh);
    out.refresh_exp = exp_of(refresh);
    return out;
}

} // namespace warden::jwt::detail

#endif
