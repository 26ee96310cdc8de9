// An authenticator driven by a header, for tests whose apps need no user store:
// "Authorization: Test <name>" authenticates alice (id 1), bob (id 2, staff) and carol
// (id 3); any other name fails. Its challenge makes NotAuthenticated a 401.
//
//     struct view : warden::api_view<warden::authentication<warden_test::test_auth>> { ... };
//     c.get("/", {{"Authorization", "Test bob"}});
#ifndef WARDEN_TESTS_SUPPORT_TEST_AUTH_HPP
#define WARDEN_TESTS_SUPPORT_TEST_AUTH_HPP

#include <warden.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace warden_test {

struct test_auth {
    using policy_kind = warden::authenticator_tag;
    static constexpr std::string_view challenge = "Test";
    static constexpr std::string_view scheme = "test";

    template <class Ctx>
    warden::auth_result authenticate(warden::request& req, Ctx&) const {
        auto h = req.header(warden::http::field::authorization);
        if (!h.starts_with("Test ")) return warden::auth_result::none();
        auto name = h.substr(5);
        auto u = std::make_shared<warden::user>();
        if (name == "alice") u->id = 1;
        else if (name == "bob") u->id = 2, u->is_staff = true;
        else if (name == "carol") u->id = 3;
        else return warden::auth_result::failure(warden::errors::authentication_failed("Unknown test user."));
        u->username = std::string(name);
        return warden::auth_result::success(std::move(u));
    }
};

} // namespace warden_test

#endif
