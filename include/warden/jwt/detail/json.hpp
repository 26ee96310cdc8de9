// Strict JSON parsing (duplicate members detected, depth limited, UTF-8 validated) and
// the serializer that writes exactly what Python's json.dumps(separators=(",", ":"))
// writes (core/detail/python_json.hpp), which is how PyJWT and simplejwt encode headers
// and claims.
#ifndef WARDEN_JWT_DETAIL_JSON_HPP
#define WARDEN_JWT_DETAIL_JSON_HPP

#include <warden/core/detail/python_json.hpp>
#include <warden/jwt/error.hpp>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_stack.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace warden::jwt::detail {

// The handler of boost::json::parser, plus a count of the members the parser saw.
// Boost.JSON 1.81 builds objects keeping the last of duplicate keys without telling;
// comparing this count with the members of the built DOM reveals any duplicate.
struct strict_handler {
    static constexpr std::size_t max_object_size = boost::json::object::max_size();
    static constexpr std::size_t max_array_size = boost::json::array::max_size();
    static constexpr std::size_t max_key_size = boost::json::string::max_size();
    static constexpr std::size_t max_string_size = boost::json::string::max_size();

    boost::json::value_stack st;
    std::size_t members = 0;

    strict_handler(boost::json::storage_ptr sp, unsigned char* temp, std::size_t n) : st(std::move(sp), temp, n) {}

    bool on_document_begin(boost::json::error_code&) { return true; }
    bool on_document_end(boost::json::error_code&) { return true; }
    bool on_object_begin(boost::json::error_code&) { return true; }
    bool on_object_end(std::size_t n, boost::json::error_code&) {
        members += n;
        st.push_object(n);
        return true;
    }
    bool on_array_begin(boost::json::error_code&) { return true; }
    bool on_array_end(std::size_t n, boost::json::error_code&) {
        st.push_array(n);
        return true;
    }
    bool on_key_part(boost::json::string_view s, std::size_t, boost::json::error_code&) {
        st.push_chars(s);
        return true;
    }
    bool on_key(boost::json::string_view s, std::size_t, boost::json::error_code&) {
        st.push_key(s);
        return true;
    }
    bool on_string_part(boost::json::string_view s, std::size_t, boost::json::error_code&) {
        st.push_chars(s);
        return true;
    }
    bool on_string(boost::json::string_view s, std::size_t, boost::json::error_code&) {
        st.push_string(s);
        return true;
    }
    bool on_number_part(boost::json::string_view, boost::json::error_code&) { return true; }
    bool on_int64(std::int64_t i, boost::json::string_view, boost::json::error_code&) {
        st.push_int64(i);
        return true;
    }
    bool on_uint64(std::uint64_t u, boost::json::string_view, boost::json::error_code&) {
        st.push_uint64(u);
        return true;
    }
    bool on_double(double d, boost::json::string_view, boost::json::error_code&) {
        st.push_double(d);
        return true;
    }
    bool on_bool(bool b, boost::json::error_code&) {
        st.push_bool(b);
        return true;
    }
    bool on_null(boost::json::error_code&) {
        st.push_null();
        return true;
    }
    bool on_comment_part(boost::json::string_view, boost::json::error_code&) { return true; }
    bool on_comment(boost::json::string_view, boost::json::error_code&) { return true; }
};

inline std::size_t count_members(const boost::json::value& v) noexcept {
    std::size_t n = 0;
    if (const auto* o = v.if_object()) {
        n += o->size();
        for (const auto& kv : *o) n += count_members(kv.value());
    } else if (const auto* a = v.if_array()) {
        for (const auto& e : *a) n += count_members(e);
    }
    return n;
}

// Parses `text` as exactly one JSON value with storage `sp` (returned by value so the
// result keeps `sp`: assigning it to a value with other storage would copy it). Standard
// JSON only (no comments, no trailing commas, valid UTF-8 including escaped surrogates),
// nesting at most `max_depth`, no object with a repeated member name.
inline boost::json::value parse_strict(std::string_view text, const boost::json::storage_ptr& sp,
                                       std::size_t max_depth, std::error_code& ec) {
    unsigned char temp[512];
    boost::json::parse_options opt;
    opt.max_depth = max_depth;
    boost::json::basic_parser<strict_handler> p(opt, sp, temp, sizeof temp);
    p.handler().st.reset(sp);
    boost::json::error_code jec;
    std::size_t n = p.write_some(false, text.data(), text.size(), jec);
    if (jec || n != text.size()) {
        ec = jec == boost::json::error::too_deep ? errc::too_deep : errc::bad_json;
        return boost::json::value(sp);
    }
    boost::json::value out = p.handler().st.release();
    ec = count_members(out) != p.handler().members ? std::error_code(errc::duplicate_member) : std::error_code{};
    return out;
}

// --- Python-compatible serialization (core/detail/python_json.hpp), as jwt errors ---

inline std::error_code py_dump_string(std::string_view s, std::string& out) {
    return warden::detail::py_dump_string(s, out) ? std::error_code{} : std::error_code{errc::bad_json};
}

inline std::error_code py_dump(const boost::json::object& o, std::string& out) {
    return warden::detail::py_dump(o, out) ? std::error_code{} : std::error_code{errc::bad_json};
}

inline std::error_code py_dump(const boost::json::value& v, std::string& out) {
    return warden::detail::py_dump(v, out) ? std::error_code{} : std::error_code{errc::bad_json};
}

} // namespace warden::jwt::detail

#endif
