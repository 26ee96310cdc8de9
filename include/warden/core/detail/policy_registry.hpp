// The app's registry of shared policy instances: one per policy type its routes use,
// built at start with make_policy (from the context when the policy takes one, e.g. to
// read its rate from settings) and shared by every request. A Boost.Hana map keyed by
// type: the heterogeneous collection DESIGN.md keeps Hana for.
#ifndef WARDEN_CORE_DETAIL_POLICY_REGISTRY_HPP
#define WARDEN_CORE_DETAIL_POLICY_REGISTRY_HPP

#include <warden/core/detail/type_list.hpp>
#include <warden/core/policy.hpp>

#include <boost/hana/at_key.hpp>
#include <boost/hana/map.hpp>
#include <boost/hana/pair.hpp>
#include <boost/hana/type.hpp>

#include <type_traits>
#include <utility>

namespace warden::detail {

template <class Ctx, class Policies>
class policy_registry;

template <class Ctx, class... Ps>
class policy_registry<Ctx, type_list<Ps...>> {
    using map_type = decltype(boost::hana::make_map(boost::hana::make_pair(boost::hana::type_c<Ps>, std::declval<Ps>())...));
    map_type map_;

public:
    /// True when `P` is one of the app's policies.
    template <class P>
    static constexpr bool contains = (std::is_same_v<P, Ps> || ...);

    explicit policy_registry(const Ctx& ctx)
        : map_(boost::hana::make_map(boost::hana::make_pair(boost::hana::type_c<Ps>, make_policy<Ps>(ctx))...)) {}

    template <class P>
    const P& get() const noexcept { return map_[boost::hana::type_c<P>]; }
};

} // namespace warden::detail

#endif
