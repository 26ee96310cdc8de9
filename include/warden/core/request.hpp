/// @file
/// `request`: what policies and handlers see of an HTTP request.
#ifndef WARDEN_CORE_REQUEST_HPP
#define WARDEN_CORE_REQUEST_HPP

#include <warden/core/cookie.hpp>
#include <warden/core/http.hpp>
#include <warden/core/identity.hpp>
#include <warden/core/response.hpp>

#include <boost/beast/core/string.hpp>

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace boost::json { class object; }

namespace warden {

/// A value captured by a route converter (`<int:id>` gives name "id").
struct path_param {
    std::string_view name;
    std::string_view value;
};

/// At most this many converters per route pattern (checked when the route compiles).
inline constexpr std::size_t max_path_params = 8;

/// Facts about the connection a request came on.
struct connection_info {
    /// The peer's IP address as text ("127.0.0.1", "::1"); empty when unknown.
    std::string_view remote_address;
    /// True when the request came over TLS.
    bool secure = false;
};

namespace detail {
struct pipeline_access;
inline std::string percent_decode(std::string_view in, bool plus_is_space);

// A request target split once, at '?': the path as sent, the query, and whether the
// path has percent-escapes to decode. The app splits it when it routes the request and
// hands the split to the request.
struct split_target {
    std::string_view path;
    std::string_view query;
    bool escaped = false;

    static split_target of(std::string_view target) noexcept {
        split_target t;
        auto q = target.find('?');
        t.path = target.substr(0, q);
        if (q != std::string_view::npos) t.query = target.substr(q + 1);
        t.escaped = t.path.find('%') != std::string_view::npos;
        return t;
    }
};
}

/// An HTTP request as policies and handlers see it: method, path, headers, cookies,
/// the parsed body, path parameters, and who made it.
///
/// `user()` is the anonymous user until an authenticator succeeds; `auth()` then says
/// what proved it, as DRF's `request.user` and `request.auth`.
///
/// @code
/// warden::response get(warden::request& req) {
///     auto id = req.param_as<std::int64_t>("id");
///     return warden::json({{"id", *id}, {"by", req.user().username}});
/// }
/// @endcode
class request {
public:
    /// Wraps `msg`, which must outlive the request.
    explicit request(http_request& msg, connection_info info = {})
        : request(msg, detail::split_target::of(msg.target()), info) {}
    /// Wraps `msg` whose target the caller has split already (the app, which routed it).
    request(http_request& msg, const detail::split_target& target, connection_info info = {})
        : msg_(&msg), raw_path_(target.path), path_(target.path), query_(target.query), secure_(info.secure) {
        set_remote_address(info.remote_address);
        if (target.escaped) {
            decoded_path_ = detail::percent_decode(raw_path_, false);
            path_ = decoded_path_;
        }
    }

    request(const request&) = delete;
    request& operator=(const request&) = delete;

    /// The method as Beast knows it (`http::verb::unknown` for extension methods).
    http::verb method() const noexcept { return msg_->method(); }
    /// The method name as sent ("GET", "PROPFIND").
    std::string_view method_string() const noexcept { return msg_->method_string(); }
    /// The method name upper-cased, as Django's `request.method` ("get" gives "GET").
    std::string method_upper() const {
        std::string m(method_string());
        for (auto& c : m)
            if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        return m;
    }
    /// GET, HEAD, OPTIONS or TRACE: the methods Django's CSRF check exempts. (DRF's
    /// SAFE_METHODS, used by permissions, leave TRACE out.)
    bool is_safe_method() const noexcept {
        auto m = method();
        return m == http::verb::get || m == http::verb::head || m == http::verb::options || m == http::verb::trace;
    }

    /// The path with percent-escapes decoded (what routes match).
    std::string_view path() const noexcept { return path_; }
    /// The path exactly as sent.
    std::string_view raw_path() const noexcept { return raw_path_; }
    /// The query string without '?', undecoded.
    std::string_view query_string() const noexcept { return query_; }

