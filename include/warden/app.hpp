/// @file
/// The app: `app<...>(services...)`, routes and the router, the app context and the
/// check of its services, the body parsers and DRF-style field validation, with
/// everything of warden/view.hpp. No Asio: the server is warden/server.hpp.
///
/// @code
/// #include <warden/app.hpp>
/// #include <warden/store/memory_store.hpp>
/// #include <warden/test/client.hpp>
/// warden::memory_store db;
/// auto site = warden::app<warden::route<"/api/notes/", notes_api>>(db);
/// warden::test::client c{site};
/// @endcode
#ifndef WARDEN_APP_UMBRELLA_HPP
#define WARDEN_APP_UMBRELLA_HPP

#include <warden/view.hpp>

#include <warden/app/app.hpp>
#include <warden/app/cors.hpp>
#include <warden/app/route.hpp>
#include <warden/app/router.hpp>
#include <warden/app/services.hpp>
#include <warden/core/body.hpp>
#include <warden/core/context.hpp>
#include <warden/core/fields.hpp>

#endif
