/// Finds the known key an unknown one was probably meant to be, for "did you mean …?".
enum KeySuggestion {
    /// The farthest a misspelling may be from its key, in edits.
    static let maximumDistance = 2

    /// The candidate closest to `key` within `maximumDistance` edits (and fewer edits than its length, so
    /// that `ab` does not suggest `id`); the first of equals wins.
    static func closest(to key: String, among candidates: [String]) -> String? {
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(Array(key.utf8), Array(candidate.utf8))
            if distance <= maximumDistance, distance < candidate.utf8.count, distance < (best?.distance ?? .max) {
                best = (candidate, distance)
            }
        }
        return best?.candidate
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two neighbours
    /// each cost one edit (`listn` → `listen` is 1, `lsiten` → `listen` is 1).
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var beforePrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[b.count]
    }
}
