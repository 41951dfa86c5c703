// Interpreter+Limits: the `limits` command, which lists every resource limit with its value and how to
// change it, and changes the two that a session may change:
//   limits                    the table (docs/LIMITS.md explains each row)
//   limits elements N         the most elements one tensor may hold
//   limits memory N [MB|GB]   the most memory the session's tensors may hold together (MB without a unit)
import CNNCore

/// The fixed limits that live outside the language: shown by `limits`, documented in docs/LIMITS.md.
public enum FixedLimits {
    /// The most entries the REPL keeps in its history file (~/.cnnrepl_history).
    public static let historyEntries = 1_000
}

extension Commands {
    /// `limits`: the resource limits.
    static let limits = CommandDefinition(
        name: "limits", usage: "limits | limits elements N | limits memory N [MB|GB]",
        summary: "Show the resource limits, or change the element or memory limit of this session.",
        details: """
            Every tensor is checked against two limits before it is made: elements per tensor (100 million)
            and the session's memory (2 GB), which counts every variable and the tensors its history keeps
            for trace. `limits elements N` and `limits memory N GB` change them for this session; cnnrepl's
            --max-elements and --max-memory set them at start. The other limits are fixed (docs/LIMITS.md).
            """,
        examples: ["limits", "limits memory 4 GB", "limits elements 200000000"],
        body: Interpreter.limitsCommand)
}

extension Interpreter {
    /// Runs `limits`, `limits elements N` or `limits memory N [unit]`.
    func limitsCommand(_ name: Name, _ arguments: [Argument], _ context: EvaluationContext) throws -> Outcome {
        guard let first = arguments.first else { return .settings(.limits(limitsSnapshot)) }
        let usage = "e.g. limits elements 200000000, or limits memory 4 GB"
        guard first.label == nil, let which = first.value.identifierName, which == "elements" || which == "memory" else {
            throw Diagnostic("limits changes 'elements' or 'memory'", at: first.range, hint: usage)
        }
        guard arguments.count >= 2, arguments.count <= (which == "memory" ? 3 : 2),
              arguments.dropFirst().allSatisfy({ $0.label == nil }) else {
            let culprit = arguments.count >= 2 ? arguments[arguments.count - 1].range : first.range
            throw Diagnostic("limits \(which) takes one number\(which == "memory" ? " and an optional unit (MB or GB)" : "")",
                             at: culprit, hint: usage)
        }
        let number = try wholeNumber(arguments[1].value, context, what: "the new limit")
        if which == "elements" {
            let range = Limits.smallestElementLimit...Limits.largestElementLimit
            guard let value = Int(exactly: number), range.contains(value) else {
                throw Diagnostic("the element limit must be a whole number from \(Format.count(range.lowerBound)) to \(Format.count(range.upperBound))",
                                 at: arguments[1].range, hint: usage)
            }
            limits.maxElements = value
            return .settings(.elementLimit(value))
        }
        var scale = 1_000_000
        if arguments.count == 3 {
            switch arguments[2].value.identifierName?.uppercased() {
            case "MB": scale = 1_000_000
            case "GB": scale = 1_000_000_000
            default: throw Diagnostic("the unit of a memory limit is MB or GB", at: arguments[2].range, hint: usage)
            }
        }
        let range = Limits.smallestMemoryLimit...Limits.largestMemoryLimit
        guard number <= Double(range.upperBound), let whole = Int(exactly: number),
              case let (bytes, overflow) = whole.multipliedReportingOverflow(by: scale), !overflow, range.contains(bytes) else {
            let why = Limits.largestMemoryLimitReason
            throw Diagnostic("the memory limit must be from \(Limits.bytesText(range.lowerBound)) to \(Limits.bytesText(range.upperBound))\(why.isEmpty ? "" : ": \(why)")",
                             at: arguments[1].range, hint: usage)
        }
        limits.maxMemoryBytes = bytes
        return .settings(.memoryLimit(bytes: bytes, inUse: environment.memoryInUse))
    }

    /// Every limit as it stands, for `limits`.
    var limitsSnapshot: LimitsSnapshot {
        LimitsSnapshot(maxElements: limits.maxElements, maxMemoryBytes: limits.maxMemoryBytes,
                       memoryInUse: environment.memoryInUse, maxWork: Limits.maxWork,
                       maxRunWork: ModelRunLimits.maxMultiplyAdds, maxNestingDepth: Parser.maxNestingDepth,
                       maxScriptBytes: SourceText.maxUTF8Count, historyEntries: FixedLimits.historyEntries)
    }
}
