// expect: warden::basic_store<Backend>: Backend has load_session\(key, now, ec\) but not every member of warden::session_backend
#include <warden/store/basic_store.hpp>
#include <system_error>
struct backend {
    std::optional<warden::session_record> load_session(std::string_view, std::int64_t, std::error_code&);
};
warden::basic_store<backend> s;
