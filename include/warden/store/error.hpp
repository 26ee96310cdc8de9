/// @file
/// Error codes of stores (`warden::store_errc`), their category, and the condition
/// `store_condition::unavailable` that every failure of a store to serve matches.
#ifndef WARDEN_STORE_ERROR_HPP
#define WARDEN_STORE_ERROR_HPP

#include <string>
#include <system_error>

namespace warden {

/// Store failures.
enum class store_errc {
    duplicate = 1,   ///< A unique key (username, token digest, session key) exists already.
    not_found,       ///< The record to update does not exist.
    busy,            ///< The database stayed locked, or no pooled connection came free, in time.
    io,              ///< The database could not be read or written.
    corrupt,         ///< The database file is not a warden database or is damaged.
    schema,          ///< The database schema is newer than this program understands.
    unavailable,     ///< The database or cache server cannot be reached, or the connection broke.
    timeout,         ///< The server did not answer within the configured deadline.
};

/// Conditions that store errors of any backend's category can match.
///
/// `store_condition::unavailable` is every failure that means "the store cannot serve
/// now; retry later": every `store_errc` except `duplicate` and `not_found`, which are
/// answers about the data. A backend with its own error category joins by returning
/// this condition from its category's `default_error_condition`. The app answers a
/// `std::system_error` matching it, thrown by a handler, with 503 and Retry-After.
///
/// @code
/// std::error_code ec;
/// auto u = store.find_user(id, ec);
/// if (ec == warden::store_condition::unavailable) throw warden::errors::service_unavailable();
/// @endcode
enum class store_condition {
    unavailable = 1,
};

/// The category of `store_errc`.
inline const std::error_category& store_category() noexcept;

/// The category of `store_condition`.
inline const std::error_category& store_condition_category() noexcept {
    struct category final : std::error_category {
        const char* name() const noexcept override { return "warden.store_condition"; }
        std::string message(int ev) const override {
            return ev == static_cast<int>(store_condition::unavailable) ? "the store is unavailable"
                                                                       : "unknown store condition";
        }
    };
    static const category instance;
    return instance;
}

inline std::error_condition make_error_condition(store_condition c) noexcept {
    return {static_cast<int>(c), store_condition_category()};
}

inline const std::error_category& store_category() noexcept {
    struct category final : std::error_category {
        const char* name() const noexcept override { return "warden.store"; }
        std::string message(int ev) const override {
            switch (static_cast<store_errc>(ev)) {
            case store_errc::duplicate: return "already exists";
            case store_errc::not_found: return "not found";
            case store_errc::busy: return "the database is busy";
            case store_errc::io: return "the database could not be read or written";
            case store_errc::corrupt: return "the database is damaged or not a warden database";
            case store_errc::schema: return "the database was made by a newer warden";
            case store_errc::unavailable: return "the database server cannot be reached";
            case store_errc::timeout: return "the database server did not answer in time";
            }
            return "unknown store error";
        }
        std::error_condition default_error_condition(int ev) const noexcept override {
            const auto e = static_cast<store_errc>(ev);
            if (ev > 0 && e != store_errc::duplicate && e != store_errc::not_found && ev <= static_cast<int>(store_errc::timeout))
                return make_error_condition(store_condition::unavailable);
            return {ev, *this};
        }
    };
    static const category instance;
    return instance;
}

inline std::error_code make_error_code(store_errc e) noexcept { return {static_cast<int>(e), store_category()}; }

} // namespace warden

template <>
struct std::is_error_code_enum<warden::store_errc> : std::true_type {};
template <>
struct std::is_error_condition_enum<warden::store_condition> : std::true_type {};

#endif
