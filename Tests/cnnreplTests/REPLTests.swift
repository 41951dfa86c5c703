// REPLTests: the interactive REPL under a real pseudo-terminal. util-linux `script` gives cnnrepl a
// terminal, and keystrokes are typed into it with pauses (Ctrl-C is a signal the terminal sends the
// moment it is typed, so it must come after the line before it was read). Checked: the `cnn> ` and `...> `
// prompts, errors that keep the session and its variables, Ctrl-C abandoning a line or a half-typed block,
// Tab completion of a variable, Ctrl-D and `exit` leaving with status 0, and the history file
// ($CNNREPL_HISTORY). Skipped where `script` is not installed. (Ctrl-C stopping a long computation needs
// seconds of CPU in a debug build and a well-timed key, so it is checked by hand under tmux instead.)
import Foundation
import Testing

/// Whether util-linux `script` is available to give the REPL a terminal.
let scriptCommand: String? = ["/usr/bin/script", "/bin/script"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// One thing typed at the REPL and how long to wait after it.
struct Keys {
    let text: String
    let pause: Double
    init(_ text: String, pause: Double = 0.4) {
        self.text = text
        self.pause = pause
    }
}

/// Types `keys` into cnnrepl running on a pseudo-terminal; returns what the terminal showed (CR removed).
func typeIntoREPL(_ keys: [Keys], history: String, arguments: String = "", timeout: Double = 30) throws -> RunResult {
    guard let scriptCommand else { throw TestFailure("no script command") }
    var typing = ["sleep 0.5"]
    for key in keys {
        // printf with octal escapes for control keys; the text itself is single-quoted for the shell.
        var escaped = ""
        for scalar in key.text.unicodeScalars {
            switch scalar {
            case "'": escaped += "'\\''"
            case "\\": escaped += "\\\\"
            case "%": escaped += "%%"
            case "\n": escaped += "\\n"
            default:
                if scalar.value < 0x20 {
                    escaped += "\\" + String(scalar.value, radix: 8).leftPadded(to: 3)
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        typing.append("printf '\(escaped)'")
        typing.append("sleep \(key.pause)")
    }
    // `exec`: script runs the command through a shell, which would otherwise also get each Ctrl-C and end
    // itself with it after cnnrepl exits (status 130). `timeout` ends script (and so, by hanging up its
    // terminal, cnnrepl) if the session does not finish: nothing is left running after the test.
    let command = "(\(typing.joined(separator: "; "))) | timeout -s KILL \(Int(timeout)) \(scriptCommand) -qec 'exec \(Executable.path) \(arguments)' /dev/null"
    var result = try shell(command, environment: ["CNNREPL_HISTORY": history, "TERM": "dumb"], timeout: timeout + 10)
    result.stdout = result.stdout.replacingOccurrences(of: "\r", with: "")
    return result
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension String {
    /// The string with leading zeros up to `width` characters.
    func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: Swift.max(0, width - count)) + self
    }
}

@Test(.enabled(if: scriptCommand != nil))
func tabCompletesOptionValuesAndAddsNoSpaceInsideACall() throws {
    // Issue 17: after `padding=s` Tab offers `same` (from conv's own parameter), and a name completed
    // inside a call is not followed by a space before `,` or `)`.
    let result = try typeIntoREPL([
        Keys("image1 = ones(3, 3)\n"),
        Keys("g = conv(ima", pause: 0.3), Keys("\t", pause: 0.3), Keys(", ones(1, 1), padding=s", pause: 0.3),
        Keys("\t", pause: 0.3), Keys(")\n"),
        Keys("\u{04}", pause: 1),
    ], history: Executable.temporaryPath(".history"))
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout.contains("cnn> g = conv(image1, ones(1, 1), padding=same)\n"), "\(result)")
    #expect(result.stdout.contains("3x3 * 1x1, stride 1, same -> 3x3"), "\(result)")
}

@Test(.enabled(if: scriptCommand != nil))
func aREPLSessionKeepsGoingAfterErrorsAndCtrlC() throws {
    let history = Executable.temporaryPath(".history")
    let result = try typeIntoREPL([
        Keys("image1 = [1, 2\n"),
        Keys("3, 4]\n"),
        Keys("y = zz\n"),
        Keys("half typed", pause: 0.3), Keys("\u{03}", pause: 0.6),
        Keys("model m 4x4x1\n"),
        Keys("conv 2", pause: 0.3), Keys("\u{03}", pause: 0.6),
        // Tab completes the name and adds a space.
        Keys("ima", pause: 0.3), Keys("\t", pause: 0.3), Keys("* 2\n"),
        Keys("\u{04}", pause: 1),
    ], history: history)
    #expect(result.status == 0, "\(result)")
    let screen = result.stdout
    // The prompts, the multi-line entry and its one-line header.
    #expect(screen.contains("cnn> image1 = [1, 2\n...> 3, 4]\nimage1 = [1, 2; 3, 4]   2x2\n"), "\(result)")
    // An error is shown and the session goes on with its variables.
    #expect(screen.contains("cnn> y = zz\nerror: unknown name 'zz'\n"), "\(result)")
    #expect(screen.contains("hint: the variables are: image1"), "\(result)")
    // Ctrl-C abandons a half-typed line and a half-typed block, and the next prompt is a fresh one.
    #expect(screen.contains("^C\ncnn> model m 4x4x1\n...> conv 2^C\ncnn> "), "\(result)")
    #expect(!screen.contains("half typed\n"), "\(result)")
    // Tab completed the variable's name.
    #expect(screen.contains("cnn> image1 * 2\nimage1 * 2   2x2 * 2 -> 2x2, cell by cell\n  2  4\n  6  8\n"), "\(result)")
    // The history holds what ran, not what was abandoned.
    let saved = (try? String(contentsOfFile: history, encoding: .utf8)) ?? ""
    #expect(saved == "image1 = [1, 2\\n3, 4]\ny = zz\nimage1 * 2\n", "history: \(saved.debugDescription)")
}

@Test(.enabled(if: scriptCommand != nil))
func historyFromAnEarlierSessionIsRecalledWithTheUpArrow() throws {
    let history = Executable.temporaryPath(".history")
    try "x = 41\\ny = 1\n".write(toFile: history, atomically: true, encoding: .utf8)
    let result = try typeIntoREPL([
        Keys("\u{1B}[A", pause: 0.3),  // the up arrow
        Keys("\n"),
        Keys("x + y\n"),
        Keys("exit\n", pause: 1),
    ], history: history)
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout.contains("x + y = 42"), "\(result)")
}

@Test(.enabled(if: scriptCommand != nil))
func aBadLineInAnOpenModelBlockIsReportedAtOnceAndLeftOut() throws {
    // Issue 17, item 1: the error comes at the bad line, not after `end`; the block stays open, the line is
    // left out, and the model built from the lines kept is the one the learner meant.
    let history = Executable.temporaryPath(".history")
    let result = try typeIntoREPL([
        Keys("model m 28x28x1\n"),
        Keys("  conv 32 3x3 relu\n"),
        Keys("  flaten\n"),
        Keys("  flatten\n"),
        Keys("  dense 10 sofmax\n"),
        Keys("  dense 10 softmax\n"),
        Keys("end\n", pause: 1),
        Keys("\u{04}", pause: 1),
    ], history: history)
    #expect(result.status == 0, "\(result)")
    let screen = result.stdout
    #expect(screen.contains("...>   flaten\nerror: unknown layer 'flaten'\n  3 |   flaten\n"), "\(result)")
    #expect(screen.contains("  hint: did you mean flatten?\n  (that line was left out; the model block is still open: type it again, or end)\n...>   flatten\n"), "\(result)")
    #expect(screen.contains("...>   dense 10 sofmax\nerror: dense does not understand 'sofmax'\n"), "\(result)")
    // 26x26x32 = 21,632 values, then 21,632 x 10 + 10 = 216,330 and the conv's 320: 216,650.
    #expect(screen.contains("model m: 3 layers, 216,650 parameters\n"), "\(result)")
    let saved = (try? String(contentsOfFile: history, encoding: .utf8)) ?? ""
    #expect(!saved.contains("flaten") && !saved.contains("sofmax"), "history: \(saved.debugDescription)")
}
