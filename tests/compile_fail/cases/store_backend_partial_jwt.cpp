// expect: warden::basic_store<Backend>: Backend has is_blacklisted\(jti, ec\) but not every member of warden::jwt_blacklist_backend
#include <warden/store/basic_store.hpp>
#include <system_error>
struct backend {
    bool is_blacklisted(std::string_view, std::error_code&);
};
warden::basic_store<backend> s;
