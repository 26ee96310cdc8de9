/// @file
/// Permission composition: `all_of<...>`, `any_of<...>`, `not_<P>` (DRF's `&`, `|`, `~`
/// with DRF 3.14's truth tables), and the wrappers `with_message<P, "...">` and
/// `as_not_found<P>`.
///
/// Truth tables (hp: has_permission, hop: has_object_permission; DRF 3.14):
/// | combinator        | view level            | object level                                   |
/// |-------------------|-----------------------|------------------------------------------------|
/// | `all_of<A, B>`    | hp(A) and hp(B)       | hop(A) and hop(B)                              |
/// | `any_of<A, B>`    | hp(A) or hp(B)        | (hp(A) and hop(A)) or (hp(B) and hop(B))       |
/// | `not_<A>`         | not hp(A)             | not hop(A)                                     |
/// Operands are evaluated left to right and stop as Python's `and`/`or` stop. A
/// permission without an object check allows every object (DRF's BasePermission).
///
/// One difference from DRF, on purpose: `not_<A>` where A makes no object-level decision
/// (defines no object check, nor do its operands) allows at object level. DRF answers
/// `not True`, so `~IsAdminUser` denies every object of a view that checks objects.
///
/// Messages, which DRF drops for compositions (it reports the generic message):
/// - `all_of` reports the denial of the first operand that denies;
/// - `any_of` (every operand denied) reports the first denial that carries its own
///   message or code, else DRF's generic one; and asks for 404 if any operand did, so a
///   composition never reveals an object that one branch hides;
/// - `not_<A>` reports DRF's generic message (wrap it: `with_message<not_<A>, "...">`).
///
/// Combinators hold their operands (built from the app context when an operand takes
/// one, as the app builds every policy), are empty when their operands are, and declare
/// the union of their operands' `requires_services` and `may_block`, so a route using a
/// blocking permission inside a composition still runs off the I/O threads.
///
/// @code
/// struct notes_api : warden::api_view<warden::authentication<warden::token_auth>,
///                                     warden::permissions<warden::any_of<warden::is_admin_user, is_owner>>> { ... };
/// using staff_or_read_only = warden::any_of<warden::is_admin_user, read_only>;
/// using not_banned = warden::with_message<warden::not_<is_banned>, "Banned users may not post.", "banned">;
/// @endcode
///
/// This header pulls in neither OpenSSL nor Boost.JSON.
#ifndef WARDEN_PERMISSIONS_COMBINATORS_HPP
#define WARDEN_PERMISSIONS_COMBINATORS_HPP

#include <warden/core/concepts.hpp>
#include <warden/core/fixed_string.hpp>
#include <warden/core/policy.hpp>
#include <warden/core/service_tags.hpp>

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

namespace warden {

namespace detail {

// A denial "carries its own words" when a permission set a message or code.
constexpr bool has_own_words(const permission_result& r) noexcept {
    return r.message != default_permission_message || r.code != "permission_denied";
}

// any_of's choice among denials, fed in operand order.
struct denial_picker {
    permission_result chosen = permission_result::deny();
    bool have_words = false;
    bool hide = false;

    constexpr void add(const permission_result& r) noexcept {
        hide = hide || r.as_not_found;
        if (!have_words && has_own_words(r)) {
            chosen = r;
            have_words = true;
        }
    }
    constexpr permission_result result() const noexcept {
        permission_result out = chosen;
        out.allowed = false;
        out.as_not_found = hide;
        return out;
    }
};

// Shared body of the n-ary combinators: operand storage, construction from the app
// context, and the declarations the app reads (services, blocking).
template <class... Ps>
class operand_pack {
public:
    static_assert(sizeof...(Ps) > 0, "warden::all_of<...> and warden::any_of<...> need at least one permission");
    static_assert((is_policy_of<Ps, permission_tag> && ...),
                  "warden's permission combinators (all_of, any_of, not_, with_message, as_not_found) take permissions "
                  "only: each operand declares `using policy_kind = warden::permission_tag;` and `bool "
                  "has_permission(const Request&, const View&) const`");

    using policy_kind = permission_tag;
    using requires_services = typename merge_services<typename services_of<Ps>::type...>::type;
    static constexpr bool may_block = (declares_may_block<Ps>() || ...);
    // Reads only when every operand that uses a service does.
    static constexpr bool store_reads_only =
        ((std::is_same_v<typename services_of<Ps>::type, warden::services<>> || declares_store_reads_only<Ps>()) && ...);

