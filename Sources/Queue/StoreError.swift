/// A failure of the event store, with a message that says what went wrong and what to do.
///
/// Intake answers any `append` failure with 503 and `Retry-After`: the event was not stored, and nothing of it is
/// visible.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure; compare with the static members.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Kind: String, Sendable, Hashable {
            case overloaded, full, io, busy, corrupt, newerSchema, notAQueue, readOnly, leaseLost, closed, invalid
            case other
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// Too many appends are waiting for the writer (`maxWaitingEvents`); try again shortly.
        public static let overloaded = Code(.overloaded)
        /// The disk, or the configured `maxFileBytes`, is full.
        public static let full = Code(.full)
        /// The operating system reported an I/O error.
        public static let io = Code(.io)
        /// Another process holds the file's write lock beyond `busyTimeout`.
        public static let busy = Code(.busy)
        /// The file is damaged.
        public static let corrupt = Code(.corrupt)
        /// The file was written by a newer Dealhook.
        public static let newerSchema = Code(.newerSchema)
        /// The file is a SQLite database of some other application.
        public static let notAQueue = Code(.notAQueue)
        /// The file or its directory cannot be written.
        public static let readOnly = Code(.readOnly)
        /// The caller's lease ended (expired and claimed again, or the event was discarded or retried).
        public static let leaseLost = Code(.leaseLost)
        /// The store was closed.
        public static let closed = Code(.closed)
        /// The call's arguments were not acceptable.
        public static let invalid = Code(.invalid)
        /// Any other database failure.
        public static let other = Code(.other)

        public var description: String { kind.rawValue }
    }

    public let code: Code
    /// What happened, where, and what to do about it.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Whether trying again later may succeed (the intake's 503 with `Retry-After`).
    public var isTransient: Bool {
        [.overloaded, .full, .io, .busy, .closed].contains(code)
    }

    public var description: String { message }
}
