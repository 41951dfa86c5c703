// Suggestions: "did you mean ...?" for misspelt names, by edit distance.

/// Finds the closest known name to a misspelt one.
public enum Suggestions {
    /// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo
    /// (distance at most 1 for short words, 2 for longer ones, or a case-insensitive match).
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let lower = word.lowercased()
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let d = distance(lower, candidate.lowercased())
            if let current = best, d > current.distance || (d == current.distance && candidate >= current.name) { continue }
            best = (candidate, d)
        }
        guard let best else { return nil }
        let allowed = word.count <= 4 ? 1 : 2
        return best.distance <= allowed ? best.name : nil
    }

    /// The edit distance between two strings (Characters), counting an insertion, a deletion, a
    /// substitution or a swap of two neighbours ("cnov" for "conv") as one edit; bounded work for long inputs.
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.prefix(64)), y = Array(b.prefix(64))
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var beforePrevious = Array(repeating: 0, count: y.count + 1)
        var previous = Array(0...y.count)
        var current = Array(repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[y.count]
    }
}
