// Parallel: independent pieces of work spread over the machine's cores, with results that never depend on
// how many threads ran them.
//
// Each piece writes only its own result, and the caller combines the results in piece order (for example
// the weight gradients of a batch, added up example by example), so 1 thread and 8 give the same bits.
// The workers charge the running statement's memory ledger (Limits.ledger), as the calling thread does.
// `threads` is the number of cores, or CNNREPL_THREADS when it is set (CNNREPL_THREADS=1 runs everything on
// the calling thread). The pieces run on the calling thread and WorkerPool's threads (WorkerPool.swift).
import Dispatch
import Glibc
import Synchronization

/// Runs independent pieces of work on several cores.
public enum Parallel {
    private static let count = Atomic<Int>(Parallel.defaultThreads)

    /// The number of threads work is spread over (at least 1).
    public static var threads: Int {
        get { count.load(ordering: .relaxed) }
        set { count.store(Swift.max(1, Swift.min(newValue, 256)), ordering: .relaxed) }
    }

    /// CNNREPL_THREADS if it is a whole number from 1 to 256, else the number of online processors.
    static var defaultThreads: Int {
        if let text = getenv("CNNREPL_THREADS").map({ String(cString: $0) }), let n = Int(text), (1...256).contains(n) {
            return n
        }
        return Swift.max(1, Swift.min(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 256))
    }

    /// `body(0)`, ..., `body(count - 1)` in piece order, computed on up to `threads` threads. The first error
    /// (in piece order) is thrown once every piece has finished.
    public static func map<T: Sendable>(_ count: Int, _ body: @Sendable (Int) throws -> T) throws -> [T] {
        let workers = Swift.min(threads, count)
        guard workers > 1 else { return try (0..<count).map(body) }
        var results = [Result<T, any Error>?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let slots = Slots(base: base)
            // The statement's memory ledger is task-local; the worker threads charge the same one.
            let ledger = Limits.ledger
            // Each thread takes the next piece not yet taken, so a thread that starts late or runs slower
            // does less and none waits for it at the end; which thread computes a piece changes nothing.
            // The threads are WorkerPool's, awake between the short jobs of a training step; when the pool is
            // running another job (a map inside a piece, two callers at once), Dispatch's.
            let pooled = WorkerPool.shared.run(count: count, helpers: workers - 1) { i in
                Limits.$ledger.withValue(ledger) { slots.base[i] = Result { try body(i) } }
            }
            if pooled { return }
            let next = Atomic<Int>(0)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                Limits.$ledger.withValue(ledger) {
                    while true {
                        let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                        guard i < count else { break }
                        slots.base[i] = Result { try body(i) }
                    }
                }
            }
        }
        var values: [T] = []
        values.reserveCapacity(count)
        for result in results {
            guard let result else { throw CoreError("a piece of parallel work did not run") }
            values.append(try result.get())
        }
        return values
    }

    /// The result slots, each written by exactly one piece (so sharing them across threads is safe).
    private struct Slots<T>: @unchecked Sendable {
        let base: UnsafeMutablePointer<Result<T, any Error>?>
    }
}
