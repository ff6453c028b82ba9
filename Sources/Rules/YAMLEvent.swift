/// One libyaml parser event, copied out of C memory.
enum YAMLEvent {
    /// What a node event carries besides its content.
    struct Properties {
        var location: SourceLocation
        var anchor: String?
        /// The resolved tag (`tag:yaml.org,2002:str` for `!!str`), or nil when none was written.
        var tag: String?
    }

    case streamStart
    case streamEnd
    case documentStart(SourceLocation)
    case documentEnd
    case scalar(String, isPlain: Bool, Properties)
    case sequenceStart(Properties)
    case sequenceEnd
    case mappingStart(Properties)
    case mappingEnd
    case alias(String, SourceLocation)
}
