// Environment: the session's variables, as in jlox. It holds each name's value and how it was made, the
// order in which names were first assigned (for `vars`, hints and completion), and the bytes each variable
// keeps alive, for the session's memory limit (Environment+Memory.swift). The interpreter is its only
// writer; the session and the renderers read it.

/// The variables of a session, in the order they were first assigned, with the memory they hold.
public struct Environment {
    /// The variables by name.
    public private(set) var variables: [String: Variable] = [:]
    /// Variable names in the order they were first assigned.
    public private(set) var names: [String] = []
    /// The bytes each variable keeps alive, for the memory limit (Environment+Memory.swift).
    private(set) var footprints: [String: Footprint] = [:]
    /// `Provenance.historyCuts` when the footprints were last counted in full (Environment+Memory.swift).
    var countedHistoryCuts = Provenance.historyCuts

    /// An empty environment.
    public init() {}

    /// The variable called `name`, if there is one.
    public subscript(name: String) -> Variable? { variables[name] }

    /// Every variable with its name, in the order they were first assigned (what `vars` lists).
    public var all: [(name: String, variable: Variable)] {
        names.compactMap { name in variables[name].map { (name: name, variable: $0) } }
    }

    /// Stores `variable` as `name` (a new name goes last in the order) and counts the memory it holds
    /// (`footprint`, when `checkMemory` has just counted it).
    mutating func define(_ name: String, _ variable: Variable, footprint counted: Footprint? = nil) {
        if variables[name] == nil { names.append(name) }
        recountAfterDroppedHistory()
        footprints[name] = counted ?? footprint(of: variable, as: name)
        variables[name] = variable
    }

    /// Counts every footprint again if history was dropped somewhere since the last count
    /// (Provenance.swift): the bytes a footprint took over from the value it replaced may be gone.
    mutating func recountAfterDroppedHistory() {
        let cuts = Provenance.historyCuts
        guard cuts != countedHistoryCuts else { return }
        countedHistoryCuts = cuts
        for name in names {
            if let variable = variables[name] { footprints[name] = Footprint(provenance: variable.provenance, bytes: 0) }
        }
        for name in names {
            if let variable = variables[name] { footprints[name] = footprint(of: variable, as: name) }
        }
    }

    /// Forgets every variable.
    mutating func removeAll() {
        variables = [:]
        names = []
        footprints = [:]
    }
}
