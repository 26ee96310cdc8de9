/// @file
/// `basic_auth`: DRF's BasicAuthentication (`Authorization: Basic base64(user:pass)`).
#ifndef WARDEN_AUTH_BASIC_AUTH_HPP
#define WARDEN_AUTH_BASIC_AUTH_HPP

#include <warden/core/detail/ascii.hpp>
#include <warden/auth/credentials.hpp>
#include <warden/auth/detail/header_words.hpp>
#include <warden/core/concepts.hpp>
#include <warden/core/detail/json_write.hpp>
#include <warden/core/service_tags.hpp>
#include <warden/crypto/base64.hpp>

#include <boost/beast/core/string.hpp>

#include <openssl/crypto.h>

#include <string>
#include <string_view>
#include <system_error>

namespace warden {

/// HTTP Basic authentication with DRF's messages: "Invalid basic header. No
/// credentials provided.", "Invalid basic header. Credentials string should not
/// contain spaces.", "Invalid basic header. Credentials not correctly base64
/// encoded.", "Invalid username/password.", "User inactive or deleted."; challenge
/// `Basic realm="api"`.
///
/// Every request runs PBKDF2 on the password, so the server handles these routes on
/// its blocking pool (`may_block`). Base64 is decoded strictly (RFC 4648 with
/// padding); DRF's decoder also skips stray characters. A user store that fails
/// answers 503 with Retry-After.
struct basic_auth {
    using policy_kind = authenticator_tag;
    using requires_services = services<users_tag>;
    static constexpr bool may_block = true;
    static constexpr std::string_view challenge = "Basic realm=\"api\"";
    static constexpr std::string_view scheme = "basic";

    template <class Ctx>
    auth_result authenticate(request& req, Ctx& ctx) const {
        auto words = detail::split_header_words(req.header(http::field::authorization));
        if (words.count == 0 || !warden::detail::iequals(words.first, "basic")) return auth_result::none();
        if (words.count == 1) return fail("Invalid basic header. No credentials provided.");
        if (words.count > 2) return fail("Invalid basic header. Credentials string should not contain spaces.");
        std::string decoded;
        if (crypto::base64_decode(words.second, decoded)) return fail("Invalid basic header. Credentials not correctly base64 encoded.");
        if (!detail::is_valid_utf8(decoded)) decoded = latin1_to_utf8(decoded);   // DRF falls back to latin-1
        auto colon = decoded.find(':');
        std::string_view username = std::string_view(decoded).substr(0, colon);
        std::string_view password = colon == std::string::npos ? std::string_view{} : std::string_view(decoded).substr(colon + 1);
        std::error_code ec;
        auto u = check_credentials(ctx.template get<users_tag>(), ctx.settings(), username, password, ec);
        if (ec) return auth_result::failure(errors::service_unavailable());
        OPENSSL_cleanse(decoded.data(), decoded.size());
        if (!u) return fail("Invalid username/password.");
        if (!u->is_active) return fail("User inactive or deleted.");
        return auth_result::success(std::move(u), auth_info{.scheme = scheme});
    }

private:
    static auth_result fail(const char* message) { return auth_result::failure(errors::authentication_failed(message)); }

    static std::string latin1_to_utf8(std::string_view s) {
        std::string out;
        out.reserve(s.size() * 2);
        for (unsigned char c : s) {
            if (c < 0x80) out.push_back(static_cast<char>(c));
            else { out.push_back(static_cast<char>(0xC0 | (c >> 6))); out.push_back(static_cast<char>(0x80 | (c & 0x3F))); }
        }
        return out;
    }
};

} // namespace warden

#endif
