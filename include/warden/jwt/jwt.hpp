/// @file
/// JWT (RFC 7519) on top of JWS: claims parsed in one SAX pass into a flat table (the
/// DOM is built only when read), registered-claim validation with an injected clock,
/// and signing with PyJWT's exact encoding.
///
/// Claims rules (`validation`):
/// - `exp` is required by default; a token is expired when `exp <= now - leeway`;
/// - `nbf` and `iat` later than `now + leeway` are refused;
/// - `exp`, `nbf` and `iat` must be JSON numbers (integers or decimals; a string or a
///   boolean is `errc::bad_numeric_date`); decimals are truncated like PyJWT's `int()`
///   for `exp`/`nbf`;
/// - `iss` must equal the configured issuer exactly; `aud` (a string or an array of
///   strings) must contain one of the configured audiences; with no audience configured
///   a token carrying `aud` is refused (RFC 7519 4.1.3: it is meant for someone else);
/// - claims listed in `required_claims` must be present.
/// Checks run in PyJWT's order (required claims, iat, nbf, exp, iss, aud), then the
/// `exp` requirement, so the first failure reported matches simplejwt's.
#ifndef WARDEN_JWT_JWT_HPP
#define WARDEN_JWT_JWT_HPP

#include <warden/jwt/detail/claims_parser.hpp>
#include <warden/jwt/detail/json.hpp>
#include <warden/crypto/base64.hpp>
#include <warden/jwt/error.hpp>
#include <warden/jwt/jws.hpp>
#include <warden/jwt/key.hpp>
#include <warden/jwt/key_set.hpp>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace warden::jwt {

namespace detail {
struct claims_access;
}

/// A verified claim set: the payload's JSON text, its top-level members in a small
/// table, and a DOM built from the text on first request.
///
/// Verification parses the payload once with a SAX handler that records each
/// top-level member (name, kind, scalar value; strings as views into the payload
/// text, or into this object when escaped) and builds no DOM. The accessors
/// (`contains`, `string_claim`, `integer_claim`, `bool_claim`, `members`) read that
/// table; `object()`, `find()` and `to_object()` parse the kept text into a DOM the
/// first time one is called. Text, copies and the DOM use an inline buffer first, so
/// verifying a typical token into a `claims` (on the stack, or reused) does not touch
/// the heap.
///
/// Not copyable or movable (everything points into the object); use `to_object()`
/// for a free-standing copy. The DOM is a cache filled by const calls: do not make
/// the first such call on one object from two threads at once.
///
/// @code
/// warden::jwt::claims c;
/// if (!warden::jwt::verify_jwt(token, keys, rules, std::chrono::system_clock::now(), c)) {
///     std::optional<std::int64_t> user = c.integer_claim("user_id");   // no DOM
///     const boost::json::value* roles = c.find("roles");                 // builds the DOM once
/// }
/// @endcode
class claims {
public:
    /// One top-level member as verification recorded it. `kind` says which field
    /// holds the value: `boolean` (bool_), `int64`, `uint64` (integers above
    /// INT64_MAX only), `number` (double_), `text` (string: the unescaped value;
    /// array and object: their JSON text, exactly as in the payload); null has none.
    using member = detail::claim_member;

    /// Top-level members the table holds. A claim set with more, or with more keys
    /// and open objects at one time than the duplicate check tracks (64 in all), is
    /// parsed into the DOM during verification instead, and `members()` is empty.
    static constexpr std::size_t table_capacity = 16;

    claims() noexcept {}
    claims(const claims&) = delete;
    claims& operator=(const claims&) = delete;

    /// The claims as a JSON object (an empty object before a successful
    /// verification), parsed from the payload text on the first call. Valid until
    /// `clear()` or the next verification into this object.
    const boost::json::object& object() const {
        if (state_ == state::table && !dom_) build_dom();
        if (dom_) return dom_->get_object();
        static const boost::json::object empty;
        return empty;
    }

