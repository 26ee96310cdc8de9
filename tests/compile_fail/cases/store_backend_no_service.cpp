// expect: warden::basic_store<Backend>: Backend implements no store service; write the members of at least one
#include <warden/store/basic_store.hpp>
#include <system_error>
// The members in their throwing form only: the adaptor wants the error_code forms.
struct backend {
    warden::throttle_state throttle_hit(std::string_view, double, double, std::size_t);
};
warden::basic_store<backend> s;
