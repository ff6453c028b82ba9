import Glibc

/// A point on the monotonic clock by which an operation must finish, and which of the client's timeouts set it.
///
/// Operations take the earliest deadline that applies; when one passes, the error names the timeout that fired.
struct Deadline: Sendable {
    /// Monotonic nanoseconds (see `MonotonicClock`).
    var instant: UInt64
    /// The timeout this deadline comes from.
    var timeout: HTTPClientError.Timeout
    /// The configured length of that timeout, for messages.
    var length: Duration

    /// The deadline `length` after `start` (now by default).
    init(after length: Duration, from start: UInt64 = MonotonicClock.now(), timeout: HTTPClientError.Timeout) {
        let (sum, overflow) = start.addingReportingOverflow(length.nanoseconds)
        self.instant = overflow ? .max : sum
        self.timeout = timeout
        self.length = length
    }

    /// Whichever of the two deadlines comes first.
    func earliest(_ other: Deadline) -> Deadline {
        other.instant < instant ? other : self
    }

    /// Whether the deadline has passed.
    var hasPassed: Bool { MonotonicClock.now() >= instant }

    /// Milliseconds left, rounded up, as `poll(2)` takes them; 0 once passed.
    var remainingMilliseconds: Int32 {
        let now = MonotonicClock.now()
        guard instant > now else { return 0 }
        let milliseconds = (instant - now + 999_999) / 1_000_000
        return Int32(clamping: milliseconds)
    }

    /// Blocks until `fd` is ready for `events` (`POLLIN`, `POLLOUT`), or throws `.timedOut` once the deadline passes.
    ///
    /// Readiness includes an error or hang-up on the socket: the next call on it reports what happened.
    func wait(for fd: Int32, events: Int32) throws(TransportError) {
        var descriptor = pollfd(fd: fd, events: Int16(events), revents: 0)
        while true {
            let ready = poll(&descriptor, 1, remainingMilliseconds)
            if ready > 0 { return }
            if ready < 0 {
                guard errno == EINTR else { throw .system(operation: "poll", errno: errno) }
                continue
            }
            if hasPassed { throw .timedOut }
        }
    }
}
