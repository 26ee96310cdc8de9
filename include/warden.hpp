/// @file
/// Everything warden offers: views and policies (warden/view.hpp), the app
/// (warden/app.hpp), the server (warden/server.hpp), the stores (memory and SQLite,
/// and the adaptor every store is built on), and every authentication scheme with its
/// views: basic, token, session with CSRF, and JWT. Not included: the in-process test
/// clients (warden/test/) and the network stores, which need their client libraries
/// (warden/postgres.hpp with `warden::postgres`, warden/redis.hpp with `warden::redis`).
///
/// @code
/// #include <warden.hpp>
/// using namespace warden;
/// struct profile_api : api_view<authentication<token_auth>, permissions<is_authenticated>> {
///     response get(request& req) { return json({{"username", req.user().username}}); }
/// };
/// int main() {
///     sqlite_store db{"warden.db"};
///     auto site = app<route<"/api/profile/", profile_api>, route<"/api/token-auth/", obtain_auth_token>>(db);
///     return serve(site, {.port = 8000});
/// }
/// @endcode
#ifndef WARDEN_HPP
#define WARDEN_HPP

#include <warden/app.hpp>
#include <warden/server.hpp>
#include <warden/sqlite.hpp>
#include <warden/view.hpp>

#include <warden/auth/basic_auth.hpp>
#include <warden/auth/credentials.hpp>
#include <warden/core/html.hpp>
#include <warden/core/http_date.hpp>
#include <warden/crypto/base64.hpp>
#include <warden/crypto/compare.hpp>
#include <warden/crypto/digest.hpp>
#include <warden/crypto/error.hpp>
#include <warden/crypto/hmac.hpp>
#include <warden/crypto/password.hpp>
#include <warden/crypto/pbkdf2.hpp>
#include <warden/crypto/random.hpp>
#include <warden/csrf/check.hpp>
#include <warden/csrf/cookie.hpp>
#include <warden/csrf/enforce.hpp>
#include <warden/csrf/protect.hpp>
#include <warden/csrf/token.hpp>
#include <warden/jwt/algorithm.hpp>
#include <warden/jwt/auth.hpp>
#include <warden/jwt/blacklist.hpp>
#include <warden/jwt/cookies.hpp>
#include <warden/jwt/error.hpp>
#include <warden/jwt/jwks.hpp>
#include <warden/jwt/jws.hpp>
#include <warden/jwt/jwt.hpp>
#include <warden/jwt/key.hpp>
#include <warden/jwt/key_service.hpp>
#include <warden/jwt/key_set.hpp>
#include <warden/jwt/simplejwt.hpp>
#include <warden/jwt/views.hpp>
#include <warden/session/auth.hpp>
#include <warden/session/auth_hash.hpp>
#include <warden/session/cookies.hpp>
#include <warden/session/key.hpp>
#include <warden/session/login.hpp>
#include <warden/session/pages.hpp>
#include <warden/session/redirect.hpp>
#include <warden/session/views.hpp>
#include <warden/store/basic_store.hpp>
#include <warden/store/failure.hpp>
#include <warden/store/key_digest.hpp>
#include <warden/store/memory_store.hpp>
#include <warden/token/auth.hpp>
#include <warden/token/key.hpp>
#include <warden/token/logout.hpp>
#include <warden/token/obtain.hpp>
#include <warden/token/tokens.hpp>
#include <warden/view/static_files.hpp>

#include <boost/json/serialize.hpp>

#endif
