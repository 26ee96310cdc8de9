// The regular expressions of django-cors-headers' settings (CORS_ALLOWED_ORIGIN_REGEXES,
// CORS_URLS_REGEX), matched as Python's `re.match` matches them: anchored at the start,
// not at the end unless the pattern says `$`.
//
// Why not std::regex: its libstdc++ matcher backtracks (a pattern like `(a*)*b` takes
// exponential time on a crafted Origin header, and long inputs overflow the stack), and
// it calls std::function per character. This one compiles the pattern once, at start,
// into a small program run as a Thompson automaton (Pike's VM without captures): time
// linear in the input for every pattern, no recursion, no allocation beyond two lists
// the size of the program.
//
// The syntax is the subset of Python's that such patterns use: literals, `.`, classes
// `[a-z0-9_-]` and `[^...]`, `\d \w \s \D \W \S`, escaped punctuation, groups `(...)`
// and `(?:...)`, `|`, `* + ?`, `{m}`, `{m,}`, `{m,n}` (and their lazy forms, which
// match the same strings), `^`, `$`, `\A`, `\Z`. Anything else (backreferences, look-
// arounds, inline flags, `\b`) is refused when the pattern compiles, with a message.
// Matching is by bytes: `.` and the classes see UTF-8 bytes; `\w` takes every byte
// from 0x80, so it matches non-ASCII letters as Python's does.
#ifndef WARDEN_APP_DETAIL_REGEX_HPP
#define WARDEN_APP_DETAIL_REGEX_HPP

#include <bitset>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace warden::detail {

class origin_regex {
public:
    /// @throws std::invalid_argument naming the pattern and what is wrong with it.
    explicit origin_regex(std::string_view pattern) : pattern_(pattern) {
        std::size_t at = 0;
        node n = parse_alt(at);
        if (at != pattern_.size()) fail("unbalanced ')'");
        emit(n);
        prog_.push_back({op::match, {}, 0, 0});
    }

    const std::string& pattern() const noexcept { return pattern_; }

    /// Python's `re.match(pattern, text) is not None`.
    bool match(std::string_view text) const {
        const std::size_t n = prog_.size();
        thread_list a(n), b(n);
        thread_list* cur = &a;
        thread_list* next = &b;
        std::vector<int> stack;
        add(*cur, 0, 0, text, stack);
        for (std::size_t pos = 0;; ++pos) {
            for (int pc : cur->dense)
                if (prog_[static_cast<std::size_t>(pc)].kind == op::match) return true;
            if (pos == text.size() || cur->dense.empty()) return false;
            next->clear();
            const auto byte = static_cast<unsigned char>(text[pos]);
            for (int pc : cur->dense) {
                const inst& i = prog_[static_cast<std::size_t>(pc)];
                if (i.kind == op::byte_set && i.set[byte]) add(*next, pc + 1, pos + 1, text, stack);
            }
            std::swap(cur, next);
        }
    }

private:
    enum class op : unsigned char { byte_set, split, jump, at_begin, at_end, match };
    struct inst {
        op kind;
        std::bitset<256> set;
        int x, y;   // split: both targets; jump: x; at_end: x == 1 for \Z
    };

    // The pattern's tree, before it becomes a program.
    struct node {
        enum class kind : unsigned char { empty, set, concat, alt, repeat, at_begin, at_end } k = kind::empty;
        std::bitset<256> set;
        std::vector<node> kids;
        int min = 0, max = 0;   // repeat: max -1 is unbounded
    };

    static constexpr std::size_t max_program = 8192;
    static constexpr int max_count = 100;

    struct thread_list {
        std::vector<int> dense;
        std::vector<int> index;
        explicit thread_list(std::size_t n) : index(n, -1) { dense.reserve(n); }
        bool contains(int pc) const {
            int i = index[static_cast<std::size_t>(pc)];
            return i >= 0 && static_cast<std::size_t>(i) < dense.size() && dense[static_cast<std::size_t>(i)] == pc;
        }
        void insert(int pc) {
            index[static_cast<std::size_t>(pc)] = static_cast<int>(dense.size());
            dense.push_back(pc);
        }
        void clear() { dense.clear(); }
    };

    [[noreturn]] void fail(const std::string& why) const {
        throw std::invalid_argument("regular expression \"" + pattern_ + "\": " + why);
    }

    // Follows jumps, splits and assertions from `pc` at `pos`, adding the instructions
    // that consume a byte (and `match`) to `list`; an explicit stack, no recursion.
    void add(thread_list& list, int pc, std::size_t pos, std::string_view text, std::vector<int>& stack) const {
        stack.clear();
        stack.push_back(pc);
        while (!stack.empty()) {
            int p = stack.back();
            stack.pop_back();
            if (list.contains(p)) continue;
            list.insert(p);
            const inst& i = prog_[static_cast<std::size_t>(p)];
            switch (i.kind) {
            case op::jump: stack.push_back(i.x); break;
            case op::split: stack.push_back(i.y); stack.push_back(i.x); break;
            case op::at_begin: if (pos == 0) stack.push_back(p + 1); break;
            case op::at_end:
                // Python's `$`: at the end, or before a newline that ends the text;
                // `\Z` (x == 1): at the end only.
                if (pos == text.size() || (i.x == 0 && pos + 1 == text.size() && text[pos] == '\n'))
                    stack.push_back(p + 1);
                break;
            default: break;
            }
        }
    }

