// bench_site: the reference site's /api/profile/ (token_auth, is_authenticated) on a
// memory_store, served by warden::serve. Shows the framework's end-to-end cost without
// the SQLite store (whose routes run on the blocking pool). Seeds alice, issues one
// token and prints `token alice KEY` on stdout before serving. The access log goes to
// stderr through buffered_log, as in reference_site.
//
//   bench_site [--port P] [--threads N] [--no-access-log]     (127.0.0.1)
#include <warden.hpp>
#include <warden/token/auth.hpp>
#include <warden/server/serve.hpp>
#include <warden/store/memory_store.hpp>
#include <warden/token/tokens.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace warden;

struct profile_api : api_view<authentication<token_auth>, permissions<is_authenticated>> {
    static constexpr std::string_view name = "Profile API";
    response get(request& req) { return json({{"username", req.user().username}, {"email", req.user().email}}); }
};

int main(int argc, char** argv) {
    server_options so;
    so.port = 8091;
    so.threads = 2;
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == "--port" && i + 1 < argc) so.port = static_cast<std::uint16_t>(std::atoi(argv[++i]));
        else if (a == "--threads" && i + 1 < argc) so.threads = static_cast<unsigned>(std::atoi(argv[++i]));
        else if (a == "--no-access-log") so.access_log = false;
        else {
            std::fprintf(stderr, "usage: bench_site [--port P] [--threads N] [--no-access-log]\n");
            return 2;
        }
    }
    memory_store db;
    user u;
    u.username = "alice";
    u.email = "alice@example.com";
    u.is_active = true;
    if (db.create_user(u)) return 1;
    settings s;
    std::string key;
    auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    if (token::issue(db, u.id, s, now, key)) return 1;
    std::printf("token alice %s\n", key.c_str());
    std::fflush(stdout);
    auto site = app<route<"/api/profile/", profile_api>>(db, s);
    return serve(site, so, buffered_log{stderr});   // as reference_site
}
