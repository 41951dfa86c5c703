// Tests of WorkerPool: every piece of every job runs exactly once, jobs follow each other without losing a
// piece, the pool's threads really take pieces, and a job asked for while one runs is refused (Parallel.map
// then runs it through Dispatch) instead of waiting forever.
import Glibc
import Synchronization
import Testing
@testable import CNNCore

/// Counters the pieces of a job add to from several threads.
private final class Counts: @unchecked Sendable {
    let values: UnsafeMutablePointer<Atomic<Int>>
    let count: Int
    init(_ count: Int) {
        self.count = count
        values = .allocate(capacity: count)
        for i in 0..<count { (values + i).initialize(to: Atomic(0)) }
    }
    deinit { values.deinitialize(count: count); values.deallocate() }
    func add(_ i: Int) { values[i].wrappingAdd(1, ordering: .relaxed) }
    func value(_ i: Int) -> Int { values[i].load(ordering: .relaxed) }
}

@Test func jobsInARowRunEveryPieceExactlyOnce() {
    let pool = WorkerPool()
    for job in 0..<3_000 {
        let count = 1 + job % 37, helpers = 1 + job % 3
        let counts = Counts(count)
        let ran = pool.run(count: count, helpers: helpers) { i in counts.add(i) }
        #expect(ran)
        let wrong = (0..<count).filter { counts.value($0) != 1 }
        #expect(wrong.isEmpty, "job \(job): pieces \(wrong) ran \(wrong.map(counts.value)) times")
        if !wrong.isEmpty { return }
    }
}

@Test func thePoolsThreadsTakePieces() {
    let pool = WorkerPool()
    let threads = Mutex<Set<UInt>>([])
    // Each of the two pieces waits (up to 10 s) until two threads have come: the thread that asked is held in
    // the first piece it takes, so the second can only be taken by the pool's thread.
    let ran = pool.run(count: 2, helpers: 1) { _ in
        threads.withLock { _ = $0.insert(UInt(pthread_self())) }
        let deadline = MonotonicClock.now() + 10
        while threads.withLock({ $0.count }) < 2 && MonotonicClock.now() < deadline { usleep(200) }
    }
    #expect(ran)
    #expect(threads.withLock { $0.count } == 2)
}

@Test func aJobAskedForDuringAJobIsRefusedNotWaitedFor() {
    let pool = WorkerPool()
    let inner = Mutex<[Bool]>([])
    let counts = Counts(8)
    let ran = pool.run(count: 8, helpers: 1) { i in
        counts.add(i)
        let nested = pool.run(count: 4, helpers: 1) { _ in }
        inner.withLock { $0.append(nested) }
    }
    #expect(ran)
    #expect(inner.withLock { $0 } == Array(repeating: false, count: 8))
    #expect((0..<8).allSatisfy { counts.value($0) == 1 })
    // The pool is free again afterwards.
    #expect(pool.run(count: 3, helpers: 1) { _ in })
}

@Test func parallelMapInsideAPieceStillComputesEverything() throws {
    let saved = Parallel.threads
    defer { Parallel.threads = saved }
    Parallel.threads = 2
    let sums = try Parallel.map(6) { i in try Parallel.map(5) { j in i * 10 + j }.reduce(0, +) }
    #expect(sums == (0..<6).map { i in (0..<5).map { i * 10 + $0 }.reduce(0, +) })
}
