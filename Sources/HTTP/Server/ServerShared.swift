import Synchronization

/// What every event loop of one server shares: its settings, its responder and the open-connection count.
final class ServerShared: Sendable {
    let configuration: HTTPServerConfiguration
    let responder: any HTTPResponder
    let openConnections = Atomic<Int>(0)
    /// Turns for dealing accepted connections out among the loops.
    let nextLoop = Atomic<UInt>(0)
    let headerTimeout: UInt64
    let idleTimeout: UInt64
    let bodyTimeout: UInt64

    init(configuration: HTTPServerConfiguration, responder: any HTTPResponder) {
        self.configuration = configuration
        self.responder = responder
        headerTimeout = configuration.headerTimeout.nanoseconds
        idleTimeout = configuration.idleTimeout.nanoseconds
        bodyTimeout = configuration.bodyTimeout.nanoseconds
    }
}
