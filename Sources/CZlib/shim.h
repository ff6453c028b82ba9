#ifndef DEALHOOK_CZLIB_SHIM_H
#define DEALHOOK_CZLIB_SHIM_H
#include <zlib.h>

/// `inflateInit2` is a macro; Swift cannot see it. `windowBits` 15+32 accepts gzip and zlib, -15 raw deflate.
static inline int dealhook_inflateInit2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}

/// `deflateInit2` is a macro too; used by tests and the HTTP client to produce gzip bodies.
static inline int dealhook_deflateInit2(z_streamp stream, int level, int windowBits) {
    return deflateInit2(stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}
#endif
