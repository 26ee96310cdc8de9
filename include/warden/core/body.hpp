/// @file
/// Request body parsers (JSON, form, multipart) and `request::data()`.
///
/// A view's `parsers<...>` list (or the app default) decides which media types it
/// accepts; any other body is 415 `Unsupported media type "X" in request.`, as DRF.
/// The body becomes one JSON object: JSON must be an object, form and multipart fields
/// become strings (the last value of a repeated field wins, as QueryDict.get).
#ifndef WARDEN_CORE_BODY_HPP
#define WARDEN_CORE_BODY_HPP

#include <warden/core/detail/ascii.hpp>
#include <warden/core/api_error.hpp>
#include <warden/core/detail/json_write.hpp>
#include <warden/core/policy.hpp>
#include <warden/core/request.hpp>

#include <boost/beast/core/string.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace warden {

/// Most fields a form or multipart body may carry (Django's DATA_UPLOAD_MAX_NUMBER_FIELDS).
inline constexpr std::size_t max_form_fields = 1000;

namespace detail {

// Invalid UTF-8 becomes U+FFFD, as Django decodes form data with errors='replace'.
inline std::string sanitize_utf8(std::string s) {
    if (is_valid_utf8(s)) return s;
    std::string out;
    out.reserve(s.size() + 8);
    for (std::size_t i = 0; i < s.size();) {
        std::size_t n = utf8_sequence_length(s, i);
        if (n == 0) { out.append("\xEF\xBF\xBD"); ++i; continue; }
        out.append(s, i, n);
        i += n;
    }
    return out;
}

inline const char* json_type_name(const boost::json::value& v) noexcept {
    switch (v.kind()) {
    case boost::json::kind::array: return "list";
    case boost::json::kind::string: return "str";
    case boost::json::kind::int64:
    case boost::json::kind::uint64: return "int";
    case boost::json::kind::double_: return "float";
    case boost::json::kind::bool_: return "bool";
    case boost::json::kind::null: return "NoneType";
    case boost::json::kind::object: return "dict";
    }
    return "value";
}

// The value of parameter `name` in a header value such as `multipart/form-data; boundary=x`.
inline std::optional<std::string_view> header_param(std::string_view value, std::string_view name) noexcept {
    auto semi = value.find(';');
    while (semi != std::string_view::npos) {
        value = value.substr(semi + 1);
        semi = value.find(';');
        std::string_view part = value.substr(0, semi);
        while (!part.empty() && (part.front() == ' ' || part.front() == '\t')) part.remove_prefix(1);
        auto eq = part.find('=');
        if (eq == std::string_view::npos) continue;
        std::string_view k = part.substr(0, eq), v = part.substr(eq + 1);
        while (!k.empty() && k.back() == ' ') k.remove_suffix(1);
        while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
        if (!warden::detail::iequals(k, name)) continue;
        if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
        return v;
    }
    return std::nullopt;
}

} // namespace detail

/// Owns what a request's body parses into; the app creates one per request.
struct body_storage {
    boost::json::object data;
};

/// `application/json` (DRF's JSONParser): the body must be a JSON object.
struct json_parser {
    using policy_kind = parser_tag;
    static constexpr std::string_view media_type = "application/json";

    std::optional<api_error> parse(std::string_view body, std::string_view /*content_type*/,
                                   boost::json::object& out) const {
        boost::json::parse_options opts;
        opts.max_depth = 64;
        boost::json::error_code ec;
        boost::json::value v = boost::json::parse(body, ec, {}, opts);
        if (ec) return errors::parse_error("JSON parse error - " + ec.message());
        if (!v.is_object()) {
            std::string b = "{\"non_field_errors\":[\"Invalid data. Expected a dictionary, but got ";
            b.append(detail::json_type_name(v)).append(".\"]}");
            return errors::validation(std::move(b));
        }
        out = std::move(v.get_object());
        return std::nullopt;
    }
};

/// `application/x-www-form-urlencoded` (DRF's FormParser).
struct form_parser {
    using policy_kind = parser_tag;
    static constexpr std::string_view media_type = "application/x-www-form-urlencoded";

