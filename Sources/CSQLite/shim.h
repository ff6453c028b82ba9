#ifndef DEALHOOK_CSQLITE_SHIM_H
#define DEALHOOK_CSQLITE_SHIM_H
#include <sqlite3.h>

/// `SQLITE_TRANSIENT` is a cast macro Swift cannot import: it tells SQLite to copy bound text and blobs.
static inline sqlite3_destructor_type dealhook_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}

/// Turns off SQLite's memory statistics, which take a process-wide mutex and update counters on every allocation
/// and free: Dealhook reads none of them, and Debian's SQLite (built without lookaside) allocates for every cursor
/// a statement opens. Only has effect before SQLite initializes, so it is called before the first open;
/// `sqlite3_config` is variadic, which Swift cannot call. Returns SQLITE_OK, or SQLITE_MISUSE if too late.
static inline int dealhook_sqlite_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
#endif
