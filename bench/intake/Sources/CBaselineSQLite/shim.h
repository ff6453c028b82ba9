#ifndef DEALHOOK_BENCH_BASELINE_SQLITE_SHIM_H
#define DEALHOOK_BENCH_BASELINE_SQLITE_SHIM_H
#include <sqlite3.h>

/// `SQLITE_TRANSIENT` is a cast macro Swift cannot import: it tells SQLite to copy bound text and blobs.
static inline sqlite3_destructor_type bench_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}
#endif