    /// The claim `name` in the DOM (built on the first call), or nullptr.
    const boost::json::value* find(std::string_view name) const { return object().if_contains(name); }

    /// Whether the claim `name` is present (any value, null included).
    bool contains(std::string_view name) const noexcept {
        if (state_ == state::table) return table_find(name) != nullptr;
        return dom_find(name) != nullptr;
    }

    /// The claim `name` when it is a JSON string (unescaped; valid as long as the claims).
    std::optional<std::string_view> string_claim(std::string_view name) const noexcept {
        if (state_ == state::table) {
            const member* m = table_find(name);
            if (m && m->kind == boost::json::kind::string) return m->text;
        } else if (const auto* v = dom_find(name); v && v->is_string()) {
            return std::string_view(v->get_string());
        }
        return std::nullopt;
    }

    /// The claim `name` when it is a JSON integer within the int64 range (a decimal
    /// such as 5.0 is not an integer).
    std::optional<std::int64_t> integer_claim(std::string_view name) const noexcept {
        if (state_ == state::table) {
            const member* m = table_find(name);
            if (m && m->kind == boost::json::kind::int64) return m->int64;
        } else if (const auto* v = dom_find(name)) {
            if (v->is_int64()) return v->get_int64();
            if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                return static_cast<std::int64_t>(v->get_uint64());
        }
        return std::nullopt;
    }

    /// The claim `name` when it is `true` or `false`.
    std::optional<bool> bool_claim(std::string_view name) const noexcept {
        if (state_ == state::table) {
            const member* m = table_find(name);
            if (m && m->kind == boost::json::kind::bool_) return m->boolean;
        } else if (const auto* v = dom_find(name); v && v->is_bool()) {
            return v->get_bool();
        }
        return std::nullopt;
    }

    /// The top-level members in payload order, as verification recorded them; empty
    /// when the claim set had more than `table_capacity` members (read `object()`).
    std::span<const member> members() const noexcept {
        return state_ == state::table ? std::span<const member>(table_, count_) : std::span<const member>{};
    }

    /// The payload's JSON text (empty before a successful verification).
    std::string_view text() const noexcept { return text_; }

    /// A copy of the claims with default storage, to keep beyond this object (parsed
    /// straight from the text when the DOM was not built).
    boost::json::object to_object() const {
        if (dom_) return boost::json::object(dom_->get_object(), boost::json::storage_ptr{});
        if (state_ != state::table) return {};
        std::error_code ec;
        boost::json::value v = detail::parse_strict(text_, boost::json::storage_ptr{}, max_depth_, ec);
        if (ec || !v.is_object()) return {};
        return std::move(v.get_object());
    }

    /// Forgets the claims (the heap buffer of a large payload is kept for reuse).
    void clear() noexcept {
        dom_.reset();
        mr_.reset();
        state_ = state::empty;
        count_ = 0;
        text_ = {};
        used_ = 0;
    }

    /// Parses `json` as the claims: strict (an object, no duplicate member at any
    /// depth, nesting at most `max_depth`, standard JSON and UTF-8), with no DOM.
    std::error_code parse(std::string_view json, std::size_t max_depth) {
        clear();
        const std::size_t n = json.size();
        char* text = reinterpret_cast<char*>(buf_);
        if (2 * n > sizeof buf_) { // the text, then room for as much in copied strings
            if (heap_size_ < 2 * n) {
                heap_.reset(new char[2 * n]);
                heap_size_ = 2 * n;
            }
            text = heap_.get();
        }
        if (n != 0) std::memmove(text, json.data(), n); // json may be this object's own text
        text_ = std::string_view(text, n);
        max_depth_ = max_depth;
        const bool inline_text = text == reinterpret_cast<char*>(buf_);
        auto r = detail::parse_claims(text_, max_depth, text + n, table_, table_capacity);
        if (r.gave_up) {
            used_ = inline_text ? n : 0;
            return parse_dom();
        }
        if (r.ec) {
            clear();
            return r.ec;
        }
        count_ = static_cast<std::uint8_t>(r.count);
        used_ = inline_text ? n + r.copied : 0;
        state_ = state::table;
        return {};
    }

private:
    friend struct detail::claims_access;

