// Reading a password without echoing it: one line from stdin (--password-stdin), or a
// prompt on the terminal with echo turned off.
#pragma once

#include "args.hpp"

#include <openssl/crypto.h>
#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <string>

namespace warden::cli {

/// One line from stdin, without its line ending. Empty input is an error.
inline std::string read_password_line() {
    std::string line;
    if (!std::getline(std::cin, line) && line.empty()) throw command_error("no password on standard input");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) throw command_error("the password is empty");
    return line;
}

/// Prompts on the terminal with echo off, twice, and requires both entries to match.
inline std::string prompt_password() {
    if (!isatty(STDIN_FILENO)) throw usage_error("no terminal to prompt for a password: use --password-stdin");
    termios old{};
    tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    auto ask = [&](const char* prompt) {
        std::cerr << prompt << std::flush;
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
        std::string s;
        std::getline(std::cin, s);
        tcsetattr(STDIN_FILENO, TCSANOW, &old);
        std::cerr << '\n';
        return s;
    };
    std::string a = ask("Password: ");
    std::string b = ask("Password (again): ");
    bool same = a == b;
    OPENSSL_cleanse(b.data(), b.size());
    if (!same) throw command_error("the passwords do not match");
    if (a.empty()) throw command_error("the password is empty");
    return a;
}

} // namespace warden::cli
