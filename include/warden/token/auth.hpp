/// @file
/// `token_auth`: DRF's TokenAuthentication (`Authorization: Token <key>`), with keys
/// stored as digests, optional expiry, and several tokens per user.
#ifndef WARDEN_TOKEN_AUTH_HPP
#define WARDEN_TOKEN_AUTH_HPP

#include <warden/core/detail/ascii.hpp>
#include <warden/auth/detail/header_words.hpp>
#include <warden/core/concepts.hpp>
#include <warden/core/detail/json_write.hpp>
#include <warden/core/fixed_string.hpp>
#include <warden/core/service_tags.hpp>
#include <warden/token/key.hpp>
#include <warden/token/tokens.hpp>

#include <boost/beast/core/string.hpp>

#include <string_view>
#include <system_error>

namespace warden {

/// Token authentication with header keyword `Keyword` (DRF: subclass and set `keyword`).
///
/// Behaviour and messages are DRF's exactly: the keyword matches case-insensitively,
/// the header splits on any whitespace; "Invalid token header. No credentials
/// provided.", "Invalid token header. Token string should not contain spaces.",
/// "Invalid token header. Token string should not contain invalid characters.",
/// "Invalid token.", "User inactive or deleted."; challenge `Keyword`. Beyond DRF: the
/// store holds only SHA-256 digests, compared in constant time; an expired token is
/// "Invalid token." and is deleted; a token store that fails answers 503 with
/// Retry-After. Over DRF's own table (the Django schema mode, docs/django.md) the key
/// is looked up in clear, as DRF does.
///
/// @code
/// struct profile_api : api_view<authentication<token_auth>, permissions<is_authenticated>> { ... };
/// using bearer_token_auth = warden::basic_token_auth<"Bearer">;
/// @endcode
template <fixed_string Keyword>
struct basic_token_auth {
    using policy_kind = authenticator_tag;
    using requires_services = services<tokens_tag>;
    /// Reads the store; the only write, deleting a stale record, may fail harmlessly.
    static constexpr bool store_reads_only = true;
    static constexpr std::string_view challenge = Keyword.view();
    static constexpr std::string_view scheme = "token";

    /// The key a request presents in its `Authorization: <Keyword> <key>` header when it
    /// has the shape of a key warden issues, else empty (the view that revokes the
    /// presented token, `logout_token`, uses it after this authenticator succeeded).
    static std::string_view presented_key(const request& req) noexcept {
        auto words = detail::split_header_words(req.header(http::field::authorization));
        if (words.count != 2 || !warden::detail::iequals(words.first, Keyword.view())) return {};
        return token::is_well_formed_key(words.second) ? words.second : std::string_view{};
    }

    template <class Ctx>
    auth_result authenticate(request& req, Ctx& ctx) const {
        auto words = detail::split_header_words(req.header(http::field::authorization));
        if (words.count == 0 || !warden::detail::iequals(words.first, Keyword.view())) return auth_result::none();
        if (words.count == 1) return fail("Invalid token header. No credentials provided.");
        if (words.count > 2) return fail("Invalid token header. Token string should not contain spaces.");
        std::string_view key = words.second;
        // Keys warden issues are 40 hex characters; anything else cannot match a row
        // (and a well-formed key is ASCII, so only others need the UTF-8 check).
        if (!token::is_well_formed_key(key)) {
            if (!detail::is_valid_utf8(key)) return fail("Invalid token header. Token string should not contain invalid characters.");
            return fail("Invalid token.");
        }

        auto& tokens = ctx.template get<tokens_tag>();
        const auto digest = token::digest_key(key);   // hashed once per request
        std::error_code ec;
        auto found = token::find(tokens, key, digest, ec);
        if (ec) return auth_result::failure(errors::service_unavailable());
        if (!found) return fail("Invalid token.");
        if (found->token.expires_at != 0 && ctx.clock().now_seconds() >= found->token.expires_at) {
            token::revoke(tokens, key, ec);   // refused either way; a failed delete is purged later
            return fail("Invalid token.");
        }
        if (!found->owner || !found->owner->is_active) return fail("User inactive or deleted.");
        // The credential id identifies the token and reveals nothing.
        return auth_result::success(std::move(found->owner),
                                    auth_info{.scheme = scheme, .credential_id = digest_prefix(digest), .expires_at = found->token.expires_at});
    }

private:
    static auth_result fail(const char* message) { return auth_result::failure(errors::authentication_failed(message)); }

    // The first 4 bytes of the digest in hex: 8 characters, within std::string's inline buffer.
    static std::string digest_prefix(const token::key_digest& d) {
        static constexpr char hex[] = "0123456789abcdef";
        char out[8];
        for (std::size_t i = 0; i < 4; ++i) {
            out[2 * i] = hex[d[i] >> 4];
            out[2 * i + 1] = hex[d[i] & 0xf];
        }
        return std::string(out, sizeof out);
    }
};

/// DRF's TokenAuthentication: `Authorization: Token <key>`.
using token_auth = basic_token_auth<"Token">;

} // namespace warden

#endif
