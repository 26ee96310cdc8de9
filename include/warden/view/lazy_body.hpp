/// @file
/// `lazy_body`: the request body, parsed on first demand by the view's parsers, as DRF's
/// lazy `request.data`.
#ifndef WARDEN_VIEW_LAZY_BODY_HPP
#define WARDEN_VIEW_LAZY_BODY_HPP

#include <warden/core/detail/ascii.hpp>
#include <warden/core/api_error.hpp>
#include <warden/core/detail/type_list.hpp>
#include <warden/core/request.hpp>
#include <warden/view/detail/refusal.hpp>

#include <boost/beast/core/string.hpp>

#include <optional>
#include <string_view>

namespace warden {

/// The request body, parsed on first demand by the view's parsers, as DRF's lazy
/// `request.data`. The pipeline parses it right before the handler; an authenticator
/// that must read the body earlier (session authentication's CSRF check reads the form
/// field `csrfmiddlewaretoken`, as Django's `request.POST` does) takes it as a third
/// parameter, `authenticate(request&, Ctx&, Body&)`, and calls `parse()`: a parse error
/// then answers the request (415, 400), exactly where DRF raises it.
///
/// @tparam ParserList the view's parsers (a `detail::type_list`); a body whose media type
///         none of them takes is 415 `Unsupported media type "X" in request.`
/// @tparam Storage owns the parsed body as `storage.data` (a `boost::json::object`)
///
/// @code
/// template <class Ctx, class Body>
/// warden::auth_result authenticate(warden::request& req, Ctx& ctx, Body& body) const {
///     if (const warden::api_error* e = body.parse()) return warden::auth_result::failure(*e);   // 400 or 415
///     auto* field = req.data().if_contains("api_key");
///     ...
/// }
/// @endcode
template <class ParserList, class Storage>
class lazy_body {
public:
    lazy_body(request& req, Storage& storage) noexcept : req_(&req), storage_(&storage) {}
    lazy_body(const lazy_body&) = delete;
    lazy_body& operator=(const lazy_body&) = delete;

    /// Parses the body once (an empty body parses to an empty object) and makes it
    /// `req.data()`; later calls return the first outcome: null when the body parsed,
    /// else the error to answer (415, 400), owned by this object.
    const api_error* parse() {
        if (!done_) {
            done_ = true;
            if (!req_->body().empty())   // the common GET: no call
                if (auto e = parse_with(ParserList{})) error_ = detail::refuse(std::move(*e));
            if (!error_) detail::pipeline_access::set_data(*req_, &storage_->data);
        }
        return error_.get();
    }
    /// True once `parse()` has run.
    bool parsed() const noexcept { return done_; }

private:
    template <class... Ps>
    [[gnu::noinline]] std::optional<api_error> parse_with(detail::type_list<Ps...>) {
        request& req = *req_;
        std::string_view ct = req.content_type();
        [[maybe_unused]] std::string_view media = req.media_type();
        std::optional<api_error> result;
        bool matched = ((warden::detail::iequals(media, Ps::media_type) &&
                         (result = Ps{}.parse(req.body(), ct, storage_->data), true)) || ...);
        if (!matched) return errors::unsupported_media_type(ct);
        return result;
    }

    request* req_;
    Storage* storage_;
    bool done_ = false;
    detail::refusal error_;   // set on a parse error only; destroyed out of line
};

} // namespace warden

#endif
