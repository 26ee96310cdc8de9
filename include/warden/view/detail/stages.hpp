// The stages of the dispatch pipeline that depend on a policy list, not on the view, so
// views that share their lists share one instance of each (compile time grows with the
// distinct lists, not with the views): authentication, the rendering of errors, and
// the 403/404/401 a permission denial becomes. The rare paths are out of line and cold,
// so what each view compiles of them is a call.
//
// Policies are the app's shared instances, `ctx.template policy<P>()`.
#ifndef WARDEN_VIEW_DETAIL_STAGES_HPP
#define WARDEN_VIEW_DETAIL_STAGES_HPP

#include <warden/core/api_error.hpp>
#include <warden/core/concepts.hpp>
#include <warden/core/detail/type_list.hpp>
#include <warden/core/http.hpp>
#include <warden/core/request.hpp>
#include <warden/core/response.hpp>
#include <warden/view/detail/refusal.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace warden::detail {

template <class Ctx, class A>
std::string challenge_of(const Ctx& ctx, const A& a) {
    if constexpr (static_challenge<A>) return std::string(A::challenge);
    else if constexpr (dynamic_challenge<A, Ctx>) return a.challenge(ctx);
    else return {};
}

template <class A, class Ctx>
constexpr bool has_challenge() { return static_challenge<A> || dynamic_challenge<A, Ctx>; }

// The response for `e` as DRF's exception handler renders it for a view whose
// authenticators are `Auths`: NotAuthenticated and AuthenticationFailed are 401 with the
// first authenticator's challenge, or 403 when it has none.
template <class Auths, class Ctx>
[[gnu::cold, gnu::noinline]] response render_error(Ctx& ctx, const api_error& e) {
    response res{e.status, e.render()};
    if (e.kind == error_kind::not_authenticated || e.kind == error_kind::authentication_failed) {
        if constexpr (Auths::size > 0) {
            using first = typename front<Auths>::type;
            if constexpr (has_challenge<first, Ctx>()) {
                res.set_status(http::status::unauthorized);
                res.set_header(http::field::www_authenticate, challenge_of(ctx, ctx.template policy<first>()));
            } else {
                res.set_status(http::status::forbidden);
            }
        } else {
            res.set_status(http::status::forbidden);
        }
    }
    if (auto after = e.retry_after(); after >= 0) res.set_header(http::field::retry_after, std::to_string(after));
    return res;
}

// DRF's permission_denied for a denial `r` (view or object level) on a view whose
// authenticators are `Auths`: NotAuthenticated when the view has authenticators and
// none succeeded, NotFound when the denial asks for it, else PermissionDenied with the
// denying permission's message and code.
template <class Auths>
[[gnu::cold]] api_error permission_denial(const request& req, const permission_result& r) {
    if constexpr (Auths::size > 0)
        if (req.successful_authenticator() < 0) return errors::not_authenticated();
    if (r.as_not_found) return errors::not_found();
    return errors::permission_denied(std::string(r.message), r.code);
}

// The refusal of a view whose authenticators are `Auths` for the permission denial `r`.
template <class Auths>
[[gnu::cold, gnu::noinline]] refusal permission_refusal(const request& req, const permission_result& r) {
    return refuse(permission_denial<Auths>(req, r));
}

// The refusal of throttles that did not allow a request: 503 when one's store failed,
// else 429 with the longest wait (seconds, rounded up; negative when unknown).
[[gnu::cold, gnu::noinline]] inline refusal throttle_refusal(bool unavailable, double longest) {
    if (unavailable) return refuse(errors::service_unavailable());
    return refuse(errors::throttled(longest < 0 ? -1 : static_cast<std::int64_t>(std::ceil(longest))));
}

template <class A, class Ctx, class Body>
bool try_authenticator(request& req, Ctx& ctx, Body& body, int index, refusal& failure) {
    static_assert(authenticator_for<A, Ctx>,
                  "warden: an authenticator must define `auth_result authenticate(request&, Ctx&) const` "
                  "(Ctx is the app context, usually a template parameter)");
    auth_result r = [&] {
        if constexpr (requires(const A& a) { a.authenticate(req, ctx, body); })
            return ctx.template policy<A>().authenticate(req, ctx, body);
        else
            return ctx.template policy<A>().authenticate(req, ctx);
    }();
    switch (r.status()) {
    case auth_result::state::none: return false;
    case auth_result::state::success:
        req.set_identity(std::move(r.user_ptr()), std::move(r.info()), index);
        pipeline_access::default_scheme(req, scheme_of<A>());
        return true;
    case auth_result::state::failure: failure = refuse(std::move(r.error())); return true;
    }
    return false;
}

// Authenticators in order; the first that succeeds or fails ends the chain.
template <class Ctx, class Body, class... As>
refusal run_authenticators(request& req, Ctx& ctx, Body& body, type_list<As...>) {
    refusal failure;
    int index = 0;
    (void)((try_authenticator<As>(req, ctx, body, index++, failure)) || ...);
    return failure;
}

} // namespace warden::detail

#endif
