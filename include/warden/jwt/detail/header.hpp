// The JOSE header read by a SAX handler instead of a DOM: verification needs only a few
// top-level members, and building a DOM for them was a tenth of a token verification.
// Strictness is kept: standard JSON and UTF-8 (Boost.JSON's parser), depth limit, no
// repeated top-level member; a header with nested objects or many members goes through
// the DOM parser as well, which finds repeated members at any depth.
#ifndef WARDEN_JWT_DETAIL_HEADER_HPP
#define WARDEN_JWT_DETAIL_HEADER_HPP

#include <warden/jwt/detail/json.hpp>
#include <warden/jwt/error.hpp>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/monotonic_resource.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace warden::jwt::detail {

// How a member the verifier cares about appeared.
enum class member_kind : unsigned char { absent, string, boolean, other };

struct header_fields {
    member_kind alg = member_kind::absent, kid = member_kind::absent, cty = member_kind::absent,
                b64 = member_kind::absent;
    bool b64_value = true;
    bool crit = false;
    bool key_reference = false; // jku, x5u, x5c or jwk
    std::string alg_text, kid_text, cty_text;
};

class header_handler {
public:
    static constexpr std::size_t max_object_size = boost::json::object::max_size();
    static constexpr std::size_t max_array_size = boost::json::array::max_size();
    static constexpr std::size_t max_key_size = boost::json::string::max_size();
    static constexpr std::size_t max_string_size = boost::json::string::max_size();
    static constexpr std::size_t max_tracked_keys = 16;

    header_handler(header_fields& out, std::string& key_buf, std::vector<std::pair<std::size_t, std::size_t>>& keys)
        : out_(out), key_buf_(key_buf), keys_(keys) {}

    bool not_object = false;
    bool duplicate = false;
    bool needs_dom = false; // nested objects or many members: let the DOM parser check them

    bool on_document_begin(boost::json::error_code&) { return true; }
    bool on_document_end(boost::json::error_code&) { return true; }
    bool on_object_begin(boost::json::error_code&) {
        if (depth_ == 0) {
            depth_ = 1;
            return true;
        }
        if (depth_ == 1) mark_other();
        needs_dom = true;
        ++depth_;
        return true;
    }
    bool on_object_end(std::size_t, boost::json::error_code&) {
        --depth_;
        return true;
    }
    bool on_array_begin(boost::json::error_code&) {
        if (depth_ == 0) not_object = true;
        if (depth_ == 1) mark_other();
        ++depth_;
        return true;
    }
    bool on_array_end(std::size_t, boost::json::error_code&) {
        --depth_;
        return true;
    }
    bool on_key_part(boost::json::string_view s, std::size_t, boost::json::error_code&) {
        if (depth_ == 1) key_part_.append(s.data(), s.size());
        return true;
    }
    bool on_key(boost::json::string_view s, std::size_t, boost::json::error_code&) {
        if (depth_ != 1) return true;
        std::string_view key(s.data(), s.size());
        if (!key_part_.empty()) {
            key_part_.append(s.data(), s.size());
            key = key_part_;
        }
        member_ = identify(key);
        if (member_ == member::crit) out_.crit = true;
        if (member_ == member::key_reference) out_.key_reference = true;
        if (keys_.size() >= max_tracked_keys) {
            needs_dom = true;
        } else {
            for (const auto& [at, len] : keys_)
                if (std::string_view(key_buf_).substr(at, len) == key) duplicate = true;
            keys_.emplace_back(key_buf_.size(), key.size());
            key_buf_.append(key);
        }
        key_part_.clear();
        value_started_ = false;
        return true;
    }
    bool on_string_part(boost::json::string_view s, std::size_t, boost::json::error_code&) {
        append_string(s);
        return true;
    }
    bool on_string(boost::json::string_view s, std::size_t, boost::json::error_code&) {
        if (depth_ == 0) not_object = true;
        append_string(s);
        if (depth_ == 1) {
            if (auto* k = kind_of(member_)) *k = member_kind::string;
        }
        return true;
    }
    bool on_number_part(boost::json::string_view, boost::json::error_code&) { return true; }
    bool on_int64(std::int64_t, boost::json::string_view, boost::json::error_code&) { return scalar(); }
    bool on_uint64(std::uint64_t, boost::json::string_view, boost::json::error_code&) { return scalar(); }
    bool on_double(double, boost::json::string_view, boost::json::error_code&) { return scalar(); }
    bool on_bool(bool b, boost::json::error_code&) {
        if (depth_ == 0) not_object = true;
        if (depth_ == 1) {
            if (auto* k = kind_of(member_)) *k = member_kind::boolean;
            if (member_ == member::b64) out_.b64_value = b;
        }
        return true;
    }
    bool on_null(boost::json::error_code&) { return scalar(); }
    bool on_comment_part(boost::json::string_view, boost::json::error_code&) { return true; }
    bool on_comment(boost::json::string_view, boost::json::error_code&) { return true; }

private:
    enum class member : unsigned char { ignored, alg, kid, cty, b64, crit, key_reference };