    // --- parsing -------------------------------------------------------------------

    bool at_end_of(std::size_t at) const noexcept { return at >= pattern_.size(); }

    node parse_alt(std::size_t& at) {
        node first = parse_concat(at);
        if (at_end_of(at) || pattern_[at] != '|') return first;
        node alt;
        alt.k = node::kind::alt;
        alt.kids.push_back(std::move(first));
        while (!at_end_of(at) && pattern_[at] == '|') {
            ++at;
            alt.kids.push_back(parse_concat(at));
        }
        return alt;
    }

    node parse_concat(std::size_t& at) {
        node seq;
        seq.k = node::kind::concat;
        while (!at_end_of(at) && pattern_[at] != '|' && pattern_[at] != ')') seq.kids.push_back(parse_repeat(at));
        return seq;
    }

    node parse_repeat(std::size_t& at) {
        node atom = parse_atom(at);
        if (at_end_of(at)) return atom;
        const char c = pattern_[at];
        int lo = 0, hi = 0;
        if (c == '*') lo = 0, hi = -1;
        else if (c == '+') lo = 1, hi = -1;
        else if (c == '?') lo = 0, hi = 1;
        else if (c != '{' || !parse_count(at, lo, hi)) return atom;
        if (c != '{') ++at;
        if (atom.k == node::kind::at_begin || atom.k == node::kind::at_end) fail("nothing to repeat");
        if (!at_end_of(at) && pattern_[at] == '?') ++at;   // lazy: matches the same strings
        if (!at_end_of(at)) {
            std::size_t probe = at;
            int a = 0, b = 0;
            const char d = pattern_[at];
            if (d == '*' || d == '+' || d == '?' || (d == '{' && parse_count(probe, a, b))) fail("multiple repeat");
        }
        node rep;
        rep.k = node::kind::repeat;
        rep.min = lo;
        rep.max = hi;
        rep.kids.push_back(std::move(atom));
        return rep;
    }

    // `{m}`, `{m,}`, `{m,n}`; anything else after '{' is a literal '{', as in Python.
    bool parse_count(std::size_t& at, int& lo, int& hi) {
        std::size_t i = at + 1;
        auto number = [&](int& out) {
            std::size_t start = i;
            out = 0;
            while (!at_end_of(i) && pattern_[i] >= '0' && pattern_[i] <= '9') {
                out = out * 10 + (pattern_[i] - '0');
                if (out > max_count) fail("a count above " + std::to_string(max_count));
                ++i;
            }
            return i > start;
        };
        bool has_lo = number(lo);
        if (at_end_of(i)) return false;
        if (pattern_[i] == '}') {
            if (!has_lo) return false;
            hi = lo;
        } else if (pattern_[i] == ',') {
            ++i;
            if (!number(hi)) hi = -1;
            if (at_end_of(i) || pattern_[i] != '}') return false;
            if (!has_lo) lo = 0;
            if (hi >= 0 && hi < lo) fail("a count {m,n} with n < m");
        } else {
            return false;
        }
        at = i + 1;
        return true;
    }

    static std::bitset<256> range(unsigned char a, unsigned char b) {
        std::bitset<256> s;
        for (unsigned c = a; c <= b; ++c) s.set(c);
        return s;
    }
    static std::bitset<256> digit() { return range('0', '9'); }
    static std::bitset<256> word() { return range('a', 'z') | range('A', 'Z') | digit() | range('_', '_') | range(0x80, 0xff); }
    static std::bitset<256> space() { return range('\t', '\r') | range(' ', ' ') | range(0x1c, 0x1f); }

    // The byte set of a class escape (\d, \w, \s and negations), of \t \n \r, or of an
    // escaped punctuation character; other letters and digits (\b, \1, ...) are refused.
    std::bitset<256> escape_set(std::size_t& at) {
        if (at_end_of(at)) fail("a pattern cannot end with '\\'");
        char c = pattern_[at++];
        switch (c) {
        case 'd': return digit();
        case 'D': return ~digit();
        case 'w': return word();
        case 'W': return ~word();
        case 's': return space();
        case 'S': return ~space();
        case 't': return range('\t', '\t');
        case 'n': return range('\n', '\n');
        case 'r': return range('\r', '\r');
        default: break;
        }
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (alnum) fail(std::string("the escape \\") + c + " is not supported");
        return range(static_cast<unsigned char>(c), static_cast<unsigned char>(c));
    }

