/// @file
/// `django::session_rows`: warden's `session_record` in a `django_session` row and back,
/// for both Django schema stores. What warden keeps of a session lives in Django's own
/// keys of the session dict:
///
/// | session_record | Django's session dict                                    |
/// |----------------|----------------------------------------------------------|
/// | `user_id`      | `_auth_user_id` (a string), with `_auth_user_backend`    |
/// | `auth_hash`    | `_auth_user_hash`                                        |
/// | `csrf_secret`  | `_csrftoken` (CSRF_USE_SESSIONS)                         |
/// | `expires_at`   | the row's `expire_date`                                  |
///
/// Everything else the Django site keeps in a session (a cart, messages) is left as it
/// is when warden saves the session again.
#ifndef WARDEN_STORE_DJANGO_SESSION_ROWS_HPP
#define WARDEN_STORE_DJANGO_SESSION_ROWS_HPP

#include <warden/store/django/options.hpp>
#include <warden/store/django/session_codec.hpp>
#include <warden/store/records.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace warden::django {

/// Encodes and decodes the `session_data` of warden's sessions in Django's table.
/// Thread-safe; keys are derived once.
class session_rows {
public:
    /// `CSRF_SESSION_KEY`: where Django keeps the CSRF secret with CSRF_USE_SESSIONS.
    static constexpr std::string_view csrf_key = "_csrftoken";

    /// @throws std::invalid_argument for an empty secret key.
    explicit session_rows(const site_options& site)
        : codec_({.secret = site.secret_key, .fallbacks = site.secret_key_fallbacks},
                 {.accept_legacy = site.accept_legacy_sessions}),
          backends_(site.authentication_backends) {}

    /// The record of row (`key`, `data`, `expires_at`). Data that does not decode (a bad
    /// signature, another secret) is an empty session, as Django reads it: anonymous. A
    /// login through a backend the site does not list, or a user id that is not a
    /// number, is anonymous too.
    session_record read(std::string_view key, std::string_view data, std::int64_t expires_at) const {
        session_record r;
        r.key = std::string(key);
        r.expires_at = expires_at;
        boost::json::object session;
        if (codec_.decode(data, session)) return r;
        r.user_id = user_of(session);
        if (r.user_id != 0)
            if (auto* h = session.if_contains(session_hash_key); h && h->is_string()) r.auth_hash = h->get_string();
        if (auto* c = session.if_contains(csrf_key); c && c->is_string()) r.csrf_secret = c->get_string();
        return r;
    }

    /// The user id a row's `data` names, 0 when anonymous or undecodable.
    std::int64_t user_of(std::string_view data) const {
        boost::json::object session;
        if (codec_.decode(data, session)) return 0;
        return user_of(session);
    }

    /// The `session_data` for `r`: `previous` (the row's data now, or empty for a new
    /// row) with warden's keys set from `r`, everything else kept, signed at `now`.
    /// Data that does not decode is replaced, as Django's save() of an empty session would.
    std::error_code write(const session_record& r, std::string_view previous, std::string& out,
                          std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const {
        boost::json::object session;
        if (!previous.empty() && codec_.decode(previous, session)) session.clear();
        if (r.user_id != 0) {
            session[session_user_id_key] = std::to_string(r.user_id);
            // Keep a backend Django recorded if the site lists it; else warden's own.
            auto* b = session.if_contains(session_backend_key);
            if (!b || !b->is_string() || !listed(b->get_string())) session[session_backend_key] = backends_.front();
            session[session_hash_key] = r.auth_hash;
        } else {
            session.erase(session_user_id_key);
            session.erase(session_backend_key);
            session.erase(session_hash_key);
        }
        if (!r.csrf_secret.empty()) session[csrf_key] = r.csrf_secret;
        else session.erase(csrf_key);
        return codec_.encode(session, out, now);
    }

private:
    bool listed(std::string_view backend) const {
        return std::find(backends_.begin(), backends_.end(), backend) != backends_.end();
    }

    // Django's get_user: the backend must be listed, and the id reads as the primary key
    // (Django stores it as a string; an integer is read as well).
    std::int64_t user_of(const boost::json::object& session) const {
        auto* b = session.if_contains(session_backend_key);
        if (!b || !b->is_string() || !listed(b->get_string())) return 0;
        auto* id = session.if_contains(session_user_id_key);
        if (!id) return 0;
        std::int64_t n = 0;
        if (id->is_int64()) n = id->get_int64();
        else if (id->is_string()) {
            std::string_view s = id->get_string();
            auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
            if (ec != std::errc{} || end != s.data() + s.size()) return 0;
        }
        return n > 0 ? n : 0;
    }

    session_codec codec_;
    std::vector<std::string> backends_;
};

} // namespace warden::django

#endif
