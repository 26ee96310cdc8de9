/// @file
/// A few fixed files served as they are: a single-page app's HTML, script and style.
///
/// `static_files` reads every file of one directory once, at start, into memory; the
/// views `static_file<"name">` (one file at a route, e.g. the app's page at "/") and
/// `static_directory` (a route ending in `<path:name>`) answer from that memory only.
/// A request never touches the file system, so no path a client sends can reach a file
/// outside the set (`..`, `%2e%2e`, `//`, a backslash, a symbolic link: none of them
/// names a file the set holds).
///
/// Each answer carries the file's media type (from its extension), a strong `ETag` (a
/// hash of the contents; `If-None-Match` gets 304), `Cache-Control: no-cache` (the
/// browser revalidates, so a changed file is seen at once) and
/// `X-Content-Type-Options: nosniff`. HTML files also get `X-Frame-Options: DENY` and
/// the Content-Security-Policy of `static_files_options::html_policy`, which by default
/// allows scripts and styles from this site only: no inline script, no `eval`.
///
/// @code
/// warden::static_files assets{"site/static"};     // index.html, app.js, app.css
/// auto site = warden::app<warden::route<"/", warden::static_file<"index.html">>,
///                         warden::route<"/static/<path:name>", warden::static_directory>, ...>(
///     db, settings, assets);
/// @endcode
#ifndef WARDEN_VIEW_STATIC_FILES_HPP
#define WARDEN_VIEW_STATIC_FILES_HPP

#include <warden/core/api_error.hpp>
#include <warden/core/detail/etag.hpp>
#include <warden/core/fixed_string.hpp>
#include <warden/core/http.hpp>
#include <warden/core/request.hpp>
#include <warden/core/response.hpp>
#include <warden/core/service_tags.hpp>
#include <warden/view/api_view.hpp>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace warden {

/// Limits and headers of a `static_files` set.
struct static_files_options {
    /// The Content-Security-Policy of HTML files: this site's scripts, styles, images
    /// and requests only; no inline script, no plugins, no framing, forms to this site.
    std::string html_policy = "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                              "frame-ancestors 'none'";
    /// The most files a set may hold.
    std::size_t max_files = 256;
    /// The largest file, in bytes.
    std::size_t max_file_size = 4u << 20;
    /// How deep below the directory files are read.
    int max_depth = 4;
};

/// One file of a `static_files` set.
struct static_asset {
    std::string body;
    /// The media type, from the extension ("text/javascript; charset=utf-8").
    std::string_view content_type;
    /// The strong entity tag, quotes included.
    std::string etag;
};

namespace detail {

// Media types by extension; application/octet-stream for the rest (with nosniff, a
// browser then neither runs nor renders the file).
inline std::string_view media_type_of(std::string_view name) noexcept {
    auto dot = name.rfind('.');
    std::string_view ext = dot == std::string_view::npos ? std::string_view{} : name.substr(dot + 1);
    struct entry { std::string_view ext, type; };
    static constexpr entry table[] = {
        {"html", "text/html; charset=utf-8"},      {"js", "text/javascript; charset=utf-8"},
        {"mjs", "text/javascript; charset=utf-8"}, {"css", "text/css; charset=utf-8"},
        {"json", "application/json"},              {"txt", "text/plain; charset=utf-8"},
        {"svg", "image/svg+xml"},                  {"png", "image/png"},
        {"jpg", "image/jpeg"},                     {"jpeg", "image/jpeg"},
        {"gif", "image/gif"},                      {"webp", "image/webp"},
        {"ico", "image/x-icon"},                   {"woff2", "font/woff2"},
        {"webmanifest", "application/manifest+json"}, {"map", "application/json"},
    };
    for (const auto& e : table)
        if (e.ext == ext) return e.type;
    return "application/octet-stream";
}

// A path segment a set may hold: letters, digits, '.', '_', '-', not starting with '.'
// (no hidden files, no "." or ".."), so every name is also a clean URL path.
inline bool plain_segment(std::string_view s) noexcept {
    if (s.empty() || s.front() == '.') return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-'))
            return false;
    return true;
}

} // namespace detail

/// A fixed set of files, read once from a directory (the app service behind
/// `static_file` and `static_directory`; it provides `static_files_tag`).
///
/// Files are named by their path below the directory with '/' separators
/// ("index.html", "js/app.js"). Only regular files are read (symbolic links and other
/// kinds are skipped), and only those whose every path segment is letters, digits,
/// '.', '_' or '-' and does not start with '.' (hidden files are left out).
class static_files {
public:
    using provides = warden::provides<static_files_tag>;
    /// The files are in memory: serving them never blocks.
    static constexpr bool blocking = false;