    /// The last value of query parameter `key`, decoded ('+' is a space); empty if absent.
    std::optional<std::string> query(std::string_view key) const {
        std::optional<std::string> found;
        std::string_view q = query_;
        while (!q.empty()) {
            auto amp = q.find('&');
            std::string_view pair = q.substr(0, amp);
            q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
            auto eq = pair.find('=');
            if (detail::percent_decode(pair.substr(0, eq), true) != key) continue;
            found = eq == std::string_view::npos ? std::string{} : detail::percent_decode(pair.substr(eq + 1), true);
        }
        return found;
    }

    /// A request header; empty when absent. For repeated headers, the first.
    std::string_view header(http::field f) const noexcept {
        auto it = find_field(*msg_, f);
        return it == msg_->end() ? std::string_view{} : std::string_view(it->value());
    }
    std::string_view header(std::string_view name) const noexcept {
        auto it = msg_->find(name);
        return it == msg_->end() ? std::string_view{} : std::string_view(it->value());
    }
    /// True when the header is present (even if empty).
    bool has_header(http::field f) const noexcept { return find_field(*msg_, f) != msg_->end(); }

    /// Cookie `name` from the Cookie header(s), telling an absent cookie (empty optional)
    /// from an empty one (`sessionid=`, which Django treats as present). The first
    /// occurrence wins; see `warden::find_cookie` for the parsing.
    std::optional<std::string_view> find_cookie(std::string_view name) const noexcept {
        for (const auto& f : *msg_)   // every Cookie field, in the order received
            if (f.name() == http::field::cookie)
                if (auto v = warden::find_cookie(f.value(), name)) return v;
        return std::nullopt;
    }
    /// The value of cookie `name`; empty if absent or empty.
    std::string_view cookie(std::string_view name) const noexcept { return find_cookie(name).value_or(std::string_view{}); }

    /// The `Content-Type` header value as sent (including parameters).
    std::string_view content_type() const noexcept { return header(http::field::content_type); }
    /// The media type of the body: `Content-Type` without its parameters and surrounding
    /// blanks, case as sent ("application/json" for "application/json; charset=utf-8").
    std::string_view media_type() const noexcept {
        std::string_view t = content_type();
        t = t.substr(0, t.find(';'));
        while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
        while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
        return t;
    }
    /// The raw request body.
    const std::string& body() const noexcept { return msg_->body(); }

    /// A path parameter captured by the route (`<str:username>`); empty if none.
    std::string_view param(std::string_view name) const noexcept {
        for (std::size_t i = 0; i < param_count_; ++i)
            if (params_[i].name == name) return params_[i].value;
        return {};
    }
    /// A path parameter converted to an integer type; empty if absent or out of range.
    template <class Int>
    std::optional<Int> param_as(std::string_view name) const noexcept {
        auto v = param(name);
        Int out{};
        auto r = std::from_chars(v.data(), v.data() + v.size(), out);
        if (v.empty() || r.ec != std::errc{} || r.ptr != v.data() + v.size()) return std::nullopt;
        return out;
    }

    /// The user making the request: the anonymous user until authentication succeeds.
    const warden::user& user() const noexcept { return user_ ? *user_ : *warden::user::anonymous(); }
    /// Shared ownership of the user (e.g. to keep it beyond the request).
    const std::shared_ptr<const warden::user>& user_ptr() const noexcept { return user_ ? user_ : warden::user::anonymous(); }
    /// What authenticated the request (DRF's `request.auth`); `scheme` empty if nothing.
    const auth_info& auth() const noexcept { return auth_; }

    /// The parsed body (JSON object, form or multipart fields); empty without a body.
    /// Defined in <warden/core/body.hpp>, which <warden.hpp> includes.
    const boost::json::object& data() const noexcept;

    /// The peer address, after trusted-proxy handling by the app.
    std::string_view remote_address() const noexcept { return {remote_.data(), remote_len_}; }
    /// True when the request arrived over TLS.
    bool is_secure() const noexcept { return secure_; }

    /// The underlying Beast message.
    const http_request& message() const noexcept { return *msg_; }

