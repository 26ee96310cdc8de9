// Strict JSON parsing (duplicate members detected, depth limited, UTF-8 validated) and
// a serializer that writes exactly what Python's json.dumps(separators=(",", ":"))
// writes, which is how PyJWT and simplejwt encode headers and claims.
#ifndef WARDEN_JWT_DETAIL_JSON_HPP
#define WARDEN_JWT_DETAIL_JSON_HPP

#include <warden/jwt/error.hpp>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_stack.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
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

// --- Python-compatible serialization -------------------------------------------------

inline void py_escape_unit(std::uint32_t u, std::string& out) {
    static constexpr char hex[] = "0123456789abcdef";
    char buf[6] = {'\\', 'u', hex[(u >> 12) & 15], hex[(u >> 8) & 15], hex[(u >> 4) & 15], hex[u & 15]};
    out.append(buf, 6);
}

// json.dumps with ensure_ascii=True: printable ASCII as is, the short escapes, and every
// other code point as \uXXXX (lowercase hex, surrogate pairs above U+FFFF).
inline std::error_code py_dump_string(std::string_view s, std::string& out) {
    out.push_back('"');
    for (std::size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            switch (c) {
            case '"': out.append("\\\""); continue;
            case '\\': out.append("\\\\"); continue;
            case '\n': out.append("\\n"); continue;
            case '\r': out.append("\\r"); continue;
            case '\t': out.append("\\t"); continue;
            case '\b': out.append("\\b"); continue;
            case '\f': out.append("\\f"); continue;
            default: break;
            }
            if (c < 0x20 || c == 0x7f) py_escape_unit(c, out);
            else out.push_back(static_cast<char>(c));
            continue;
        }
        // Decode one UTF-8 sequence, rejecting overlong forms, surrogates and > U+10FFFF.
        std::size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
        if (len == 0 || c > 0xf4 || i + len > s.size()) return errc::bad_json;
        std::uint32_t cp = c & (0x7f >> len);
        for (std::size_t k = 1; k < len; ++k) {
            auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xc0) != 0x80) return errc::bad_json;
            cp = (cp << 6) | (cc & 0x3f);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return errc::bad_json;
        i += len;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            py_escape_unit(0xd800 + (cp >> 10), out);
            py_escape_unit(0xdc00 + (cp & 0x3ff), out);
        } else {
            py_escape_unit(cp, out);
        }
    }
    out.push_back('"');
    return {};
}

// Python's repr(float): the shortest digits that round-trip, in fixed notation when the
// decimal exponent is in [-4, 16), else scientific with a signed, two-digit-minimum exponent.
inline std::error_code py_dump_double(double d, std::string& out) {
    if (!std::isfinite(d)) return errc::bad_json; // Python would write NaN/Infinity: not JSON
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    std::string_view sci(buf, static_cast<std::size_t>(r.ptr - buf));
    bool negative = !sci.empty() && sci.front() == '-';
    if (negative) sci.remove_prefix(1);
    auto e = sci.find('e');
    std::string digits;
    for (char ch : sci.substr(0, e))
        if (ch != '.') digits.push_back(ch);
    int exp10 = std::atoi(std::string(sci.substr(e + 1)).c_str());
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
    if (negative) out.push_back('-');
    if (exp10 < -4 || exp10 >= 16) {
        out.push_back(digits[0]);
        if (digits.size() > 1) {
            out.push_back('.');
            out.append(digits, 1);
        }
        out.push_back('e');
        out.push_back(exp10 < 0 ? '-' : '+');
        int a = exp10 < 0 ? -exp10 : exp10;
        if (a < 10) out.push_back('0');
        out.append(std::to_string(a));
        return {};
    }
    int point = exp10 + 1; // digits before the decimal point
    if (point <= 0) {
        out.append("0.");
        out.append(static_cast<std::size_t>(-point), '0');
        out.append(digits);
    } else if (static_cast<std::size_t>(point) >= digits.size()) {
        out.append(digits);
        out.append(static_cast<std::size_t>(point) - digits.size(), '0');
        out.append(".0");
    } else {
        out.append(digits, 0, static_cast<std::size_t>(point));
        out.push_back('.');
        out.append(digits, static_cast<std::size_t>(point));
    }
    return {};
}

template <class Int>
void append_integer(Int v, std::string& out) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

inline std::error_code py_dump(const boost::json::value& v, std::string& out);

inline std::error_code py_dump(const boost::json::object& o, std::string& out) {
    out.push_back('{');
    bool first = true;
    for (const auto& kv : o) {
        if (!first) out.push_back(',');
        first = false;
        if (auto ec = py_dump_string(kv.key(), out)) return ec;
        out.push_back(':');
        if (auto ec = py_dump(kv.value(), out)) return ec;
    }
    out.push_back('}');
    return {};
}

// json.dumps(v, separators=(",", ":")) with Python's defaults (ensure_ascii, insertion order).
inline std::error_code py_dump(const boost::json::value& v, std::string& out) {
    switch (v.kind()) {
    case boost::json::kind::null: out.append("null"); return {};
    case boost::json::kind::bool_: out.append(v.get_bool() ? "true" : "false"); return {};
    case boost::json::kind::int64: append_integer(v.get_int64(), out); return {};
    case boost::json::kind::uint64: append_integer(v.get_uint64(), out); return {};
    case boost::json::kind::double_: return py_dump_double(v.get_double(), out);
    case boost::json::kind::string: return py_dump_string(v.get_string(), out);
    case boost::json::kind::array: {
        out.push_back('[');
        bool first = true;
        for (const auto& e : v.get_array()) {
            if (!first) out.push_back(',');
            first = false;
            if (auto ec = py_dump(e, out)) return ec;
        }
        out.push_back(']');
        return {};
    }
    case boost::json::kind::object: return py_dump(v.get_object(), out);
    }
    return errc::bad_json;
}

} // namespace warden::jwt::detail

#endif
