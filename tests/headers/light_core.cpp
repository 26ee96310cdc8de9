// The light core: a view and its permissions compile without OpenSSL or Boost.JSON.
#include <warden/permissions/builtin.hpp>
#include <warden/core/concepts.hpp>
#include <warden/view/api_view.hpp>
#include <warden/view/dispatch.hpp>
#include <warden/view/policy.hpp>

#if defined(OPENSSL_E_OS2_H) || defined(HEADER_E_OS2_H)
#error "view/ or permissions/ pulled in OpenSSL"
#endif
#if defined(BOOST_JSON_VALUE_HPP) || defined(BOOST_JSON_OBJECT_HPP)
#error "view/ or permissions/ pulled in Boost.JSON"
#endif

namespace {
struct light_view : warden::api_view<warden::permissions<warden::is_authenticated>> {
    warden::response get(warden::request&) { return warden::response{}; }
};
static_assert(warden::view<light_view>);
} // namespace
