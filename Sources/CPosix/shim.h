#ifndef DEALHOOK_CPOSIX_SHIM_H
#define DEALHOOK_CPOSIX_SHIM_H
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <unistd.h>
#include <stdlib.h>
#include <stdint.h>
#include <pthread.h>

// Declared here rather than through _GNU_SOURCE, which would change the system headers' definitions under
// this module only and clash with other modules that include them.
extern int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
extern int pthread_setname_np(pthread_t thread, const char *name);

/// `accept4` with `SOCK_NONBLOCK | SOCK_CLOEXEC`: one call instead of accept + two fcntl.
static inline int dealhook_accept_nonblocking(int fd, struct sockaddr *addr, socklen_t *len) {
    return accept4(fd, addr, len, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

/// Names `thread` as `top -H` and `/proc/<pid>/task/*/comm` show it; Linux takes up to 15 bytes, and refuses
/// (ERANGE) a longer name.
static inline int dealhook_set_thread_name(pthread_t thread, const char *name) {
    return pthread_setname_np(thread, name);
}

/// A non-blocking, close-on-exec stream socket.
static inline int dealhook_socket_nonblocking(int domain) {
    return socket(domain, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

static inline int dealhook_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

static inline int dealhook_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t token) {
    struct epoll_event event;
    event.events = events;
    event.data.u64 = token;
    return epoll_ctl(epfd, op, fd, &event);
}

/// epoll_event is packed on x86_64; these keep its layout on the C side of the fence.
static inline struct epoll_event *dealhook_epoll_events_allocate(int count) {
    return (struct epoll_event *)calloc((size_t)count, sizeof(struct epoll_event));
}

static inline uint64_t dealhook_epoll_event_token(const struct epoll_event *events, int index) {
    return events[index].data.u64;
}

static inline uint32_t dealhook_epoll_event_flags(const struct epoll_event *events, int index) {
    return events[index].events;
}

static inline int dealhook_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

/// The value of `errno` after a failed call (Swift's `errno` works too; this keeps call sites uniform).
static inline int dealhook_errno(void) { return errno; }

/// `send` that never raises SIGPIPE on a peer that has gone.
static inline ssize_t dealhook_send(int fd, const void *buffer, size_t length) {
    return send(fd, buffer, length, MSG_NOSIGNAL);
}
#endif
