// The gathering VFS (see include/CSQLiteGather.h): a shim over SQLite's default VFS in the shape of SQLite's own
// shims (test_vfstrace.c, test_multiplex.c): each file is ours, with the default VFS's file right after it.
#include "CSQLiteGather.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/// The most bytes handed over in one write: the default (unix) VFS writes at most 0x1ffff bytes a call
/// (`seekAndWriteFd`), and reports a longer write as a full disk. 31 frames of 4 KiB pages.
#define GATHER_LIMIT 0x1ffff

typedef struct GatherFile {
    sqlite3_file base;
    /// The default VFS's file, just after this struct.
    sqlite3_file *real;
    /// Whether writes are gathered: the file is a write-ahead log.
    int gathers;
    /// `length` bytes gathered for offset `start`, in a buffer of `capacity`.
    unsigned char *buffer;
    sqlite3_int64 start;
    size_t length;
    size_t capacity;
} GatherFile;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs gather_vfs;
static _Thread_local unsigned long long writes_received;
static _Thread_local unsigned long long writes_made;

/// Hands the gathered bytes to the file beneath, in one write.
static int flush_gathered(GatherFile *file) {
    if (file->length == 0) return SQLITE_OK;
    writes_made += 1;
    int code = file->real->pMethods->xWrite(file->real, file->buffer, (int)file->length, file->start);
    file->length = 0;
    return code;
}

static int gather_close(sqlite3_file *handle) {
    GatherFile *file = (GatherFile *)handle;
    int flushed = flush_gathered(file);
    int closed = file->real->pMethods->xClose(file->real);
    free(file->buffer);
    file->buffer = NULL;
    file->capacity = 0;
    return flushed != SQLITE_OK ? flushed : closed;
}

static int gather_read(sqlite3_file *handle, void *data, int amount, sqlite3_int64 offset) {
    GatherFile *file = (GatherFile *)handle;
    int code = flush_gathered(file);
    if (code != SQLITE_OK) return code;
    return file->real->pMethods->xRead(file->real, data, amount, offset);
}

static int gather_write(sqlite3_file *handle, const void *data, int amount, sqlite3_int64 offset) {
    GatherFile *file = (GatherFile *)handle;
    if (!file->gathers) return file->real->pMethods->xWrite(file->real, data, amount, offset);
    writes_received += 1;
    size_t size = (size_t)amount;
    int code;
    // Only a write that continues the gathered bytes, within the limit, joins them.
    if (file->length > 0 && (offset != file->start + (sqlite3_int64)file->length || file->length + size > GATHER_LIMIT)) {
        if ((code = flush_gathered(file)) != SQLITE_OK) return code;
    }
    if (size > GATHER_LIMIT) {
        // Never from SQLite, whose pages are 64 KiB at most.
        writes_made += 1;
        return file->real->pMethods->xWrite(file->real, data, amount, offset);
    }
    if (file->length + size > file->capacity) {
        size_t capacity = file->capacity == 0 ? 16 * 1024 : file->capacity;
        while (capacity < file->length + size) capacity *= 2;
        unsigned char *grown = realloc(file->buffer, capacity);
        if (grown == NULL) {
            // No memory to gather: write through, as the default VFS would.
            if ((code = flush_gathered(file)) != SQLITE_OK) return code;
            writes_made += 1;
            return file->real->pMethods->xWrite(file->real, data, amount, offset);
        }
        file->buffer = grown;
        file->capacity = capacity;
    }
    if (file->length == 0) file->start = offset;
    memcpy(file->buffer + file->length, data, size);
    file->length += size;
    return SQLITE_OK;
}

static int gather_truncate(sqlite3_file *handle, sqlite3_int64 size) {
    GatherFile *file = (GatherFile *)handle;
    int code = flush_gathered(file);
    if (code != SQLITE_OK) return code;
    return file->real->pMethods->xTruncate(file->real, size);
}

