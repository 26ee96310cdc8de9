/// @file
/// Error codes of stores (`warden::store_errc`) and their category.
#ifndef WARDEN_STORE_ERROR_HPP
#define WARDEN_STORE_ERROR_HPP

#include <string>
#include <system_error>

namespace warden {

/// Store failures.
enum class store_errc {
    duplicate = 1,   ///< A unique key (username, token digest, session key) exists already.
    not_found,       ///< The record to update does not exist.
    busy,            ///< The database stayed locked past the busy timeout.
    io,              ///< The database could not be read or written.
    corrupt,         ///< The database file is not a warden database or is damaged.
    schema,          ///< The database schema is newer than this program understands.
};

/// The category of `store_errc`.
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
            }
            return "unknown store error";
        }
    };
    static const category instance;
    return instance;
}

inline std::error_code make_error_code(store_errc e) noexcept { return {static_cast<int>(e), store_category()}; }

} // namespace warden

template <>
struct std::is_error_code_enum<warden::store_errc> : std::true_type {};

#endif
