/// @file
/// Declaring views and policies: requests and responses, `json()`, `api_view` and the
/// policy lists, the dispatch pipeline, the built-in permissions and their combinators,
/// object permissions, and the rate throttles.
///
/// Light on purpose: no Asio, OpenSSL, SQLite or Boost.JSON (tests/headers/ fails to
/// build if that changes), so headers that declare views stay cheap to include.
/// Authenticators come with their schemes (warden/auth/basic_auth.hpp,
/// warden/token/auth.hpp, warden/session/auth.hpp, warden/jwt/auth.hpp), the app with
/// warden/app.hpp, the server with warden/server.hpp; `<warden.hpp>` has everything.
///
/// @code
/// #include <warden/view.hpp>
/// struct notes_api : warden::api_view<warden::permissions<warden::is_authenticated_or_read_only>,
///                                     warden::throttles<warden::user_rate<"100/hour">>> {
///     warden::response get(warden::request& req);   // defined where the notes are
/// };
/// @endcode
#ifndef WARDEN_VIEW_UMBRELLA_HPP
#define WARDEN_VIEW_UMBRELLA_HPP

#include <warden/core/api_error.hpp>
#include <warden/core/clock.hpp>
#include <warden/core/concepts.hpp>
#include <warden/core/cookie.hpp>
#include <warden/core/fixed_string.hpp>
#include <warden/core/http.hpp>
#include <warden/core/identity.hpp>
#include <warden/core/json.hpp>
#include <warden/core/policy.hpp>
#include <warden/core/request.hpp>
#include <warden/core/response.hpp>
#include <warden/core/service_tags.hpp>
#include <warden/core/settings.hpp>
#include <warden/permissions/builtin.hpp>
#include <warden/permissions/combinators.hpp>
#include <warden/throttle/builtin.hpp>
#include <warden/throttle/rate.hpp>
#include <warden/view/api_view.hpp>
#include <warden/view/dispatch.hpp>
#include <warden/view/lazy_body.hpp>
#include <warden/view/object_permissions.hpp>
#include <warden/view/policy.hpp>
#include <warden/view/traits.hpp>

#endif