static int gather_sync(sqlite3_file *handle, int flags) {
    GatherFile *file = (GatherFile *)handle;
    int code = flush_gathered(file);
    if (code != SQLITE_OK) return code;
    return file->real->pMethods->xSync(file->real, flags);
}

static int gather_file_size(sqlite3_file *handle, sqlite3_int64 *size) {
    GatherFile *file = (GatherFile *)handle;
    int code = flush_gathered(file);
    if (code != SQLITE_OK) return code;
    return file->real->pMethods->xFileSize(file->real, size);
}

static int gather_lock(sqlite3_file *handle, int level) {
    GatherFile *file = (GatherFile *)handle;
    return file->real->pMethods->xLock(file->real, level);
}

static int gather_unlock(sqlite3_file *handle, int level) {
    GatherFile *file = (GatherFile *)handle;
    return file->real->pMethods->xUnlock(file->real, level);
}

static int gather_check_reserved_lock(sqlite3_file *handle, int *reserved) {
    GatherFile *file = (GatherFile *)handle;
    return file->real->pMethods->xCheckReservedLock(file->real, reserved);
}

static int gather_file_control(sqlite3_file *handle, int operation, void *argument) {
    GatherFile *file = (GatherFile *)handle;
    int code = flush_gathered(file);
    if (code != SQLITE_OK) return code;
    return file->real->pMethods->xFileControl(file->real, operation, argument);
}

static int gather_sector_size(sqlite3_file *handle) {
    GatherFile *file = (GatherFile *)handle;
    return file->real->pMethods->xSectorSize(file->real);
}

static int gather_device_characteristics(sqlite3_file *handle) {
    GatherFile *file = (GatherFile *)handle;
    return file->real->pMethods->xDeviceCharacteristics(file->real);
}

static int gather_shm_map(sqlite3_file *handle, int region, int size, int extend, void volatile **address) {
    GatherFile *file = (GatherFile *)handle;
    return file->real->pMethods->xShmMap(file->real, region, size, extend, address);
}

static int gather_shm_lock(sqlite3_file *handle, int offset, int count, int flags) {
    GatherFile *file = (GatherFile *)handle;
    return file->real->pMethods->xShmLock(file->real, offset, count, flags);
}

static void gather_shm_barrier(sqlite3_file *handle) {
    GatherFile *file = (GatherFile *)handle;
    file->real->pMethods->xShmBarrier(file->real);
}

static int gather_shm_unmap(sqlite3_file *handle, int delete_flag) {
    GatherFile *file = (GatherFile *)handle;
    return file->real->pMethods->xShmUnmap(file->real, delete_flag);
}

static int gather_fetch(sqlite3_file *handle, sqlite3_int64 offset, int amount, void **page) {
    GatherFile *file = (GatherFile *)handle;
    int code = flush_gathered(file);
    if (code != SQLITE_OK) return code;
    return file->real->pMethods->xFetch(file->real, offset, amount, page);
}

static int gather_unfetch(sqlite3_file *handle, sqlite3_int64 offset, void *page) {
    GatherFile *file = (GatherFile *)handle;
    return file->real->pMethods->xUnfetch(file->real, offset, page);
}

static const sqlite3_io_methods gather_methods = {
    3,
    gather_close, gather_read, gather_write, gather_truncate, gather_sync, gather_file_size, gather_lock,
    gather_unlock, gather_check_reserved_lock, gather_file_control, gather_sector_size,
    gather_device_characteristics, gather_shm_map, gather_shm_lock, gather_shm_barrier, gather_shm_unmap,
    gather_fetch, gather_unfetch,
};

static int gather_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *handle, int flags, int *out_flags) {
    (void)vfs;
    GatherFile *file = (GatherFile *)handle;
    memset(file, 0, sizeof *file);
    file->real = (sqlite3_file *)&file[1];
    file->gathers = (flags & SQLITE_OPEN_WAL) != 0;
    int code = real_vfs->xOpen(real_vfs, name, file->real, flags, out_flags);
    // Like SQLite's own shims: our methods only over a file the default VFS opened (it leaves them NULL when
    // it did not, and SQLite then calls no method).
    file->base.pMethods = file->real->pMethods != NULL ? &gather_methods : NULL;
    return code;
}

