// Names an exception for the error log. Only the type of what a request handler threw
// is logged (its message could carry request data); the library's own I/O exceptions
// also give their message.
#ifndef WARDEN_SERVER_DETAIL_DESCRIBE_EXCEPTION_HPP
#define WARDEN_SERVER_DETAIL_DESCRIBE_EXCEPTION_HPP

#if __has_include(<cxxabi.h>)
#include <cxxabi.h>
#endif

#include <cstdlib>
#include <exception>
#include <new>
#include <string>
#include <typeinfo>

namespace warden::detail {

inline std::string describe_exception(std::exception_ptr p, bool with_message) {
    auto type_name = [](const char* mangled) {
        std::string out = mangled ? mangled : "?";
#if __has_include(<cxxabi.h>)
        int status = 0;
        if (char* d = abi::__cxa_demangle(mangled, nullptr, nullptr, &status)) {
            out = d;
            std::free(d);
        }
#endif
        return out;
    };
    try {
        std::rethrow_exception(p);
    } catch (const std::bad_alloc&) {
        return "out of memory";
    } catch (const std::exception& e) {
        std::string out = type_name(typeid(e).name());
        if (with_message) out.append(": ").append(e.what());
        return out;
    } catch (...) {
#if __has_include(<cxxabi.h>)
        if (auto* t = abi::__cxa_current_exception_type()) return type_name(t->name());
#endif
        return "unknown exception";
    }
}

} // namespace warden::detail

#endif