    static member identify(std::string_view k) noexcept {
        if (k == "alg") return member::alg;
        if (k == "kid") return member::kid;
        if (k == "cty") return member::cty;
        if (k == "b64") return member::b64;
        if (k == "crit") return member::crit;
        if (k == "jku" || k == "x5u" || k == "x5c" || k == "jwk") return member::key_reference;
        return member::ignored;
    }

    member_kind* kind_of(member m) noexcept {
        switch (m) {
        case member::alg: return &out_.alg;
        case member::kid: return &out_.kid;
        case member::cty: return &out_.cty;
        case member::b64: return &out_.b64;
        default: return nullptr;
        }
    }

    std::string* text_of(member m) noexcept {
        switch (m) {
        case member::alg: return &out_.alg_text;
        case member::kid: return &out_.kid_text;
        case member::cty: return &out_.cty_text;
        default: return nullptr;
        }
    }

    void append_string(boost::json::string_view s) {
        if (depth_ != 1) return;
        if (auto* t = text_of(member_)) {
            if (!value_started_) t->clear();
            t->append(s.data(), s.size());
        }
        value_started_ = true;
    }

    void mark_other() noexcept {
        if (auto* k = kind_of(member_)) *k = member_kind::other;
    }

    bool scalar() noexcept {
        if (depth_ == 0) not_object = true;
        if (depth_ == 1) mark_other();
        return true;
    }

    header_fields& out_;
    std::string& key_buf_;
    std::vector<std::pair<std::size_t, std::size_t>>& keys_;
    std::string key_part_;
    int depth_ = 0;
    member member_ = member::ignored;
    bool value_started_ = false;
};

struct header_scratch {
    header_fields fields;
    std::string key_buf;
    std::vector<std::pair<std::size_t, std::size_t>> keys;
};

// Parses a decoded JOSE header into `out` (valid until the next call on this thread).
inline std::error_code parse_header(std::string_view text, std::size_t max_depth, const header_fields*& out) {
    thread_local header_scratch s;
    s.fields.alg = s.fields.kid = s.fields.cty = s.fields.b64 = member_kind::absent;
    s.fields.b64_value = true;
    s.fields.crit = s.fields.key_reference = false;
    s.key_buf.clear();
    s.keys.clear();
    boost::json::parse_options opt;
    opt.max_depth = max_depth;
    boost::json::basic_parser<header_handler> p(opt, s.fields, s.key_buf, s.keys);
    boost::json::error_code jec;
    std::size_t n = p.write_some(false, text.data(), text.size(), jec);
    if (jec || n != text.size()) return jec == boost::json::error::too_deep ? errc::too_deep : errc::bad_json;
    const header_handler& h = p.handler();
    if (h.not_object) return errc::not_an_object;
    if (h.duplicate) return errc::duplicate_member;
    if (h.needs_dom) {
        boost::json::monotonic_resource mr;
        std::error_code ec;
        parse_strict(text, &mr, max_depth, ec);
        if (ec) return ec;
    }
    out = &s.fields;
    return {};
}

} // namespace warden::jwt::detail

#endif
