// Limits: the documented resource limits of the numeric core (docs/LIMITS.md).
//
// Sizes are checked against these limits *before* any storage is allocated, so a typo such as
// zeros(100000, 100000) is an error message, not an out-of-memory crash. Two limits can be changed per
// session (`limits elements N`, `limits memory 2GB`, or cnnrepl's --max-elements / --max-memory):
//   - elements per tensor (100 million by default, 800 MB of doubles);
//   - the session's memory: every new tensor must fit in what the session's variables (and the tensors
//     their provenance keeps alive for `trace`) leave of it (2 GB by default).
// One limit is fixed: the work of one operation (`maxWork` multiply-adds, or cells a pooling window looks
// at), checked by `checkWork` before convolution, pooling, dense or a matrix product starts.
// The interpreter binds the limits of its session around each statement with a task-local value, so
// sessions running side by side (tests) never see each other's limits.

/// The changeable resource limits of one session, and the memory its variables hold right now.
public struct ResourceLimits: Sendable, Equatable {
    /// The largest number of elements one tensor may hold.
    public var maxElements: Int
    /// The most bytes the session's tensors may hold together.
    public var maxMemoryBytes: Int
    /// The bytes the session's variables hold when the current statement started.
    public var memoryInUse: Int

    /// The limits a session starts with.
    public static let defaults = ResourceLimits(maxElements: 100_000_000, maxMemoryBytes: 2_000_000_000, memoryInUse: 0)

    /// Creates a set of limits.
    public init(maxElements: Int, maxMemoryBytes: Int, memoryInUse: Int = 0) {
        self.maxElements = maxElements
        self.maxMemoryBytes = maxMemoryBytes
        self.memoryInUse = memoryInUse
    }
}

/// Resource limits enforced by the numeric core before it allocates.
public enum Limits {
    /// The limits of the session whose statement is running (the defaults outside any session).
    @TaskLocal public static var current = ResourceLimits.defaults
    /// The bytes held by the tensors the running statement has made so far (MemoryLedger.swift); nil
    /// outside a statement.
    @TaskLocal public static var ledger: MemoryLedger?

    /// The largest number of elements one tensor may hold in the running session (100 million by default).
    public static var maxElements: Int { current.maxElements }
    /// The largest rank a tensor may have.
    public static let maxRank = 4
    /// The smallest element limit a session may set.
    public static let smallestElementLimit = 1
    /// The smallest memory limit a session may set (1 MB).
    public static let smallestMemoryLimit = 1_000_000
    /// The largest element limit a session may set (1 billion elements, 8 GB).
    public static let largestElementLimit = 1_000_000_000
    /// The largest memory limit a session may set: 1 TB, or what the machine can give this process when
    /// that is less (MachineMemory.swift).
    public static var largestMemoryLimit: Int { min(largestMemoryLimitOfAnyMachine, MachineMemory.available.bytes) }
    /// The largest memory limit on any machine (1 TB).
    public static let largestMemoryLimitOfAnyMachine = 1_000_000_000_000
    /// Why the memory limit cannot go higher: "this machine has 16 GB of memory" (empty when 1 TB is the bound).
    public static var largestMemoryLimitReason: String {
        MachineMemory.available.bytes < largestMemoryLimitOfAnyMachine ? MachineMemory.available.reason : ""
    }

    /// The most multiply-adds one operation may take (convolution, dense, the matrix product), and the
    /// most input cells one pooling may look at: 50 billion, about a minute with the reference loops.
    public static let maxWork = 50_000_000_000

    /// How to change the element limit, for hints.
    public static let elementsHowTo = "`limits elements N` (or cnnrepl --max-elements N) changes it"
    /// How to change the memory limit, for hints.
    public static let memoryHowTo = "`limits memory 4 GB` (or cnnrepl --max-memory 4GB) changes it; `clear` frees every variable"

