/// @file
/// Building JSON responses: `json({{"key", value}, ...})` writes the body directly
/// (one allocation, for the body), and `json(boost::json::value)` serializes any value.
///
/// This header does not include Boost.JSON: a Boost.JSON value (in `json({...})` or
/// `json(v)`) is serialized with Boost.JSON's `serialize`, which the code holding the
/// value includes (`<boost/json/serialize.hpp>`, or `<warden.hpp>`).
#ifndef WARDEN_CORE_JSON_HPP
#define WARDEN_CORE_JSON_HPP

#include <warden/core/detail/json_write.hpp>
#include <warden/core/http.hpp>
#include <warden/core/response.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace boost::json {
class value;
class object;
} // namespace boost::json

namespace warden {

struct json_member;

namespace detail {

// A Boost.JSON value or object, which `json()` serializes with Boost.JSON.
template <class V>
concept boost_json_value = std::same_as<V, boost::json::value> || std::same_as<V, boost::json::object>;

// Found by argument-dependent lookup where the value's code included Boost.JSON's serialize.
template <class V>
concept json_serializable = requires(const V& v) { { serialize(v) } -> std::convertible_to<std::string>; };

// The text of a Boost.JSON value serialized for a json_arg; a default argument, so it
// lives until the end of the full expression that builds the response.
struct json_text {
    std::string text;
};

} // namespace detail

/// One JSON value in a `json({...})` initializer: null, bool, number, string, a nested
/// object (`{{"k", v}, ...}`), an array (`json_array({...})`) or any boost::json::value.
/// It refers to its arguments, so it only lives inside the full expression.
class json_arg {
public:
    json_arg(std::nullptr_t) noexcept : kind_(kind::null) {}
    json_arg(bool b) noexcept : kind_(kind::boolean) { u_.b = b; }
    template <std::signed_integral I>
        requires(!std::same_as<I, bool>)
    json_arg(I i) noexcept : kind_(kind::integer) { u_.i = i; }
    template <std::unsigned_integral U>
        requires(!std::same_as<U, bool>)
    json_arg(U u) noexcept : kind_(kind::uinteger) { u_.u = u; }
    json_arg(double d) noexcept : kind_(kind::number) { u_.d = d; }
    json_arg(std::string_view s) noexcept : kind_(kind::string) { u_.s = {s.data(), s.size()}; }
    json_arg(const char* s) noexcept : json_arg(std::string_view(s)) {}
    json_arg(const std::string& s) noexcept : json_arg(std::string_view(s)) {}
    json_arg(std::initializer_list<json_member> members) noexcept : kind_(kind::object) { u_.obj = members.begin(); n_ = members.size(); }
    /// A Boost.JSON value or object, serialized here (its text lives in `text`, a
    /// temporary of the enclosing expression).
    template <detail::boost_json_value V>
    json_arg(const V& v, detail::json_text&& text = {}) : kind_(kind::raw) {
        static_assert(detail::json_serializable<V>,
                      "warden::json: a Boost.JSON value is serialized with boost::json::serialize; "
                      "#include <boost/json/serialize.hpp> (or <warden.hpp>)");
        text.text = serialize(v);
        u_.s = {text.text.data(), text.text.size()};
    }

    /// An array of values: `json_array({1, 2, "three"})`.
    static json_arg array(std::initializer_list<json_arg> items) noexcept {
        json_arg a{nullptr};
        a.kind_ = kind::array;
        a.u_.arr = items.begin();
        a.n_ = items.size();
        return a;
    }

    void write(std::string& out) const;

private:
    enum class kind : unsigned char { null, boolean, integer, uinteger, number, string, object, array, raw };
    struct sv { const char* p; std::size_t n; };
    kind kind_;
    std::size_t n_ = 0;
    union {
        bool b;
        std::int64_t i;
        std::uint64_t u;
        double d;
        sv s;
        const json_member* obj;
        const json_arg* arr;
    } u_{};
};

/// A `"key": value` pair of a `json({...})` object.
struct json_member {
    std::string_view key;
    json_arg value;
};

/// An array for use inside `json({...})`.
inline json_arg json_array(std::initializer_list<json_arg> items) noexcept { return json_arg::array(items); }

inline void json_arg::write(std::string& out) const {
    switch (kind_) {
    case kind::null: out.append("null"); break;
    case kind::boolean: out.append(u_.b ? "true" : "false"); break;
    case kind::integer: detail::append_json_integer(out, u_.i); break;
    case kind::uinteger: detail::append_json_integer(out, u_.u); break;
    case kind::number: detail::append_json_number(out, u_.d); break;
    case kind::string: detail::append_json_string(out, {u_.s.p, u_.s.n}); break;
    case kind::object:
        out.push_back('{');
        for (std::size_t k = 0; k < n_; ++k) {
            detail::append_json_string(out, u_.obj[k].key, k ? ',' : '\0', ':');   // `,"key":`
            u_.obj[k].value.write(out);
        }
        out.push_back('}');
        break;
    case kind::array:
        out.push_back('[');
        for (std::size_t k = 0; k < n_; ++k) {
            if (k) out.push_back(',');
            u_.arr[k].write(out);
        }
        out.push_back(']');
        break;
    case kind::raw: out.append(u_.s.p, u_.s.n); break;
    }
}

namespace detail {
inline std::size_t json_size_hint(std::initializer_list<json_member> m) noexcept {
    std::size_t n = 2;
    for (auto& x : m) n += x.key.size() + 24;
    return n;
}
} // namespace detail

/// A JSON response from an object literal.
///
/// @code
/// return warden::json({{"username", req.user().username}, {"email", req.user().email}});
/// return warden::json({{"created", text}}, http::status::created);
/// @endcode
inline response json(std::initializer_list<json_member> members, http::status status = http::status::ok) {
    std::string body;
    body.reserve(detail::json_size_hint(members));
    json_arg{members}.write(body);
    return response{status, std::move(body)};
}

/// A JSON response from any Boost.JSON value or object (the caller includes
/// `<boost/json/serialize.hpp>`, or `<warden.hpp>`).
template <detail::boost_json_value Value>
response json(const Value& v, http::status status = http::status::ok) {
    static_assert(detail::json_serializable<Value>,
                  "warden::json: a Boost.JSON value is serialized with boost::json::serialize; "
                  "#include <boost/json/serialize.hpp> (or <warden.hpp>)");
    return response{status, serialize(v)};
}

/// A response with no body (e.g. 204 No Content).
inline response no_content(http::status status = http::status::no_content) { return response{status}; }

} // namespace warden

#endif
