/// @file
/// The dispatch pipeline: DRF's APIView.dispatch as compile-time code.
///
/// Order (DRF 3.14): content negotiation, authentication (authenticators in order,
/// first success wins, a failure stops the chain), permissions, throttles (all
/// checked, longest wait reported), method lookup, body parsing, handler. Failures
/// become DRF's responses: NotAuthenticated and AuthenticationFailed are 401 with
/// `WWW-Authenticate` when the view's first authenticator has a challenge, else 403.
///
/// Everything here is resolved at compile time per view: no dynamic dispatch, no
/// type-erased callable. This header does not include Boost.JSON or OpenSSL; the app supplies
/// the body storage type and the parsers.
#ifndef WARDEN_VIEW_DISPATCH_HPP
#define WARDEN_VIEW_DISPATCH_HPP

#include <warden/core/api_error.hpp>
#include <warden/core/concepts.hpp>
#include <warden/core/request.hpp>
#include <warden/core/response.hpp>
#include <warden/view/api_view.hpp>

#include <boost/beast/core/string.hpp>

#include <array>
#include <cctype>
#include <cmath>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace warden {

namespace detail {
inline std::string_view media_type_of(std::string_view content_type) noexcept;
}

/// HTTP methods a view can handle, in DRF's `http_method_names` order.
enum class method_id : unsigned char { get, post, put, patch, delete_, head, options, trace, other };

namespace detail {

inline method_id method_of(const request& req) noexcept {
    switch (req.method()) {
    case http::verb::get: return method_id::get;
    case http::verb::post: return method_id::post;
    case http::verb::put: return method_id::put;
    case http::verb::patch: return method_id::patch;
    case http::verb::delete_: return method_id::delete_;
    case http::verb::head: return method_id::head;
    case http::verb::options: return method_id::options;
    case http::verb::trace: return method_id::trace;
    default: break;
    }
    // Django upper-cases REQUEST_METHOD, so "get" reaches the get handler too.
    auto m = req.method_string();
    using boost::beast::iequals;
    if (iequals(m, "GET")) return method_id::get;
    if (iequals(m, "POST")) return method_id::post;
    if (iequals(m, "PUT")) return method_id::put;
    if (iequals(m, "PATCH")) return method_id::patch;
    if (iequals(m, "DELETE")) return method_id::delete_;
    if (iequals(m, "HEAD")) return method_id::head;
    if (iequals(m, "OPTIONS")) return method_id::options;
    if (iequals(m, "TRACE")) return method_id::trace;
    return method_id::other;
}

// Handler detection: `R name(request&)` or `R name(request&, Ctx&)`, R convertible to response.
#define WARDEN_DETAIL_HANDLER_CONCEPT(NAME)                                                              \
    template <class V, class Ctx>                                                                         \
    concept has_##NAME = requires(V& v, request& r) { { v.NAME(r) } -> std::convertible_to<response>; } || \
                         requires(V& v, request& r, Ctx& c) { { v.NAME(r, c) } -> std::convertible_to<response>; };
WARDEN_DETAIL_HANDLER_CONCEPT(get)
WARDEN_DETAIL_HANDLER_CONCEPT(post)
WARDEN_DETAIL_HANDLER_CONCEPT(put)
WARDEN_DETAIL_HANDLER_CONCEPT(patch)
WARDEN_DETAIL_HANDLER_CONCEPT(delete_)
WARDEN_DETAIL_HANDLER_CONCEPT(head)
WARDEN_DETAIL_HANDLER_CONCEPT(options)
#undef WARDEN_DETAIL_HANDLER_CONCEPT

#define WARDEN_DETAIL_CALL_HANDLER(NAME)                                  \
    if constexpr (requires { v.NAME(r, c); }) return response(v.NAME(r, c)); \
    else return response(v.NAME(r));

template <method_id M, class V, class Ctx>
response call_handler(V& v, request& r, Ctx& c) {
    if constexpr (M == method_id::get) { WARDEN_DETAIL_CALL_HANDLER(get) }
    else if constexpr (M == method_id::post) { WARDEN_DETAIL_CALL_HANDLER(post) }
    else if constexpr (M == method_id::put) { WARDEN_DETAIL_CALL_HANDLER(put) }
    else if constexpr (M == method_id::patch) { WARDEN_DETAIL_CALL_HANDLER(patch) }
    else if constexpr (M == method_id::delete_) { WARDEN_DETAIL_CALL_HANDLER(delete_) }
    else if constexpr (M == method_id::head) { WARDEN_DETAIL_CALL_HANDLER(head) }
    else if constexpr (M == method_id::options) { WARDEN_DETAIL_CALL_HANDLER(options) }
}
#undef WARDEN_DETAIL_CALL_HANDLER

// The Allow header, built at compile time in DRF's order.
template <bool Get, bool Post, bool Put, bool Patch, bool Delete, bool Head>
struct allow_header {
    static constexpr auto make() {
        struct result { std::array<char, 64> text{}; std::size_t size = 0; } out;
        auto add = [&](std::string_view m) {
            if (out.size) { out.text[out.size++] = ','; out.text[out.size++] = ' '; }
            for (char ch : m) out.text[out.size++] = ch;
        };
        if (Get) add("GET");
        if (Post) add("POST");
        if (Put) add("PUT");
        if (Patch) add("PATCH");
        if (Delete) add("DELETE");
        if (Head) add("HEAD");
        add("OPTIONS");
        return out;
    }
    static constexpr auto data = make();
    static constexpr std::string_view value{data.text.data(), data.size};
};

// Does policy or view P block the calling thread with context Ctx?
template <class P, class Ctx>
constexpr bool blocks() {
    bool b = false;
    if constexpr (requires { { P::may_block } -> std::convertible_to<bool>; }) b = P::may_block;
    if constexpr (requires { typename P::requires_services; })
        b = b || Ctx::template blocking_services<typename P::requires_services>();
    return b;
}

template <class List, class Ctx>
struct list_blocks;
template <class... Ps, class Ctx>
struct list_blocks<type_list<Ps...>, Ctx> : std::bool_constant<(blocks<Ps, Ctx>() || ...)> {};

} // namespace detail

