// The tutorial's ProfileAPI and DashboardAPI served beside an existing Django site, over
// its own database (docs/django.md): the site's users, DRF tokens and login sessions work
// here unchanged, and a login or logout here is one on the site too.
//
//   DJANGO_SECRET_KEY=... django_companion /srv/site/db.sqlite3 [PORT]
#include <warden.hpp>
#include <warden/django.hpp>

#include <charconv>
#include <exception>
#include <iostream>
#include <string_view>

using namespace warden;

// DashboardAPI: the site's login session (and its CSRF cookie), login required.
struct dashboard_api : api_view<authentication<session_auth>, permissions<is_authenticated>> {
    response get(request& req) {
        return json({{"message", "Hello " + req.user().username + ", welcome to your dashboard"}});
    }
};

// ProfileAPI: the site's DRF tokens, login required.
struct profile_api : api_view<authentication<token_auth>, permissions<is_authenticated>> {
    response get(request& req) {
        return json({{"username", req.user().username}, {"email", req.user().email},
                     {"first_name", req.user().first_name}, {"last_name", req.user().last_name}});
    }
};

int main(int argc, char** argv) {
    if (argc < 2 || argc > 3) {
        std::cerr << "usage: DJANGO_SECRET_KEY=... django_companion DJANGO_SQLITE_FILE [PORT]\n";
        return 2;
    }
    std::uint16_t port = 8000;
    if (argc == 3) {
        std::string_view p = argv[2];
        if (auto r = std::from_chars(p.data(), p.data() + p.size(), port); r.ec != std::errc{} || port == 0) {
            std::cerr << "django_companion: PORT must be 1 to 65535\n";
            return 2;
        }
    }
    try {
        auto cfg = django::site_settings::from_env();   // DJANGO_SECRET_KEY and the other Django names
        django::sqlite_store db{argv[1], {cfg.site}};
        memory_counter_store counters;   // the login throttle's counts (Django keeps its own in its cache)
        auto site = app<route<"/api/dashboard/", dashboard_api>,
                        route<"/api/profile/", profile_api>,
                        route<"/api/token-auth/", obtain_auth_token>,   // returns the user's DRF key
                        route<"/api/login/", login_view>,
                        route<"/api/logout/", logout_view>>(counters, db, cfg.app);
        std::cout << "serving the Django site's users on http://127.0.0.1:" << port << "/api/profile/\n";
        return serve(site, {.address = "127.0.0.1", .port = port});
    } catch (const std::exception& e) {
        std::cerr << "django_companion: " << e.what() << "\n";
        return 1;
    }
}
