// TraceVersions: the names a trace gives to earlier values of one variable.
//
// After `f = conv(x, k); relu f; maxpool f` three different tensors were called f. A trace names the
// value a variable has now plain `f`, and each earlier value met on the way back `f#1`, `f#2`, ... in
// the order they were made (issue 17: "versions of one name"), and says so once, in a note. Another name
// met with several values on the way back is numbered the same way.
import CNNScript

struct TraceVersions {
    /// The number of each earlier value, by its provenance record.
    private var numbers: [ObjectIdentifier: Int] = [:]
    /// The numbered names, in the order first met, with how many values each has.
    private var counts: [(name: String, count: Int)] = []
    /// The traced variable's name: its value now is shown plain.
    private var traced: String?

    /// No versions: every operand shows its plain name.
    init() {}

    /// The versions in the history of `current`, the record of the traced variable `name`, walking at most
    /// `limit` records back (history is bounded anyway: Provenance.historyKept).
    init(tracing name: String, current: Provenance, limit: Int = 4 * Provenance.historyKept) {
        traced = name
        var seen: Set<ObjectIdentifier> = [ObjectIdentifier(current)]
        var byName: [String: [(id: ObjectIdentifier, depth: Int)]] = [:]
        var order: [String] = []
        var pending: [Provenance] = [current]
        var visited = 0
        while let record = pending.popLast(), visited < limit {
            visited += 1
            for operand in record.step?.operands ?? [] {
                guard let provenance = operand.provenance else { continue }
                let id = ObjectIdentifier(provenance)
                guard seen.insert(id).inserted else { continue }
                pending.append(provenance)
                if let operandName = operand.name {
                    if byName[operandName] == nil { order.append(operandName) }
                    byName[operandName, default: []].append((id, provenance.depth))
                }
            }
        }
        for operandName in order {
            // A name met with one value is that name, except the traced one: its value now is the plain name.
            guard let values = byName[operandName], values.count > 1 || operandName == name else { continue }
            for (i, value) in values.sorted(by: { $0.depth < $1.depth }).enumerated() { numbers[value.id] = i + 1 }
            counts.append((operandName, values.count))
        }
    }

    /// "f#2" for an earlier value of f, else the operand's name as given.
    func name(_ name: String, _ provenance: Provenance?) -> String {
        guard let provenance, let n = numbers[ObjectIdentifier(provenance)] else { return name }
        return "\(name)#\(n)"
    }

    /// The note under a trace's first line, or nil: "(f#1, f#2: earlier values of f, in the order they
    /// were made; f is its value now)".
    var note: String? {
        guard !counts.isEmpty else { return nil }
        let parts = counts.map { entry -> String in
            let list = entry.count == 1 ? "\(entry.name)#1" : entry.count == 2 ? "\(entry.name)#1, \(entry.name)#2"
                : "\(entry.name)#1 .. \(entry.name)#\(entry.count)"
            let what = entry.count == 1 ? "an earlier value of \(entry.name)" : "earlier values of \(entry.name), in the order they were made"
            return "\(list): \(what)" + (entry.name == traced ? "; \(entry.name) is its value now" : "")
        }
        return "  (" + parts.joined(separator: "; ") + ")"
    }
}