/// The request body, parsed on first demand by the view's parsers, as DRF's lazy
/// `request.data`. The pipeline parses it right before the handler; an authenticator
/// that must read the body earlier (session authentication's CSRF check reads the form
/// field `csrfmiddlewaretoken`, as Django's `request.POST` does) takes it as a third
/// parameter, `authenticate(request&, Ctx&, Body&)`, and calls `parse()`: a parse error
/// then answers the request (415, 400), exactly where DRF raises it.
template <class ParserList, class Storage>
class lazy_body {
public:
    lazy_body(request& req, Storage& storage) noexcept : req_(&req), storage_(&storage) {}
    lazy_body(const lazy_body&) = delete;
    lazy_body& operator=(const lazy_body&) = delete;

    /// Parses the body once (an empty body parses to an empty object) and makes it
    /// `req.data()`; later calls return the first outcome.
    const std::optional<api_error>& parse() {
        if (!done_) {
            done_ = true;
            if (!req_->body().empty()) error_ = parse_with(ParserList{});   // the common GET: no call
            if (!error_) detail::pipeline_access::set_data(*req_, &storage_->data);
        }
        return error_;
    }
    bool parsed() const noexcept { return done_; }

private:
    template <class... Ps>
    [[gnu::noinline]] std::optional<api_error> parse_with(detail::type_list<Ps...>) {
        request& req = *req_;
        std::string_view ct = req.content_type();
        [[maybe_unused]] std::string_view media = detail::media_type_of(ct);
        std::optional<api_error> result;
        bool matched = ((boost::beast::iequals(media, Ps::media_type) &&
                         (result = Ps{}.parse(req.body(), ct, storage_->data), true)) || ...);
        if (!matched) return errors::unsupported_media_type(ct);
        return result;
    }

    request* req_;
    Storage* storage_;
    bool done_ = false;
    std::optional<api_error> error_;
};

/// Everything the pipeline knows about `View` in an app with `Defaults` and context `Ctx`.
template <class View, class Defaults, class Ctx>
struct view_traits {
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

    static constexpr bool has_get = detail::has_get<View, Ctx>;
    static constexpr bool has_post = detail::has_post<View, Ctx>;
    static constexpr bool has_put = detail::has_put<View, Ctx>;
    static constexpr bool has_patch = detail::has_patch<View, Ctx>;
    static constexpr bool has_delete = detail::has_delete_<View, Ctx>;
    static constexpr bool has_head = detail::has_head<View, Ctx> || has_get;   // Django: head = get
    static constexpr bool has_options = detail::has_options<View, Ctx>;
    static constexpr bool has_any_handler = has_get || has_post || has_put || has_patch || has_delete ||
                                            detail::has_head<View, Ctx>;

    /// The `Allow` header value.
    static constexpr std::string_view allow =
        detail::allow_header<has_get, has_post, has_put, has_patch, has_delete, has_head>::value;

