// The reference site over warden's own PostgreSQL schema (--db postgresql://...).
#include "site.hpp"

#include <warden/postgres.hpp>

namespace site {

int serve_postgres(const options& opt, const settings& s) {
    postgres_store db{opt.db, network_options(opt, postgres_options{})};
    return run(opt, s, db, "database " + db.where());
}

} // namespace site
