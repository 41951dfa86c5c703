// MachineMemoryTests: limits never promise more than the machine has, and an allocation the system
// refuses is an error message, not an abort (issue 13).
import Testing
@testable import CNNCore

@Test func theMemoryLimitCannotExceedWhatTheMachineHas() {
    let machine = MachineMemory.available
    #expect(machine.bytes > 0)
    #expect(Limits.largestMemoryLimit <= machine.bytes)
    #expect(Limits.largestMemoryLimit <= Limits.largestMemoryLimitOfAnyMachine)
    if machine.bytes < Limits.largestMemoryLimitOfAnyMachine {
        #expect(Limits.largestMemoryLimitReason.hasPrefix("this "), "\(Limits.largestMemoryLimitReason)")
    }
}

@Test func anImpossibleAllocationIsRefusedBeforeItIsTried() {
    #expect(MachineMemory.canAllocate(1_000))
    #expect(MachineMemory.canAllocate(100_000_000))
    #expect(!MachineMemory.canAllocate(1 << 62))
}

@Test func aTensorTheSystemCannotGiveIsAnError() throws {
    // A session limit of 1 TB (as if the machine had that much): 800 GB passes the limit, and the system
    // allocator's refusal becomes the error (Linux refuses a single allocation far beyond RAM and swap).
    guard MachineMemory.available.bytes < 800_000_000_000 else { return }
    let limits = ResourceLimits(maxElements: 1_000_000_000_000, maxMemoryBytes: 1_000_000_000_000)
    Limits.$current.withValue(limits) {
        do {
            try Limits.checkMemory(forElements: 100_000_000_000, what: "zeros", shape: [100_000_000_000])
            Issue.record("800 GB was not refused")
        } catch let error as CoreError {
            #expect(error.message == "zeros: a 100000000000 tensor needs 800 GB, more than the system can give cnnrepl now", "\(error.message)")
            #expect(error.hint?.contains("use smaller sizes") == true)
        } catch {
            Issue.record("\(error)")
        }
    }
}
