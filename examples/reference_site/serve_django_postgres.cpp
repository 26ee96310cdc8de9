// The reference site over a Django site's PostgreSQL database (--django-db postgresql://...).
#include "site.hpp"

#include <warden/django_postgres.hpp>

namespace site {

int serve_django_postgres(const options& opt, const settings& s, const django::site_options& site) {
    django::postgres_store db{opt.django_db, network_options(opt, django::postgres_options{site})};
    return run_django(opt, s, db, "Django database " + db.where());
}

} // namespace site
