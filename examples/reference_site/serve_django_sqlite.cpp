// The reference site over a Django site's SQLite database (--django-db PATH).
#include "site.hpp"

namespace site {

int serve_django_sqlite(const options& opt, const settings& s, const django::site_options& site) {
    django::sqlite_store db{opt.django_db, {site}};
    return run_django(opt, s, db, "Django database " + opt.django_db);
}

} // namespace site
