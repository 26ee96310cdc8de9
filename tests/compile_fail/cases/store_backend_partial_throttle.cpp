// expect: warden::basic_store<Backend>: Backend has throttle_hit\(key, now, window, limit, ec\) but not purge_throttle
#include <warden/store/basic_store.hpp>
#include <system_error>
struct backend {
    warden::throttle_state throttle_hit(std::string_view, double, double, std::size_t, std::error_code&);
};
warden::basic_store<backend> s;
