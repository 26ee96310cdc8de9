/// @file
/// `warden::test::client`: drives an app in-process, without sockets, with a cookie
/// jar like a browser's. For unit tests of views, policies and whole apps.
#ifndef WARDEN_TEST_CLIENT_HPP
#define WARDEN_TEST_CLIENT_HPP

#include <warden/core/detail/ascii.hpp>
#include <warden/core/http.hpp>
#include <warden/core/request.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>

namespace warden::test {

/// A response as a test sees it.
struct result {
    http_response raw;

    unsigned status() const noexcept { return raw.result_int(); }
    /// A response header, empty when absent.
    std::string header(std::string_view name) const {
        auto it = raw.find(name);
        return it == raw.end() ? std::string{} : std::string(it->value());
    }
    bool has_header(std::string_view name) const { return raw.find(name) != raw.end(); }
    /// All values of a repeated header (Set-Cookie).
    std::vector<std::string> headers(std::string_view name) const {
        std::vector<std::string> out;
        for (auto& f : raw)
            if (warden::detail::iequals(f.name_string(), name)) out.emplace_back(f.value());
        return out;
    }
    const std::string& body() const noexcept { return raw.body(); }
    /// The body parsed as JSON (null when the body is empty or not JSON).
    boost::json::value json() const {
        boost::json::error_code ec;
        auto v = boost::json::parse(raw.body(), ec);
        return ec ? boost::json::value{} : v;
    }
    /// `json().at("detail")` as a string, or empty.
    std::string detail() const {
        auto v = json();
        if (auto* o = v.if_object())
            if (auto* d = o->if_contains("detail"))
                if (auto* s = d->if_string()) return std::string(*s);
        return {};
    }
};

/// Header name/value pairs for a request.
using header_args = std::initializer_list<std::pair<std::string_view, std::string_view>>;

/// An in-process HTTP client bound to one app. Keeps cookies between requests.
/// Requests carry `Host: localhost` (one of the default `settings.allowed_hosts`) unless
/// the headers given name another Host.
///
/// @code
/// warden::test::client c{site};
/// auto r = c.post("/api/token-auth/", R"({"username":"alice","password":"alice-pass"})");
/// REQUIRE(r.status() == 200);
/// auto p = c.get("/api/profile/", {{"Authorization", "Token " + key}});
/// @endcode
template <class App>
class client {
public:
    explicit client(App& app, std::string remote_address = "127.0.0.1", bool secure = false)
        : app_(&app), remote_(std::move(remote_address)), secure_(secure) {}

    result get(std::string_view target, header_args headers = {}) { return send(http::verb::get, target, {}, {}, headers); }
    result head(std::string_view target, header_args headers = {}) { return send(http::verb::head, target, {}, {}, headers); }
    result options(std::string_view target, header_args headers = {}) { return send(http::verb::options, target, {}, {}, headers); }
    result del(std::string_view target, header_args headers = {}) { return send(http::verb::delete_, target, {}, {}, headers); }
    /// POST a JSON body (Content-Type: application/json).
    result post(std::string_view target, std::string_view json, header_args headers = {}) {
        return send(http::verb::post, target, json, "application/json", headers);
    }
    result put(std::string_view target, std::string_view json, header_args headers = {}) {
        return send(http::verb::put, target, json, "application/json", headers);
    }
    result patch(std::string_view target, std::string_view json, header_args headers = {}) {
        return send(http::verb::patch, target, json, "application/json", headers);
    }
    /// POST an urlencoded form body.
    result post_form(std::string_view target, std::string_view form, header_args headers = {}) {
        return send(http::verb::post, target, form, "application/x-www-form-urlencoded", headers);
    }

    /// Any request; an empty content type sends none.
    result send(http::verb method, std::string_view target, std::string_view body, std::string_view content_type,
                header_args headers = {}, std::string_view method_string = {}) {
        http_request msg;
        if (method_string.empty()) msg.method(method);
        else msg.method_string(method_string);
        msg.target(target);
        msg.version(11);
        msg.set(http::field::host, "localhost");
        if (!content_type.empty()) msg.set(http::field::content_type, content_type);
        bool has_cookie = false;
        for (auto& [k, v] : headers) {
            if (warden::detail::iequals(k, "Host")) {   // replaces the default, as a browser would send one
                msg.set(http::field::host, v);
                continue;
            }
            msg.insert(k, v);
            if (warden::detail::iequals(k, "Cookie")) has_cookie = true;
        }
        if (!has_cookie && !jar_.empty()) {
            std::string c;
            for (auto& [k, v] : jar_) c.append(c.empty() ? "" : "; ").append(k).append("=").append(v);
            msg.set(http::field::cookie, c);
        }
        msg.body() = std::string(body);
        msg.prepare_payload();
        result r{app_->handle(msg, connection_info{remote_, secure_})};
        remember_cookies(r);
        return r;
    }

    /// The cookie jar (name to value).
    std::map<std::string, std::string, std::less<>>& cookies() noexcept { return jar_; }

private:
    void remember_cookies(const result& r) {
        for (auto& line : r.headers("Set-Cookie")) {
            std::string_view v = line;
            auto eq = v.find('=');
            if (eq == std::string_view::npos) continue;
            auto semi = v.find(';');
            std::string name(v.substr(0, eq));
            std::string value(v.substr(eq + 1, semi == std::string_view::npos ? std::string_view::npos : semi - eq - 1));
            bool expired = value.empty() || value == "\"\"" || line.find("Max-Age=0") != std::string::npos;
            if (expired) jar_.erase(name);
            else jar_[name] = value;
        }
    }

    App* app_;
    std::string remote_;
    bool secure_;
    std::map<std::string, std::string, std::less<>> jar_;
};

} // namespace warden::test

#endif
