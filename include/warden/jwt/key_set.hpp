/// @file
/// A set of verification keys selected by `kid` only (for key rotation and JWKS).
#ifndef WARDEN_JWT_KEY_SET_HPP
#define WARDEN_JWT_KEY_SET_HPP

#include <warden/jwt/algorithm.hpp>
#include <warden/jwt/detail/json.hpp>
#include <warden/jwt/error.hpp>
#include <warden/jwt/key.hpp>

#include <boost/json/array.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace warden::jwt {

/// Options for reading a JWK Set.
struct jwks_options {
    /// Algorithm for keys without an `alg` member (else such keys are an error).
    std::optional<algorithm> default_alg;
    /// Skip keys that cannot verify (`use: enc`, unsupported `kty`/`crv`/`alg`) instead
    /// of failing: useful for an identity provider's published set, which mixes
    /// encryption and signature keys.
    bool skip_unusable = false;
    /// Allow HMAC secrets and public keys in the same set (see `allow_mixed_key_types`).
    bool allow_mixed_key_types = false;
    key_options keys;
};

/// Configured verification keys. A token's key is chosen by its `kid` header only,
/// never by its `alg` and never from anything else in the token:
/// - a token with a `kid` gets the key with that `kid` (`errc::unknown_kid` if none;
///   a single key without a `kid` also serves tokens that carry one);
/// - a token without a `kid` gets the only key of a one-key set, and is refused with
///   `errc::kid_required` when there are several.
/// In a set of two or more keys every key needs a distinct `kid`, and HMAC secrets are
/// not mixed with public keys unless explicitly allowed.
///
/// A `key` converts to a one-key set, so every verifying function accepts either.
///
/// @code
/// warden::jwt::key_set keys;
/// keys.add(key::hmac(algorithm::hs256, old_secret).with_kid("2023"));
/// keys.add(key::hmac(algorithm::hs256, new_secret).with_kid("2024"));
/// @endcode
class key_set {
public:
    key_set() = default;

    /// A set of one key.
    key_set(key k) { keys_.push_back(std::move(k)); }

    /// A set of several keys. @throws std::system_error on a missing or duplicate `kid`.
    key_set(std::initializer_list<key> keys) {
        for (const auto& k : keys)
            if (auto ec = add(k)) throw std::system_error(ec, "warden::jwt::key_set");
    }

    /// Adds a key. @return `errc::no_key` for an empty key, `errc::duplicate_kid`,
    /// `errc::missing_kid` when the set would hold several keys and one has no `kid`, or
    /// `errc::mixed_key_set` when HMAC and public-key algorithms would be mixed (unless
    /// `allow_mixed_key_types()` was called).
    std::error_code add(key k) {
        if (!k) return errc::no_key;
        if (!keys_.empty()) {
            if (k.kid().empty() || keys_.front().kid().empty()) return errc::missing_kid;
            for (const auto& other : keys_) {
                if (other.kid() == k.kid()) return errc::duplicate_kid;
                if (!allow_mixed_ && (family(other.alg()) == key_family::hmac) != (family(k.alg()) == key_family::hmac))
                    return errc::mixed_key_set;
            }
        }
        keys_.push_back(std::move(k));
        return {};
    }

    /// Lets this set hold HMAC secrets and public keys together (refused by default).
    ///
    /// Selection by `kid` and the one-algorithm-per-key rule keep such a set safe from
    /// algorithm confusion, but a set that verifies both shared-secret and public-key
    /// tokens is usually a configuration mistake (it is how confusion attacks are set
    /// up against libraries that choose keys by `alg`), so it must be asked for, for
    /// example while migrating from HS256 to RS256.
    key_set& allow_mixed_key_types(bool allow = true) noexcept {
        allow_mixed_ = allow;
        return *this;
    }