    enum class state : unsigned char {
        empty, // no claims
        table, // members in table_, DOM built on request
        dom    // beyond the table: the DOM, built when parsed, holds the claims
    };

    const member* table_find(std::string_view name) const noexcept {
        for (std::size_t i = 0; i < count_; ++i)
            if (table_[i].name == name) return &table_[i];
        return nullptr;
    }

    const boost::json::value* dom_find(std::string_view name) const noexcept {
        return dom_ ? dom_->get_object().if_contains(name) : nullptr;
    }

    // The DOM's arena: the inline buffer after the text and copies, then the heap.
    boost::json::monotonic_resource& arena() const {
        constexpr std::size_t align = alignof(std::max_align_t);
        const std::size_t at = (used_ + align - 1) / align * align;
        if (at + 256 <= sizeof buf_) mr_.emplace(buf_ + at, sizeof buf_ - at);
        else mr_.emplace();
        return *mr_;
    }

    void build_dom() const {
        std::error_code ec;
        boost::json::value v = detail::parse_strict(text_, &arena(), max_depth_, ec);
        // The text passed the verifying parse, so this cannot fail.
        if (!ec && v.is_object()) dom_.emplace(std::move(v));
        else dom_.emplace(boost::json::object(&*mr_));
    }

    std::error_code parse_dom() {
        std::error_code ec;
        {
            boost::json::value v = detail::parse_strict(text_, &arena(), max_depth_, ec);
            if (!ec && !v.is_object()) ec = errc::not_an_object;
            if (!ec) dom_.emplace(std::move(v)); // same storage: moved, not copied
        }
        if (ec) {
            clear();
            return ec;
        }
        state_ = state::dom;
        return {};
    }

    // The text and copies, then the DOM's arena (filled by const calls, hence mutable).
    alignas(std::max_align_t) mutable unsigned char buf_[2048];
    std::unique_ptr<char[]> heap_;
    std::size_t heap_size_ = 0;
    std::string_view text_;
    std::size_t used_ = 0; // bytes of buf_ holding the text and copies
    std::size_t max_depth_ = 0;
    member table_[table_capacity];
    std::uint8_t count_ = 0;
    state state_ = state::empty;
    mutable std::optional<boost::json::monotonic_resource> mr_; // before dom_: outlives it
    mutable std::optional<boost::json::value> dom_;
};

/// Rules for the registered claims; see the file comment.
struct validation {
    std::chrono::seconds leeway{0};              ///< Clock skew allowed on exp, nbf, iat.
    bool require_exp = true;                     ///< A token without `exp` is refused.
    bool verify_exp = true;                      ///< Check `exp` against the clock.
    bool verify_nbf = true;                      ///< Check `nbf` against the clock.
    bool verify_iat = true;                      ///< Refuse an `iat` in the future.
    std::vector<std::string> audience;           ///< Accepted audiences (any one matches).
    std::optional<std::string> issuer;           ///< Required `iss`, when set.
    std::vector<std::string> required_claims;    ///< Claims that must be present.
    verify_options jws{};                        ///< Limits and header policy.
};

