/// @file
/// The Django schema mode over PostgreSQL (docs/django.md): `warden::django::postgres_store`
/// over the Django site's PostgreSQL database (link `warden::postgres`, which brings
/// libpq), with everything of <warden/django.hpp>.
///
/// @code
/// #include <warden/django_postgres.hpp>
/// auto cfg = warden::django::site_settings::from_env();
/// warden::django::postgres_store db{"postgresql://site@db.internal:5432/site", {cfg.site}};
/// @endcode
#ifndef WARDEN_DJANGO_POSTGRES_UMBRELLA_HPP
#define WARDEN_DJANGO_POSTGRES_UMBRELLA_HPP

#include <warden/django.hpp>
#include <warden/store/django/postgres_store.hpp>

#endif