    /// Reads a JWK Set (`{"keys": [...]}`) or a single JWK, strictly parsed.
    static key_set from_jwks(std::string_view json, std::error_code& ec, const jwks_options& opt = {}) {
        ec = {};
        boost::json::monotonic_resource mr;
        boost::json::value v = detail::parse_strict(json, &mr, 16, ec);
        if (ec) {
            if (ec != errc::duplicate_member) ec = errc::bad_key;
            return {};
        }
        key_set set;
        set.allow_mixed_key_types(opt.allow_mixed_key_types);
        const auto* obj = v.if_object();
        if (!obj) {
            ec = errc::bad_key;
            return {};
        }
        auto add_one = [&](const boost::json::object& jwk) -> std::error_code {
            std::error_code kec;
            // The default only fills in a missing alg; a JWK's own alg binds its key.
            key k = key::from_jwk(jwk.contains("alg") ? std::nullopt : opt.default_alg, jwk, kec, opt.keys);
            if (kec) {
                bool unusable = kec == errc::key_use_mismatch || kec == errc::unsupported_algorithm ||
                                kec == errc::curve_mismatch || kec == errc::key_type_mismatch;
                return opt.skip_unusable && unusable ? std::error_code{} : kec;
            }
            if (!k.can_verify()) return opt.skip_unusable ? std::error_code{} : errc::key_use_mismatch;
            return set.add(std::move(k));
        };
        if (auto it = obj->find("keys"); it != obj->end()) {
            if (!it->value().is_array()) {
                ec = errc::bad_key;
                return {};
            }
            for (const auto& jwk : it->value().get_array()) {
                if (!jwk.is_object()) {
                    ec = errc::bad_key;
                    return {};
                }
                if ((ec = add_one(jwk.get_object()))) return {};
            }
        } else if ((ec = add_one(*obj))) {
            return {};
        }
        if (set.empty()) ec = errc::no_key;
        return set;
    }

    /// Throwing form of `from_jwks()`.
    static key_set from_jwks(std::string_view json, const jwks_options& opt = {}) {
        std::error_code ec;
        key_set s = from_jwks(json, ec, opt);
        if (ec) throw std::system_error(ec, "warden::jwt::key_set");
        return s;
    }

    /// The key for a token whose header has `kid` (nullopt when it has none).
    /// @return the key, or nullptr with `ec` set to `errc::no_key`, `errc::unknown_kid`
    ///         or `errc::kid_required`.
    const key* select(std::optional<std::string_view> kid, std::error_code& ec) const noexcept {
        ec = {};
        if (keys_.empty()) {
            ec = errc::no_key;
            return nullptr;
        }
        if (!kid) {
            if (keys_.size() == 1) return &keys_.front();
            ec = errc::kid_required;
            return nullptr;
        }
        for (const auto& k : keys_)
            if (k.kid() == *kid) return &k;
        if (keys_.size() == 1 && keys_.front().kid().empty()) return &keys_.front();
        ec = errc::unknown_kid;
        return nullptr;
    }

    /// The public JWK Set of this set (RFC 7517 section 5), for publishing at
    /// `/.well-known/jwks.json`: `{"keys":[...]}` with one JWK per RSA, EC or Ed25519
    /// key, in the set's order, each `{"kty", "use": "sig", "alg", "kid", ...}` and its
    /// public members only (`key::public_jwk`). A key without a `kid` is listed under
    /// its RFC 7638 thumbprint. HMAC secrets are never listed, nor keys that may not
    /// verify.
    /// @return `errc::openssl_failure` if a public key cannot be read (`out` is then
    ///         unspecified).
    std::error_code to_public_jwks(std::string& out) const {
        boost::json::array list;
        for (const auto& k : keys_) {
            boost::json::object members;
            if (!k.can_verify()) continue;
            if (auto ec = k.public_jwk(members)) {
                if (ec == errc::key_type_mismatch) continue;   // an HMAC secret
                return ec;
            }
            std::string kid(k.kid());
            if (kid.empty())
                if (auto ec = k.thumbprint(kid)) return ec;
            boost::json::object jwk;
            jwk["kty"] = members["kty"];
            jwk["use"] = "sig";
            jwk["alg"] = to_string(k.alg());
            jwk["kid"] = kid;
            for (const auto& m : members)
                if (m.key() != "kty") jwk[m.key()] = m.value();
            list.emplace_back(std::move(jwk));
        }
        boost::json::object doc;
        doc["keys"] = std::move(list);
        out = boost::json::serialize(doc);
        return {};
    }

    std::size_t size() const noexcept { return keys_.size(); }
    bool empty() const noexcept { return keys_.empty(); }
    auto begin() const noexcept { return keys_.begin(); }
    auto end() const noexcept { return keys_.end(); }

private:
    std::vector<key> keys_;
    bool allow_mixed_ = false;
};

} // namespace warden::jwt

#endif
