// The reference site over warden's own SQLite schema (--db PATH, the default).
#include "site.hpp"

namespace site {

int serve_sqlite(const options& opt, const settings& s) {
    sqlite_store db{opt.db};
    return run(opt, s, db, "database " + opt.db);
}

} // namespace site
