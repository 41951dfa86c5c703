// MemoryLedger: the bytes held right now by the tensors a statement has made, temporaries included.
//
// The session's memory limit counts the variables (Environment+Memory.swift in CNNScript) when a statement
// starts; while it runs, `b = a+a+a+a` makes temporaries that no variable holds yet. The interpreter binds
// a fresh ledger around each statement (`Limits.$ledger`); every tensor made meanwhile is charged to it
// when it is made and credited back when its values are freed (a `MemoryCharge` shared by the tensor's
// copies). `Limits.checkMemory`, which every constructor and kernel calls before allocating, counts the
// ledger too, so peak memory stays within the limit. Kernels that allocate without asking first (an
// activation's `map`) are charged when they finish: the ledger then notes that it went over, and the
// interpreter stops the statement with the memory error at the next expression (`overdrawn`).
import Synchronization

/// The bytes held by the tensors of one running statement.
public final class MemoryLedger: Sendable {
    private let live = Atomic<Int>(0)
    private let peak = Atomic<Int>(0)
    /// The most bytes this statement may hold at once (the memory limit minus the variables), if known.
    public let allowance: Int
    private let wentOver = Atomic<Bool>(false)

    /// A ledger for a statement that may hold `allowance` bytes of new tensors at once.
    public init(allowance: Int) { self.allowance = allowance }

    /// The bytes held right now by tensors made during the statement.
    public var bytes: Int { live.load(ordering: .relaxed) }
    /// The most bytes held at once so far.
    public var peakBytes: Int { peak.load(ordering: .relaxed) }
    /// Whether a tensor made without asking first took the statement past its allowance.
    public var overdrawn: Bool { wentOver.load(ordering: .relaxed) }

    /// Charges `elements` 8-byte values to the running statement's ledger; nil outside a statement.
    static func charge(elements: Int) -> MemoryCharge? {
        _ = MemoryReuse.configured  // the first tensor sets the allocation policy for the large ones after it
        guard let ledger = Limits.ledger, elements > 0 else { return nil }
        let bytes = elements &* 8
        let now = ledger.live.wrappingAdd(bytes, ordering: .relaxed).newValue
        ledger.peak.max(now, ordering: .relaxed)
        if now > ledger.allowance { ledger.wentOver.store(true, ordering: .relaxed) }
        return MemoryCharge(ledger: ledger, bytes: bytes)
    }

    fileprivate func credit(_ bytes: Int) {
        live.wrappingSubtract(bytes, ordering: .relaxed)
    }
}

/// The bytes one tensor's values are charged; credited back when the last copy of the tensor is freed.
final class MemoryCharge: Sendable {
    private let ledger: MemoryLedger
    private let bytes: Int

    init(ledger: MemoryLedger, bytes: Int) {
        self.ledger = ledger
        self.bytes = bytes
    }

    deinit { ledger.credit(bytes) }
}
