// The HTML of the login and logout pages. Every value that came from a request (the
// username typed, `next`, the path) is escaped; the pages load nothing and run no
// script, and their one inline style is allowed by its hash, so the policy they are
// sent with can forbid everything else.
#ifndef WARDEN_SESSION_DETAIL_PAGES_HPP
#define WARDEN_SESSION_DETAIL_PAGES_HPP

#include <warden/core/html.hpp>
#include <warden/crypto/base64.hpp>
#include <warden/crypto/digest.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace warden::session::detail {

inline constexpr std::string_view page_style =
    "body{font-family:system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}"
    "main{max-width:22rem;margin:4rem auto;padding:2rem;background:#fff;border-radius:8px;"
    "box-shadow:0 1px 4px rgba(0,0,0,.15)}"
    "h1{font-size:1.4rem;margin-top:0}"
    "label{display:block;font-weight:600;margin-bottom:.25rem}"
    "input{box-sizing:border-box;width:100%;padding:.5rem;font-size:1rem;border:1px solid #8a93a6;border-radius:4px}"
    "button{padding:.55rem 1.2rem;font-size:1rem;border:0;border-radius:4px;background:#1f5fbf;color:#fff;cursor:pointer}"
    "button:focus,input:focus{outline:3px solid #f2b705;outline-offset:1px}"
    ".errors,.error{color:#a4161a}"
    ".errors{border:1px solid #a4161a;border-radius:4px;padding:.5rem .75rem;background:#fdecec}";

// The pages' Content-Security-Policy: nothing but the inline style (by its hash),
// forms posting to this site, and no framing.
inline const std::string& page_policy() {
    static const std::string policy = [] {
        auto digest = crypto::sha256(page_style);
        std::string hash = crypto::base64_encode(
            std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
        return "default-src 'none'; style-src 'sha256-" + hash +
               "'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    }();
    return policy;
}

// A form's fields and errors as the page shows them again.
struct form_state {
    std::string username;
    std::vector<std::string> non_field_errors;
    std::string username_error;
    std::string password_error;
};

inline void page_head(std::string& out, std::string_view title) {
    out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
               "<meta name=\"robots\" content=\"NONE,NOARCHIVE\">\n<title>");
    append_html_escaped(out, title);
    out.append("</title>\n<style>").append(page_style).append("</style>\n</head>\n<body>\n<main>\n<h1>");
    append_html_escaped(out, title);
    out.append("</h1>\n");
}

inline void form_start(std::string& out, std::string_view action, std::string_view csrf_token, std::string_view next) {
    out.append("<form method=\"post\" action=\"");
    append_html_escaped(out, action);
    out.append("\">\n<input type=\"hidden\" name=\"csrfmiddlewaretoken\" value=\"");
    append_html_escaped(out, csrf_token);
    out.append("\">\n");
    if (!next.empty()) {
        out.append("<input type=\"hidden\" name=\"next\" value=\"");
        append_html_escaped(out, next);
        out.append("\">\n");
    }
}

inline void field_error(std::string& out, std::string_view id, std::string_view message) {
    if (message.empty()) return;
    out.append("<span class=\"error\" id=\"").append(id).append("\">");
    append_html_escaped(out, message);
    out.append("</span>\n");
}

inline std::string login_page_html(std::string_view action, std::string_view csrf_token, std::string_view next,
                                   const form_state& form) {
    std::string out;
    out.reserve(2048);
    page_head(out, "Log in");
    if (!form.non_field_errors.empty()) {
        out.append("<div class=\"errors\" role=\"alert\" id=\"login-errors\">\n");
        for (const auto& e : form.non_field_errors) {
            out.append("<p>");
            append_html_escaped(out, e);
            out.append("</p>\n");
        }
        out.append("</div>\n");
    }
    form_start(out, action, csrf_token, next);
    out.append("<p><label for=\"id_username\">Username</label>\n"
               "<input type=\"text\" name=\"username\" id=\"id_username\" value=\"");
    append_html_escaped(out, form.username);
    out.append("\" autocomplete=\"username\" autocapitalize=\"none\" maxlength=\"150\" required autofocus");
    if (!form.username_error.empty()) out.append(" aria-invalid=\"true\" aria-describedby=\"id_username_error\"");
    out.append(">\n");
    field_error(out, "id_username_error", form.username_error);
    out.append("</p>\n<p><label for=\"id_password\">Password</label>\n"
               "<input type=\"password\" name=\"password\" id=\"id_password\" autocomplete=\"current-password\" required");
    if (!form.password_error.empty()) out.append(" aria-invalid=\"true\" aria-describedby=\"id_password_error\"");
    out.append(">\n");
    field_error(out, "id_password_error", form.password_error);
    out.append("</p>\n<p><button type=\"submit\">Log in</button></p>\n</form>\n</main>\n</body>\n</html>\n");
    return out;
}

inline std::string logout_page_html(std::string_view action, std::string_view csrf_token, std::string_view next) {
    std::string out;
    out.reserve(1536);
    page_head(out, "Log out");
    out.append("<p>Log out of this site in this browser?</p>\n");
    form_start(out, action, csrf_token, next);
    out.append("<p><button type=\"submit\">Log out</button></p>\n</form>\n</main>\n</body>\n</html>\n");
    return out;
}

} // namespace warden::session::detail

#endif
