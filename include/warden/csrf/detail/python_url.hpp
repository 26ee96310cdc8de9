// Python 3.11's urllib.parse.urlparse and ParseResult.geturl, as Django's CSRF checks
// call them on Referer and Origin headers. Reproduced rather than replaced by a URL
// parser of our own because the outcome of a check (malformed, insecure, which host)
// and the text of Django's REASON_BAD_REFERER both depend on Python's exact splitting.
//
// Header bytes are treated as Latin-1 characters, as WSGI servers decode them. Under
// that decoding Python's NFKC netloc check (_checknetloc) can never fail: no character
// U+0080..U+00FF normalises to one of "/?#@:", so it is omitted.
#ifndef WARDEN_CSRF_DETAIL_PYTHON_URL_HPP
#define WARDEN_CSRF_DETAIL_PYTHON_URL_HPP

#include <warden/core/detail/ascii.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace warden::csrf::detail {

struct parsed_url {
    std::string scheme; // lowercased
    std::string netloc;
    std::string path;
    std::string params;
    std::string query;
    std::string fragment;
};

using warden::detail::ascii_alpha;
using warden::detail::ascii_digit;
using warden::detail::ascii_hex;
using warden::detail::ascii_lower;

// ipaddress.IPv4Address: four dot-separated decimal octets, no leading zeros.
constexpr bool python_ipv4(std::string_view s) noexcept {
    if (s.empty() || s.find('/') != std::string_view::npos) return false;
    int octets = 0;
    while (true) {
        auto dot = s.find('.');
        std::string_view o = s.substr(0, dot);
        if (o.empty() || o.size() > 3) return false;
        for (char c : o)
            if (!ascii_digit(c)) return false;
        if (o.size() > 1 && o[0] == '0') return false;
        int v = 0;
        for (char c : o) v = v * 10 + (c - '0');
        if (v > 255) return false;
        ++octets;
        if (dot == std::string_view::npos) break;
        s.remove_prefix(dot + 1);
    }
    return octets == 4;
}

// ipaddress.IPv6Address, including the "%scope" suffix and an IPv4 tail.
inline bool python_ipv6(std::string_view s) {
    if (s.find('/') != std::string_view::npos) return false;
    if (auto pct = s.find('%'); pct != std::string_view::npos) {
        std::string_view scope = s.substr(pct + 1);
        if (scope.empty() || scope.find('%') != std::string_view::npos) return false;
        s = s.substr(0, pct);
    }
    if (s.empty()) return false;
    std::vector<std::string_view> parts;
    for (std::size_t start = 0;;) {
        auto colon = s.find(':', start);
        parts.push_back(s.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start));
        if (colon == std::string_view::npos) break;
        start = colon + 1;
    }
    if (parts.size() < 3) return false;
    if (parts.back().find('.') != std::string_view::npos) {
        if (!python_ipv4(parts.back())) return false;
        parts.back() = "0"; // two hextets replace the IPv4 tail; their values do not matter
        parts.push_back("0");
    }
    constexpr std::size_t hextets = 8;
    if (parts.size() > hextets + 1) return false;
    std::size_t skip = 0;
    bool has_skip = false;
    for (std::size_t i = 1; i + 1 < parts.size(); ++i) {
        if (parts[i].empty()) {
            if (has_skip) return false;
            has_skip = true;
            skip = i;
        }
    }
    std::size_t hi = 0, lo = 0;
    if (has_skip) {
        hi = skip;
        lo = parts.size() - skip - 1;
        if (parts.front().empty() && --hi != 0) return false;
        if (parts.back().empty() && --lo != 0) return false;
        if (hextets < hi + lo + 1) return false;
    } else {
        if (parts.size() != hextets || parts.front().empty() || parts.back().empty()) return false;
        hi = parts.size();
    }
    auto hextet_ok = [](std::string_view h) {
        if (h.empty() || h.size() > 4) return false; // int('', 16) raises too
        return std::all_of(h.begin(), h.end(), ascii_hex);
    };
    for (std::size_t i = 0; i < hi; ++i)
        if (!hextet_ok(parts[i])) return false;
    for (std::size_t i = parts.size() - lo; i < parts.size(); ++i)
        if (!hextet_ok(parts[i])) return false;
    return true;
}

// urllib.parse._check_bracketed_host: an IPv6 address or an IPvFuture ("v1.x").
inline bool python_bracketed_host_ok(std::string_view host) {
    if (!host.empty() && host.front() == 'v') {
        // \Av[a-fA-F0-9]+\..+\Z
        std::size_t i = 1;
        while (i < host.size() && ascii_hex(host[i])) ++i;
        return i > 1 && i < host.size() && host[i] == '.' && i + 1 < host.size();
    }
    return !python_ipv4(host) && python_ipv6(host);
}

