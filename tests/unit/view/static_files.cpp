// static_files, static_file<"name"> and static_directory: only the files read at
// start, by exact name; media types, ETag and 304, the HTML policy, and the limits.
#include <warden.hpp>
#include <warden/test/client.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace warden;
namespace fs = std::filesystem;

namespace {

// A directory of files for one test, removed afterwards.
struct site_dir {
    fs::path root = fs::temp_directory_path() / ("warden-static-" + crypto::random_hex(8));
    fs::path outside = fs::temp_directory_path() / ("warden-outside-" + crypto::random_hex(8));
    site_dir() {
        fs::create_directories(root / "js");
        fs::create_directories(outside);
        write("index.html", "<!DOCTYPE html><title>app</title><script src=\"/static/app.js\"></script>");
        write("app.js", "console.log('hi');");
        write("app.css", "body{}");
        write("js/more.js", "1;");
        write("data.bin", std::string("\0\1\2", 3));
        write(".secret", "hidden");
        write("odd name.txt", "spaces are not served");
        std::ofstream(outside / "passwd") << "root:x:0:0";
        fs::create_symlink(outside / "passwd", root / "link.txt");
        fs::create_directory_symlink(outside, root / "linkdir");
    }
    ~site_dir() {
        std::error_code ec;
        fs::remove_all(root, ec);
        fs::remove_all(outside, ec);
    }
    void write(const std::string& name, const std::string& content) const {
        std::ofstream(root / name, std::ios::binary) << content;
    }
};

auto make_site(memory_store& db, static_files& files) {
    const settings s;
    return app<route<"/", static_file<"index.html">>, route<"/missing/", static_file<"nope.html">>,
               route<"/static/<path:name>", static_directory>>(db, s, files);
}

} // namespace

TEST_CASE("the files of the directory are served by name with their media type", "[view][static]") {
    site_dir d;
    static_files files{d.root};
    CHECK(files.size() == 5);   // index.html, app.js, app.css, js/more.js, data.bin
    memory_store db;
    auto site = make_site(db, files);
    test::client c{site};

    auto page = c.get("/");
    CHECK(page.status() == 200);
    CHECK(page.header("Content-Type") == "text/html; charset=utf-8");
    CHECK(page.body().starts_with("<!DOCTYPE html>"));
    CHECK(page.header("Cache-Control") == "no-cache");
    CHECK(page.header("X-Content-Type-Options") == "nosniff");
    CHECK(page.header("X-Frame-Options") == "DENY");
    const std::string csp = page.header("Content-Security-Policy");
    CHECK(csp.find("default-src 'self'") != std::string::npos);
    CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);
    CHECK(csp.find("unsafe-inline") == std::string::npos);
    CHECK(csp.find("unsafe-eval") == std::string::npos);

    auto js = c.get("/static/app.js");
    CHECK(js.status() == 200);
    CHECK(js.header("Content-Type") == "text/javascript; charset=utf-8");
    CHECK(js.body() == "console.log('hi');");
    CHECK_FALSE(js.has_header("Content-Security-Policy"));
    CHECK(c.get("/static/app.css").header("Content-Type") == "text/css; charset=utf-8");
    CHECK(c.get("/static/js/more.js").body() == "1;");
    auto bin = c.get("/static/data.bin");
    CHECK(bin.header("Content-Type") == "application/octet-stream");
    CHECK(bin.body() == std::string("\0\1\2", 3));
    // Content negotiation does not apply to files.
    CHECK(c.get("/static/app.js", {{"Accept", "application/json"}}).status() == 200);
    // HEAD: the headers, no body.
    auto head = c.head("/static/app.js");
    CHECK(head.status() == 200);
    CHECK(head.body().empty());
}

TEST_CASE("nothing outside the set is reachable, whatever the path", "[view][static]") {
    site_dir d;
    static_files files{d.root};
    memory_store db;
    auto site = make_site(db, files);
    test::client c{site};
    for (const std::string& path : std::initializer_list<std::string>{"/static/.secret", "/static/link.txt", "/static/linkdir/passwd", "/static/../app.js",
                             "/static/js/../app.js", "/static/./app.js", "/static//app.js", "/static/%2e%2e/app.js",
                             "/static/..%2fapp.js", "/static/js%2fmore.js", "/static/app.js%00", "/static/APP.JS",
                             "/static/app.js/", "/static/odd%20name.txt", "/static/js\\more.js", "/static/js/",
                             "/static/" + std::string(4000, 'a') + ".js"}) {
        INFO(path);
        auto r = c.get(path);
        // js%2fmore.js decodes to js/more.js, a name of the set: that one is served.
        if (path == "/static/js%2fmore.js") {
            CHECK(r.status() == 200);
            continue;
        }
        CHECK(r.status() == 404);
        CHECK(r.body().find("root:") == std::string::npos);
    }
    auto missing = c.get("/missing/");
    CHECK(missing.status() == 404);
    CHECK(missing.json() == boost::json::parse(R"({"detail":"Not found."})"));
}

TEST_CASE("a file answers 304 to its entity tag", "[view][static]") {
    site_dir d;
    static_files files{d.root};
    memory_store db;
    auto site = make_site(db, files);
    test::client c{site};
    auto r = c.get("/static/app.js");
    const std::string etag = r.header("ETag");
    REQUIRE(etag.size() > 2);
    CHECK(etag.front() == '"');
    for (std::string inm : {etag, "W/" + etag, "\"x\", " + etag, std::string("*")}) {
        auto again = c.get("/static/app.js", {{"If-None-Match", inm}});
        CHECK(again.status() == 304);
        CHECK(again.body().empty());
        CHECK(again.header("ETag") == etag);
    }
    CHECK(c.get("/static/app.js", {{"If-None-Match", "\"other\""}}).status() == 200);
    CHECK(c.get("/static/app.css").header("ETag") != etag);
}

TEST_CASE("a set refuses a missing directory, too many files and files too large", "[view][static]") {
    site_dir d;
    CHECK_THROWS_AS(static_files(d.root / "nope"), std::invalid_argument);
    static_files_options few;
    few.max_files = 2;
    CHECK_THROWS_AS(static_files(d.root, few), std::invalid_argument);
    static_files_options small;
    small.max_file_size = 10;
    try {
        static_files s(d.root, small);
        FAIL("accepted");
    } catch (const std::invalid_argument& e) {
        CHECK(std::string(e.what()).find("is larger than 10 bytes") != std::string::npos);
    }
    static_files_options shallow;
    shallow.max_depth = 1;
    CHECK(static_files(d.root, shallow).find("js/more.js") == nullptr);
}