namespace detail {

// A claim of a DOM as the rules read it (the `text` of an array or object stays empty:
// the DOM path hands over the array itself).
inline claim_member member_of(std::string_view name, const boost::json::value& v) noexcept {
    claim_member m;
    m.name = name;
    m.int64 = 0;
    m.kind = v.kind();
    switch (v.kind()) {
    case boost::json::kind::bool_: m.boolean = v.get_bool(); break;
    case boost::json::kind::int64: m.int64 = v.get_int64(); break;
    case boost::json::kind::uint64: m.uint64 = v.get_uint64(); break;
    case boost::json::kind::double_: m.number = v.get_double(); break;
    case boost::json::kind::string: m.text = v.get_string(); break;
    default: break;
    }
    return m;
}

// A NumericDate as whole seconds: integers as they are, decimals truncated toward zero
// (PyJWT's int()), saturated to the int64 range. False when not a JSON number.
inline bool numeric_date(const claim_member& m, std::int64_t& out) noexcept {
    switch (m.kind) {
    case boost::json::kind::int64: out = m.int64; return true;
    case boost::json::kind::uint64:
        out = m.uint64 > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
                  ? std::numeric_limits<std::int64_t>::max()
                  : static_cast<std::int64_t>(m.uint64);
        return true;
    case boost::json::kind::double_: {
        double d = std::trunc(m.number);
        if (d >= 9.2e18) out = std::numeric_limits<std::int64_t>::max();
        else if (d <= -9.2e18) out = std::numeric_limits<std::int64_t>::min();
        else out = static_cast<std::int64_t>(d);
        return true;
    }
    default: return false;
    }
}

inline bool numeric_date(const boost::json::value& v, std::int64_t& out) noexcept {
    return numeric_date(member_of({}, v), out);
}

inline std::int64_t unix_seconds(std::chrono::system_clock::time_point t) noexcept {
    return std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
}

// The registered claims the rules read, gathered from either form of a claim set.
struct registered_claims {
    const claim_member *iat = nullptr, *nbf = nullptr, *exp = nullptr, *iss = nullptr, *aud = nullptr;
    const boost::json::array* aud_array = nullptr; // `aud` when it is an array
};

// Points the fields of `r` at the registered members among `members` (one pass: cheaper
// than a lookup per registered claim).
template <class Members>
void gather_registered(const Members& members, registered_claims& r) noexcept {
    for (const claim_member& m : members) {
        if (m.name.size() != 3) continue;
        if (m.name == "exp") r.exp = &m;
        else if (m.name == "iat") r.iat = &m;
        else if (m.name == "nbf") r.nbf = &m;
        else if (m.name == "iss") r.iss = &m;
        else if (m.name == "aud") r.aud = &m;
    }
}

// The rules of `validation` (see the file comment), on claims `r` of a claim set whose
// presence test is `contains`: the one implementation both forms use.
template <class Contains>
std::error_code check_registered(const registered_claims& r, const Contains& contains, const validation& rules,
                                 std::chrono::system_clock::time_point now) noexcept {
    for (const auto& name : rules.required_claims)
        if (!contains(std::string_view(name))) return errc::missing_claim;
    const std::int64_t t = unix_seconds(now);
    const std::int64_t leeway = rules.leeway.count();
    std::int64_t value = 0;
    if (r.iat) {
        if (!numeric_date(*r.iat, value)) return errc::bad_numeric_date;
        // PyJWT compares iat without truncation.
        if (rules.verify_iat) {
            bool future = r.iat->kind == boost::json::kind::double_ ? r.iat->number > static_cast<double>(t + leeway)
                                                                    : value > t + leeway;
            if (future) return errc::iat_in_future;
        }
    }
    if (r.nbf) {
        if (!numeric_date(*r.nbf, value)) return errc::bad_numeric_date;
        if (rules.verify_nbf && value > t + leeway) return errc::not_yet_valid;
    }
    if (r.exp) {
        if (!numeric_date(*r.exp, value)) return errc::bad_numeric_date;
        if (rules.verify_exp && value <= t - leeway) return errc::expired;
    }
    if (rules.issuer) {
        if (!r.iss || r.iss->kind != boost::json::kind::string || r.iss->text != *rules.issuer) return errc::bad_issuer;
    }
    if (r.aud) {
        if (rules.audience.empty()) return errc::bad_audience;
        auto accepted = [&](std::string_view a) {
            for (const auto& want : rules.audience)
                if (a == want) return true;
            return false;
        };
        bool ok = false;
        if (r.aud->kind == boost::json::kind::string) {
            ok = accepted(r.aud->text);
        } else if (r.aud->kind == boost::json::kind::array && r.aud_array) {
            for (const auto& a : *r.aud_array) {
                if (!a.is_string()) return errc::bad_audience;
                ok = ok || accepted(a.get_string());
            }
        } else {
            return errc::bad_audience;
        }
        if (!ok) return errc::bad_audience;
    } else if (!rules.audience.empty()) {
        return errc::bad_audience;
    }
    if (!r.exp && rules.require_exp) return errc::missing_exp;
    return {};
}

// A DOM object read through the accessors of `claims`, so that the rules written over
// those accessors (simplejwt.hpp, blacklist.hpp) serve both forms.
struct object_claims {
    const boost::json::object& o;
    bool contains(std::string_view name) const noexcept { return o.contains(name); }
    const boost::json::value* find(std::string_view name) const noexcept { return o.if_contains(name); }
    std::optional<std::string_view> string_claim(std::string_view name) const noexcept {
        const auto* v = o.if_contains(name);
        if (v && v->is_string()) return std::string_view(v->get_string());
        return std::nullopt;
    }
};

// What validate_claims(const claims&) reads of a claims object beyond its public face.
struct claims_access {
    static bool tabulated(const claims& c) noexcept { return c.state_ == claims::state::table; }
};

} // namespace detail

