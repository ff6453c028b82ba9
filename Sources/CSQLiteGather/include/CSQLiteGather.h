#ifndef DEALHOOK_CSQLITEGATHER_H
#define DEALHOOK_CSQLITEGATHER_H
#include <sqlite3.h>

/// The name of the VFS that `dealhook_gather_vfs_register` adds: SQLite's default VFS, except that the writes
/// to a write-ahead log are gathered in memory and handed to the file at once, in one write, before anything
/// else touches the log (a sync, a read, its size, a truncation, closing it). SQLite writes each WAL frame with
/// two calls (its 24-byte header, then the page), so a commit of 40 pages is 80 system calls without it and two
/// with it (one write takes at most 31 frames of 4 KiB); the fsync that makes the commit durable comes after, as
/// before.
///
/// It relies on that sync: only `synchronous = FULL` syncs the log inside every commit, before the commit is
/// published in the WAL index. Under NORMAL a commit's frames would stay in this buffer after other connections
/// (the reader, the checkpointer) can see the commit, and they would read a log shorter than the index says
/// (`SQLITE_IOERR`), or stale bytes where the log is being reused.
#define DEALHOOK_GATHER_VFS_NAME "dealhook-gather"

/// Registers the gathering VFS (once per process; later calls do nothing), not as the default. Returns
/// SQLITE_OK, or SQLite's error when there is no default VFS to wrap.
int dealhook_gather_vfs_register(void);

/// On the calling thread, since it started: write calls SQLite made to gathered files, and writes the VFS made to
/// the files beneath. For tests, which run a commit on their own thread.
unsigned long long dealhook_gather_thread_writes_received(void);
unsigned long long dealhook_gather_thread_writes_made(void);
#endif