    /// Queues a cookie for whatever response this request gets (including errors). A
    /// cookie of the same name queued earlier is replaced, as Django's
    /// `response.cookies[name]` keeps the last decision.
    void set_cookie(const warden::cookie& c, std::chrono::system_clock::time_point now) {
        for (auto it = response_headers_.begin(); it != response_headers_.end();) {
            std::string_view v = it->value;
            if (it->field == http::field::set_cookie && v.size() > c.name.size() && v.starts_with(c.name) &&
                v[c.name.size()] == '=')
                it = response_headers_.erase(it);
            else
                ++it;
        }
        response_headers_.push_back({http::field::set_cookie, {}, c.to_header(now)});
    }
    /// Queues a header for whatever response this request gets.
    void add_response_header(http::field f, std::string value) {
        response_headers_.push_back({f, {}, std::move(value)});
    }
    /// Queues a header by name (for names Beast has no `http::field` for).
    void add_response_header(std::string_view name, std::string value) {
        auto f = http::string_to_field(name);
        response_headers_.push_back({f, f == http::field::unknown ? std::string(name) : std::string{}, std::move(value)});
    }
    /// Headers queued for the response.
    const header_list& response_headers() const noexcept { return response_headers_; }

    /// Index of the authenticator that succeeded in the view's list, or -1.
    int successful_authenticator() const noexcept { return authenticator_; }

    /// Sets the identity (authenticators' results go through the pipeline; views that
    /// log a user in, such as session login, call this directly). `info` is moved in.
    void set_identity(std::shared_ptr<const warden::user> u, auth_info&& info, int authenticator = -1) {
        user_ = std::move(u);
        auth_ = std::move(info);
        authenticator_ = authenticator;
    }

private:
    friend struct detail::pipeline_access;

    void set_remote_address(std::string_view a) noexcept {
        remote_len_ = a.size() < remote_.size() ? a.size() : 0;
        if (remote_len_ != 0) std::memcpy(remote_.data(), a.data(), remote_len_);
    }

    http_request* msg_;
    std::string_view raw_path_;
    std::string_view path_;
    std::string_view query_;
    std::string decoded_path_;
    const path_param* params_ = nullptr;   // the route match's, which outlives the request
    std::size_t param_count_ = 0;
    std::shared_ptr<const warden::user> user_;   // null: the anonymous user
    auth_info auth_;
    int authenticator_ = -1;
    const boost::json::object* data_ = nullptr;
    std::array<char, 46> remote_;   // INET6_ADDRSTRLEN; not zeroed: remote_len_ bytes are read
    std::size_t remote_len_ = 0;
    bool secure_ = false;
    header_list response_headers_;
};

namespace detail {

inline int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Decodes %XX escapes (malformed escapes are kept as they are, as Django does).
inline std::string percent_decode(std::string_view in, bool plus_is_space) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '%' && i + 2 < in.size()) {
            int h = hex_value(in[i + 1]), l = hex_value(in[i + 2]);
            if (h >= 0 && l >= 0) {
                out.push_back(static_cast<char>(h * 16 + l));
                i += 2;
                continue;
            }
        }
        out.push_back(plus_is_space && c == '+' ? ' ' : c);
    }
    return out;
}

// The pipeline's access to what policies and handlers may only read.
struct pipeline_access {
    // `p` must outlive the request (the app passes its route match).
    static void set_params(request& r, const path_param* p, std::size_t n) noexcept {
        r.params_ = p;
        r.param_count_ = n;
    }
    static void set_data(request& r, const boost::json::object* d) noexcept { r.data_ = d; }
    static void set_remote_address(request& r, std::string_view a) noexcept { r.set_remote_address(a); }
    static void set_secure(request& r) noexcept { r.secure_ = true; }
    // After set_identity: names the scheme when the authenticator left it empty. (Set
    // here rather than on the result before the move, which would read back as one
    // 16-byte load what was just written as two 8-byte stores: a store-forwarding stall.)
    static void default_scheme(request& r, std::string_view s) noexcept {
        if (r.auth_.scheme.empty()) r.auth_.scheme = s;
    }
    static header_list& response_headers(request& r) noexcept { return r.response_headers_; }
};

} // namespace detail

} // namespace warden

#endif
