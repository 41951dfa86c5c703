// Environment+Memory: how many bytes the session's variables hold, for the session memory limit.
//
// A variable holds its own tensor and, through its provenance, the tensors of every step that made it
// (kept so that `trace` can explain any cell later). Its footprint is its tensor plus the operand tensors
// of its chain; the walk stops at an operand that is the current value of another variable (already
// counted there) and counts an operand shared by several steps of one chain once. When a variable is
// replaced by a value made from it (a = a + 1), the old value lives on in the new chain: the new footprint
// takes over the old one's bytes in one step, so a long loop of such statements is counted in full at a
// constant cost per statement. Known approximations: history shared by several variables may count twice
// (an over-estimate), and a variable replaced by an unrelated value while another variable's chain still
// holds its old value leaves that one old value uncounted (at most one per variable). The total is bound into `Limits.current` around each statement, so every
// new tensor is checked against what is left *before* it is allocated (Limits.elementCount).
import CNNCore

/// The bytes one stored variable keeps alive.
struct Footprint {
    /// The provenance the count was made for (to recognise this variable as an operand of a later step).
    let provenance: Provenance?
    /// Bytes of the variable's tensor and of the tensors its chain keeps.
    let bytes: Int
}

extension Environment {
    /// The bytes all variables hold together (saturating).
    public var memoryInUse: Int {
        footprints.values.reduce(0) { total, footprint in
            let (sum, overflow) = total.addingReportingOverflow(footprint.bytes)
            return overflow ? Int.max : sum
        }
    }

    /// The footprint `variable` would have if stored now as `name` (replacing that variable's value).
    func footprint(of variable: Variable, as name: String) -> Footprint {
        var bytes = Environment.bytes(of: variable.value)
        var seen = Set<ObjectIdentifier>()
        // Known provenances of current variables: an operand made by one of them is counted there.
        var known = Set<ObjectIdentifier>()
        for (other, footprint) in footprints where other != name {
            if let provenance = footprint.provenance { known.insert(ObjectIdentifier(provenance)) }
        }
        // The value being replaced: if the new chain uses it, its whole footprint lives on.
        let replaced = footprints[name]
        let replacedID = replaced?.provenance.map { ObjectIdentifier($0) }
        var pending: [Provenance] = variable.provenance.map { [$0] } ?? []
        // A bound on the walk: a chain longer than this is counted up to here (its first steps are cheap
        // to keep compared with a walk over millions of them after every statement).
        var budget = 100_000
        while let provenance = pending.popLast(), budget > 0 {
            budget -= 1
            guard let step = provenance.step else { continue }
            for operand in step.operands {
                if let inner = operand.provenance {
                    let id = ObjectIdentifier(inner)
                    if known.contains(id) || seen.contains(id) { continue }
                    if id == replacedID, let replaced {
                        seen.insert(id)
                        let (sum, overflow) = bytes.addingReportingOverflow(replaced.bytes)
                        bytes = overflow ? Int.max : sum
                        continue
                    }
                    seen.insert(id)
                    pending.append(inner)
                }
                let (sum, overflow) = bytes.addingReportingOverflow(Environment.bytes(of: operand.value))
                bytes = overflow ? Int.max : sum
            }
        }
        return Footprint(provenance: variable.provenance, bytes: bytes)
    }

    /// Throws if storing `variable` as `name` would take the variables past `limit` bytes; returns the
    /// footprint it would have (to store with it).
    func checkMemory(storing variable: Variable, as name: String, limit: Int, at range: SourceRange) throws -> Footprint {
        let footprint = footprint(of: variable, as: name)
        let others = memoryInUse - (footprints[name]?.bytes ?? 0)
        let (total, overflow) = others.addingReportingOverflow(footprint.bytes)
        if overflow || total > limit {
            let (totalText, limitText) = Limits.bytesTexts(overflow ? Int.max : total, limit)
            throw Diagnostic(
                "storing '\(name)' would take the session's variables to \(totalText), more than its \(limitText) memory limit",
                at: range,
                hint: "the memory limit counts every variable and the tensors their history keeps for trace; \(Limits.memoryHowTo)")
        }
        return footprint
    }

    /// Bytes of a value's numbers (8 per element; other values are small and count 0).
    static func bytes(of value: Value) -> Int {
        if case .tensor(let tensor) = value { return tensor.scalars.count &* 8 }
        return 0
    }
}
