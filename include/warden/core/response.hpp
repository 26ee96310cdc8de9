/// @file
/// `response`: what a handler returns. The pipeline adds DRF's headers (Allow, ...)
/// and the server turns it into a Beast message.
#ifndef WARDEN_CORE_RESPONSE_HPP
#define WARDEN_CORE_RESPONSE_HPP

#include <warden/core/detail/ascii.hpp>
#include <warden/core/http.hpp>

#include <boost/container/small_vector.hpp>

#include <string>
#include <string_view>
#include <utility>

namespace warden {

/// One response header. `field` is `http::field::unknown` for names Beast does not know,
/// in which case `name` holds the name.
struct header {
    http::field field = http::field::unknown;
    std::string name;
    std::string value;
};

/// A small inline list of headers: most responses carry none or one extra header, so
/// this costs no heap allocation in the common case.
using header_list = boost::container::small_vector<header, 3>;

/// An HTTP response under construction.
///
/// The body is JSON by default (`Content-Type: application/json`); an empty body sends
/// no Content-Type, as DRF does.
///
/// @code
/// warden::response r{http::status::created, R"({"id":1})"};
/// r.set_header(http::field::location, "/api/notes/1/");
/// @endcode
class response {
public:
    response() = default;
    explicit response(http::status status) noexcept : status_(status) {}
    response(http::status status, std::string body, std::string_view content_type = "application/json")
        : status_(status), body_(std::move(body)), content_type_(content_type) {}

    http::status status() const noexcept { return status_; }
    void set_status(http::status s) noexcept { status_ = s; }

    std::string& body() noexcept { return body_; }
    const std::string& body() const noexcept { return body_; }

    /// The media type sent with a non-empty body. Must refer to storage that outlives
    /// the response (a literal); set a custom value with set_header otherwise.
    std::string_view content_type() const noexcept { return content_type_; }
    void set_content_type(std::string_view literal) noexcept { content_type_ = literal; }

    /// Sets a header, replacing any earlier value of the same name.
    void set_header(http::field f, std::string value) {
        for (auto& h : headers_)
            if (h.field == f && f != http::field::unknown) { h.value = std::move(value); return; }
        headers_.push_back({f, {}, std::move(value)});
    }
    /// Sets a header by name (replacing an earlier one of that name).
    void set_header(std::string_view name, std::string value) {
        auto f = http::string_to_field(name);
        if (f != http::field::unknown) return set_header(f, std::move(value));
        for (auto& h : headers_)
            if (h.field == http::field::unknown && warden::detail::iequals(h.name, name)) { h.value = std::move(value); return; }
        headers_.push_back({f, std::string(name), std::move(value)});
    }
    /// Adds a header even if one of that name exists (e.g. Set-Cookie).
    void add_header(http::field f, std::string value) { headers_.push_back({f, {}, std::move(value)}); }

    /// The value of a header set on this response, or empty.
    std::string_view header_value(http::field f) const noexcept {
        for (auto& h : headers_)
            if (h.field == f) return h.value;
        return {};
    }

    const header_list& headers() const noexcept { return headers_; }
    header_list& headers() noexcept { return headers_; }

private:
    http::status status_ = http::status::ok;
    std::string body_;
    std::string_view content_type_ = "application/json";
    header_list headers_;
};

} // namespace warden

#endif
