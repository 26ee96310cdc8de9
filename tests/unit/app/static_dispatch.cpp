// What "no virtual call, no type erasure on the request path" means in types: nothing a
// request passes through is polymorphic, empty policies cost no storage, the dispatch
// table holds plain function pointers of the views, and (header-only) the server core is
// instantiated with the app itself, not the type-erased app_ref of
// WARDEN_SEPARATE_COMPILATION.
#include <warden.hpp>

#include <catch2/catch.hpp>

#include <type_traits>

using namespace warden;

namespace {

struct profile_api : api_view<authentication<session_auth, basic_auth, token_auth>,
                              permissions<all_of<any_of<is_admin_user, is_authenticated>, not_<is_admin_user>>>> {
    response get(request& req) { return json({{"username", req.user().username}}); }
};

using site_type = decltype(app<route<"/api/profile/", profile_api>>(std::declval<memory_store&>()));
using ctx_type = site_type::context_type;

template <class... Ts>
constexpr bool none_polymorphic = (!std::is_polymorphic_v<Ts> && ...);

static_assert(none_polymorphic<site_type, ctx_type, request, response, api_error, auth_result, profile_api, session_auth,
                               basic_auth, token_auth, is_admin_user, is_authenticated,
                               all_of<any_of<is_admin_user, is_authenticated>, not_<is_admin_user>>, route_plan,
                               route_match, pipeline<profile_api, defaults<>, ctx_type, body_storage>,
                               lazy_body<detail::type_list<>, body_storage>>);

// Stateless policies and views take no room.
static_assert(std::is_empty_v<profile_api> && std::is_empty_v<is_authenticated> && std::is_empty_v<token_auth> &&
              std::is_empty_v<all_of<any_of<is_admin_user, is_authenticated>, not_<is_admin_user>>>);

// Header-only, the server's core calls the app and the sink it was given.
static_assert(std::is_same_v<detail::core_refs<site_type, file_log>::app_type, site_type>);
static_assert(std::is_same_v<detail::core_refs<site_type, file_log>::sink_type, file_log>);

} // namespace

TEST_CASE("the request path holds no polymorphic type and routes through a plain function table", "[app][static]") {
    // The route's entry is a function of the view, resolved at compile time.
    http_request msg;
    msg.method(http::verb::get);
    msg.target("/api/profile/");
    auto plan = site_type::plan(msg);
    CHECK(plan.routed);
    CHECK(plan.match.index == 0);
    CHECK(plan.work == work_kind::hashing);   // basic_auth hashes passwords: off the I/O threads
}