// urllib.parse._check_bracketed_netloc.
inline bool python_bracketed_netloc_ok(std::string_view netloc) {
    auto at = netloc.rfind('@');
    std::string_view host_port = at == std::string_view::npos ? netloc : netloc.substr(at + 1);
    std::string_view host;
    auto open = host_port.find('[');
    if (open != std::string_view::npos) {
        if (open != 0) return false;
        std::string_view bracketed = host_port.substr(1);
        auto close = bracketed.find(']');
        host = bracketed.substr(0, close);
        if (close != std::string_view::npos) {
            std::string_view port = bracketed.substr(close + 1);
            if (!port.empty() && port.front() != ':') return false;
        }
    } else {
        host = host_port.substr(0, host_port.find(':'));
    }
    return python_bracketed_host_ok(host);
}

inline bool python_scheme_in(std::string_view scheme, std::initializer_list<std::string_view> list) {
    return std::find(list.begin(), list.end(), scheme) != list.end();
}

inline bool python_uses_params(std::string_view scheme) {
    return python_scheme_in(scheme, {"", "ftp", "hdl", "prospero", "http", "imap", "https", "shttp", "rtsp", "rtspu",
                                     "sip", "sips", "mms", "sftp", "tel"});
}

inline bool python_uses_netloc(std::string_view scheme) {
    return python_scheme_in(scheme, {"", "ftp", "http", "gopher", "nntp", "telnet", "imap", "wais", "file", "mms",
                                     "https", "shttp", "snews", "prospero", "rtsp", "rtspu", "rsync", "svn",
                                     "svn+ssh", "sftp", "nfs", "git", "git+ssh", "ws", "wss"});
}

// urllib.parse.urlparse(url); false where Python raises ValueError.
inline bool python_urlparse(std::string_view input, parsed_url& out) {
    out = {};
    // Only lstrip C0 controls and space; then drop every tab, CR and LF (bpo-43882).
    std::size_t first = 0;
    while (first < input.size() && static_cast<unsigned char>(input[first]) <= 0x20) ++first;
    std::string url;
    url.reserve(input.size() - first);
    for (char c : input.substr(first))
        if (c != '\t' && c != '\r' && c != '\n') url.push_back(c);

    std::string_view rest = url;
    if (auto colon = rest.find(':'); colon != std::string_view::npos && colon > 0 && ascii_alpha(rest[0])) {
        std::string_view candidate = rest.substr(0, colon);
        bool scheme_chars = std::all_of(candidate.begin(), candidate.end(), [](char c) {
            return ascii_alpha(c) || ascii_digit(c) || c == '+' || c == '-' || c == '.';
        });
        if (scheme_chars) {
            for (char c : candidate) out.scheme.push_back(ascii_lower(c));
            rest.remove_prefix(colon + 1);
        }
    }
    if (rest.substr(0, 2) == "//") {
        auto end = rest.find_first_of("/?#", 2);
        std::string_view netloc = rest.substr(2, end == std::string_view::npos ? std::string_view::npos : end - 2);
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
        const bool open = netloc.find('[') != std::string_view::npos;
        const bool close = netloc.find(']') != std::string_view::npos;
        if (open != close) return false;
        if (open && !python_bracketed_netloc_ok(netloc)) return false;
        out.netloc = netloc;
    }
    if (auto hash = rest.find('#'); hash != std::string_view::npos) {
        out.fragment = rest.substr(hash + 1);
        rest = rest.substr(0, hash);
    }
    if (auto q = rest.find('?'); q != std::string_view::npos) {
        out.query = rest.substr(q + 1);
        rest = rest.substr(0, q);
    }
    // urlparse's _splitparams: ';' in the last path segment starts the params.
    if (python_uses_params(out.scheme) && rest.find(';') != std::string_view::npos) {
        auto slash = rest.rfind('/');
        auto semi = slash == std::string_view::npos ? rest.find(';') : rest.find(';', slash);
        if (semi != std::string_view::npos) {
            out.params = rest.substr(semi + 1);
            rest = rest.substr(0, semi);
        }
    }
    out.path = rest;
    return true;
}

// ParseResult.geturl() (urlunparse): drops empty params, query and fragment delimiters.
inline std::string python_geturl(const parsed_url& u) {
    std::string url = u.path;
    if (!u.params.empty()) url += ";" + u.params;
    if (!u.netloc.empty() || (!u.scheme.empty() && python_uses_netloc(u.scheme) && url.substr(0, 2) != "//")) {
        if (!url.empty() && url.front() != '/') url.insert(url.begin(), '/');
        url = "//" + u.netloc + url;
    }
    if (!u.scheme.empty()) url = u.scheme + ":" + url;
    if (!u.query.empty()) url += "?" + u.query;
    if (!u.fragment.empty()) url += "#" + u.fragment;
    return url;
}

} // namespace warden::csrf::detail

#endif
