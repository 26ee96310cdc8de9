// expect: warden::basic_store<Backend>: Backend has find_user\(id, ec\) but not every member of warden::user_backend
#include <warden/store/basic_store.hpp>
#include <system_error>
struct backend {
    std::shared_ptr<const warden::user> find_user(std::int64_t, std::error_code&);
};
warden::basic_store<backend> s;