    /// True when handling a request may block the thread (the server then runs it off
    /// the I/O threads).
    static constexpr bool blocking = detail::blocks<View, Ctx>() ||
        detail::list_blocks<authenticators, Ctx>::value || detail::list_blocks<permission_list, Ctx>::value ||
        detail::list_blocks<throttle_list, Ctx>::value;
};

namespace detail {

// DRF's content negotiation with the JSON renderer only: 406 unless Accept admits
// application/json (absent, */*, application/*, application/json, with any params).
inline bool accepts_json(std::string_view accept) noexcept {
    if (accept.empty()) return true;
    while (!accept.empty()) {
        auto comma = accept.find(',');
        std::string_view range = accept.substr(0, comma);
        accept = comma == std::string_view::npos ? std::string_view{} : accept.substr(comma + 1);
        auto semi = range.find(';');
        std::string_view type = range.substr(0, semi);
        while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
        while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
        using boost::beast::iequals;
        if (type == "*/*" || iequals(type, "application/*") || iequals(type, "application/json") || type == "*")
            return true;
    }
    return false;
}

// The media type of a Content-Type value: lower-cased type/subtype without parameters.
inline std::string_view media_type_of(std::string_view content_type) noexcept {
    auto semi = content_type.find(';');
    std::string_view t = content_type.substr(0, semi);
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
    return t;
}

template <class Ctx, class A>
std::string challenge_of(const Ctx& ctx, const A& a) {
    if constexpr (static_challenge<A>) return std::string(A::challenge);
    else if constexpr (dynamic_challenge<A, Ctx>) return a.challenge(ctx);
    else return {};
}

template <class A, class Ctx>
constexpr bool has_challenge() { return static_challenge<A> || dynamic_challenge<A, Ctx>; }

} // namespace detail

namespace detail {

// The stages below depend on a policy list, not on the view, so views that share their
// lists share one instance of each (compile time grows with the distinct lists, not the
// views). The rare paths are out of line and cold.

// The response for `e` as DRF's exception handler renders it for a view whose
// authenticators are `Auths`: NotAuthenticated and AuthenticationFailed are 401 with the
// first authenticator's challenge, or 403 when it has none.
template <class Auths, class Ctx, class Registry>
[[gnu::cold, gnu::noinline]] response render_error(Ctx& ctx, const Registry& reg, api_error e) {
    response res{e.status, e.render()};
    if (e.kind == error_kind::not_authenticated || e.kind == error_kind::authentication_failed) {
        if constexpr (Auths::size > 0) {
            using first = typename front<Auths>::type;
            if constexpr (has_challenge<first, Ctx>()) {
                res.set_status(http::status::unauthorized);
                res.set_header(http::field::www_authenticate, challenge_of(ctx, reg.template get<first>()));
            } else {
                res.set_status(http::status::forbidden);
            }
        } else {
            res.set_status(http::status::forbidden);
        }
    }
    // DRF sends Retry-After only for a non-zero wait (`if exc.wait:`).
    if (e.kind == error_kind::throttled && e.wait > 0) res.set_header(http::field::retry_after, std::to_string(e.wait));
    return res;
}

// DRF's `Method "X" not allowed.` (Django upper-cases the method).
[[gnu::cold, gnu::noinline]] inline api_error method_not_allowed_for(const request& req) {
    std::string m(req.method_string());
    for (auto& ch : m) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return errors::method_not_allowed(m);
}

template <class A, class Ctx, class Registry, class Body>
bool try_authenticator(request& req, Ctx& ctx, const Registry& reg, Body& body, int index,
                       std::optional<api_error>& failure) {
    static_assert(authenticator_for<A, Ctx>,
                  "warden: an authenticator must define `auth_result authenticate(request&, Ctx&) const` "
                  "(Ctx is the app context, usually a template parameter)");
    auth_result r = [&] {
        if constexpr (requires(const A& a) { a.authenticate(req, ctx, body); })
            return reg.template get<A>().authenticate(req, ctx, body);
        else
            return reg.template get<A>().authenticate(req, ctx);
    }();
    switch (r.status()) {
    case auth_result::state::none: return false;
    case auth_result::state::success: {
        auto& info = r.info();
        if (info.scheme.empty()) info.scheme = scheme_of<A>();
        req.set_identity(std::move(r.user_ptr()), std::move(info), index);
        return true;
    }
    case auth_result::state::failure: failure = std::move(r.error()); return true;
    }
    return false;
}

// Authenticators in order; the first that succeeds or fails ends the chain.
template <class Ctx, class Registry, class Body, class... As>
std::optional<api_error> run_authenticators(request& req, Ctx& ctx, const Registry& reg, Body& body, type_list<As...>) {
    std::optional<api_error> failure;
    int index = 0;
    (void)((try_authenticator<As>(req, ctx, reg, body, index++, failure)) || ...);
    return failure;
}

} // namespace detail

