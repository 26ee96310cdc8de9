/// @file
/// The Django schema mode: serving beside an existing Django site, over its own
/// database (docs/django.md). `warden::django::sqlite_store` over the site's SQLite
/// file, `memory_counter_store` for the throttle counts Django keeps in its cache, and
/// `warden::django::site_settings` reading the site's settings under their Django
/// names. Over PostgreSQL, `warden::django::postgres_store` comes with
/// <warden/django_postgres.hpp> (link `warden::postgres`).
///
/// @code
/// #include <warden.hpp>
/// #include <warden/django.hpp>
/// auto cfg = warden::django::site_settings::from_env();          // DJANGO_SECRET_KEY, ...
/// warden::django::sqlite_store db{"/srv/site/db.sqlite3", {cfg.site}};
/// warden::memory_counter_store counters;
/// auto web = warden::app<...>(counters, db, cfg.app);
/// @endcode
#ifndef WARDEN_DJANGO_UMBRELLA_HPP
#define WARDEN_DJANGO_UMBRELLA_HPP

#include <warden/app/django_settings.hpp>
#include <warden/store/concepts.hpp>
#include <warden/store/django/options.hpp>
#include <warden/store/django/sqlite_store.hpp>
#include <warden/store/error.hpp>
#include <warden/store/memory_store.hpp>
#include <warden/store/records.hpp>

#endif
