/// The outcome of one internal parsing step over the bytes received so far.
enum ParseStep<Value> {
    /// The step found a complete, valid element.
    case done(Value)
    /// The bytes are a valid beginning; more are needed.
    case needMore
    /// The bytes can never become valid.
    case failure(HTTPRequestError)
}

extension HTTPRequestError {
    /// The error for a byte that does not belong where it was found, naming bare CR and LF as such.
    static func unexpected(_ byte: UInt8, in place: String) -> HTTPRequestError {
        switch byte {
        case .lf: .badRequest("bare LF in \(place)")
        case .cr: .badRequest("unexpected CR in \(place)")
        default: .badRequest("invalid character \(byte.hexDescription) in \(place)")
        }
    }
}