    /// Returns the element count of `shape`, or throws if a dimension is not positive, the product
    /// overflows, it exceeds the element limit, or its 8-byte values do not fit in what is left of the
    /// session's memory. `what` names the operation for the message.
    public static func elementCount(of shape: [Int], for what: String) throws -> Int {
        guard !shape.isEmpty, shape.count <= maxRank else {
            throw CoreError("\(what): a tensor has 1 to \(maxRank) dimensions, not \(shape.count)")
        }
        let limits = current
        var count = 1
        for dimension in shape {
            guard dimension > 0 else {
                throw CoreError(
                    "\(what): every dimension must be at least 1, but the shape is \(Shape.describe(shape))")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= limits.maxElements else {
                throw CoreError(
                    "\(what): a \(Shape.describe(shape)) tensor would have more than \(Format.count(limits.maxElements)) elements",
                    hint: "the element limit is \(Format.count(limits.maxElements)) values per tensor; use smaller sizes, or \(elementsHowTo)")
            }
            count = product
        }
        try checkMemory(forElements: count, what: what, shape: shape)
        return count
    }

    /// Throws if `count` new 8-byte values do not fit in what the session's variables leave of its memory limit.
    public static func checkMemory(forElements count: Int, what: String, shape: [Int]) throws {
        let limits = current
        let (bytes, overflow) = count.multipliedReportingOverflow(by: 8)
        let temporaries = max(ledger?.bytes ?? 0, 0)
        let (held, heldOverflow) = max(limits.memoryInUse, 0).addingReportingOverflow(temporaries)
        let left = limits.maxMemoryBytes - (heldOverflow ? limits.maxMemoryBytes : min(held, limits.maxMemoryBytes))
        guard !overflow, bytes <= left, MachineMemory.canAllocate(bytes) else {
            if !overflow, bytes <= left {
                throw CoreError(
                    "\(what): a \(Shape.describe(shape)) tensor needs \(bytesText(bytes)), more than the system can give cnnrepl now",
                    hint: "\(MachineMemory.available.reason.isEmpty ? "" : MachineMemory.available.reason + "; ")use smaller sizes, or `clear` to free every variable")
            }
            let counted = temporaries > 0
                ? "every variable, the tensors their history keeps for trace, and the \(bytesText(temporaries)) of values this statement has made so far"
                : "every variable and the tensors their history keeps for trace"
            let (needed, leftText) = bytesTexts(overflow ? Int.max : bytes, left)
            throw CoreError(
                "\(what): a \(Shape.describe(shape)) tensor needs \(needed), but only \(leftText) of the session's \(bytesText(limits.maxMemoryBytes)) memory limit is left",
                hint: "the memory limit counts \(counted); \(memoryHowTo)")
        }
    }

    /// Returns the work of an operation, the product of `factors` (sizes, all at least 0), or throws if it
    /// is more than `maxWork` (or more than an Int holds), before the operation starts: a typo such as a
    /// 5000x5000 window slid one cell at a time is an error message, not a wait of many minutes.
    /// The message is `what` followed by "would take more than 50,000,000,000 multiply-adds" (or "would
    /// look at more than 50,000,000,000 cells" when `unit` is `.cells`), with `hint`.
    @discardableResult
    public static func checkWork(_ factors: [Int], what: @autoclosure () -> String, unit: WorkUnit = .multiplyAdds,
                                 hint: @autoclosure () -> String) throws -> Int {
        if factors.contains(0) { return 0 }
        guard let work = Shape.product(factors), work <= maxWork else {
            let limit = Format.count(maxWork)
            let amount = unit == .cells ? "would look at more than \(limit) cells" : "would take more than \(limit) multiply-adds"
            throw CoreError("\(what()) \(amount)", hint: hint())
        }
        return work
    }

    /// A byte count as people write it: "800 MB", "2 GB", "1.5 GB", "512 bytes" (decimal units).
    public static func bytesText(_ bytes: Int) -> String {
        let units: [(Int, String)] = [(1_000_000_000_000, "TB"), (1_000_000_000, "GB"), (1_000_000, "MB"), (1_000, "KB")]
        for (size, unit) in units where bytes >= size {
            let tenths = bytes / (size / 10)
            return tenths % 10 == 0 ? "\(Format.count(tenths / 10)) \(unit)" : "\(tenths / 10).\(tenths % 10) \(unit)"
        }
        return "\(Format.count(max(bytes, 0))) bytes"
    }

    /// Two byte counts as people write them, with enough digits to tell them apart: "2 GB" and "1.5 GB", but
    /// "2,000,000,008 bytes" and "2,000,000,000 bytes" when the short forms would read the same.
    public static func bytesTexts(_ a: Int, _ b: Int) -> (String, String) {
        let (short1, short2) = (bytesText(a), bytesText(b))
        guard short1 == short2, a != b else { return (short1, short2) }
        return ("\(Format.count(max(a, 0))) bytes", "\(Format.count(max(b, 0))) bytes")
    }

    /// Reads a memory size as typed: "2GB", "512MB", "1.5 GB", "800000B"; a bare number is in MB ("500");
    /// nil if it is not a size.
    public static func parseBytes(_ text: String) -> Int? {
        let trimmed = text.trimmingSpaces().uppercased()
        let units: [(String, Double)] = [("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3), ("B", 1)]
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            let number = String(trimmed.dropLast(suffix.count)).trimmingSpaces()
            guard let value = Double(number), value.isFinite, value >= 0, value * scale < 9e18 else { return nil }
            return Int(value * scale)
        }
        guard let value = Int(trimmed), value >= 0, value < 9_000_000_000_000 else { return nil }
        return value * 1_000_000
    }
}

/// What the work of an operation is counted in (`Limits.checkWork`).
public enum WorkUnit: Sendable {
    /// Multiplications each followed by an addition: convolution, dense, the matrix product.
    case multiplyAdds
    /// Input cells looked at: pooling, where each output cell looks at every cell of its window.
    case cells
}

extension String {
    /// The text without spaces at either end.
    fileprivate func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
