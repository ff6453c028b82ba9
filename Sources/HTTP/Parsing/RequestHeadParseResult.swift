/// The outcome of running `RequestHeadParser` over the bytes received so far.
public enum RequestHeadParseResult: Sendable, Equatable {
    /// The head is complete; `consumed` counts its bytes, leading empty lines and the final empty line included.
    case complete(HTTPRequestHead, consumed: Int)
    /// The bytes are a valid beginning of a head; parse again from the start once more have arrived.
    case needMore
    /// The request is refused; answer with the error's status and close the connection.
    case failure(HTTPRequestError)
}