    std::optional<api_error> parse(std::string_view body, std::string_view, boost::json::object& out) const {
        std::size_t fields = 0;
        while (!body.empty()) {
            auto amp = body.find('&');
            std::string_view pair = body.substr(0, amp);
            body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
            if (pair.empty()) continue;
            if (++fields > max_form_fields) return errors::parse_error("Too many form fields.");
            auto eq = pair.find('=');
            auto key = detail::sanitize_utf8(detail::percent_decode(pair.substr(0, eq), true));
            auto val = eq == std::string_view::npos ? std::string{}
                                                     : detail::sanitize_utf8(detail::percent_decode(pair.substr(eq + 1), true));
            out[key] = val;
        }
        return std::nullopt;
    }
};

/// `multipart/form-data` (DRF's MultiPartParser), simple fields. A file part becomes
/// an object `{"filename": ..., "content_type": ..., "size": N}` (its content is not kept).
struct multipart_parser {
    using policy_kind = parser_tag;
    static constexpr std::string_view media_type = "multipart/form-data";

    std::optional<api_error> parse(std::string_view body, std::string_view content_type, boost::json::object& out) const {
        auto boundary = detail::header_param(content_type, "boundary");
        if (!boundary || boundary->empty() || boundary->size() > 70)
            return errors::parse_error("Multipart form parse error - Invalid boundary in multipart: " +
                                       (boundary ? std::string(*boundary) : std::string("None")));
        std::string delim = "--";
        delim.append(*boundary);
        auto pos = body.find(delim);
        if (pos == std::string_view::npos) return malformed();
        std::size_t fields = 0;
        pos += delim.size();
        for (;;) {
            if (body.substr(pos, 2) == "--") return std::nullopt;   // closing delimiter
            if (body.substr(pos, 2) != "\r\n") return malformed();
            pos += 2;
            auto head_end = body.find("\r\n\r\n", pos);
            if (head_end == std::string_view::npos) return malformed();
            std::string_view head = body.substr(pos, head_end - pos);
            auto next = body.find("\r\n" + delim, head_end + 4);
            if (next == std::string_view::npos) return malformed();
            std::string_view content = body.substr(head_end + 4, next - head_end - 4);
            if (++fields > max_form_fields) return errors::parse_error("Too many form fields.");
            if (auto e = add_part(head, content, out)) return e;
            pos = next + 2 + delim.size();
        }
    }

private:
    static api_error malformed() { return errors::parse_error("Multipart form parse error - malformed body."); }

    static std::optional<api_error> add_part(std::string_view head, std::string_view content, boost::json::object& out) {
        std::optional<std::string_view> name, filename;
        std::string_view part_type = "text/plain";
        while (!head.empty()) {
            auto eol = head.find("\r\n");
            std::string_view line = head.substr(0, eol);
            head = eol == std::string_view::npos ? std::string_view{} : head.substr(eol + 2);
            auto colon = line.find(':');
            if (colon == std::string_view::npos) return malformed();
            std::string_view hname = line.substr(0, colon), hvalue = line.substr(colon + 1);
            while (!hvalue.empty() && hvalue.front() == ' ') hvalue.remove_prefix(1);
            if (warden::detail::iequals(hname, "Content-Disposition")) {
                name = detail::header_param(hvalue, "name");
                filename = detail::header_param(hvalue, "filename");
            } else if (warden::detail::iequals(hname, "Content-Type")) {
                part_type = hvalue;
            }
        }
        if (!name) return malformed();
        auto key = detail::sanitize_utf8(std::string(*name));
        if (filename) {
            boost::json::object file;
            file["filename"] = detail::sanitize_utf8(std::string(*filename));
            file["content_type"] = detail::sanitize_utf8(std::string(part_type));
            file["size"] = content.size();
            out[key] = std::move(file);
        } else {
            out[key] = detail::sanitize_utf8(std::string(content));
        }
        return std::nullopt;
    }
};

inline const boost::json::object& request::data() const noexcept {
    if (data_) return *data_;
    static const boost::json::object empty;
    return empty;
}

} // namespace warden

#endif
