// The permission algebra against DRF 3.14's AND/OR/NOT, row by row: every combination
// of the operands' view-level and object-level answers, for flat and nested
// compositions, plus evaluation order, the messages a denial reports, and the one
// intended difference (not_ of a permission without an object check).
#include "support.hpp"

#include <array>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

using namespace warden;

namespace {

// Operand I answers what the request says, so one type covers every row of a table.
struct fake_request {
    std::array<bool, 3> hp{};
    std::array<bool, 3> hop{};
    std::vector<std::string>* log = nullptr;
    void note(std::string what) const {
        if (log) log->push_back(std::move(what));
    }
};
struct fake_view {};
struct fake_object {};
struct fake_ctx {};

constexpr std::array<std::string_view, 3> op_messages{"operand 0 says no", "operand 1 says no", "operand 2 says no"};

template <int I>
struct op {
    using policy_kind = permission_tag;
    static constexpr std::string_view message = op_messages[I];
    static constexpr std::string_view code = "op";
    template <class Request, class View>
    bool has_permission(const Request& r, const View&) const {
        r.note("hp" + std::to_string(I));
        return r.hp[I];
    }
    template <class Request, class View, class Object>
    bool has_object_permission(const Request& r, const View&, const Object&) const {
        r.note("hop" + std::to_string(I));
        return r.hop[I];
    }
};

// An operand without an object check (DRF's BasePermission answers True there).
template <int I>
struct view_only {
    using policy_kind = permission_tag;
    template <class Request, class View>
    bool has_permission(const Request& r, const View&) const {
        return r.hp[I];
    }
};

// A permission that denies with DRF's generic message (no message of its own).
struct plain_no {
    using policy_kind = permission_tag;
    template <class Request, class View>
    bool has_permission(const Request&, const View&) const {
        return false;
    }
};

// DRF's operators, transcribed from rest_framework/permissions.py (3.14).
struct drf {
    std::function<bool(const fake_request&)> has_permission, has_object_permission;
};
drf leaf(int i) {
    return {[i](const fake_request& r) { return r.hp[i]; }, [i](const fake_request& r) { return r.hop[i]; }};
}
drf base_permission_leaf(int i) {
    return {[i](const fake_request& r) { return r.hp[i]; }, [](const fake_request&) { return true; }};
}
drf AND(drf a, drf b) {
    return {[=](const fake_request& r) { return a.has_permission(r) && b.has_permission(r); },
            [=](const fake_request& r) { return a.has_object_permission(r) && b.has_object_permission(r); }};
}
drf OR(drf a, drf b) {
    return {[=](const fake_request& r) { return a.has_permission(r) || b.has_permission(r); },
            [=](const fake_request& r) {
                return (a.has_permission(r) && a.has_object_permission(r)) ||
                       (b.has_permission(r) && b.has_object_permission(r));
            }};
}
drf NOT(drf a) {
    return {[=](const fake_request& r) { return !a.has_permission(r); },
            [=](const fake_request& r) { return !a.has_object_permission(r); }};
}

// Every row of the table: 3 operands x (view, object) = 64 rows.
template <class P>
void check_table(const drf& expected) {
    P p{};
    fake_view v;
    fake_ctx ctx;
    fake_object obj;
    int rows = 0;
    for (unsigned bits = 0; bits < 64; ++bits) {
        fake_request r;
        for (int i = 0; i < 3; ++i) {
            r.hp[i] = (bits >> i) & 1u;
            r.hop[i] = (bits >> (i + 3)) & 1u;
        }
        INFO("hp=" << r.hp[0] << r.hp[1] << r.hp[2] << " hop=" << r.hop[0] << r.hop[1] << r.hop[2]);
        CHECK(check_permission(p, r, v, ctx).allowed == expected.has_permission(r));
        CHECK(check_object_permission(p, r, v, ctx, obj).allowed == expected.has_object_permission(r));
        ++rows;
    }
    CHECK(rows == 64);
}

using o0 = op<0>;
using o1 = op<1>;
using o2 = op<2>;

} // namespace

TEST_CASE("all_of is DRF's AND at view and object level", "[permissions][algebra]") {
    check_table<all_of<o0, o1>>(AND(leaf(0), leaf(1)));
    check_table<all_of<o0, o1, o2>>(AND(AND(leaf(0), leaf(1)), leaf(2)));
    check_table<all_of<o0>>(leaf(0));
}