/// Checks the registered claims of `c` against `rules` at time `now`.
/// @return empty, or `errc::missing_claim`, `bad_numeric_date`, `iat_in_future`,
///         `not_yet_valid`, `expired`, `bad_issuer`, `bad_audience`, `missing_exp`.
inline std::error_code validate_claims(const boost::json::object& c, const validation& rules,
                                       std::chrono::system_clock::time_point now) noexcept {
    // Only the registered names are turned into members (at most one each).
    detail::claim_member found[5];
    std::size_t n = 0;
    const boost::json::array* aud_array = nullptr;
    for (const auto& kv : c) {
        std::string_view name = kv.key();
        if (name.size() != 3 || n == 5) continue;
        if (name == "exp" || name == "iat" || name == "nbf" || name == "iss" || name == "aud") {
            found[n++] = detail::member_of(name, kv.value());
            if (name == "aud") aud_array = kv.value().if_array();
        }
    }
    detail::registered_claims r;
    detail::gather_registered(std::span<const detail::claim_member>(found, n), r);
    r.aud_array = aud_array;
    return detail::check_registered(r, [&](std::string_view name) { return c.contains(name); }, rules, now);
}

/// Checks the registered claims of a verified claim set, as the object form does,
/// without building its DOM: an `aud` array is parsed from its text alone.
inline std::error_code validate_claims(const claims& c, const validation& rules, std::chrono::system_clock::time_point now) {
    if (!detail::claims_access::tabulated(c)) return validate_claims(c.object(), rules, now);
    detail::registered_claims r;
    detail::gather_registered(c.members(), r);
    const auto contains = [&](std::string_view name) { return c.contains(name); };
    if (!r.aud || r.aud->kind != boost::json::kind::array) return detail::check_registered(r, contains, rules, now);
    alignas(std::max_align_t) unsigned char buf[512];
    boost::json::monotonic_resource mr(buf, sizeof buf);
    std::error_code ec;
    boost::json::value aud = detail::parse_strict(r.aud->text, &mr, rules.jws.lim.max_depth, ec);
    r.aud_array = aud.if_array();
    return detail::check_registered(r, contains, rules, now);
}

