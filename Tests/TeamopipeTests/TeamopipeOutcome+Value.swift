import JSON

@testable import Teamopipe

extension TeamopipeOutcome {
    /// The object of a success, or nil.
    var value: JSONValue? {
        if case .success(let value) = self { return value }
        return nil
    }
}