TEST_CASE("any_of is DRF's OR, including the object-level rule that an operand needs both levels",
          "[permissions][algebra]") {
    check_table<any_of<o0, o1>>(OR(leaf(0), leaf(1)));
    check_table<any_of<o0, o1, o2>>(OR(OR(leaf(0), leaf(1)), leaf(2)));
    check_table<any_of<o0>>(OR(leaf(0), leaf(0)));

    // The rule in one row: operand 0 grants the object but not the view, operand 1 the
    // view but not the object. Before DRF 3.14 this was granted; now it is not.
    fake_request r;
    r.hp = {false, true, false};
    r.hop = {true, false, false};
    fake_view v;
    fake_ctx ctx;
    CHECK_FALSE(check_object_permission(any_of<o0, o1>{}, r, v, ctx, fake_object{}).allowed);
}

TEST_CASE("not_ is DRF's NOT at view and object level", "[permissions][algebra]") {
    check_table<not_<o0>>(NOT(leaf(0)));
    check_table<not_<not_<o0>>>(leaf(0));
}

TEST_CASE("nested compositions follow DRF's operators", "[permissions][algebra]") {
    check_table<any_of<all_of<o0, o1>, not_<o2>>>(OR(AND(leaf(0), leaf(1)), NOT(leaf(2))));
    check_table<all_of<any_of<o0, o1>, o2>>(AND(OR(leaf(0), leaf(1)), leaf(2)));
    check_table<not_<any_of<o0, o1>>>(NOT(OR(leaf(0), leaf(1))));
    check_table<not_<all_of<o0, not_<o1>>>>(NOT(AND(leaf(0), NOT(leaf(1)))));
    check_table<any_of<o0, any_of<o1, o2>>>(OR(leaf(0), OR(leaf(1), leaf(2))));
    check_table<with_message<any_of<o0, o1>, "custom">>(OR(leaf(0), leaf(1)));
    check_table<as_not_found<all_of<o0, o2>>>(AND(leaf(0), leaf(2)));
}

TEST_CASE("an operand without an object check allows every object, as DRF's BasePermission",
          "[permissions][algebra]") {
    check_table<all_of<view_only<0>, o1>>(AND(base_permission_leaf(0), leaf(1)));
    check_table<any_of<view_only<0>, o1>>(OR(base_permission_leaf(0), leaf(1)));
    check_table<any_of<o0, view_only<1>, o2>>(OR(OR(leaf(0), base_permission_leaf(1)), leaf(2)));
}

TEST_CASE("not_ of a permission that makes no object-level decision allows every object (DRF would deny)",
          "[permissions][algebra]") {
    fake_view v;
    fake_ctx ctx;
    for (bool hp : {false, true}) {
        fake_request r;
        r.hp = {hp, hp, hp};
        CHECK(check_object_permission(not_<view_only<0>>{}, r, v, ctx, fake_object{}).allowed);
        CHECK(check_object_permission(not_<all_of<view_only<0>, view_only<1>>>{}, r, v, ctx, fake_object{}).allowed);
        CHECK(check_permission(not_<view_only<0>>{}, r, v, ctx).allowed == !hp);
    }
    static_assert(!detail::decides_object<not_<view_only<0>>, fake_request, fake_view, fake_object, fake_ctx>());
    static_assert(!detail::decides_object<any_of<view_only<0>, view_only<1>>, fake_request, fake_view, fake_object, fake_ctx>());
    static_assert(detail::decides_object<any_of<view_only<0>, o1>, fake_request, fake_view, fake_object, fake_ctx>());
    static_assert(detail::decides_object<allow_any, fake_request, fake_view, fake_object, fake_ctx>());
}

