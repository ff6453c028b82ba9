import CPosix
import Glibc

/// Starts POSIX threads running closures, named so that `top -H` and `/proc/<pid>/task/*/comm` show them: the
/// server's event loops, the client's host-name lookups, the queue's writer, checkpointer and delivery scheduler.
public enum POSIXThread {
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    /// Starts `run` on a new joinable thread named `name` (Linux takes names of up to 15 bytes); nil when the
    /// system refuses a thread (`pthread_create` failed: too many threads, or no memory).
    public static func start(named name: String, _ run: @escaping @Sendable () -> Void) -> pthread_t? {
        var thread = pthread_t()
        let body = Unmanaged.passRetained(Body(run))
        let result = pthread_create(&thread, nil, { argument in
            let body = Unmanaged<Body>.fromOpaque(argument!).takeRetainedValue()
            body.run()
            return nil
        }, body.toOpaque())
        guard result == 0 else {
            body.release()
            return nil
        }
        // Fails only for a name too long; the thread then keeps the process's name.
        _ = dealhook_set_thread_name(thread, name)
        return thread
    }

    /// `start(named:_:)` for a thread nobody joins: its resources go when `run` returns. False when the system
    /// refuses a thread.
    public static func startDetached(named name: String, _ run: @escaping @Sendable () -> Void) -> Bool {
        guard let thread = start(named: name, run) else { return false }
        pthread_detach(thread)
        return true
    }
}
