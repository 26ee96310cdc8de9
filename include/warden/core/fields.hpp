/// @file
/// DRF serializer-style field validation for handlers: read fields of `request.data()`
/// with DRF's rules and messages, and answer 400 with DRF's error body.
#ifndef WARDEN_CORE_FIELDS_HPP
#define WARDEN_CORE_FIELDS_HPP

#include <warden/core/api_error.hpp>
#include <warden/core/detail/json_write.hpp>
#include <warden/core/response.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cctype>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace warden {

/// Collects field errors in order and renders DRF's body:
/// `{"field": ["message"], ..., "non_field_errors": ["message"]}`.
///
/// @code
/// warden::field_errors errors;
/// auto name = warden::char_field(req.data(), "username", errors);
/// auto pass = warden::char_field(req.data(), "password", errors, {.trim_whitespace = false});
/// if (errors) return errors.response();   // 400
/// @endcode
class field_errors {
public:
    void add(std::string_view field, std::string_view message) {
        for (auto& e : entries_)
            if (e.first == field) { e.second.emplace_back(message); return; }
        entries_.push_back({std::string(field), {std::string(message)}});
    }
    /// A validation error not tied to one field (DRF's non_field_errors).
    void add_non_field(std::string_view message) { add("non_field_errors", message); }

    bool has(std::string_view field) const {
        for (auto& e : entries_)
            if (e.first == field) return true;
        return false;
    }
    explicit operator bool() const noexcept { return !entries_.empty(); }

    std::string render() const {
        std::string out = "{";
        for (std::size_t i = 0; i < entries_.size(); ++i) {
            if (i) out.push_back(',');
            detail::append_json_string(out, entries_[i].first);
            out.append(":[");
            for (std::size_t k = 0; k < entries_[i].second.size(); ++k) {
                if (k) out.push_back(',');
                detail::append_json_string(out, entries_[i].second[k]);
            }
            out.push_back(']');
        }
        out.push_back('}');
        return out;
    }
    /// The 400 error, to throw from a handler (`throw errors.error();`).
    api_error error() const { return errors::validation(render()); }
    /// The 400 response, to return from a handler.
    warden::response response() const { return warden::response{http::status::bad_request, render()}; }

private:
    std::vector<std::pair<std::string, std::vector<std::string>>> entries_;
};

/// Options of `char_field`, as DRF's CharField.
struct char_field_options {
    bool required = true;
    bool allow_blank = false;
    bool trim_whitespace = true;
};

namespace detail {
inline bool is_py_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }
} // namespace detail

/// Reads a string field the way DRF's CharField does: numbers become their text,
/// booleans, objects and arrays are "Not a valid string.", null is "This field may not
/// be null.", a missing field is "This field is required.", an empty (after trimming)
/// one "This field may not be blank.", one holding NUL "Null characters are not
/// allowed.". Errors go to `errors`; the value is returned
/// only when valid.
inline std::optional<std::string> char_field(const boost::json::object& data, std::string_view name,
                                             field_errors& errors, char_field_options opt = {}) {
    auto it = data.find(name);
    if (it == data.end()) {
        if (opt.required) errors.add(name, "This field is required.");
        return std::nullopt;
    }
    const auto& v = it->value();
    std::string s;
    switch (v.kind()) {
    case boost::json::kind::null: errors.add(name, "This field may not be null."); return std::nullopt;
    case boost::json::kind::string: s = std::string(v.get_string()); break;
    case boost::json::kind::int64: s = std::to_string(v.get_int64()); break;
    case boost::json::kind::uint64: s = std::to_string(v.get_uint64()); break;
    case boost::json::kind::double_: {
        char buf[32];
        auto r = std::to_chars(buf, buf + sizeof buf, v.get_double());
        s.assign(buf, r.ptr);
        if (s.find_first_of(".e") == std::string::npos && s.find("inf") == std::string::npos && s.find("nan") == std::string::npos)
            s.append(".0");   // Python's str(1.0) is "1.0"
        break;
    }
    default: errors.add(name, "Not a valid string."); return std::nullopt;
    }
    if (s.find('\0') != std::string::npos) {   // DRF's ProhibitNullCharactersValidator
        errors.add(name, "Null characters are not allowed.");
        return std::nullopt;
    }
    if (opt.trim_whitespace) {
        std::size_t b = 0, e = s.size();
        while (b < e && detail::is_py_space(s[b])) ++b;
        while (e > b && detail::is_py_space(s[e - 1])) --e;
        s = s.substr(b, e - b);
    }
    if (s.empty() && !opt.allow_blank) {
        errors.add(name, "This field may not be blank.");
        return std::nullopt;
    }
    return s;
}

/// Reads a boolean field as DRF's BooleanField: true/false, 1/0, "true"/"false",
/// "1"/"0", "yes"/"no", "on"/"off" (any case) ; otherwise "Must be a valid boolean.".
inline std::optional<bool> boolean_field(const boost::json::object& data, std::string_view name, field_errors& errors,
                                         bool required = true) {
    auto it = data.find(name);
    if (it == data.end()) {
        if (required) errors.add(name, "This field is required.");
        return std::nullopt;
    }
    const auto& v = it->value();
    if (v.is_bool()) return v.get_bool();
    if (v.is_int64() && (v.get_int64() == 0 || v.get_int64() == 1)) return v.get_int64() == 1;
    if (v.is_null()) { errors.add(name, "This field may not be null."); return std::nullopt; }
    if (v.is_string()) {
        std::string s(v.get_string());
        for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (s == "true" || s == "1" || s == "yes" || s == "on" || s == "t" || s == "y") return true;
        if (s == "false" || s == "0" || s == "no" || s == "off" || s == "f" || s == "n") return false;
    }
    errors.add(name, "Must be a valid boolean.");
    return std::nullopt;
}

} // namespace warden

#endif
