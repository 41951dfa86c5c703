// MachineMemory: how much memory this machine can give the process, so that a limit raised beyond it is
// refused with a message, and an allocation the system cannot make becomes an error instead of an abort.
//
// Swift stops the program (signal 6) when an array cannot be allocated, so cnnrepl must not ask for what
// the machine cannot give. Two guards:
//   - `available`: the physical memory (RAM), lowered to the process's address-space or data-segment
//     limit (`ulimit -v`, `ulimit -d`) and to the cgroup memory limit of a container, when those are
//     smaller. `limits memory` and --max-memory refuse a session limit above it (Limits.largestMemoryLimit).
//   - `canAllocate`: before a large tensor (64 MB or more) is made, the bytes are asked of the system
//     (mapped) and given back at once; a refusal (an address-space cap, an impossible size) is an
//     error message. (With Linux's memory overcommit, memory that is promised but not there when it is
//     touched cannot be caught by any program; the session limit keeps well below that.)
import Glibc

/// What the machine can give this process.
public enum MachineMemory {
    /// The bytes of physical memory, or of the process's or container's memory limit when smaller,
    /// together with what bounds it: "this machine has 16 GB of memory".
    public static let available: (bytes: Int, reason: String) = measure()

    /// Sizes from which `canAllocate` asks the allocator first (64 MB).
    public static let probedSize = 64_000_000

    /// Whether `bytes` can be allocated now: always for small sizes, else the allocator is asked.
    public static func canAllocate(_ bytes: Int) -> Bool {
        guard bytes >= probedSize else { return true }
        // A mapping as the allocator makes for large blocks (a malloc/free pair would be optimised away);
        // the kernel applies the address-space limit and its overcommit check to it, and nothing is touched.
        let memory = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let memory, memory != MAP_FAILED else { return false }
        munmap(memory, bytes)
        return true
    }

    private static func measure() -> (bytes: Int, reason: String) {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        var best = (bytes: Int.max, reason: "")
        if pages > 0, pageSize > 0 {
            let (bytes, overflow) = pages.multipliedReportingOverflow(by: pageSize)
            best = (overflow ? Int.max : bytes, "this machine has \(Limits.bytesText(overflow ? Int.max : bytes)) of memory")
        }
        for (resource, option) in [(__rlimit_resource_t(RLIMIT_AS.rawValue), "ulimit -v"), (__rlimit_resource_t(RLIMIT_DATA.rawValue), "ulimit -d")] {
            var limit = rlimit()
            if getrlimit(resource, &limit) == 0, limit.rlim_cur < rlim_t(Int.max),
               Int(limit.rlim_cur) < best.bytes {
                best = (Int(limit.rlim_cur), "this process may use at most \(Limits.bytesText(Int(limit.rlim_cur))) of memory (\(option))")
            }
        }
        for path in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            if let bytes = readNumber(path), bytes > 0, bytes < best.bytes {
                best = (bytes, "this container may use at most \(Limits.bytesText(bytes)) of memory")
            }
        }
        return best.bytes == Int.max ? (Limits.largestMemoryLimitOfAnyMachine, "") : best
    }

    /// The decimal number a small system file holds ("max" and unreadable files give nil).
    private static func readNumber(_ path: String) -> Int? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 64)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
        let text = String(cString: buffer).trimmingCharacters(in: .newlines)
        return Int(text)
    }
}

extension String {
    fileprivate enum Trim { case newlines }
    fileprivate func trimmingCharacters(in _: Trim) -> String {
        String(self.filter { $0 != "\n" && $0 != "\r" && $0 != " " })
    }
}
