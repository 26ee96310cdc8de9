// The verifying parse of a JWT payload: one pass of Boost.JSON's SAX parser that refuses
// exactly what parse_strict (json.hpp) refuses and records the top-level members in a
// flat table, so that verification builds no DOM. Building one (value_stack, objects,
// strings) was most of the JSON cost of verifying a token.
//
// Equivalence with parse_strict + "must be an object", refusal by refusal:
// - syntax, UTF-8, sizes and depth: the same parser with the same options and limits,
//   so the same error (too_deep, otherwise bad_json), reported first;
// - duplicate members at any depth: parse_strict's DOM keeps one of two equal keys and
//   its member count reveals it; here each open object's keys (unescaped) are kept on a
//   stack and every new key is compared with its siblings;
// - then not_an_object when the document is not an object.
// A payload beyond the fixed capacities (more top-level members than the table holds,
// more keys open at once than the stack holds) is handed to parse_strict instead: the
// handler gives up and the caller runs the DOM parser, whose answer is the answer.
#ifndef WARDEN_JWT_DETAIL_CLAIMS_PARSER_HPP
#define WARDEN_JWT_DETAIL_CLAIMS_PARSER_HPP

#include <warden/jwt/detail/json.hpp>
#include <warden/jwt/error.hpp>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/kind.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string_view>
#include <system_error>

namespace warden::jwt::detail {

// One top-level member of a claim set (jwt::claims::member, documented there).
struct claim_member {
    std::string_view name;
    std::string_view text;
    union {
        bool boolean;
        std::int64_t int64;
        std::uint64_t uint64;
        double number;
    };
    boost::json::kind kind;
};

class claims_handler {
public:
    static constexpr std::size_t max_object_size = strict_handler::max_object_size;
    static constexpr std::size_t max_array_size = strict_handler::max_array_size;
    static constexpr std::size_t max_key_size = strict_handler::max_key_size;
    static constexpr std::size_t max_string_size = strict_handler::max_string_size;
    // Keys of the open objects plus one mark per open object.
    static constexpr std::size_t max_keys = 64;

    // `copies` has room for text.size() bytes: every string copied (a key, or a
    // top-level string value, that is escaped) is at most as long as its JSON form.
    claims_handler(std::string_view text, char* copies, claim_member* table, std::size_t capacity) noexcept
        : text_(text), copies_(copies), table_(table), capacity_(capacity) {}

    bool not_object = false;
    bool duplicate = false;
    bool gave_up = false;  // beyond a capacity: parse_strict must decide
    bool nested = false;   // a top-level member is an array or an object
    std::size_t count = 0; // members in the table
    std::size_t copied = 0;

    bool on_document_begin(boost::json::error_code&) noexcept { return true; }
    bool on_document_end(boost::json::error_code&) noexcept { return true; }

    bool on_object_begin(boost::json::error_code& ec) noexcept {
        if (depth_ == 0) top_object_ = true;
        else container(boost::json::kind::object);
        if (keys_used_ == max_keys) return give_up(ec);
        keys_[keys_used_++] = key_ref{nullptr, 0}; // the mark: no key has a null data()
        ++depth_;
        return true;
    }
    bool on_object_end(std::size_t, boost::json::error_code&) noexcept {
        while (keys_[--keys_used_].data != nullptr) {}
        --depth_;
        return true;
    }
    bool on_array_begin(boost::json::error_code&) noexcept {
        if (depth_ == 0) not_object = true;
        else container(boost::json::kind::array);
        ++depth_;
        return true;
    }
    bool on_array_end(std::size_t, boost::json::error_code&) noexcept {
        --depth_;
        return true;
    }

    bool on_key_part(boost::json::string_view s, std::size_t, boost::json::error_code&) noexcept {
        append(s);
        return true;
    }
    bool on_key(boost::json::string_view s, std::size_t, boost::json::error_code& ec) noexcept {
        std::string_view key = finish(s);
        for (std::size_t i = keys_used_ - 1; keys_[i].data != nullptr; --i) {
            if (std::string_view(keys_[i].data, keys_[i].size) == key) {
                duplicate = true;
                break;
            }
        }
        if (keys_used_ == max_keys) return give_up(ec);
        keys_[keys_used_++] = key_ref{key.data(), key.size()};
        if (depth_ == 1) { // only the top-level object has keys at depth 1
            if (count == capacity_) return give_up(ec);
            member_ = &table_[count++];
            member_->name = key;
            member_->text = {};
            member_->int64 = 0;
            member_->kind = boost::json::kind::null;
        }
        return true;
    }

    bool on_string_part(boost::json::string_view s, std::size_t, boost::json::error_code&) noexcept {
        if (member_value()) append(s);
        return true;
    }
    bool on_string(boost::json::string_view s, std::size_t, boost::json::error_code&) noexcept {
        if (depth_ == 0) {
            not_object = true;
        } else if (member_value()) {
            member_->kind = boost::json::kind::string;
            member_->text = finish(s);
        }
        return true;
    }

