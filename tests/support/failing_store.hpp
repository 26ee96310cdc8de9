// A store that fails on demand, for testing what a request gets when a store it needs
// is down (a 503, never a 500 nor an anonymous request): the memory backend behind a
// switch. While `fail_with(code)` is on, every operation reports `code` (value-returning
// ones return an empty value and set the code, as the real backends do); `recover()`
// turns it off. No sockets: unit tests use it.
//
//     warden_test::failing_store db;
//     warden_test::seed(db);
//     db.fail_with(warden::store_errc::unavailable);
//     CHECK(c.get("/api/profile/", token_header).status() == 503);
#ifndef WARDEN_TESTS_SUPPORT_FAILING_STORE_HPP
#define WARDEN_TESTS_SUPPORT_FAILING_STORE_HPP

#include <warden/store/basic_store.hpp>
#include <warden/store/detail/memory_state.hpp>
#include <warden/store/error.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace warden_test {

class failing_backend {
public:
    // Blocking, like the database backends it stands for.
    static constexpr bool blocking = true;
    using self_purging = warden::services<warden::throttle_counters_tag>;

    std::string name() const { return "failing"; }

    void fail_with(std::error_code ec) { code_.store(ec.value()); }
    /// Fails with `ec` from the (n+1)th operation on: the first n still succeed, so a
    /// request can authenticate and then meet the failure in its view.
    void fail_after(std::size_t n, std::error_code ec) {
        pending_.store(ec.value());
        countdown_.store(static_cast<long>(n));
    }
    void recover() {
        code_.store(0);
        countdown_.store(-1);
    }
    /// Operations that reached the backend (failed or not).
    std::size_t calls() const { return calls_.load(); }

    // users
    std::shared_ptr<const warden::user> find_user(std::int64_t id, std::error_code& ec) {
        return failed(ec) ? nullptr : m_.find_user(id, ec);
    }
    std::shared_ptr<const warden::user> find_user_by_username(std::string_view n, std::error_code& ec) {
        return failed(ec) ? nullptr : m_.find_user_by_username(n, ec);
    }
    std::error_code create_user(warden::user& u) { return failed() ? code() : m_.create_user(u); }
    std::error_code create_users(std::span<warden::user> us) { return failed() ? code() : m_.create_users(us); }
    std::error_code update_user(const warden::user& u) { return failed() ? code() : m_.update_user(u); }
    std::vector<warden::user> list_users(std::error_code& ec) { return failed(ec) ? std::vector<warden::user>{} : m_.list_users(ec); }

    // tokens
    std::error_code add_token(const warden::token_record& t) { return failed() ? code() : m_.add_token(t); }
    std::error_code add_token_capped(const warden::token_record& t, std::size_t keep) {
        return failed() ? code() : m_.add_token_capped(t, keep);
    }
    std::optional<warden::token_lookup> find_token(const warden::token::key_digest& d, std::error_code& ec) {
        return failed(ec) ? std::nullopt : m_.find_token(d, ec);
    }
    bool remove_token(const warden::token::key_digest& d, std::error_code& ec) { return !failed(ec) && m_.remove_token(d, ec); }
    std::size_t remove_user_tokens(std::int64_t id, std::error_code& ec) { return failed(ec) ? 0 : m_.remove_user_tokens(id, ec); }
    std::vector<warden::token_record> user_tokens(std::int64_t id, std::error_code& ec) {
        return failed(ec) ? std::vector<warden::token_record>{} : m_.user_tokens(id, ec);
    }
    std::size_t purge_expired_tokens(std::int64_t now, std::error_code& ec) {
        return failed(ec) ? 0 : m_.purge_expired_tokens(now, ec);
    }

    // sessions
    std::error_code create_session(const warden::session_record& r) { return failed() ? code() : m_.create_session(r); }
    std::optional<warden::session_record> load_session(std::string_view k, std::int64_t now, std::error_code& ec) {
        return failed(ec) ? std::nullopt : m_.load_session(k, now, ec);
    }
    std::error_code save_session(const warden::session_record& r) { return failed() ? code() : m_.save_session(r); }
    bool delete_session(std::string_view k, std::error_code& ec) { return !failed(ec) && m_.delete_session(k, ec); }
    std::size_t delete_user_sessions(std::int64_t id, std::string_view except, std::error_code& ec) {
        return failed(ec) ? 0 : m_.delete_user_sessions(id, except, ec);
    }
    std::size_t purge_expired_sessions(std::int64_t now, std::error_code& ec) {
        return failed(ec) ? 0 : m_.purge_expired_sessions(now, ec);
    }

    // throttle (a failure refuses, as the real backends do)
    warden::throttle_state throttle_hit(std::string_view key, double now, double window, std::size_t limit,
                                        std::error_code& ec) {
        return failed(ec) ? warden::throttle_state{false, 0, 0.0} : m_.throttle_hit(key, now, window, limit, ec);
    }
    std::size_t purge_throttle(double now, double max_window, std::error_code& ec) {
        return failed(ec) ? 0 : m_.purge_throttle(now, max_window, ec);
    }

    // JWT blacklist
    std::error_code add_outstanding(const warden::outstanding_token& t) { return failed() ? code() : m_.add_outstanding(t); }
    bool blacklist(std::string_view jti, std::int64_t exp, std::int64_t now, std::error_code& ec) {
        return !failed(ec) && m_.blacklist(jti, exp, now, ec);
    }
    bool is_blacklisted(std::string_view jti, std::error_code& ec) { return !failed(ec) && m_.is_blacklisted(jti, ec); }
    std::size_t blacklist_user(std::int64_t id, std::int64_t now, std::error_code& ec) {
        return failed(ec) ? 0 : m_.blacklist_user(id, now, ec);
    }
    std::size_t purge_expired_jwt(std::int64_t now, std::error_code& ec) { return failed(ec) ? 0 : m_.purge_expired_jwt(now, ec); }

private:
    std::error_code code() const { return {code_.load(), warden::store_category()}; }
    bool failed() {
        ++calls_;
        if (countdown_.load() >= 0 && countdown_.fetch_sub(1) == 0) code_.store(pending_.load());
        return code_.load() != 0;
    }
    bool failed(std::error_code& ec) {
        if (!failed()) return false;
        ec = code();
        return true;
    }

    warden::detail::memory_state m_;
    std::atomic<int> code_{0};
    std::atomic<std::size_t> calls_{0};
    std::atomic<long> countdown_{-1};
    std::atomic<int> pending_{0};
};

/// The failing backend as a store, with the switch at hand.
class failing_store : public warden::basic_store<failing_backend> {
public:
    failing_store() = default;
    void fail_with(warden::store_errc e = warden::store_errc::unavailable) { backend().fail_with(e); }
    void fail_after(std::size_t n, warden::store_errc e = warden::store_errc::unavailable) { backend().fail_after(n, e); }
    void recover() { backend().recover(); }
};

} // namespace warden_test

#endif
