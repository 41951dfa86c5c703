// WorkerPool: the threads Parallel.map runs its pieces on, kept awake for a moment between jobs.
//
// A training step is a chain of short parallel jobs (every layer forward and back, relu, pooling, the
// optimizer), each a few hundred microseconds. Dispatch's concurrentPerform lets its threads sleep after every
// job, and waking a sleeping thread costs about 50 µs on this kind of machine (a virtual CPU that halted), so
// the second core joined each job late or not at all: two 45 µs pieces took 95 µs instead of 45. The pool's
// threads instead watch for the next job for a short while (`watchSeconds`) before they sleep on a condition
// variable, so a job that follows another starts on every core at once.
//
// One job at a time: a job asked for while another runs (a Parallel.map inside a piece, or two callers at
// once) is refused, and Parallel.map runs it through concurrentPerform as before. Which thread runs a piece
// never changes a result (Parallel.swift).
import Glibc
import Synchronization

/// Threads that take the pieces of one job at a time, together with the thread that asked for it.
final class WorkerPool: @unchecked Sendable {
    /// The process's pool (its threads are made when a job first needs them).
    static let shared = WorkerPool()

    /// How long a thread keeps watching for the next job after one ends, before it sleeps.
    static let watchSeconds = 0.000_5

    /// One job: pieces 0 ..< count, each taken by exactly one thread.
    private final class Job: @unchecked Sendable {
        let count: Int
        /// How many of the pool's threads may join (the thread that asked always works too).
        let helpers: Int
        /// The pieces' work; nil once the job is over (so nothing keeps the caller's closure alive).
        var run: ((Int) -> Void)?
        let next = Atomic<Int>(0)
        let done = Atomic<Int>(0)
        /// Pool threads inside `work()`; joining is decided under the pool's lock, so once the job is closed
        /// this only goes down.
        let inside = Atomic<Int>(0)
        /// Set under the pool's lock when every piece is done: no thread joins after that.
        var closed = false

        init(count: Int, helpers: Int, run: @escaping (Int) -> Void) {
            self.count = count
            self.helpers = helpers
            self.run = run
        }

        /// Takes pieces until none is left.
        func work() {
            while true {
                let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard i < count, let run else { return }
                run(i)
                done.wrappingAdd(1, ordering: .releasing)
            }
        }
    }

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    /// Under `mutex`: the job being run, how many jobs were published, how many threads sleep, how many exist.
    private var current: Job?
    private var published = 0
    private var sleeping = 0
    private var threads = 0
    /// `published`, readable without the lock by threads watching for a job.
    private let generation = Atomic<Int>(0)
    /// Whether a job is being run (the pool takes one at a time).
    private let busy = Atomic<Bool>(false)

    /// A pool with no threads yet (`shared` is the one Parallel.map uses; tests make their own).
    init() {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    /// Runs `body(0)` ... `body(count - 1)` on the calling thread and up to `helpers` pool threads; returns
    /// when every piece is done and no pool thread still holds `body`. False (nothing run) when the pool is
    /// already running a job or cannot make its threads.
    func run(count: Int, helpers: Int, _ body: (Int) -> Void) -> Bool {
        guard count > 0, helpers > 0, busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        defer { busy.store(false, ordering: .releasing) }
        return withoutActuallyEscaping(body) { body -> Bool in
            let job = Job(count: count, helpers: helpers, run: body)
            pthread_mutex_lock(mutex)
            while threads < helpers {
                guard startThread(index: threads, seen: published) else { break }
                threads += 1
            }
            guard threads > 0 else {
                pthread_mutex_unlock(mutex)
                job.run = nil
                return false
            }
            current = job
            published += 1
            generation.store(published, ordering: .releasing)
            if sleeping > 0 { pthread_cond_broadcast(condition) }
            pthread_mutex_unlock(mutex)

            job.work()
            var waits = 0
            while job.done.load(ordering: .acquiring) < count { WorkerPool.pause(&waits) }
            pthread_mutex_lock(mutex)
            job.closed = true
            current = nil
            pthread_mutex_unlock(mutex)
            while job.inside.load(ordering: .acquiring) > 0 { WorkerPool.pause(&waits) }
            job.run = nil
            return true
        }
    }

    /// A short wait in a loop that watches an atomic: a busy loop at first, then giving the core away.
    private static func pause(_ waits: inout Int) {
        waits &+= 1
        if waits > 256 { sched_yield() }
    }

    /// Starts pool thread `index` (called with the lock held), which has seen the jobs published so far;
    /// false when the system refuses.
    private func startThread(index: Int, seen: Int) -> Bool {
        let start = Unmanaged.passRetained(WorkerStart(pool: self, index: index, seen: seen)).toOpaque()
        var thread = pthread_t()
        let made = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            let start = Unmanaged<WorkerStart>.fromOpaque(raw).takeRetainedValue()
            start.pool.serve(index: start.index, seen: start.seen)
            return nil
        }, start)
        guard made == 0 else {
            Unmanaged<WorkerStart>.fromOpaque(start).release()
            return false
        }
        pthread_detach(thread)
        return true
    }

    /// A pool thread's life: watch for a job, sleep when none comes for `watchSeconds`, join the jobs it may.
    private func serve(index: Int, seen initial: Int) {
        var seen = initial
        while true {
            // Watch without the lock for a while.
            let deadline = MonotonicClock.now() + WorkerPool.watchSeconds
            var waits = 0
            while generation.load(ordering: .acquiring) == seen {
                WorkerPool.pause(&waits)
                if waits & 63 == 0 && MonotonicClock.now() > deadline { break }
            }
            pthread_mutex_lock(mutex)
            while published == seen {
                sleeping += 1
                pthread_cond_wait(condition, mutex)
                sleeping -= 1
            }
            seen = published
            let job = current
            let joins = job.map { !$0.closed && index < $0.helpers } ?? false
            if joins { job?.inside.wrappingAdd(1, ordering: .relaxed) }
            pthread_mutex_unlock(mutex)
            guard joins, let job else { continue }
            job.work()
            job.inside.wrappingSubtract(1, ordering: .releasing)
        }
    }

    /// What a new pool thread is told.
    private final class WorkerStart {
        let pool: WorkerPool
        let index: Int
        let seen: Int
        init(pool: WorkerPool, index: Int, seen: Int) {
            self.pool = pool
            self.index = index
            self.seen = seen
        }
    }
}