    /// Reads the files of `dir`.
    /// @throws std::invalid_argument naming `dir` when it is not a readable directory, or
    ///         naming a file over `opt.max_file_size`, or when there are more than
    ///         `opt.max_files`.
    explicit static_files(const std::filesystem::path& dir, static_files_options opt = {})
        : state_(std::make_shared<state>()) {
        state_->html_policy = std::move(opt.html_policy);
        std::error_code ec;
        if (!std::filesystem::is_directory(dir, ec))
            throw std::invalid_argument("static files: " + dir.string() + " is not a directory");
        read_dir(dir, {}, 0, opt);
    }

    /// The file named `name`, or null.
    const static_asset* find(std::string_view name) const noexcept {
        auto it = state_->files.find(name);
        return it == state_->files.end() ? nullptr : &it->second;
    }

    /// How many files the set holds.
    std::size_t size() const noexcept { return state_->files.size(); }

    /// The response for the file named `name`: 200 with the file, 304 when
    /// `If-None-Match` names its tag, or 404 DRF's "Not found.".
    response serve(const request& req, std::string_view name) const {
        const static_asset* a = find(name);
        if (!a) return response{http::status::not_found, errors::not_found().render()};
        const bool fresh = detail::etag_matches(req.header(http::field::if_none_match), a->etag);
        response r = fresh ? response{http::status::not_modified} : response{http::status::ok, a->body, a->content_type};
        r.set_header(http::field::etag, a->etag);
        r.set_header(http::field::cache_control, "no-cache");
        r.set_header("X-Content-Type-Options", "nosniff");
        if (a->content_type.starts_with("text/html")) {
            r.set_header("X-Frame-Options", "DENY");
            r.set_header("Content-Security-Policy", state_->html_policy);
        }
        return r;
    }

private:
    struct state {
        std::map<std::string, static_asset, std::less<>> files;
        std::string html_policy;
    };

    void read_dir(const std::filesystem::path& dir, const std::string& prefix, int depth, const static_files_options& opt) {
        std::error_code ec;
        std::filesystem::directory_iterator it(dir, ec), end;
        if (ec) throw std::invalid_argument("static files: cannot read " + dir.string());
        for (; it != end; it.increment(ec)) {
            if (ec) throw std::invalid_argument("static files: cannot read " + dir.string());
            const auto name = it->path().filename().string();
            if (!detail::plain_segment(name) || it->is_symlink(ec)) continue;
            if (it->is_directory(ec)) {
                if (depth + 1 < opt.max_depth) read_dir(it->path(), prefix + name + "/", depth + 1, opt);
                continue;
            }
            if (!it->is_regular_file(ec)) continue;
            if (state_->files.size() >= opt.max_files)
                throw std::invalid_argument("static files: more than " + std::to_string(opt.max_files) + " files in " +
                                            dir.string());
            if (it->file_size(ec) > opt.max_file_size || ec)
                throw std::invalid_argument("static files: " + it->path().string() + " is larger than " +
                                            std::to_string(opt.max_file_size) + " bytes");
            std::ifstream in(it->path(), std::ios::binary);
            if (!in) throw std::invalid_argument("static files: cannot read " + it->path().string());
            static_asset a;
            a.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
            a.content_type = detail::media_type_of(name);
            a.etag = detail::entity_tag(a.body);
            state_->files.emplace(prefix + name, std::move(a));
        }
    }

    std::shared_ptr<state> state_;
};

/// Serves the file `Name` of the app's `static_files` at its route (GET and HEAD),
/// e.g. a single-page app's `index.html` at "/". No authentication, no permission,
/// no content negotiation; the app's default throttles apply.
///
/// @code
/// warden::route<"/", warden::static_file<"index.html">>
/// @endcode
template <fixed_string Name>
struct static_file : api_view<authentication<>, permissions<>> {
    static constexpr std::string_view name = "Static File";
    static constexpr std::string_view renders = "*/*";
    using requires_services = services<static_files_tag>;

    template <class Ctx>
    response get(request& req, Ctx& ctx) {
        return ctx.template get<static_files_tag>().serve(req, Name.view());
    }
};

/// Serves the app's `static_files` by the route's `name` parameter (GET and HEAD):
/// route it as "/static/<path:name>". A name the set does not hold is 404.
struct static_directory : api_view<authentication<>, permissions<>> {
    static constexpr std::string_view name = "Static Files";
    static constexpr std::string_view renders = "*/*";
    using requires_services = services<static_files_tag>;

    template <class Ctx>
    response get(request& req, Ctx& ctx) {
        return ctx.template get<static_files_tag>().serve(req, req.param("name"));
    }
};

} // namespace warden

#endif
