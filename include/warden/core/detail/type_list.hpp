// Plain C++20 type-list helpers for per-view code (Hana stays out of it: see DESIGN.md).
#ifndef WARDEN_CORE_DETAIL_TYPE_LIST_HPP
#define WARDEN_CORE_DETAIL_TYPE_LIST_HPP

#include <cstddef>
#include <type_traits>

namespace warden::detail {

template <class... Ts>
struct type_list {
    static constexpr std::size_t size = sizeof...(Ts);
};

template <class T, class List>
struct contains;
template <class T, class... Ts>
struct contains<T, type_list<Ts...>> : std::bool_constant<(std::is_same_v<T, Ts> || ...)> {};

template <class List>
struct front;
template <class T, class... Ts>
struct front<type_list<T, Ts...>> { using type = T; };

// Appends T unless already present.
template <class List, class T>
struct push_unique;
template <class... Ts, class T>
struct push_unique<type_list<Ts...>, T> {
    using type = std::conditional_t<(std::is_same_v<T, Ts> || ...), type_list<Ts...>, type_list<Ts..., T>>;
};

// Folds over these two operators (declared only, used in decltype) join lists without
// template recursion, so an app of a thousand routes stays within the compiler's
// default instantiation depth.
template <class... Ts, class... Us>
type_list<Ts..., Us...> operator+(type_list<Ts...>, type_list<Us...>);
template <class... Ts, class U>
typename push_unique<type_list<Ts...>, U>::type operator|(type_list<Ts...>, std::type_identity<U>);

// The concatenation of type_lists.
template <class... Lists>
struct concat {
    using type = decltype((type_list<>{} + ... + Lists{}));
};

// The types of a type_list without repeats, in first-seen order.
template <class List>
struct unique;
template <class... Ts>
struct unique<type_list<Ts...>> {
    using type = decltype((type_list<>{} | ... | std::type_identity<Ts>{}));
};

template <class T>
inline constexpr bool always_false = false;

} // namespace warden::detail

#endif
