/// A use of an earlier step's result, `steps.<id>…`, found in a template or expression when it was parsed.
public struct TemplateStepReference: Sendable, Hashable {
    /// The step id after `steps.`.
    public var step: String
    /// Where `steps` is written.
    public var location: SourceLocation

    public init(step: String, location: SourceLocation) {
        self.step = step
        self.location = location
    }
}
