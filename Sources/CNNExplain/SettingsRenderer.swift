// SettingsRenderer: what `clear`, `reset`, `seed N`, `precision N` and `limits` say they did, from the
// SettingsReport the interpreter returns, and the table of every resource limit (docs/LIMITS.md).
import CNNCore
import CNNScript

/// Writes a SettingsReport for people.
enum SettingsRenderer {
    /// The lines for `report`.
    static func lines(_ report: SettingsReport) -> [String] {
        switch report {
        case .cleared:
            return ["cleared: no variables"]
        case .reset(let seed, let precision):
            return ["reset: no variables, seed \(seed), precision \(precision)"]
        case .seeded(let seed):
            return ["seed \(seed): random numbers start over from here"]
        case .precision(let decimals):
            return ["precision \(decimals): numbers that are not whole show \(decimals) decimal\(decimals == 1 ? "" : "s")"]
        case .elementLimit(let elements):
            return ["limits elements \(Format.count(elements)): one tensor may hold up to \(Format.count(elements)) values (\(Limits.bytesText(elements * 8)))"]
        case .memoryLimit(let bytes, let inUse):
            let note = inUse > bytes ? "; the variables already hold \(Limits.bytesText(inUse)), so new tensors fail until `clear`" : ""
            return ["limits memory \(Limits.bytesText(bytes)): the session's tensors may hold up to \(Limits.bytesText(bytes)) together\(note)"]
        case .limits(let snapshot):
            return limitsTable(snapshot)
        }
    }

    /// Each limit, its value, and how to change it.
    private static func limitsTable(_ s: LimitsSnapshot) -> [String] {
        let rows: [(String, String, String)] = [
            ("elements per tensor", Format.count(s.maxElements) + " (" + Limits.bytesText(s.maxElements * 8) + ")",
             "limits elements N, or cnnrepl --max-elements N"),
            ("session memory", Limits.bytesText(s.maxMemoryBytes) + " (" + Limits.bytesText(s.memoryInUse) + " in use)",
             "limits memory N GB, or cnnrepl --max-memory NGB"),
            ("conv work", Format.count(s.maxWork) + " multiply-adds", "fixed"),
            ("run work", Format.count(s.maxRunWork) + " multiply-adds", "fixed"),
            ("nesting depth", "\(s.maxNestingDepth) levels", "fixed"),
            ("script size", Format.count(s.maxScriptBytes) + " bytes", "fixed"),
            ("history", Format.count(s.historyEntries) + " entries", "fixed (~/.cnnrepl_history)"),
        ]
        let nameWidth = rows.map { $0.0.count }.max() ?? 0
        let valueWidth = rows.map { $0.1.count }.max() ?? 0
        func padded(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(width - text.count, 0)) }
        return ["limits (docs/LIMITS.md):"] + rows.map { name, value, change in
            "  " + padded(name, nameWidth) + "  " + padded(value, valueWidth) + "  " + change
        }
    }
}
