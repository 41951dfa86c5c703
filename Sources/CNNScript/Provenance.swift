// Provenance: how a tensor was made, kept with the variable so that it can be explained and traced later.
//
// Every operation the interpreter performs records a `Step`: what was done (the operation with its
// settings), to what (the operands, with their own provenance), and the arithmetic of its output shape.
// Following `inputs` back from a variable walks the whole chain to the original input, which is what
// `trace` does.
import CNNCore
import Synchronization

/// One input of a step.
public struct Operand: Sendable {
    /// The variable it came from, if it was a plain variable.
    public var name: String?
    /// Its source text, e.g. "ones(3,3)".
    public var text: String
    /// Its value when the step ran.
    public var value: Value
    /// How it was made, if known.
    public var provenance: Provenance?

    /// Creates an operand.
    public init(name: String?, text: String, value: Value, provenance: Provenance?) {
        self.name = name
        self.text = text
        self.value = value
        self.provenance = provenance
    }

    /// The tensor value, if the operand is a tensor.
    public var tensor: Tensor? {
        if case .tensor(let t) = value { return t }
        return nil
    }
}

/// What one operation did: the operation, its operands and its output-shape arithmetic.
public struct Step: Sendable {
    /// The operation with its settings (Operations/: one file per operation).
    public var operation: any StepOperation
    /// Its operands, in the operation's order.
    public var operands: [Operand]
    /// What it did, as data (CNNExplain words it: "10x10 * 3x3, stride 1, valid -> 8x8").
    public var summary: StepSummary
    /// The instantiated arithmetic: "out = (10 - 3)/1 + 1 = 8".
    public var arithmetic: [String]

    /// Creates a step.
    public init(operation: any StepOperation, operands: [Operand], summary: StepSummary, arithmetic: [String] = []) {
        self.operation = operation
        self.operands = operands
        self.summary = summary
        self.arithmetic = arithmetic
    }
}

/// How a value was made: the expression as written and the step it performed.
///
/// Provenance records form a graph (each operand of a step points at the record that made it), and a loop
/// of statements such as `a = a + 1` makes it as long as the script. Two rules keep that harmless:
/// - **Bounded history.** A value keeps at least the last `historyKept` steps of its history and at most
///   twice that: when a new record lies more than `2 * historyKept` steps above its oldest step, the links
///   `historyKept` steps below it are replaced by markers (`isDroppedHistory`), and what lay below them is
///   freed. `trace`, `grad`, `step` and `code numpy` see the kept steps (docs/LIMITS.md).
/// - **Constant stack depth.** Freeing a chain of any length (at exit, `clear`, replacing a variable)
///   unlinks it record by record in a loop (`deinit`), never by recursion; every walk over the graph
///   in the code base is a loop with its own stack (GradientGraph, NumPyGraph, the trace walk).
public final class Provenance: Sendable {
    /// The expression as written, e.g. "conv(image, ones(3,3))".
    public let expression: String
    /// Whether this record stands for history that was dropped to keep chains bounded: the value it
    /// describes was made by steps that are no longer kept (its `step` is nil).
    public let isDroppedHistory: Bool
    /// The step and the depth, behind a lock: dropping old history rewrites the links of old records.
    private let state: Mutex<State>

    /// What may change after creation: the links (when old history is dropped) and the depth.
    private struct State: Sendable {
        var step: Step?
        /// The number of steps on the longest path below this record (0 without a step); an upper bound
        /// after history below was dropped.
        var depth: Int
    }

    /// The steps a value's history always keeps (it keeps at most twice as many): 1,000.
    public static let historyKept = 1_000
    /// How often history was dropped anywhere (memory accounting counts again after a change).
    private static let cuts = Atomic<Int>(0)
    /// The number of times history has been dropped so far in this process.
    public static var historyCuts: Int { cuts.load(ordering: .relaxed) }

    /// The step, if the value came from a recorded operation (nil for literals and dropped history).
    public var step: Step? { state.withLock { $0.step } }
    /// The number of steps on the longest path below this record (an upper bound).
    public var depth: Int { state.withLock { $0.depth } }

