// expect: warden::basic_store<Backend>: Backend has find_token\(digest, ec\) but not every member of warden::token_backend
#include <warden/store/basic_store.hpp>
#include <system_error>
struct backend {
    std::optional<warden::token_lookup> find_token(const warden::token::key_digest&, std::error_code&);
    std::error_code add_token(const warden::token_record&);
};
warden::basic_store<backend> s;
