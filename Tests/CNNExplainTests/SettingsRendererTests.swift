// SettingsRendererTests: the sentences of `clear`, `reset`, `seed` and `precision`, written by CNNExplain
// from the interpreter's SettingsReport (the limits' texts are in transcripts/repl-limits.txt).
import CNNCore
import CNNScript
import Testing
@testable import CNNExplain

@Test func settingsReportsReadAsSentences() {
    #expect(SettingsRenderer.lines(.cleared) == ["cleared: no variables"])
    #expect(SettingsRenderer.lines(.reset(seed: 42, precision: 2)) == ["reset: no variables, seed 42, precision 2"])
    #expect(SettingsRenderer.lines(.seeded(7)) == ["seed 7: random numbers start over from here"])
    #expect(SettingsRenderer.lines(.precision(1)) == ["precision 1: numbers that are not whole show 1 decimal"])
    #expect(SettingsRenderer.lines(.precision(0)) == ["precision 0: numbers that are not whole show 0 decimals"])
    #expect(SettingsRenderer.lines(.memoryLimit(bytes: 1_000_000_000, inUse: 2_000_000_000))
            == ["limits memory 1 GB: the session's tensors may hold up to 1 GB together; the variables already hold 2 GB, so new tensors fail until `clear`"])
}