/// Runs the DRF pipeline for one view. `Registry` hands out the app's shared policy
/// instances (`reg.template get<P>()`); `Storage` owns the parsed body
/// (`storage.data`, a boost::json::object).
template <class View, class Defaults, class Ctx, class Registry, class Storage>
class pipeline {
public:
    using traits = view_traits<View, Defaults, Ctx>;
    using body_type = lazy_body<typename traits::parser_list, Storage>;

    /// Handles `req` and returns the response before DRF's headers are added (the app
    /// adds Allow and queued headers).
    static response run(request& req, Ctx& ctx, const Registry& reg, Storage& storage) {
        if (!detail::accepts_json(req.header(http::field::accept))) return error(ctx, reg, errors::not_acceptable());
        View view{};
        body_type body{req, storage};
        if (auto e = detail::run_authenticators(req, ctx, reg, body, typename traits::authenticators{}))
            return error(ctx, reg, std::move(*e));
        if (auto e = check_permissions(req, view, ctx, reg, typename traits::permission_list{})) return error(ctx, reg, std::move(*e));
        if (auto e = check_throttles(req, view, ctx, reg, typename traits::throttle_list{})) return error(ctx, reg, std::move(*e));
        try {
            switch (detail::method_of(req)) {
            case method_id::get: if constexpr (traits::has_get) return handle<method_id::get>(view, req, ctx, reg, body); break;
            case method_id::post: if constexpr (traits::has_post) return handle<method_id::post>(view, req, ctx, reg, body); break;
            case method_id::put: if constexpr (traits::has_put) return handle<method_id::put>(view, req, ctx, reg, body); break;
            case method_id::patch: if constexpr (traits::has_patch) return handle<method_id::patch>(view, req, ctx, reg, body); break;
            case method_id::delete_: if constexpr (traits::has_delete) return handle<method_id::delete_>(view, req, ctx, reg, body); break;
            case method_id::head:
                if constexpr (detail::has_head<View, Ctx>) return handle<method_id::head>(view, req, ctx, reg, body);
                else if constexpr (traits::has_get) return handle<method_id::get>(view, req, ctx, reg, body);
                break;
            case method_id::options:
                if constexpr (traits::has_options) return handle<method_id::options>(view, req, ctx, reg, body);
                else return options_metadata();
            default: break;
            }
        } catch (api_error& e) {
            // Handlers may `throw errors::not_found();` as DRF views raise APIException.
            return error(ctx, reg, std::move(e));
        }
        return error(ctx, reg, detail::method_not_allowed_for(req));
    }

    /// The response for `e` as DRF's exception handler renders it for this view.
    static response error(Ctx& ctx, const Registry& reg, api_error e) {
        return detail::render_error<typename traits::authenticators>(ctx, reg, std::move(e));
    }

private:
    template <class... Ps>
    static std::optional<api_error> check_permissions(request& req, const View& view, Ctx& ctx, const Registry& reg,
                                                      detail::type_list<Ps...>) {
        std::optional<api_error> denied;
        (void)((check_one<Ps>(req, view, ctx, reg, denied)) || ...);
        return denied;
    }

    template <class P>
    static bool check_one(request& req, const View& view, Ctx& ctx, const Registry& reg, std::optional<api_error>& denied) {
        static_assert(permission_for<P, request, View, Ctx>,
                      "warden: a permission must define `bool has_permission(const request&, const View&) const` "
                      "or `permission_result evaluate(const request&, const View&, Ctx&) const`");
        permission_result r = check_permission(reg.template get<P>(), std::as_const(req), view, ctx);
        if (r.allowed) return false;
        denied = denial(req, r);
        return true;
    }

    // DRF's permission_denied: NotAuthenticated when the view has authenticators and none succeeded.
    [[gnu::cold]] static api_error denial(const request& req, const permission_result& r) {
        if constexpr (traits::authenticators::size > 0)
            if (req.successful_authenticator() < 0) return errors::not_authenticated();
        if (r.as_not_found) return errors::not_found();
        return errors::permission_denied(std::string(r.message), r.code);
    }