TEST_CASE("operands are evaluated left to right and stop as Python's and/or stop", "[permissions][algebra]") {
    fake_view v;
    fake_ctx ctx;
    std::vector<std::string> log;
    fake_request r;
    r.log = &log;

    r.hp = {false, true, true};
    check_permission(all_of<o0, o1, o2>{}, r, v, ctx);
    CHECK(log == std::vector<std::string>{"hp0"});

    log.clear();
    r.hp = {true, true, false};
    check_permission(all_of<o0, o1, o2>{}, r, v, ctx);
    CHECK(log == std::vector<std::string>{"hp0", "hp1", "hp2"});

    log.clear();
    r.hp = {false, true, true};
    check_permission(any_of<o0, o1, o2>{}, r, v, ctx);
    CHECK(log == std::vector<std::string>{"hp0", "hp1"});

    // OR at object level: (hp0 and hop0) or (hp1 and hop1).
    log.clear();
    r.hp = {true, false, true};
    r.hop = {false, true, true};
    CHECK(check_object_permission(any_of<o0, o1, o2>{}, r, v, ctx, fake_object{}).allowed);
    CHECK(log == std::vector<std::string>{"hp0", "hop0", "hp1", "hp2", "hop2"});

    // AND at object level reads only the object checks.
    log.clear();
    r.hop = {true, false, true};
    CHECK_FALSE(check_object_permission(all_of<o0, o1, o2>{}, r, v, ctx, fake_object{}).allowed);
    CHECK(log == std::vector<std::string>{"hop0", "hop1"});
}

TEST_CASE("a denied composition reports the message of the permission that denied", "[permissions][algebra]") {
    fake_view v;
    fake_ctx ctx;
    fake_request r;

    SECTION("all_of: the first operand that denies") {
        r.hp = {true, false, false};
        auto d = check_permission(all_of<o0, o1, o2>{}, r, v, ctx);
        CHECK_FALSE(d.allowed);
        CHECK(d.message == "operand 1 says no");
        CHECK(d.code == "op");
        r.hop = {true, true, false};
        auto od = check_object_permission(all_of<o0, o1, o2>{}, r, v, ctx, fake_object{});
        CHECK(od.message == "operand 2 says no");
    }
    SECTION("any_of: the first denial with its own message") {
        r.hp = {false, false, false};
        auto d = check_permission(any_of<plain_no, o1, o2>{}, r, v, ctx);
        CHECK_FALSE(d.allowed);
        CHECK(d.message == "operand 1 says no");
        CHECK_FALSE(d.as_not_found);
        auto generic = check_permission(any_of<plain_no, plain_no>{}, r, v, ctx);
        CHECK(generic.message == default_permission_message);
        CHECK(generic.code == "permission_denied");
    }
    SECTION("any_of at object level: an operand refused at view level reports that refusal") {
        r.hp = {false, true, false};
        r.hop = {true, false, true};
        auto d = check_object_permission(any_of<o0, with_message<o1, "not yours", "owner">>{}, r, v, ctx, fake_object{});
        CHECK_FALSE(d.allowed);
        CHECK(d.message == "operand 0 says no");
        auto d2 = check_object_permission(any_of<plain_no, with_message<o1, "not yours", "owner">>{}, r, v, ctx,
                                          fake_object{});
        CHECK(d2.message == "not yours");
        CHECK(d2.code == "owner");
    }
    SECTION("any_of hides the object when any operand asks for 404") {
        r.hp = {false, false, false};
        auto d = check_permission(any_of<o0, as_not_found<o1>>{}, r, v, ctx);
        CHECK(d.as_not_found);
        CHECK(d.message == "operand 0 says no");
        auto all = check_permission(all_of<as_not_found<o0>, o1>{}, r, v, ctx);
        CHECK(all.as_not_found);
        CHECK(all.message == "operand 0 says no");
    }
    SECTION("not_ reports DRF's generic message unless wrapped") {
        r.hp = {true, true, true};
        auto d = check_permission(not_<o0>{}, r, v, ctx);
        CHECK_FALSE(d.allowed);
        CHECK(d.message == default_permission_message);
        auto w = check_permission(with_message<not_<o0>, "Log out first.", "logged_in">{}, r, v, ctx);
        CHECK(w.message == "Log out first.");
        CHECK(w.code == "logged_in");
        CHECK(check_permission(with_message<not_<o0>, "x">{}, fake_request{}, v, ctx).allowed);
    }
}

TEST_CASE("compositions of empty permissions are empty and stateless", "[permissions][algebra]") {
    static_assert(std::is_empty_v<all_of<is_authenticated, is_admin_user>>);
    static_assert(std::is_empty_v<any_of<is_authenticated, not_<is_admin_user>, with_message<allow_any, "x">>>);
    static_assert(std::is_empty_v<as_not_found<any_of<o0, o1>>>);
    static_assert(is_policy_of<any_of<o0, o1>, permission_tag>);
    static_assert(std::is_same_v<any_of<o0>::requires_services, warden::services<>>);
    SUCCEED("checked at compile time");
}
