// A Django site's SQLite database for the Django schema mode's tests. Django's own
// migrations make it (Debian's /usr/bin/python3 with Django, DRF and simplejwt), once
// per test process; each test gets a copy. Without those packages the executable exits
// with 77 (ctest's "skipped"), or 1 when WARDEN_TEST_SERVICES=required (CI).
//
// `django_run(db, script, input)` runs Django code against a test's database with the
// site's settings (`secret_key`), to make or read what the Django site would: the
// script reads `INPUT` (a dict from the JSON input) and sets `OUTPUT`. `db` is a SQLite
// path, or a postgresql:// URL (Django's PostgreSQL backend, python3-psycopg2): the
// PostgreSQL tests (tests/integration/store/django_postgres.cpp) use the same scripts.
//
// `django_sqlite_backend` is the SQLite fixture of the store suites and of the Django
// schema mode's own suite (tests/unit/store/suite_django.hpp); the PostgreSQL one
// (`django_postgres_backend`, in django_postgres.cpp) has the same members.
#ifndef WARDEN_TESTS_SUPPORT_DJANGO_DB_HPP
#define WARDEN_TESTS_SUPPORT_DJANGO_DB_HPP

#include <support/backends.hpp>
#include <support/python.hpp>

#include <warden/store/django/sqlite_store.hpp>
#include <warden/store/error.hpp>
#include <warden/store/sqlite_store.hpp>

#include <boost/json.hpp>
#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

namespace warden_test {

/// The Django SECRET_KEY of the test site.
inline constexpr const char* django_secret = "warden-django-test-secret-key-0123456789";

/// The settings and set-up every Django script of the tests starts with: argv[1] is a
/// JSON file {"db": PATH or URL, "secret": KEY, "input": {...}}.
inline constexpr std::string_view django_prelude = R"PY(
import json, sys
ARGS = json.load(open(sys.argv[1]))
def _database(where):
    if not where.startswith(("postgresql://", "postgres://")):
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": where}
    from urllib.parse import parse_qsl, unquote, urlsplit
    url = urlsplit(where)
    return {"ENGINE": "django.db.backends.postgresql", "NAME": unquote(url.path.lstrip("/")),
            "USER": unquote(url.username or ""), "PASSWORD": unquote(url.password or ""),
            "HOST": url.hostname or "", "PORT": str(url.port or ""), "OPTIONS": dict(parse_qsl(url.query))}
import django
from django.conf import settings
settings.configure(
    SECRET_KEY=ARGS["secret"], SECRET_KEY_FALLBACKS=ARGS.get("fallbacks", []), USE_TZ=True,
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "django.contrib.sessions",
                    "rest_framework", "rest_framework.authtoken", "rest_framework_simplejwt.token_blacklist"],
    DATABASES={"default": _database(ARGS["db"])},
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"],
)
django.setup()
INPUT = ARGS.get("input", {})
OUTPUT = None
)PY";

/// Runs `script` (after `django_prelude`) against the database `db` (a SQLite path or a
/// postgresql:// URL); returns its OUTPUT.
inline boost::json::value django_run(const std::string& db, std::string_view script, boost::json::object input = {}) {
    std::string full(django_prelude);
    full.append(script).append("\nprint(json.dumps(OUTPUT))\n");
    return run_python_json(full, {{"db", db}, {"secret", django_secret}, {"input", std::move(input)}});
}

/// Exits (77, or 1 when services are required) when /usr/bin/python3 cannot run
/// Django, DRF and simplejwt, or (`postgres`) Django's PostgreSQL backend (psycopg2).
/// Call it at static initialisation: it uses no Catch2.
inline bool require_django(bool postgres = false) {
    const bool django = python_has("rest_framework_simplejwt.token_blacklist");
    if (django && (!postgres || python_has("psycopg2"))) return true;
    const char* req = std::getenv("WARDEN_TEST_SERVICES");
    const bool required = req && std::string_view(req) == "required";
    std::fprintf(stderr, "%s: /usr/bin/python3 with %s is missing (Debian's %s); ./scripts/test installs it\n",
                 required ? "FAILED" : "SKIPPED", django ? "psycopg2" : "Django, DRF and simplejwt",
                 django ? "python3-psycopg2" : "python3-djangorestframework-simplejwt");
    std::exit(required ? 1 : 77);
}