    template <class... Ts>
    static std::optional<api_error> check_throttles(request& req, const View& view, Ctx& ctx, const Registry& reg,
                                                    detail::type_list<Ts...>) {
        if constexpr (sizeof...(Ts) == 0) {
            return std::nullopt;
        } else {
            bool throttled = false;
            double longest = -1;
            auto one = [&]<class T>() {
                static_assert(throttle_for<T, request, View, Ctx>,
                              "warden: a throttle must define `throttle_result allow_request(request&, const View&, Ctx&) const`");
                throttle_result r = reg.template get<T>().allow_request(req, view, ctx);
                if (!r.allowed) {
                    throttled = true;
                    if (r.wait > longest) longest = r.wait;
                }
            };
            (one.template operator()<Ts>(), ...);
            if (!throttled) return std::nullopt;
            return errors::throttled(longest < 0 ? -1 : static_cast<std::int64_t>(std::ceil(longest)));
        }
    }

    template <method_id M>
    static response handle(View& view, request& req, Ctx& ctx, const Registry& reg, body_type& body) {
        // DRF parses lazily; warden parses a non-empty body right before the handler (or
        // earlier when an authenticator asked), after authentication, permissions and
        // throttles, so a refused request never reaches a parser.
        if (auto& e = body.parse()) return error(ctx, reg, *e);
        return detail::call_handler<M>(view, req, ctx);
    }

    [[gnu::cold, gnu::noinline]] static response options_metadata();
};

namespace detail {

// DRF's get_view_name on a C++ type name: the trailing "View"/"_view"/"_api_view" is
// removed, camel case and underscores become capitalised words. Not a template: one copy.
[[gnu::cold]] inline std::string humanize_view_name(std::string_view n) {
    if (auto colon = n.rfind("::"); colon != std::string_view::npos) n = n.substr(colon + 2);
    for (std::string_view suffix : {"View", "_view", "_api_view"})
        if (n.size() > suffix.size() && n.ends_with(suffix)) { n.remove_suffix(suffix.size()); break; }
    std::string out;
    bool word_start = true;
    for (std::size_t i = 0; i < n.size(); ++i) {
        char c = n[i];
        if (c == '_') { if (!out.empty() && out.back() != ' ') out.push_back(' '); word_start = true; continue; }
        bool upper = c >= 'A' && c <= 'Z';
        bool prev_lower = i > 0 && n[i - 1] >= 'a' && n[i - 1] <= 'z';
        bool next_lower = i + 1 < n.size() && n[i + 1] >= 'a' && n[i + 1] <= 'z';
        if (upper && !out.empty() && out.back() != ' ' && (prev_lower || next_lower)) out.push_back(' ');
        out.push_back(word_start && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
        word_start = false;
    }
    return out;
}

// The type name of V as the compiler spells it, at compile time.
template <class V>
constexpr std::string_view type_name_of() {
    std::string_view full = __PRETTY_FUNCTION__;
    auto at = full.find("V = ") + 4;
    return full.substr(at, full.find_first_of(";]", at) - at);
}

// Human name of a view for OPTIONS: its `name` member, or its humanized type name.
template <class V>
std::string view_name() {
    if constexpr (requires { { V::name } -> std::convertible_to<std::string_view>; }) return std::string(V::name);
    else return humanize_view_name(type_name_of<V>());
}

// The media types of a parser list as a JSON array's contents, built at compile time.
template <class... Ps>
struct media_types_json {
    static constexpr auto make() {
        struct result { std::array<char, 512> text{}; std::size_t size = 0; } out;
        bool first = true;
        auto add = [&](std::string_view m) {
            if (!first) out.text[out.size++] = ',';
            first = false;
            out.text[out.size++] = '"';
            for (char ch : m) out.text[out.size++] = ch;   // media types need no escaping
            out.text[out.size++] = '"';
        };
        (add(Ps::media_type), ...);
        return out;
    }
    static constexpr auto data = make();
    static constexpr std::string_view value{data.text.data(), data.size};
};
template <class... Ps>
constexpr std::string_view parses_json(type_list<Ps...>) { return media_types_json<Ps...>::value; }

// DRF's SimpleMetadata body: name, description, renders, parses. Not a template.
[[gnu::cold]] inline response options_body(std::string_view name, std::string_view description, std::string_view parses) {
    std::string body = "{\"name\":";
    append_json_string(body, name);
    body.append(",\"description\":");
    append_json_string(body, description);
    body.append(",\"renders\":[\"application/json\"],\"parses\":[");
    body.append(parses);
    body.append("]}");
    return response{http::status::ok, std::move(body)};
}

} // namespace detail

template <class View, class Defaults, class Ctx, class Registry, class Storage>
response pipeline<View, Defaults, Ctx, Registry, Storage>::options_metadata() {
    std::string_view description;
    if constexpr (requires { { View::description } -> std::convertible_to<std::string_view>; }) description = View::description;
    return detail::options_body(detail::view_name<View>(), description, detail::parses_json(typename traits::parser_list{}));
}

} // namespace warden

#endif