// Everything but opening is the default VFS's.
static int gather_delete(sqlite3_vfs *vfs, const char *name, int sync_directory) {
    (void)vfs;
    return real_vfs->xDelete(real_vfs, name, sync_directory);
}

static int gather_access(sqlite3_vfs *vfs, const char *name, int flags, int *result) {
    (void)vfs;
    return real_vfs->xAccess(real_vfs, name, flags, result);
}

static int gather_full_pathname(sqlite3_vfs *vfs, const char *name, int size, char *output) {
    (void)vfs;
    return real_vfs->xFullPathname(real_vfs, name, size, output);
}

static void *gather_dl_open(sqlite3_vfs *vfs, const char *name) {
    (void)vfs;
    return real_vfs->xDlOpen(real_vfs, name);
}

static void gather_dl_error(sqlite3_vfs *vfs, int size, char *message) {
    (void)vfs;
    real_vfs->xDlError(real_vfs, size, message);
}

static void (*gather_dl_sym(sqlite3_vfs *vfs, void *library, const char *symbol))(void) {
    (void)vfs;
    return real_vfs->xDlSym(real_vfs, library, symbol);
}

static void gather_dl_close(sqlite3_vfs *vfs, void *library) {
    (void)vfs;
    real_vfs->xDlClose(real_vfs, library);
}

static int gather_randomness(sqlite3_vfs *vfs, int size, char *output) {
    (void)vfs;
    return real_vfs->xRandomness(real_vfs, size, output);
}

static int gather_sleep(sqlite3_vfs *vfs, int microseconds) {
    (void)vfs;
    return real_vfs->xSleep(real_vfs, microseconds);
}

static int gather_current_time(sqlite3_vfs *vfs, double *time) {
    (void)vfs;
    return real_vfs->xCurrentTime(real_vfs, time);
}

static int gather_get_last_error(sqlite3_vfs *vfs, int size, char *message) {
    (void)vfs;
    return real_vfs->xGetLastError(real_vfs, size, message);
}

static int gather_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *time) {
    (void)vfs;
    return real_vfs->xCurrentTimeInt64(real_vfs, time);
}

static int registration_code = SQLITE_ERROR;
static pthread_once_t registration = PTHREAD_ONCE_INIT;

static void register_once(void) {
    real_vfs = sqlite3_vfs_find(NULL);
    if (real_vfs == NULL) return;
    gather_vfs = (sqlite3_vfs){
        .iVersion = 2,
        .szOsFile = (int)sizeof(GatherFile) + real_vfs->szOsFile,
        .mxPathname = real_vfs->mxPathname,
        .zName = DEALHOOK_GATHER_VFS_NAME,
        .xOpen = gather_open,
        .xDelete = gather_delete,
        .xAccess = gather_access,
        .xFullPathname = gather_full_pathname,
        .xDlOpen = gather_dl_open,
        .xDlError = gather_dl_error,
        .xDlSym = gather_dl_sym,
        .xDlClose = gather_dl_close,
        .xRandomness = gather_randomness,
        .xSleep = gather_sleep,
        .xCurrentTime = gather_current_time,
        .xGetLastError = gather_get_last_error,
        .xCurrentTimeInt64 = gather_current_time_int64,
    };
    registration_code = sqlite3_vfs_register(&gather_vfs, 0);
}

int dealhook_gather_vfs_register(void) {
    pthread_once(&registration, register_once);
    return registration_code;
}

unsigned long long dealhook_gather_thread_writes_received(void) { return writes_received; }

unsigned long long dealhook_gather_thread_writes_made(void) { return writes_made; }
