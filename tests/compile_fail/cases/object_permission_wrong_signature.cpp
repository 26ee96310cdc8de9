// expect: warden: this permission's has_object_permission cannot be called for this object
#include <warden.hpp>
#include <warden/view/object_permissions.hpp>
using namespace warden;
struct note { int owner; };
struct owner_only {
    using policy_kind = permission_tag;
    template <class R, class V> bool has_permission(const R&, const V&) const { return true; }
    bool has_object_permission(const request&, int, const note&) const { return true; }
};
struct v : api_view<permissions<owner_only>> {
    template <class Ctx> response get(request& req, Ctx& ctx) { check_object_permissions(req, *this, ctx, 42); return {}; }
};
int main() { auto site = app<route<"/v/", v>>(); http_request m; site.handle(m); }
