// FileBytes: reading a whole file into memory and writing bytes to a file (whole or not at all), with
// errors a learner can act on.
// Shared by the .npy reader/writer here and the picture formats of CNNImage.
import Glibc

/// Whole-file reading and writing, with errors that name the file and what went wrong.
public enum FileBytes {
    /// Reads the file at `path`, refusing files larger than `limit` bytes. `what` starts every message,
    /// e.g. "load 'cat.png'"; `kind` names what the file holds in the too-large message ("picture", "array").
    /// Only regular files are read: a named pipe would block forever and a device such as /dev/zero never
    /// ends, so both are refused before a byte is read (the file is opened without waiting for a writer).
    /// Reading checks for Ctrl-C between blocks.
    public static func read(path: String, limit: Int, what: String, kind: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CoreError("\(what): cannot open the file: \(systemMessage(errno))",
                            hint: "check the name; a relative name is found next to the running script, or in the folder cnnrepl runs in")
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let code = errno
            close(descriptor)
            throw CoreError("\(what): cannot read the file: \(systemMessage(code))")
        }
        let type = status.st_mode & S_IFMT
        guard type == S_IFREG else {
            close(descriptor)
            throw CoreError("\(what): this is \(describe(fileType: type)), not a file",
                            hint: "only regular files can be loaded: a .npy array or a .png, .pgm or .ppm picture")
        }
        guard status.st_size <= limit else {
            close(descriptor)
            throw tooLarge(what: what, kind: kind, limit: limit)
        }
        let flags = fcntl(descriptor, F_GETFL)
        if flags >= 0 { _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK) }
        guard let file = fdopen(descriptor, "rb") else {
            let code = errno
            close(descriptor)
            throw CoreError("\(what): cannot open the file: \(systemMessage(code))")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            try Interruption.check(what)
            let got = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if got > 0 { bytes += chunk[0..<got] }
            guard bytes.count <= limit else { throw tooLarge(what: what, kind: kind, limit: limit) }
            if got < chunk.count {
                if ferror(file) != 0 {
                    throw CoreError("\(what): cannot read the file: \(systemMessage(errno))")
                }
                break
            }
        }
        return bytes
    }

    /// The error for a file larger than any tensor of its kind.
    private static func tooLarge(what: String, kind: String, limit: Int) -> CoreError {
        CoreError("\(what): the file is larger than any \(kind) cnnrepl can hold (\(Format.count(limit)) bytes)",
                  hint: "a tensor holds at most 100,000,000 values; use a smaller \(kind)")
    }

    /// What something that is not a regular file is, for messages: "a folder", "a named pipe (FIFO)".
    static func describe(fileType type: mode_t) -> String {
        switch type {
        case S_IFDIR: return "a folder"
        case S_IFIFO: return "a named pipe (FIFO)"
        case S_IFCHR: return "a device"
        case S_IFBLK: return "a disk device"
        case S_IFSOCK: return "a socket"
        default: return "something other than a regular file"
        }
    }

    /// Writes `bytes` to `path`, replacing any file there. The bytes go to a new file beside it that is then
    /// renamed over `path`, so a failed or interrupted write never leaves a half-written file (and an
    /// existing file keeps its permissions). A symbolic link is refused; a path that is something else than
    /// a regular file (a device such as /dev/null, a pipe) is written in place, as it is.
    public static func write(_ bytes: [UInt8], path: String, what: String) throws {
        var status = stat()
        let exists = lstat(path, &status) == 0
        // A symbolic link could point anywhere (a lesson could plant one): it is not written through.
        if exists && (status.st_mode & S_IFMT) == S_IFLNK {
            throw CoreError("\(what): the name is a symbolic link, and cnnrepl does not write through links",
                            hint: "remove the link, or choose another name")
        }
        guard !exists || (status.st_mode & S_IFMT) == S_IFREG else {
            try writeInPlace(bytes, path: path, what: what)
            return
        }
        // A name of our own beside the file (O_EXCL: never someone else's); the umask applies to a new file.
        var temporary = ""
        var descriptor: Int32 = -1
        for _ in 0..<8 where descriptor < 0 {
            temporary = path + ".tmp-\(UInt32.random(in: 0...UInt32.max))"
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if descriptor < 0 && errno != EEXIST { break }
        }
        guard descriptor >= 0, let file = fdopen(descriptor, "wb") else {
            let code = errno
            if descriptor >= 0 { close(descriptor) }
            throw CoreError("\(what): cannot create the file: \(systemMessage(code))",
                            hint: "check that the folder exists and is writable")
        }
        if exists { fchmod(descriptor, status.st_mode & 0o7777) }
        do {
            try finish(file, bytes, what: what)
        } catch {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw CoreError("\(what): could not replace the file: \(systemMessage(code))")
        }
    }

    /// Writes `bytes` straight into `path` (a device or a link, which a rename would replace).
    private static func writeInPlace(_ bytes: [UInt8], path: String, what: String) throws {
        guard let file = fopen(path, "wb") else {
            throw CoreError("\(what): cannot create the file: \(systemMessage(errno))",
                            hint: "check that the folder exists and is writable")
        }
        try finish(file, bytes, what: what)
    }

    /// Writes `bytes` to an open file and closes it, saying what went wrong if either fails.
    private static func finish(_ file: UnsafeMutablePointer<FILE>, _ bytes: [UInt8], what: String) throws {
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        let writeError = errno
        let closed = fclose(file)
        guard written == bytes.count else {
            throw CoreError("\(what): could not write the whole file: \(systemMessage(writeError))")
        }
        guard closed == 0 else {
            throw CoreError("\(what): could not finish writing the file: \(systemMessage(errno))")
        }
    }

    /// The C library's text for an errno value.
    static func systemMessage(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
