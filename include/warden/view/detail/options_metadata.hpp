// The body of DRF's OPTIONS answer (SimpleMetadata): the view's name and description,
// what it renders and what it parses. The view contributes constants only; the answer
// is built by one cold function for all views.
#ifndef WARDEN_VIEW_DETAIL_OPTIONS_METADATA_HPP
#define WARDEN_VIEW_DETAIL_OPTIONS_METADATA_HPP

#include <warden/core/detail/json_write.hpp>
#include <warden/core/detail/type_list.hpp>
#include <warden/core/http.hpp>
#include <warden/core/response.hpp>

#include <array>
#include <concepts>
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>

namespace warden::detail {

// DRF's get_view_name on a C++ type name: the trailing "View"/"_view"/"_api_view" is
// removed, camel case and underscores become capitalised words. Not a template: one copy.
[[gnu::cold]] inline std::string humanize_view_name(std::string_view n) {
    if (auto colon = n.rfind("::"); colon != std::string_view::npos) n = n.substr(colon + 2);
    for (std::string_view suffix : {"View", "_view", "_api_view"})
        if (n.size() > suffix.size() && n.ends_with(suffix)) { n.remove_suffix(suffix.size()); break; }
    std::string out;
    bool word_start = true;
    for (std::size_t i = 0; i < n.size(); ++i) {
        char c = n[i];
        if (c == '_') { if (!out.empty() && out.back() != ' ') out.push_back(' '); word_start = true; continue; }
        bool upper = c >= 'A' && c <= 'Z';
        bool prev_lower = i > 0 && n[i - 1] >= 'a' && n[i - 1] <= 'z';
        bool next_lower = i + 1 < n.size() && n[i + 1] >= 'a' && n[i + 1] <= 'z';
        if (upper && !out.empty() && out.back() != ' ' && (prev_lower || next_lower)) out.push_back(' ');
        out.push_back(word_start && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
        word_start = false;
    }
    return out;
}

// The type name of V as the compiler spells it, at compile time.
template <class V>
constexpr std::string_view type_name_of() {
    std::string_view full = __PRETTY_FUNCTION__;
    auto at = full.find("V = ") + 4;
    return full.substr(at, full.find_first_of(";]", at) - at);
}

// The media types of a parser list as a JSON array's contents, built at compile time.
template <class... Ps>
struct media_types_json {
    static constexpr auto make() {
        struct result { std::array<char, 512> text{}; std::size_t size = 0; } out;
        bool first = true;
        auto add = [&](std::string_view m) {
            if (!first) out.text[out.size++] = ',';
            first = false;
            out.text[out.size++] = '"';
            for (char ch : m) out.text[out.size++] = ch;   // media types need no escaping
            out.text[out.size++] = '"';
        };
        (add(Ps::media_type), ...);
        return out;
    }
    static constexpr auto data = make();
    static constexpr std::string_view value{data.text.data(), data.size};
};
template <class... Ps>
constexpr std::string_view parses_json(type_list<Ps...>) { return media_types_json<Ps...>::value; }

// What OPTIONS says of a view, as compile-time constants: its `name` member, or its
// type name to humanize; its `description`; the media types it parses.
struct options_facts {
    std::string_view name;
    bool humanize;   // `name` is the type name (no `name` member)
    std::string_view description;
    std::string_view parses;   // a JSON array's contents
};

// A `name` or `description` member that the compiler can read as a constant.
template <class View>
concept constant_view_texts =
    (!requires { View::name; } || requires { typename std::integral_constant<std::size_t, std::string_view(View::name).size()>; }) &&
    (!requires { View::description; } ||
     requires { typename std::integral_constant<std::size_t, std::string_view(View::description).size()>; });

template <class View, class Parsers>
constexpr options_facts options_facts_of() {
    static_assert(constant_view_texts<View>,
                  "warden: a view's `name` and `description` must be constants: "
                  "declare them `static constexpr std::string_view name = \"...\";`");
    options_facts f{type_name_of<View>(), true, {}, parses_json(Parsers{})};
    if constexpr (requires { { View::name } -> std::convertible_to<std::string_view>; }) {
        f.name = View::name;
        f.humanize = false;
    }
    if constexpr (requires { { View::description } -> std::convertible_to<std::string_view>; }) f.description = View::description;
    return f;
}
// One constant per view: the view compiles no function of its own for OPTIONS.
template <class View, class Parsers>
inline constexpr options_facts options_facts_for = options_facts_of<View, Parsers>();

// DRF's SimpleMetadata body (name, description, renders, parses): the OPTIONS answer
// of a view without an `options` handler. Not a template.
[[gnu::cold, gnu::noinline]] inline response options_metadata(const options_facts& f) {
    std::string body = "{\"name\":";
    append_json_string(body, f.humanize ? humanize_view_name(f.name) : std::string(f.name));
    body.append(",\"description\":");
    append_json_string(body, f.description);
    body.append(",\"renders\":[\"application/json\"],\"parses\":[");
    body.append(f.parses);
    body.append("]}");
    return response{http::status::ok, std::move(body)};
}

} // namespace warden::detail

#endif
