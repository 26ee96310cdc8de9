// Command-line parsing for the `warden` tool: positional arguments, `--flag`,
// `--option VALUE` / `--option=VALUE`, and repeated options.
#pragma once

#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace warden::cli {

/// A usage error: the tool prints it with a hint and exits 2.
struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// A failure of the command itself (unknown user...): printed, exit 1.
struct command_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class args {
public:
    /// Parses `argv` against the options a command knows: `flags` take no value,
    /// `options` take one (and may repeat). Anything else starting with `--` is refused.
    args(std::vector<std::string_view> argv, std::set<std::string_view> flags, std::set<std::string_view> options) {
        for (std::size_t i = 0; i < argv.size(); ++i) {
            std::string_view a = argv[i];
            if (a == "--") {
                for (++i; i < argv.size(); ++i) positional_.emplace_back(argv[i]);
                break;
            }
            if (!a.starts_with("--") || a.size() == 2) {
                positional_.emplace_back(a);
                continue;
            }
            std::string_view name = a.substr(2), value;
            bool inline_value = false;
            if (auto eq = name.find('='); eq != std::string_view::npos) {
                value = name.substr(eq + 1);
                name = name.substr(0, eq);
                inline_value = true;
            }
            if (flags.count(name)) {
                if (inline_value) throw usage_error("--" + std::string(name) + " takes no value");
                flags_.insert(std::string(name));
            } else if (options.count(name)) {
                if (!inline_value) {
                    if (i + 1 >= argv.size()) throw usage_error("--" + std::string(name) + " needs a value");
                    value = argv[++i];
                }
                options_[std::string(name)].emplace_back(value);
            } else {
                throw usage_error("unknown option --" + std::string(name));
            }
        }
    }

    bool flag(std::string_view name) const { return flags_.count(std::string(name)) > 0; }
    std::optional<std::string> option(std::string_view name) const {
        auto it = options_.find(std::string(name));
        if (it == options_.end()) return std::nullopt;
        if (it->second.size() > 1) throw usage_error("--" + std::string(name) + " given more than once");
        return it->second.front();
    }
    std::vector<std::string> all(std::string_view name) const {
        auto it = options_.find(std::string(name));
        return it == options_.end() ? std::vector<std::string>{} : it->second;
    }
    const std::vector<std::string>& positional() const noexcept { return positional_; }

    /// The positional arguments, which must number exactly `n` (named in `what` for errors).
    void expect_positional(std::size_t n, std::string_view what) const {
        if (positional_.size() != n) throw usage_error("expected " + std::string(what));
    }

private:
    std::set<std::string> flags_;
    std::map<std::string, std::vector<std::string>> options_;
    std::vector<std::string> positional_;
};

} // namespace warden::cli
