// SaveSafetyTests: what a lesson can do to the user's files (issue 13). `save` writes only the kinds of
// file it names, never through a symbolic link, and a file name cannot hold control characters.
import Glibc
import Testing
import CNNCore
@testable import CNNScript
import CNNTestSupport

@Test(arguments: ["victim", "run.sh", "notes.txt", ".bashrc", "x.npy.sh"])
func saveWritesOnlyTheKindsOfFileItNames(_ name: String) throws {
    let folder = "/tmp/cnnrepl-save-\(getpid())-\(name.count)"
    mkdir(folder, 0o700)
    defer { rmdir(folder) }
    let script = Script()
    try script.run("x = ones(2, 2)", baseDirectory: folder)
    let error = script.error("save(x, \"\(name)\")")
    #expect(error?.message == "save writes .npy, .png, .jpg, .pgm and .ppm files, and '\(name)' is none of them", "\(String(describing: error))")
    var status = stat()
    #expect(lstat(folder + "/" + name, &status) != 0, "nothing was written")
}

@Test func saveDoesNotWriteThroughASymbolicLink() throws {
    let folder = "/tmp/cnnrepl-link-\(getpid())"
    mkdir(folder, 0o700)
    let victim = folder + "/victim.npy", link = folder + "/out.npy"
    defer { unlink(link); unlink(victim); rmdir(folder) }
    let original: [UInt8] = Array("do not touch".utf8)
    _ = original.withUnsafeBytes { bytes in
        let file = fopen(victim, "wb")
        defer { fclose(file) }
        return fwrite(bytes.baseAddress, 1, bytes.count, file)
    }
    #expect(symlink(victim, link) == 0)
    let script = Script()
    try script.run("x = ones(2, 2)", baseDirectory: folder)
    let error = script.error("save(x, \"out.npy\")")
    #expect(error?.message == "save 'out.npy': the name is a symbolic link, and cnnrepl does not write through links"
            || error?.message.hasSuffix(": the name is a symbolic link, and cnnrepl does not write through links") == true,
            "\(String(describing: error))")
    #expect(TestFilesBytes.read(victim) == original)
}

/// Reading a small file's bytes without Foundation.
enum TestFilesBytes {
    static func read(_ path: String) -> [UInt8] {
        guard let file = fopen(path, "rb") else { return [] }
        defer { fclose(file) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        return out
    }
}
