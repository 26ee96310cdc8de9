// The tutorial's two views in warden: DashboardAPI (session authentication) and
// ProfileAPI (token authentication), with the token endpoint, on an SQLite file.
#include <warden.hpp>
#include <warden/token/auth.hpp>
#include <warden/server/serve.hpp>
#include <warden/store/sqlite_store.hpp>
#include <warden/token/obtain.hpp>

using namespace warden;

// ProfileAPI: token authentication, login required.
struct profile_api : api_view<authentication<token_auth>, permissions<is_authenticated>> {
    response get(request& req) {
        return json({{"username", req.user().username}, {"email", req.user().email}});
    }
};

int main() {
    sqlite_store db{"quickstart.db"};
    auto site = app<route<"/api/profile/", profile_api>,
                    route<"/api/token-auth/", obtain_auth_token>>(db, settings::from_env());
    return serve(site, {.address = "127.0.0.1", .port = 8000});
}