    template <class Request, class View, class Object, class Ctx>
    static constexpr bool decides_object() {
        return (detail::decides_object<Ps, Request, View, Object, Ctx>() || ...);
    }

    constexpr operand_pack() = default;
    template <app_context Ctx>
    explicit operand_pack(const Ctx& ctx) : ops_(make_policy<Ps>(ctx)...) {}

    /// The `I`th operand instance.
    template <std::size_t I>
    constexpr const auto& operand() const noexcept { return std::get<I>(ops_); }

protected:
    [[no_unique_address]] std::tuple<Ps...> ops_;
};

} // namespace detail

/// Grants when every operand grants (DRF's `A & B & ...`), checked left to right; a
/// denial reports the message of the operand that denied.
///
/// @tparam Ps permissions (leaf permissions or other combinators)
///
/// @code
/// using staff_owner = warden::all_of<warden::is_admin_user, is_owner>;
/// struct admin_notes_api : warden::api_view<warden::permissions<staff_owner>> { ... };
/// @endcode
template <class... Ps>
struct all_of : detail::operand_pack<Ps...> {
    using detail::operand_pack<Ps...>::operand_pack;

    /// View level: `hp(P1) and hp(P2) and ...`.
    template <class Request, class View, class Ctx>
    constexpr permission_result evaluate(const Request& req, const View& view, Ctx& ctx) const {
        permission_result out = permission_result::allow();
        std::apply([&](const auto&... p) { (void)(granted_or_kept(check_permission(p, req, view, ctx), out) && ...); },
                   this->ops_);
        return out;
    }

    /// Object level: `hop(P1) and hop(P2) and ...`.
    template <class Request, class View, class Object, class Ctx>
    constexpr permission_result evaluate_object(const Request& req, const View& view, const Object& obj, Ctx& ctx) const {
        permission_result out = permission_result::allow();
        std::apply(
            [&](const auto&... p) { (void)(granted_or_kept(check_object_permission(p, req, view, ctx, obj), out) && ...); },
            this->ops_);
        return out;
    }

private:
    // Copies the verdict only when it denies: a grant leaves `out` as built, so the
    // common path copies no permission_result (a copy of one just written with narrow
    // stores stalls on store forwarding).
    static constexpr bool granted_or_kept(const permission_result& r, permission_result& out) noexcept {
        if (r.allowed) return true;
        out = r;
        return false;
    }
};

/// Grants when some operand grants (DRF's `A | B | ...`), checked left to right and
/// stopping at the first grant. At object level an operand grants only when it grants
/// both at view and object level (DRF 3.14's rule). When all deny, the first denial with
/// its own message is reported, and 404 if any operand asked for it.
///
/// @tparam Ps permissions (leaf permissions or other combinators)
///
/// @code
/// struct note_api : warden::api_view<warden::authentication<warden::token_auth>,
///                                    warden::permissions<warden::is_authenticated,
///                                                        warden::any_of<warden::is_admin_user, is_owner>>> { ... };
/// @endcode
template <class... Ps>
struct any_of : detail::operand_pack<Ps...> {
    using detail::operand_pack<Ps...>::operand_pack;

    /// View level: `hp(P1) or hp(P2) or ...`.
    template <class Request, class View, class Ctx>
    constexpr permission_result evaluate(const Request& req, const View& view, Ctx& ctx) const {
        detail::denial_picker denials;
        bool granted = std::apply(
            [&](const auto&... p) {
                return ((granted_or_noted(check_permission(p, req, view, ctx), denials)) || ...);
            },
            this->ops_);
        return granted ? permission_result::allow() : denials.result();
    }