namespace detail {

template <class Keys>
std::error_code verify_jwt_impl(std::string_view token, const Keys& keys, const validation& rules,
                                std::chrono::system_clock::time_point now, claims& out) {
    out.clear();
    compact_parts parts;
    header_info info;
    if (auto ec = verify_compact(token, rules.jws, select_from(keys), parts, info)) return ec;
    if (info.nested) return errc::nested_jwt;
    std::string& payload = scratch().payload;
    if (crypto::base64url_decode(parts.payload, payload)) return errc::bad_base64;
    if (auto ec = out.parse(payload, rules.jws.lim.max_depth)) return ec;
    if (auto ec = validate_claims(out, rules, now)) {
        out.clear();
        return ec;
    }
    return {};
}

} // namespace detail

/// Verifies a JWT: signature (jws.hpp), then claims (`validation`), at time `now`.
///
/// One call per request: the claims land in `out`'s arena, the decoding buffers are
/// per-thread and reused, and an HMAC key MACs with a cached keyed context, so the
/// call does not allocate once warm.
/// @return empty on success; otherwise the first `errc` reason and `out` is empty.
/// @code
/// using namespace std::chrono;
/// warden::jwt::claims c;
/// auto ec = warden::jwt::verify_jwt(token, key, {}, system_clock::now(), c);
/// auto ec2 = warden::jwt::verify_jwt(token, key, {}, sys_seconds{seconds{1700000000}}, c); // frozen clock
/// @endcode
inline std::error_code verify_jwt(std::string_view token, const key& k, const validation& rules,
                                  std::chrono::system_clock::time_point now, claims& out) {
    return detail::verify_jwt_impl(token, k, rules, now, out);
}

/// Verifies a JWT with the key its `kid` selects from `keys`.
inline std::error_code verify_jwt(std::string_view token, const key_set& keys, const validation& rules,
                                  std::chrono::system_clock::time_point now, claims& out) {
    return detail::verify_jwt_impl(token, keys, rules, now, out);
}

/// Signs a claim set into a JWT, encoding the claims byte for byte as PyJWT does
/// (`json.dumps(claims, separators=(",", ":"))`: member order kept, non-ASCII escaped)
/// under the header `{"alg":..,"kid":..,"typ":"JWT"}`.
/// @return `errc::bad_json` for claims Python could not encode as JSON (NaN, invalid
///         UTF-8), or the key's signing error.
inline std::error_code sign_jwt(const key& k, const boost::json::object& c, std::string& token,
                                const sign_options& opt = {}) {
    std::string payload;
    if (auto ec = detail::py_dump(c, payload)) return ec;
    return sign_jws(k, payload, token, opt);
}

/// Throwing form of `sign_jwt()`.
inline std::string sign_jwt(const key& k, const boost::json::object& c, const sign_options& opt = {}) {
    std::string token;
    if (auto ec = sign_jwt(k, c, token, opt)) throw std::system_error(ec, "warden::jwt::sign_jwt");
    return token;
}

/// Decodes header and claims WITHOUT verifying anything (for `warden jwt decode` and
/// debugging; never for authentication). Parsing is as strict as verification.
inline std::error_code decode_unverified(std::string_view token, boost::json::object& header,
                                         boost::json::object& payload, const limits& lim = {}) {
    detail::compact_parts parts;
    if (auto ec = detail::split_compact(token, lim, parts)) return ec;
    std::string text;
    auto parse_part = [&](std::string_view part, boost::json::object& out) -> std::error_code {
        if (crypto::base64url_decode(part, text)) return errc::bad_base64;
        boost::json::monotonic_resource mr;
        std::error_code ec;
        boost::json::value v = detail::parse_strict(text, &mr, lim.max_depth, ec);
        if (ec) return ec;
        if (!v.is_object()) return errc::not_an_object;
        out = boost::json::object(v.get_object(), boost::json::storage_ptr{});
        return {};
    };
    if (auto ec = parse_part(parts.header, header)) return ec;
    return parse_part(parts.payload, payload);
}

} // namespace warden::jwt

#endif
