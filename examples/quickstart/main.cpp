// The tutorial's two views in warden: DashboardAPI (session authentication, with the
// login and logout endpoints) and ProfileAPI (token authentication, with the token
// endpoint), on an SQLite file.
#include <warden.hpp>

using namespace warden;

// DashboardAPI: session authentication, login required.
struct dashboard_api : api_view<authentication<session_auth>, permissions<is_authenticated>> {
    response get(request& req) {
        return json({{"message", "Hello " + req.user().username + ", welcome to your dashboard"}});
    }
};

// ProfileAPI: token authentication, login required.
struct profile_api : api_view<authentication<token_auth>, permissions<is_authenticated>> {
    response get(request& req) {
        return json({{"username", req.user().username}, {"email", req.user().email}});
    }
};

int main() {
    sqlite_store db{"quickstart.db"};
    auto site = app<route<"/api/dashboard/", dashboard_api>,
                    route<"/api/login/", login_view>,
                    route<"/api/logout/", logout_view>,
                    route<"/api/profile/", profile_api>,
                    route<"/api/token-auth/", obtain_auth_token>>(db, settings::from_env());
    return serve(site, {.address = "127.0.0.1", .port = 8000});
}