    std::bitset<256> parse_class(std::size_t& at) {
        // at is past '['
        bool negate = false;
        if (!at_end_of(at) && pattern_[at] == '^') negate = true, ++at;
        std::bitset<256> set;
        bool first = true;
        while (true) {
            if (at_end_of(at)) fail("unterminated character set");
            char c = pattern_[at];
            if (c == ']' && !first) {
                ++at;
                break;
            }
            first = false;
            std::bitset<256> item;
            int lo = -1;
            if (c == '\\') {
                ++at;
                item = escape_set(at);
                if (item.count() == 1)
                    for (int b = 0; b < 256; ++b)
                        if (item[static_cast<std::size_t>(b)]) lo = b;
            } else {
                ++at;
                lo = static_cast<unsigned char>(c);
                item.set(static_cast<std::size_t>(lo));
            }
            if (lo >= 0 && at + 1 < pattern_.size() && pattern_[at] == '-' && pattern_[at + 1] != ']') {
                ++at;
                char h = pattern_[at++];
                int hi = static_cast<unsigned char>(h);
                if (h == '\\') {
                    auto esc = escape_set(at);
                    if (esc.count() != 1) fail("a class escape cannot end a range");
                    for (int b = 0; b < 256; ++b)
                        if (esc[static_cast<std::size_t>(b)]) hi = b;
                }
                if (hi < lo) fail("a bad character range");
                item = range(static_cast<unsigned char>(lo), static_cast<unsigned char>(hi));
            }
            set |= item;
        }
        return negate ? ~set : set;
    }

    node parse_atom(std::size_t& at) {
        node n;
        char c = pattern_[at++];
        switch (c) {
        case '(': {
            if (!at_end_of(at) && pattern_[at] == '?') {
                if (at + 1 < pattern_.size() && pattern_[at + 1] == ':') at += 2;
                else fail("only (?:...) groups are supported (no flags, lookarounds or named groups)");
            }
            n = parse_alt(at);
            if (at_end_of(at) || pattern_[at] != ')') fail("missing ')'");
            ++at;
            return n;
        }
        case ')': fail("unbalanced ')'");
        case '*': case '+': case '?': fail("nothing to repeat");
        case '[': n.k = node::kind::set; n.set = parse_class(at); return n;
        case '.': n.k = node::kind::set; n.set = ~range('\n', '\n'); return n;
        case '^': n.k = node::kind::at_begin; return n;
        case '$': n.k = node::kind::at_end; return n;
        case '\\':
            if (!at_end_of(at) && pattern_[at] == 'A') { ++at; n.k = node::kind::at_begin; return n; }
            if (!at_end_of(at) && pattern_[at] == 'Z') {
                ++at;
                n.k = node::kind::at_end;
                n.min = 1;   // \Z: the very end, without `$`'s final-newline allowance
                return n;
            }
            n.k = node::kind::set;
            n.set = escape_set(at);
            return n;
        default:
            n.k = node::kind::set;
            n.set.set(static_cast<unsigned char>(c));
            return n;
        }
    }

    // --- code generation -----------------------------------------------------------

    int here() const noexcept { return static_cast<int>(prog_.size()); }

    void push(inst i) {
        if (prog_.size() >= max_program) fail("too large once compiled (counts too big?)");
        prog_.push_back(std::move(i));
    }

    void emit(const node& n) {
        switch (n.k) {
        case node::kind::empty: break;
        case node::kind::set: push({op::byte_set, n.set, 0, 0}); break;
        case node::kind::at_begin: push({op::at_begin, {}, 0, 0}); break;
        case node::kind::at_end: push({op::at_end, {}, n.min, 0}); break;
        case node::kind::concat:
            for (const auto& k : n.kids) emit(k);
            break;
        case node::kind::alt: {
            std::vector<int> exits;
            for (std::size_t i = 0; i < n.kids.size(); ++i) {
                if (i + 1 < n.kids.size()) {
                    int split = here();
                    push({op::split, {}, split + 1, 0});
                    emit(n.kids[i]);
                    exits.push_back(here());
                    push({op::jump, {}, 0, 0});
                    prog_[static_cast<std::size_t>(split)].y = here();
                } else {
                    emit(n.kids[i]);
                }
            }
            for (int e : exits) prog_[static_cast<std::size_t>(e)].x = here();
            break;
        }
        case node::kind::repeat: {
            const node& body = n.kids.front();
            for (int i = 0; i < n.min; ++i) emit(body);
            if (n.max < 0) {
                int split = here();
                push({op::split, {}, split + 1, 0});
                emit(body);
                push({op::jump, {}, split, 0});
                prog_[static_cast<std::size_t>(split)].y = here();
            } else {
                std::vector<int> splits;
                for (int i = n.min; i < n.max; ++i) {
                    splits.push_back(here());
                    push({op::split, {}, here() + 1, 0});
                    emit(body);
                }
                for (int s : splits) prog_[static_cast<std::size_t>(s)].y = here();
            }
            break;
        }
        }
    }

    std::string pattern_;
    std::vector<inst> prog_;
};

} // namespace warden::detail

#endif
