/// @file
/// `view_policies` and `view_traits`: what the pipeline knows about a view at compile
/// time. Its policy lists (the view's own, else the app's defaults), the handlers it
/// defines, the media type it renders, its `Allow` header, and where the server runs it
/// (`work_kind`).
#ifndef WARDEN_VIEW_TRAITS_HPP
#define WARDEN_VIEW_TRAITS_HPP

#include <warden/core/detail/type_list.hpp>
#include <warden/core/policy.hpp>
#include <warden/core/service_tags.hpp>
#include <warden/core/work_kind.hpp>
#include <warden/view/api_view.hpp>
#include <warden/view/detail/methods.hpp>
#include <warden/view/policy.hpp>

#include <algorithm>
#include <concepts>
#include <string_view>
#include <type_traits>

namespace warden {

namespace detail {

// Where policy or view P makes a request run with context Ctx: CPU-heavy work it
// declares (`may_block`: password hashing) outranks waits on a blocking store, and
// those outrank reads that may run on the I/O thread (`store_reads_only` over stores
// that reserve readers).
template <class P, class Ctx>
constexpr work_kind work_of() {
    if (declares_may_block<P>()) return work_kind::hashing;
    if constexpr (requires { typename P::requires_services; }) {
        using tags = typename P::requires_services;
        if (Ctx::template blocking_services<tags>())
            return declares_store_reads_only<P>() && Ctx::template reserves_readers<tags>() ? work_kind::store_read
                                                                                         : work_kind::blocking;
    }
    return work_kind::inline_;
}

// The media type view V renders: its `renders`, else DRF's JSON.
template <class V>
constexpr std::string_view renders_of() {
    if constexpr (requires { { V::renders } -> std::convertible_to<std::string_view>; }) return V::renders;
    else return "application/json";
}

template <class List, class Ctx>
struct list_work;
template <class... Ps, class Ctx>
struct list_work<type_list<Ps...>, Ctx> {
    static constexpr work_kind value = std::max({work_kind::inline_, work_of<Ps, Ctx>()...});
};

template <class List>
struct list_services;
template <class... Ps>
struct list_services<type_list<Ps...>> {
    using type = typename merge_services<typename services_of<Ps>::type...>::type;
};

} // namespace detail

/// The policy lists of `View` in an app with `Defaults`: the view's own list of each
/// kind, else the app's default, else none (no authenticators, permissions or
/// throttles; no parsers). They do not depend on the app context, so the app can
/// collect every policy its routes use before it forms the context.
///
/// @code
/// using lists = warden::view_policies<notes_api, warden::defaults<warden::authentication<warden::session_auth>>>;
/// static_assert(lists::authenticators::size == 1);
/// @endcode
template <class View, class Defaults>
struct view_policies {
    static_assert(view<View>, "warden: a routed view must derive from warden::api_view<...>");
    using lists = typename View::warden_policy_lists;
    static_assert(detail::lists_unique<lists>,
                  "warden::api_view<...> names a kind of policy list twice: give each of authentication<...>, "
                  "permissions<...>, throttles<...>, parsers<...> at most once");
    using default_lists = typename Defaults::warden_defaults_lists;

    using authenticators = typename detail::find_in<authenticator_tag,
        typename detail::find_in<authenticator_tag, authentication<>, default_lists>::type, lists>::type::types;
    using permission_list = typename detail::find_in<permission_tag,
        typename detail::find_in<permission_tag, permissions<>, default_lists>::type, lists>::type::types;
    using throttle_list = typename detail::find_in<throttle_tag,
        typename detail::find_in<throttle_tag, throttles<>, default_lists>::type, lists>::type::types;
    using parser_list = typename detail::find_in<parser_tag,
        typename detail::find_in<parser_tag, parsers<>, default_lists>::type, lists>::type::types;
};

/// Everything the pipeline knows about `View` in an app with `Defaults` and context `Ctx`:
/// its policy lists (`view_policies`), the handlers it defines, its `Allow` header and
/// whether it may block.
template <class View, class Defaults, class Ctx>
struct view_traits : view_policies<View, Defaults> {
    using typename view_policies<View, Defaults>::authenticators;
    using typename view_policies<View, Defaults>::permission_list;
    using typename view_policies<View, Defaults>::throttle_list;
    using typename view_policies<View, Defaults>::parser_list;

    static constexpr bool has_get = detail::has_get<View, Ctx>;
    static constexpr bool has_post = detail::has_post<View, Ctx>;
    static constexpr bool has_put = detail::has_put<View, Ctx>;
    static constexpr bool has_patch = detail::has_patch<View, Ctx>;
    static constexpr bool has_delete = detail::has_delete_<View, Ctx>;
    static constexpr bool has_head = detail::has_head<View, Ctx> || has_get;   // Django: head = get
    static constexpr bool has_options = detail::has_options<View, Ctx>;
    static constexpr bool has_any_handler = has_get || has_post || has_put || has_patch || has_delete ||
                                            detail::has_head<View, Ctx>;

    /// The media type the view renders: `View::renders` when declared ("text/html" for a
    /// page, which is not negotiated; "*/*" for files), else "application/json", which
    /// content negotiation checks the `Accept` header against.
    static constexpr std::string_view renders = detail::renders_of<View>();

    /// The `Allow` header value.
    static constexpr std::string_view allow =
        detail::allow_header<has_get, has_post, has_put, has_patch, has_delete, has_head>::value;

    /// Where the server runs the route's requests: on the I/O thread, the blocking pool
    /// (a blocking store; on the I/O thread for `store_read` routes when a connection is
    /// idle) or the hashing pool (the view or a policy declares `may_block`).
    static constexpr work_kind work =
        std::max({detail::work_of<View, Ctx>(), detail::list_work<authenticators, Ctx>::value,
                  detail::list_work<permission_list, Ctx>::value, detail::list_work<throttle_list, Ctx>::value});
    /// True when handling a request may block the thread (the server then runs it off
    /// the I/O threads).
    static constexpr bool blocking = work != work_kind::inline_;
    /// Every service the view and its policies require (a tag may repeat): the stores a
    /// `store_read` route reserves connections of.
    using required_services = typename detail::merge_services<
        typename detail::services_of<View>::type, typename detail::list_services<authenticators>::type,
        typename detail::list_services<permission_list>::type, typename detail::list_services<throttle_list>::type>::type;
};

} // namespace warden

#endif
