// The Django schema mode over SQLite: the user and session suites on Django's own tables
// (a database Django's migrations made at test time), then what only this mode has
// (suite_django.hpp, the same over PostgreSQL in tests/integration/store/django_postgres.cpp):
// DRF's clear token keys, session data both sides read, simplejwt's tables, the
// one-column updates, and the refusal of a database without Django's tables.
#include <support/django_db.hpp>

namespace store_suite {
using warden_test::django_sqlite_backend;
using user_backends = std::tuple<django_sqlite_backend>;
using session_backends = std::tuple<django_sqlite_backend>;
using django_backends = std::tuple<django_sqlite_backend>;
} // namespace store_suite

#include <unit/store/suite_django.hpp>
#include <unit/store/suite_sessions.hpp>
#include <unit/store/suite_users.hpp>

namespace {

const bool present = warden_test::require_django();   // skips the executable without Django

} // namespace
