#include <warden/app/router.hpp>

#include <catch2/catch.hpp>

#include <string_view>

using namespace warden;

namespace {
struct v {};
template <class... R>
using router = detail::router<R...>;
}

TEST_CASE("static routes are found by exact path", "[app][router]") {
    using r = router<route<"/a/", v>, route<"/b/", v>, route<"/", v>>;
    CHECK(r::match("/a/").index == 0);
    CHECK(r::match("/b/").index == 1);
    CHECK(r::match("/").index == 2);
    CHECK(r::match("/c/").index == -1);
    CHECK(r::match("/a").index == -1);
    CHECK(r::match("").index == -1);
}

TEST_CASE("converters follow Django's patterns", "[app][router]") {
    using r = router<route<"/i/<int:id>/", v>, route<"/s/<str:name>/", v>, route<"/g/<slug:s>/", v>,
                     route<"/u/<uuid:u>/", v>, route<"/p/<path:rest>", v>>;
    auto m = r::match("/i/123/");
    REQUIRE(m.index == 0);
    CHECK(m.param_count == 1);
    CHECK(m.params[0].name == "id");
    CHECK(m.params[0].value == "123");
    CHECK(r::match("/i/12a/").index == -1);
    CHECK(r::match("/i//").index == -1);
    CHECK(r::match("/i/-1/").index == -1);
    CHECK(r::match("/s/bob smith/").params[0].value == "bob smith");
    CHECK(r::match("/s/a/b/").index == -1);
    CHECK(r::match("/g/my-slug_1/").index == 2);
    CHECK(r::match("/g/not.slug/").index == -1);
    CHECK(r::match("/u/123e4567-e89b-12d3-a456-426614174000/").index == 3);
    CHECK(r::match("/u/123E4567-e89b-12d3-a456-426614174000/").index == -1);
    CHECK(r::match("/u/123e4567-e89b-12d3-a456-42661417400/").index == -1);
    auto p = r::match("/p/a/b/c.txt");
    REQUIRE(p.index == 4);
    CHECK(p.params[0].value == "a/b/c.txt");
}

TEST_CASE("converters backtrack like Django's regular expressions", "[app][router]") {
    using r = router<route<"/x/<str:a>-<str:b>/", v>, route<"/f/<path:dir>/<str:file>", v>>;
    auto m = r::match("/x/one-two-three/");
    REQUIRE(m.index == 0);
    CHECK(m.params[0].value == "one-two");   // greedy first converter, as a regex
    CHECK(m.params[1].value == "three");
    auto f = r::match("/f/a/b/c");
    REQUIRE(f.index == 1);
    CHECK(f.params[0].value == "a/b");
    CHECK(f.params[1].value == "c");
}

TEST_CASE("the first route in declaration order wins, static or not", "[app][router]") {
    using r = router<route<"/users/<str:name>/", v>, route<"/users/me/", v>, route<"/other/", v>, route<"/other/<str:x>/", v>>;
    CHECK(r::match("/users/me/").index == 0);
    CHECK(r::match("/other/").index == 2);
    CHECK(r::match("/other/y/").index == 3);
}

TEST_CASE("route patterns are parsed at compile time", "[app][router]") {
    constexpr auto p = detail::parse_pattern("/api/users/<int:id>/posts/<slug:post>/");
    STATIC_REQUIRE(p.error == detail::pattern_error::none);
    STATIC_REQUIRE(p.params == 2);
    STATIC_REQUIRE(p.count == 5);
    STATIC_REQUIRE(detail::parse_pattern("api/").error == detail::pattern_error::no_leading_slash);
    STATIC_REQUIRE(detail::parse_pattern("/<int:id/").error == detail::pattern_error::unclosed);
    STATIC_REQUIRE(detail::parse_pattern("/<float:id>/").error == detail::pattern_error::unknown_converter);
    STATIC_REQUIRE(detail::parse_pattern("/<int:1d>/").error == detail::pattern_error::bad_name);
    STATIC_REQUIRE(detail::parse_pattern("/<int:a>/<str:a>/").error == detail::pattern_error::duplicate_name);
    STATIC_REQUIRE(detail::parse_pattern("/a>/").error == detail::pattern_error::stray_close);
    STATIC_REQUIRE(detail::parse_pattern("/<id>/").error == detail::pattern_error::no_colon);
}

TEST_CASE("the static-route hash finds paths of every length and only them", "[app][router]") {
    // The hash reads three 8-byte windows: paths of 1 to 25 bytes, and near misses that
    // differ in one byte inside, before or after a window, or in length.
    using r = router<route<"/", v>, route<"/a/", v>, route<"/abcdef/", v>, route<"/abcdefg/", v>, route<"/api/notes/", v>,
                     route<"/api/profile/", v>, route<"/api/profiles/", v>, route<"/api/a-longer-route/", v>,
                     route<"/api/a-longer-routes/x/", v>>;
    CHECK(r::match("/").index == 0);
    CHECK(r::match("/a/").index == 1);
    CHECK(r::match("/abcdef/").index == 2);
    CHECK(r::match("/abcdefg/").index == 3);
    CHECK(r::match("/api/notes/").index == 4);
    CHECK(r::match("/api/profile/").index == 5);
    CHECK(r::match("/api/profiles/").index == 6);
    CHECK(r::match("/api/a-longer-route/").index == 7);
    CHECK(r::match("/api/a-longer-routes/x/").index == 8);
    for (std::string_view miss : {"/b/", "/abcdeg/", "/abcdefh/", "/api/notez/", "/api/prXfile/", "/api/profile",
                                  "/api/a-longer-rXute/", "/api/a-longer-routes/y/", "/api/a-longer-routes/x//", "//"})
        CHECK(r::match(miss).index == -1);
}