    /// Creates a provenance record; when its history grows past `2 * historyKept` steps, the oldest
    /// part is dropped (see the type's documentation).
    public init(expression: String, step: Step?) {
        self.expression = expression
        self.isDroppedHistory = false
        var depth = 0
        if let step {
            depth = 1 + (step.operands.map { $0.provenance?.depth ?? 0 }.max() ?? 0)
        }
        state = Mutex(State(step: step, depth: depth))
        if depth > 2 * Provenance.historyKept { dropHistory(below: Provenance.historyKept) }
    }

    /// A marker for the history of a value that was dropped; `expression` says what had made it.
    private init(droppedHistoryOf expression: String) {
        self.expression = expression
        self.isDroppedHistory = true
        state = Mutex(State(step: nil, depth: 0))
    }

    /// Keeps the records up to `kept` steps below this one (on every path, by breadth-first levels) and
    /// replaces the links below them with dropped-history markers; then sets the depths of the kept
    /// records again. Runs in loops, in time proportional to the records kept.
    private func dropHistory(below kept: Int) {
        var level: [Provenance] = [self]
        var seen: Set<ObjectIdentifier> = [ObjectIdentifier(self)]
        for _ in 0..<kept {
            var next: [Provenance] = []
            for node in level {
                for operand in node.step?.operands ?? [] {
                    guard let inner = operand.provenance, seen.insert(ObjectIdentifier(inner)).inserted else { continue }
                    next.append(inner)
                }
            }
            level = next
            if next.isEmpty { break }
        }
        // The last level keeps its own step; links below it go.
        for node in level {
            node.state.withLock { state in
                guard var step = state.step else { return }
                var changed = false
                for index in step.operands.indices {
                    guard let inner = step.operands[index].provenance, inner.step != nil,
                          !seen.contains(ObjectIdentifier(inner)) else { continue }
                    step.operands[index].provenance = Provenance(droppedHistoryOf: inner.expression)
                    changed = true
                }
                if changed { state.step = step }
            }
        }
        Provenance.cuts.add(1, ordering: .relaxed)
        // Depths again: an iterative post-order walk of what is kept (everything now reachable).
        var depths: [ObjectIdentifier: Int] = [:]
        var stack: [(node: Provenance, operands: [Operand], next: Int, deepest: Int)] = [(self, step?.operands ?? [], 0, 0)]
        while !stack.isEmpty {
            let top = stack.count - 1
            if stack[top].next < stack[top].operands.count {
                let operand = stack[top].operands[stack[top].next]
                stack[top].next += 1
                guard let inner = operand.provenance else { continue }
                if let known = depths[ObjectIdentifier(inner)] {
                    stack[top].deepest = max(stack[top].deepest, known)
                } else {
                    stack.append((inner, inner.step?.operands ?? [], 0, 0))
                }
            } else {
                let done = stack.removeLast()
                let depth = done.node.step == nil ? 0 : 1 + done.deepest
                depths[ObjectIdentifier(done.node)] = depth
                done.node.state.withLock { $0.depth = depth }
                if let parent = stack.indices.last { stack[parent].deepest = max(stack[parent].deepest, depth) }
            }
        }
    }

    /// Frees the chain below this record in a loop: each record whose last reference is being dropped
    /// hands its operands' records to the loop instead of freeing them inside its own deinit, so the stack
    /// stays one record deep whatever the length of the history.
    deinit {
        var pending: [Provenance] = []
        takeLinks(into: &pending)
        while var next = pending.popLast() {
            if isKnownUniquelyReferenced(&next) { next.takeLinks(into: &pending) }
        }
    }

    /// Removes this record's step and collects every record it referred to (operands, and the records a
    /// gradient's explanation keeps).
    private func takeLinks(into pending: inout [Provenance]) {
        let taken: Step? = state.withLock { state in
            let step = state.step
            state.step = nil
            return step
        }
        guard let taken else { return }
        for operand in taken.operands {
            if let inner = operand.provenance { pending.append(inner) }
        }
        if let gradient = taken.operation as? GradientOperation {
            for use in gradient.record.uses {
                if let inner = use.operand.provenance { pending.append(inner) }
                for operand in use.step.operands {
                    if let inner = operand.provenance { pending.append(inner) }
                }
            }
        }
    }
}
