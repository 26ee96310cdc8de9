// Whether a string is an IPv4 or IPv6 address literal, as the kernel's parser reads one.
#ifndef WARDEN_CORE_DETAIL_IP_ADDRESS_HPP
#define WARDEN_CORE_DETAIL_IP_ADDRESS_HPP

#include <arpa/inet.h>

#include <cstring>
#include <string_view>

namespace warden::detail {

inline bool is_ip_address(std::string_view s) noexcept {
    char text[INET6_ADDRSTRLEN];   // 46: the longest literal and its NUL
    if (s.empty() || s.size() >= sizeof text) return false;
    std::memcpy(text, s.data(), s.size());
    text[s.size()] = '\0';
    unsigned char binary[16];
    return inet_pton(AF_INET, text, binary) == 1 || inet_pton(AF_INET6, text, binary) == 1;
}

} // namespace warden::detail

#endif
