import Glibc

/// SIGTERM and SIGINT (stop) and SIGHUP (reload the config), taken synchronously with `sigwait`.
///
/// A Dispatch signal source registers asynchronously after `resume`, leaving a window in which an early signal
/// is lost; blocking the signals before any thread starts keeps every one pending until `wait()` takes it.
public struct StopSignals {
    private var signals = sigset_t()

    /// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread and in every thread started after it (threads inherit the
    /// mask), and ignores SIGPIPE. Call it before starting any thread.
    public static func block() -> StopSignals {
        var stop = StopSignals()
        sigemptyset(&stop.signals)
        sigaddset(&stop.signals, SIGTERM)
        sigaddset(&stop.signals, SIGINT)
        sigaddset(&stop.signals, SIGHUP)
        pthread_sigmask(SIG_BLOCK, &stop.signals, nil)
        signal(SIGPIPE, SIG_IGN)
        return stop
    }

    /// Waits until SIGTERM or SIGINT arrives and returns its name; each SIGHUP meanwhile calls `reload`.
    public func wait(reload: () -> Void = {}) -> String {
        var signals = self.signals
        while true {
            var number: Int32 = 0
            while sigwait(&signals, &number) != 0 {}
            switch number {
            case SIGHUP: reload()
            case SIGTERM: return "SIGTERM"
            default: return "SIGINT"
            }
        }
    }
}
