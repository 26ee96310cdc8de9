// JSON written exactly as Python's json.dumps(value, separators=(",", ":")) writes it,
// with Python's other defaults (ensure_ascii, insertion order): how PyJWT and simplejwt
// encode JWT headers and claims, and how Django's signing.JSONSerializer encodes
// sessions. One implementation for both: byte-identical output is the point of each.
#ifndef WARDEN_CORE_DETAIL_PYTHON_JSON_HPP
#define WARDEN_CORE_DETAIL_PYTHON_JSON_HPP

#include <boost/json/value.hpp>

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace warden::detail {

inline void py_escape_unit(std::uint32_t u, std::string& out) {
    static constexpr char hex[] = "0123456789abcdef";
    char buf[6] = {'\\', 'u', hex[(u >> 12) & 15], hex[(u >> 8) & 15], hex[(u >> 4) & 15], hex[u & 15]};
    out.append(buf, 6);
}

// ensure_ascii=True: printable ASCII as is, the short escapes, and every other code
// point as \uXXXX (lowercase hex, surrogate pairs above U+FFFF; DEL too, as Python tests
// ' ' <= c <= '~'). False for input that is not UTF-8 without surrogates, which no
// Python str can hold.
inline bool py_dump_string(std::string_view s, std::string& out) {
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
        if (len == 0 || c > 0xf4 || i + len > s.size()) return false;
        std::uint32_t cp = c & (0x7f >> len);
        for (std::size_t k = 1; k < len; ++k) {
            auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3f);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return false;
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
    return true;
}

// Python's repr(float): the shortest digits that round-trip, in fixed notation when the
// decimal exponent is in [-4, 16), else scientific with a signed, two-digit-minimum
// exponent. False for NaN and infinities: Python would write NaN/Infinity, not JSON.
inline bool py_dump_double(double d, std::string& out) {
    if (!std::isfinite(d)) return false;
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
        return true;
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
    return true;
}

template <class Int>
void append_integer(Int v, std::string& out) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

inline bool py_dump(const boost::json::value& v, std::string& out, std::size_t max_depth = 1000);

// An object's members in insertion order (its own overload: callers hold claim sets and
// sessions as objects, which would otherwise be copied into a value).
inline bool py_dump(const boost::json::object& o, std::string& out, std::size_t max_depth = 1000) {
    if (max_depth == 0) return false;
    out.push_back('{');
    bool first = true;
    for (const auto& kv : o) {
        if (!first) out.push_back(',');
        first = false;
        if (!py_dump_string(kv.key(), out)) return false;
        out.push_back(':');
        if (!py_dump(kv.value(), out, max_depth - 1)) return false;
    }
    out.push_back('}');
    return true;
}

// json.dumps(v, separators=(",", ":")). False for a value Python could not write as
// JSON (see above) or arrays and objects nested deeper than `max_depth`: values built in
// C++ have no parser's depth limit, and this recursion must not exhaust the stack.
inline bool py_dump(const boost::json::value& v, std::string& out, std::size_t max_depth) {
    switch (v.kind()) {
    case boost::json::kind::null: out.append("null"); return true;
    case boost::json::kind::bool_: out.append(v.get_bool() ? "true" : "false"); return true;
    case boost::json::kind::int64: append_integer(v.get_int64(), out); return true;
    case boost::json::kind::uint64: append_integer(v.get_uint64(), out); return true;
    case boost::json::kind::double_: return py_dump_double(v.get_double(), out);
    case boost::json::kind::string: return py_dump_string(v.get_string(), out);
    case boost::json::kind::array: {
        if (max_depth == 0) return false;
        out.push_back('[');
        bool first = true;
        for (const auto& e : v.get_array()) {
            if (!first) out.push_back(',');
            first = false;
            if (!py_dump(e, out, max_depth - 1)) return false;
        }
        out.push_back(']');
        return true;
    }
    case boost::json::kind::object: return py_dump(v.get_object(), out, max_depth);
    }
    return false;
}

} // namespace warden::detail

#endif