    bool on_number_part(boost::json::string_view, boost::json::error_code&) noexcept { return true; }
    bool on_int64(std::int64_t v, boost::json::string_view, boost::json::error_code&) noexcept {
        if (scalar(boost::json::kind::int64)) member_->int64 = v;
        return true;
    }
    bool on_uint64(std::uint64_t v, boost::json::string_view, boost::json::error_code&) noexcept {
        if (scalar(boost::json::kind::uint64)) member_->uint64 = v;
        return true;
    }
    bool on_double(double v, boost::json::string_view, boost::json::error_code&) noexcept {
        if (scalar(boost::json::kind::double_)) member_->number = v;
        return true;
    }
    bool on_bool(bool v, boost::json::error_code&) noexcept {
        if (scalar(boost::json::kind::bool_)) member_->boolean = v;
        return true;
    }
    bool on_null(boost::json::error_code&) noexcept {
        (void)scalar(boost::json::kind::null);
        return true;
    }
    bool on_comment_part(boost::json::string_view, boost::json::error_code&) noexcept { return true; }
    bool on_comment(boost::json::string_view, boost::json::error_code&) noexcept { return true; }

private:
    // A value at depth 1 inside the top-level object is a member's value.
    bool member_value() const noexcept { return depth_ == 1 && top_object_; }

    bool scalar(boost::json::kind k) noexcept {
        if (depth_ == 0) {
            not_object = true;
            return false;
        }
        if (!member_value()) return false;
        member_->kind = k;
        return true;
    }

    void container(boost::json::kind k) noexcept {
        if (!member_value()) return;
        member_->kind = k; // its text is found after the pass (record_spans)
        nested = true;
    }

    bool give_up(boost::json::error_code& ec) noexcept {
        gave_up = true;
        ec = boost::json::error::exception;
        return false;
    }

    // Strings whose unescaped value is a run of the payload stay views into it; pieces
    // (escapes, or a value split by the parser) are gathered in `copies`.
    void append(boost::json::string_view s) noexcept {
        if (!pending_) {
            pending_ = true;
            part_begin_ = copied;
        }
        if (!s.empty()) std::memcpy(copies_ + copied, s.data(), s.size());
        copied += s.size();
    }

    std::string_view finish(boost::json::string_view s) noexcept {
        std::less<const char*> before;
        if (!pending_ && !before(s.data(), text_.data()) && !before(text_.data() + text_.size(), s.data() + s.size()))
            return {s.data(), s.size()};
        append(s);
        pending_ = false;
        return {copies_ + part_begin_, copied - part_begin_};
    }

    std::string_view text_;
    char* copies_;
    claim_member* table_;
    std::size_t capacity_;
    claim_member* member_ = nullptr;
    std::size_t depth_ = 0;
    bool top_object_ = false;
    bool pending_ = false;
    std::size_t part_begin_ = 0;
    // Trivial, so the stack is not cleared on every parse.
    struct key_ref {
        const char* data;
        std::size_t size;
    };
    std::size_t keys_used_ = 0;
    key_ref keys_[max_keys];
};

// Walking JSON text already validated by the parser (never past its end).
inline const char* skip_ws(const char* p) noexcept {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') ++p;
    return p;
}

inline const char* skip_string(const char* p) noexcept {
    for (++p; *p != '"'; ++p)
        if (*p == '\\') ++p;
    return p + 1;
}

inline const char* skip_value(const char* p) noexcept {
    if (*p == '"') return skip_string(p);
    if (*p == '{' || *p == '[') {
        std::size_t depth = 0;
        do {
            if (*p == '"') {
                p = skip_string(p);
                continue;
            }
            if (*p == '{' || *p == '[') ++depth;
            else if (*p == '}' || *p == ']') --depth;
            ++p;
        } while (depth != 0);
        return p;
    }
    while (*p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') ++p;
    return p;
}

// Sets the text of the array and object members of `table` (every member of the
// top-level object `text`, in order) to their JSON text.
inline void record_spans(std::string_view text, claim_member* table, std::size_t count) noexcept {
    const char* p = skip_ws(text.data()) + 1; // past '{'
    for (std::size_t i = 0; i < count; ++i) {
        p = skip_ws(skip_string(skip_ws(p)));
        p = skip_ws(p + 1); // past ':'
        const char* end = skip_value(p);
        if (table[i].kind == boost::json::kind::array || table[i].kind == boost::json::kind::object)
            table[i].text = std::string_view(p, static_cast<std::size_t>(end - p));
        p = skip_ws(end) + 1; // past ',' or '}'
    }
}

struct claims_parse_result {
    std::error_code ec;
    std::size_t count = 0;  // members recorded in the table
    std::size_t copied = 0; // bytes used in `copies`
    bool gave_up = false;   // run parse_strict instead; nothing else is meaningful
};

// Parses `text` (which must outlive the table) into `table`, strings copied into
// `copies` (room for text.size() bytes) when they are not runs of `text`.
inline claims_parse_result parse_claims(std::string_view text, std::size_t max_depth, char* copies, claim_member* table,
                                        std::size_t capacity) noexcept {
    boost::json::parse_options opt;
    opt.max_depth = max_depth;
    boost::json::basic_parser<claims_handler> p(opt, text, copies, table, capacity);
    boost::json::error_code jec;
    std::size_t n = p.write_some(false, text.data(), text.size(), jec);
    const claims_handler& h = p.handler();
    claims_parse_result r;
    if (h.gave_up) {
        r.gave_up = true;
        return r;
    }
    if (jec || n != text.size()) r.ec = jec == boost::json::error::too_deep ? errc::too_deep : errc::bad_json;
    else if (h.duplicate) r.ec = errc::duplicate_member;
    else if (h.not_object) r.ec = errc::not_an_object;
    if (r.ec) return r;
    r.count = h.count;
    r.copied = h.copied;
    if (h.nested) record_spans(text, table, h.count);
    return r;
}

} // namespace warden::jwt::detail

#endif
