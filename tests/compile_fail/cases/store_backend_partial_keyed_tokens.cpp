// expect: warden::basic_store<Backend>: Backend has find_token_by_key\(key, ec\) but not every member of warden::keyed_token_backend
#include <warden/store/basic_store.hpp>
#include <system_error>
// DRF's model of tokens (clear keys, one per user), begun but not finished.
struct backend {
    std::optional<warden::token_lookup> find_token_by_key(std::string_view, std::error_code&);
    bool remove_token_by_key(std::string_view, std::error_code&);
};
warden::basic_store<backend> s;
