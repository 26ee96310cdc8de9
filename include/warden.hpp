/// @file
/// The umbrella header: everything warden offers.
#ifndef WARDEN_HPP
#define WARDEN_HPP

#include <warden/core/api_error.hpp>
#include <warden/core/body.hpp>
#include <warden/core/clock.hpp>
#include <warden/core/cookie.hpp>
#include <warden/core/fixed_string.hpp>
#include <warden/core/http.hpp>
#include <warden/core/json.hpp>
#include <warden/core/request.hpp>
#include <warden/core/response.hpp>
#include <warden/core/settings.hpp>
#include <warden/core/concepts.hpp>
#include <warden/core/identity.hpp>
#include <warden/permissions/builtin.hpp>
#include <warden/permissions/combinators.hpp>
#include <warden/throttle/builtin.hpp>
#include <warden/throttle/rate.hpp>
#include <warden/view/api_view.hpp>
#include <warden/view/dispatch.hpp>
#include <warden/view/object_permissions.hpp>
#include <warden/view/policy.hpp>
#include <warden/app/app.hpp>
#include <warden/app/route.hpp>
#include <warden/app/router.hpp>
#include <warden/core/context.hpp>
#include <warden/server/serve.hpp>
#include <warden/server/server.hpp>
#include <warden/auth/basic_auth.hpp>
#include <warden/auth/credentials.hpp>
#include <warden/session/auth.hpp>
#include <warden/token/auth.hpp>
#include <warden/core/fields.hpp>
#include <warden/store/concepts.hpp>
#include <warden/store/memory_store.hpp>
#include <warden/store/sqlite_store.hpp>
#include <warden/session/views.hpp>
#include <warden/token/obtain.hpp>
#include <warden/token/tokens.hpp>

#endif
