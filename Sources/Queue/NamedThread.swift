import CPosix
import Foundation

/// Starts `body` on a new thread that `top -H` and `/proc/<pid>/task/*/comm` show as `name` (Linux takes up to 15
/// bytes), so that an operator sees which of the queue's threads is busy. Foundation's `Thread.name` alone names
/// the thread for Foundation only.
func startThread(named name: String, _ body: @escaping @Sendable () -> Void) {
    let thread = Thread {
        _ = dealhook_set_thread_name(pthread_self(), name)
        body()
    }
    thread.name = name
    thread.start()
}