/// A freshly migrated Django database, made once per process (in a test).
inline const std::string& django_template_db() {
    static const std::string path = [] {
        static temp_db file;   // lives as long as the process
        django_run(file.path(), "from django.core.management import call_command\ncall_command('migrate', verbosity=0)\n");
        return file.path();
    }();
    return path;
}

/// A database of its own for one test: a copy of the migrated one, or (`migrated` false)
/// no file yet; removed afterwards. The PostgreSQL tests' django_pg_db has the same
/// members.
class django_db {
public:
    explicit django_db(bool migrated = true) {
        if (migrated) std::filesystem::copy_file(django_template_db(), file_.path());
    }
    const std::string& path() const noexcept { return file_.path(); }
    /// What the store and django_run() take: the file's path.
    const std::string& target() const noexcept { return file_.path(); }
    /// How the store's messages name the database at `target`.
    static std::string where(const std::string& target) { return target; }
    std::string where() const { return where(target()); }

    /// Runs SQL on the file outside any store (set-up); false when it fails.
    bool exec(const std::string& sql) const {
        sqlite3* c = nullptr;
        bool ok = sqlite3_open_v2(path().c_str(), &c, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK;
        char* error = nullptr;
        if (ok) ok = sqlite3_exec(c, sql.c_str(), nullptr, nullptr, &error) == SQLITE_OK;
        if (error) std::fprintf(stderr, "SQLite: %s\n", error);
        sqlite3_free(error);
        sqlite3_close(c);
        return ok;
    }

    /// The names of the file's tables, sorted, joined by commas ("" when it cannot be read).
    std::string tables() const {
        std::string out;
        sqlite3* c = nullptr;
        if (sqlite3_open_v2(path().c_str(), &c, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK)
            sqlite3_exec(c, "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name)",
                         [](void* o, int, char** v, char**) {
                             if (v[0]) *static_cast<std::string*>(o) = v[0];
                             return 0;
                         },
                         &out, nullptr);
        sqlite3_close(c);
        return out;
    }

    /// A target no database is at (a file no test made), and whether one is there.
    static std::string absent() {
        return (std::filesystem::temp_directory_path() / ("warden-test-absent-" + warden::crypto::random_hex(8) + ".db")).string();
    }
    static bool exists(const std::string& target) { return std::filesystem::exists(target); }

private:
    temp_db file_;
};

/// The site options of the test site.
inline warden::django::sqlite_options django_options() {
    warden::django::sqlite_options o;
    o.secret_key = django_secret;
    return o;
}

/// The Django schema store over SQLite: the fixture of the store suites and of
/// suite_django.hpp.
struct django_sqlite_backend {
    static constexpr const char* name = "django sqlite";
    using database = django_db;
    using store_type = warden::django::sqlite_store;
    using options_type = warden::django::sqlite_options;
    /// The site options of the test site.
    static options_type options() { return django_options(); }
    /// The store's name in the outage log.
    static std::string log_name(const database& d) { return "django sqlite " + d.where(); }
    /// What construction reports for a database file that does not exist.
    static constexpr warden::store_errc absent_error = warden::store_errc::io;
    /// Makes `d` a warden database (warden's own tables, none of Django's).
    static void make_warden_database(const database& d) { warden::sqlite_store own{d.target()}; }

    database db;   // declared first: the store closes before the file is removed
    store_type store{db.target(), options()};

    /// Another store over the same database, with other options.
    store_type reopen(const options_type& o) const { return store_type{db.target(), o}; }
};

} // namespace warden_test

#endif
