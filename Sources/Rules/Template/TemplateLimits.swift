/// The bounds that keep evaluating a template cheap, whatever the config and the request hold.
///
/// A value that would grow past a bound is refused with a `TemplateEvaluationError` (code `limitExceeded`)
/// rather than cut short: a CRM field quietly truncated is worse than an event that says why it failed.
public enum TemplateLimits {
    /// The longest text, in UTF-8 bytes, that evaluation builds (a concatenation, `replace`, `join`, `json`,
    /// a text template). Text taken unchanged from the request is not counted.
    public static let maximumTextLength = 65_536
    /// The most elements of a list that evaluation builds (`split`, `+` on lists, a list literal).
    public static let maximumListCount = 10_000
    /// The deepest nesting of an expression: parentheses, operands, filter chains. Checked at parse time.
    public static let maximumExpressionDepth = 64
    /// The longest regular expression accepted by `matches`, in characters.
    public static let maximumPatternLength = 1_000
    /// The most instructions a compiled regular expression may have (repetitions `{n,m}` are expanded).
    public static let maximumPatternProgramSize = 2_000
    /// The largest count in a regular expression repetition `{n,m}`.
    public static let maximumPatternRepetition = 100
    /// The most characters of its input that `matches` looks at; the rest is ignored.
    public static let maximumMatchInputLength = 65_536
    /// The largest day count `add_days` and `add_working_days` accept (about 270 years); hours for `add_hours`
    /// are bounded by the same span.
    public static let maximumDayOffset = 100_000
}
