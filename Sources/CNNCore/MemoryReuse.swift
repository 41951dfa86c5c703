// MemoryReuse: large tensors reuse memory that earlier ones freed, instead of fresh pages from the system.
//
// By default glibc serves every allocation above its mmap threshold (128 KB, growing to at most 32 MB) with
// fresh pages from mmap and gives them back on free, so each large result pays a page fault and the kernel's
// zeroing for every 4 KB page it touches: at 4096x4096 that was two thirds of a convolution's time (issue 15).
// Here the main heap stops using mmap and keeps up to `retainedBytes` of freed memory at its top, so the next
// large tensor of a session (the next convolution of a big image, the next training step's buffers) reuses
// pages already mapped. Threads' own arenas still map what does not fit their heaps. The memory ledger
// (Limits.swift) counts tensors, not pages, and is unchanged; the cost is that a session keeps up to
// `retainedBytes` it no longer uses.
import CMalloc

/// The process-wide allocation policy for large tensors.
enum MemoryReuse {
    /// The most freed memory the heap keeps for reuse instead of returning it to the system (512 MB).
    static let retainedBytes: Int32 = 512 << 20

    /// Applies the policy once; every tensor made touches this first.
    static let configured: Bool = {
        mallopt(M_MMAP_MAX, 0) == 1 && mallopt(M_TRIM_THRESHOLD, retainedBytes) == 1
    }()
}