    /// Object level: `(hp(P1) and hop(P1)) or (hp(P2) and hop(P2)) or ...`.
    template <class Request, class View, class Object, class Ctx>
    constexpr permission_result evaluate_object(const Request& req, const View& view, const Object& obj, Ctx& ctx) const {
        detail::denial_picker denials;
        auto one = [&](const auto& p) {
            permission_result r = check_permission(p, req, view, ctx);
            if (r.allowed) r = check_object_permission(p, req, view, ctx, obj);
            return granted_or_noted(r, denials);
        };
        bool granted = std::apply([&](const auto&... p) { return (one(p) || ...); }, this->ops_);
        return granted ? permission_result::allow() : denials.result();
    }

private:
    static constexpr bool granted_or_noted(const permission_result& r, detail::denial_picker& denials) noexcept {
        if (r.allowed) return true;
        denials.add(r);
        return false;
    }
};

/// Grants when `P` denies, and denies (with DRF's generic message) when it grants
/// (DRF's `~P`). At object level it inverts `P`'s object-level answer when `P` makes an
/// object-level decision, and allows otherwise (DRF would deny: see the file notes).
///
/// @tparam P a permission
///
/// @code
/// using anonymous_only = warden::with_message<warden::not_<warden::is_authenticated>, "Log out first.">;
/// @endcode
template <class P>
struct not_ : detail::operand_pack<P> {
    using detail::operand_pack<P>::operand_pack;

    /// View level: `not hp(P)`.
    template <class Request, class View, class Ctx>
    constexpr permission_result evaluate(const Request& req, const View& view, Ctx& ctx) const {
        return check_permission(std::get<0>(this->ops_), req, view, ctx).allowed ? permission_result::deny()
                                                                                 : permission_result::allow();
    }

    /// Object level: `not hop(P)` when P decides at object level, else allowed.
    template <class Request, class View, class Object, class Ctx>
    constexpr permission_result evaluate_object(const Request& req, const View& view, const Object& obj, Ctx& ctx) const {
        if constexpr (detail::decides_object<P, Request, View, Object, Ctx>()) {
            return check_object_permission(std::get<0>(this->ops_), req, view, ctx, obj).allowed
                       ? permission_result::deny()
                       : permission_result::allow();
        } else {
            (void)req, (void)view, (void)obj, (void)ctx;
            return permission_result::allow();
        }
    }
};

/// `P` with the message (and code) its denials report, at view and object level.
///
/// @tparam P a permission
/// @tparam Message the `detail` of the 403
/// @tparam Code the error code kept with it (DRF's `code`)
///
/// @code
/// using owners_only = warden::with_message<is_owner, "Only the note's owner may change it.", "not_owner">;
/// @endcode
template <class P, fixed_string Message, fixed_string Code = "permission_denied">
struct with_message : detail::operand_pack<P> {
    using detail::operand_pack<P>::operand_pack;

    static constexpr std::string_view message = Message.view();
    static constexpr std::string_view code = Code.view();

    template <class Request, class View, class Ctx>
    constexpr permission_result evaluate(const Request& req, const View& view, Ctx& ctx) const {
        return reword(check_permission(std::get<0>(this->ops_), req, view, ctx));
    }
    template <class Request, class View, class Object, class Ctx>
    constexpr permission_result evaluate_object(const Request& req, const View& view, const Object& obj, Ctx& ctx) const {
        return reword(check_object_permission(std::get<0>(this->ops_), req, view, ctx, obj));
    }

private:
    static constexpr permission_result reword(permission_result r) noexcept {
        if (!r.allowed) {
            r.message = message;
            r.code = code;
        }
        return r;
    }
};

/// `P` whose denials answer 404 "Not found." instead of 403, at view and object level:
/// for objects whose existence a refused user must not learn. (A request without
/// credentials on a view with authenticators still gets NotAuthenticated, as in DRF;
/// put `is_authenticated` first so anonymous requests never reach the object lookup.)
///
/// @tparam P a permission
///
/// @code
/// struct note_api : warden::api_view<warden::authentication<warden::token_auth>,
///                                    warden::permissions<warden::is_authenticated, warden::as_not_found<is_owner>>> { ... };
/// @endcode
template <class P>
struct as_not_found : detail::operand_pack<P> {
    using detail::operand_pack<P>::operand_pack;

    template <class Request, class View, class Ctx>
    constexpr permission_result evaluate(const Request& req, const View& view, Ctx& ctx) const {
        return hide(check_permission(std::get<0>(this->ops_), req, view, ctx));
    }
    template <class Request, class View, class Object, class Ctx>
    constexpr permission_result evaluate_object(const Request& req, const View& view, const Object& obj, Ctx& ctx) const {
        return hide(check_object_permission(std::get<0>(this->ops_), req, view, ctx, obj));
    }

private:
    static constexpr permission_result hide(permission_result r) noexcept {
        if (!r.allowed) r.as_not_found = true;
        return r;
    }
};

} // namespace warden

#endif
