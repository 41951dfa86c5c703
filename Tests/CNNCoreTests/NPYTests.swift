// Tests of .npy reading and writing against files written by NumPy (tools/fixtures/gen_npy.py).
import Glibc
import Testing
@testable import CNNCore
import CNNTestSupport

/// The folder holding the .npy fixtures.
private let npyFixtures = TestFiles.fixtures("npy")

/// The names of the fixture files that start with `prefix` (a glob, so new fixtures are never skipped).
private func fixtureNames(prefix: String) -> [String] {
    TestFiles.names(in: npyFixtures, prefix: prefix, suffix: ".npy").filter { !$0.hasSuffix(".expected.npy") }
}

/// The raw bytes of a fixture file (empty if it cannot be read).
private func fixtureBytes(_ name: String) -> [UInt8] {
    TestFiles.bytes(npyFixtures + name) ?? []
}

/// The CoreError that decoding `bytes` throws, or nil if it does not throw one.
private func decodeError(_ bytes: [UInt8]) -> CoreError? {
    coreError { try NPY.decode(bytes) }
}

@Test func fixturesArePresent() {
    #expect(fixtureNames(prefix: "valid_").count >= 20)
    #expect(fixtureNames(prefix: "bad_").count >= 30)
    #expect(fixtureNames(prefix: "exact_").count >= 4)
}

@Test(arguments: fixtureNames(prefix: "valid_"))
func validFixtureMatchesNumPy(name: String) throws {
    let tensor = try NPY.read(path: npyFixtures + name)
    let expected = try NPY.read(path: npyFixtures + name.replacingSuffix(".npy", with: ".expected.npy"))
    #expect(tensor.shape == expected.shape)
    #expect(tensor.scalars.map(\.bitPattern) == expected.scalars.map(\.bitPattern))
}

@Test func float64ValuesAreExact() throws {
    let tensor = try NPY.read(path: npyFixtures + "valid_f8_le.npy")
    #expect(tensor.shape == [2, 3])
    let expected: [Double] = [0.0, 0.1, -2.5, 1.7976931348623157e308, 5e-324, -0.0]
    #expect(tensor.scalars.map(\.bitPattern) == expected.map(\.bitPattern))
    let big = try NPY.read(path: npyFixtures + "valid_f8_be.npy")
    #expect(big.scalars.map(\.bitPattern) == expected.map(\.bitPattern))
}

@Test func integerExtremesConvert() throws {
    let int64 = try NPY.read(path: npyFixtures + "valid_i8_be.npy")
    #expect(int64.scalars == [0, 1, -1, -9_223_372_036_854_775_808, 9_223_372_036_854_775_807, 7])
    let int8 = try NPY.read(path: npyFixtures + "valid_i1_byte.npy")
    #expect(int8.scalars == [0, 1, -1, -128, 127, 7])
    let uint16 = try NPY.read(path: npyFixtures + "valid_u2_le.npy")
    #expect(uint16.scalars == [0, 1, 2, 100, 65535, 7])
    let uint32 = try NPY.read(path: npyFixtures + "valid_u4_be.npy")
    #expect(uint32.scalars == [0, 1, 2, 100, 4_294_967_295, 7])
    let bools = try NPY.read(path: npyFixtures + "valid_b1.npy")
    #expect(bools.scalars == [1, 0, 1, 0, 0, 1])
}

@Test func ranksAndVersions() throws {
    #expect(try NPY.read(path: npyFixtures + "valid_rank0.npy") == Tensor(scalar: 3.5))
    #expect(try NPY.read(path: npyFixtures + "valid_rank1.npy").shape == [5])
    #expect(try NPY.read(path: npyFixtures + "valid_rank3.npy").shape == [2, 3, 4])
    #expect(try NPY.read(path: npyFixtures + "valid_rank4.npy").shape == [1, 2, 3, 4])
    #expect(try NPY.read(path: npyFixtures + "valid_v2.npy").shape == [4, 6])
    #expect(try NPY.read(path: npyFixtures + "valid_v3.npy").shape == [4, 6])
    #expect(try NPY.read(path: npyFixtures + "valid_py2_header.npy").scalars == [1, -2, 3, -4])
}

@Test(arguments: fixtureNames(prefix: "exact_"))
func encodeWritesWhatNumPyWrites(name: String) throws {
    let bytes = fixtureBytes(name)
    #expect(!bytes.isEmpty)
    let tensor = try NPY.decode(bytes)
    #expect(NPY.encode(tensor) == bytes)
}

@Test(arguments: fixtureNames(prefix: "bad_"))
func badFixtureThrowsCoreError(name: String) {
    #expect(throws: CoreError.self) { try NPY.read(path: npyFixtures + name) }
    #expect(decodeError(fixtureBytes(name)) != nil)
}

@Test func errorMessagesSayWhatIsWrong() {
    let cases: [(String, String)] = [
        ("bad_empty_file.npy", "not a .npy file"),
        ("bad_magic.npy", "not a .npy file"),
        ("bad_text_file.npy", "not a .npy file"),
        ("bad_ends_after_magic.npy", "truncated"),
        ("bad_version_4.npy", "version 4.0 is not supported"),
        ("bad_version_1_1.npy", "version 1.1 is not supported"),
        ("bad_truncated_length.npy", "truncated"),
        ("bad_truncated_header.npy", "the header should be"),
        ("bad_header_length_lies.npy", "the header should be 60,000 bytes"),
        ("bad_truncated_data.npy", "a 2x3 float64 array needs 48 bytes but the file holds 43"),
        ("bad_lying_header.npy", "a 10x10 float64 array needs 800 bytes but the file holds 48"),
        ("bad_fortran.npy", "load: Fortran-order arrays are not supported"),
        ("bad_object.npy", "object arrays"),
        ("bad_complex.npy", "unsupported dtype '<c16' (complex)"),
        ("bad_float16.npy", "unsupported dtype '<f2' (float16)"),
        ("bad_unicode.npy", "unsupported dtype '<U3' (unicode string)"),
        ("bad_datetime.npy", "(datetime)"),
        ("bad_structured.npy", "structured arrays"),
        ("bad_rank5.npy", "has 5 dimensions"),
        ("bad_zero_size.npy", "the array is empty (shape (0, 3))"),
        ("bad_absurd_shape.npy", "more than 100,000,000 elements"),
        ("bad_overflow_shape.npy", "more than 100,000,000 elements"),
        ("bad_huge_integer_shape.npy", "far too large"),
        ("bad_negative_shape.npy", "not a size (a negative number)"),
        ("bad_shape_not_tuple.npy", "'shape' is not a tuple"),
        ("bad_header_not_dict.npy", "not a valid dictionary (it is a list)"),
        ("bad_header_syntax.npy", "expected ',' or '}'"),
        ("bad_header_unterminated.npy", "a string that never ends"),
        ("bad_header_missing_key.npy", "exactly the keys"),
        ("bad_header_extra_key.npy", "'x'"),
        ("bad_header_deep.npy", "nested too deeply"),
        ("bad_fortran_not_bool.npy", "'fortran_order' is not True or False"),
        ("bad_descr_empty.npy", "names no element type"),
        ("bad_descr_not_string.npy", "'descr' is not a type string"),
        ("bad_descr_size.npy", "unsupported dtype"),
    ]
    for (name, fragment) in cases {
        let error = decodeError(fixtureBytes(name))
        #expect(error?.message.contains(fragment) == true, "\(name): \(String(describing: error))")
        #expect(error?.message.hasPrefix("load: ") == true, "\(name)")
    }
    #expect(decodeError(fixtureBytes("bad_fortran.npy"))?.hint?.contains("np.ascontiguousarray") == true)
}

@Test func roundTripKeepsShapeAndBits() throws {
    let shapes: [[Int]] = [[1], [7], [3, 4], [2, 3, 4], [2, 1, 3, 2], [1000]]
    for shape in shapes {
        let count = shape.reduce(1, *)
        let values: [Double] = (0..<count).map { (i: Int) -> Double in Double(i) * -0.37 + 1e-300 * Double(i % 3) }
        let tensor = try Tensor(shape: shape, scalars: values)
        let bytes = NPY.encode(tensor)
        #expect(bytes.count % 64 == (count * 8) % 64, "the header is aligned to 64 bytes")
        let back = try NPY.decode(bytes)
        #expect(back.shape == shape)
        #expect(back.scalars.map(\.bitPattern) == values.map(\.bitPattern))
    }
    let special = try Tensor(vector: [.infinity, -.infinity, -0.0, .leastNonzeroMagnitude])
    #expect(try NPY.decode(NPY.encode(special)).scalars.map(\.bitPattern) == special.scalars.map(\.bitPattern))
    let nan = try NPY.decode(NPY.encode(Tensor(scalar: .nan)))
    #expect(nan.scalars.first?.isNaN == true)
}

@Test func writeThenReadAFile() throws {
    let path = "/tmp/cnnrepl-npy-test-\(getpid()).npy"
    defer { unlink(path) }
    let tensor = try Tensor(shape: [2, 2, 2], scalars: [1, 2, 3, 4, 5, 6, 7, 8.5])
    try NPY.write(tensor, path: path)
    #expect(try NPY.read(path: path) == tensor)
}

@Test func fileErrorsNameThePath() {
    let missing = #expect(throws: CoreError.self) { try NPY.read(path: "/nonexistent/x.npy") }
    #expect(missing?.message == "load '/nonexistent/x.npy': cannot open the file: No such file or directory")
    let folder = #expect(throws: CoreError.self) { try NPY.read(path: "/tmp") }
    #expect(folder?.message == "load '/tmp': this is a folder, not a file")
    #expect(folder?.hint == "only regular files can be loaded: a .npy array or a .png, .pgm or .ppm picture")
    let device = #expect(throws: CoreError.self) { try NPY.read(path: "/dev/zero") }
    #expect(device?.message == "load '/dev/zero': this is a device, not a file")
    let unwritable = #expect(throws: CoreError.self) {
        try NPY.write(Tensor(scalar: 1), path: "/nonexistent/folder/x.npy")
    }
    #expect(unwritable?.message.hasPrefix("save '/nonexistent/folder/x.npy': cannot create the file") == true)
}

@Test func everyPrefixAndMutationIsHandled() throws {
    // No byte string may trap: every truncation of a valid file, and many single-byte mutations.
    for name in ["valid_v2.npy", "valid_u8_be.npy", "exact_2x3.npy"] {
        let bytes = fixtureBytes(name)
        for length in 0..<bytes.count {
            #expect(decodeError(Array(bytes[0..<length])) != nil, "\(name) cut at \(length)")
        }
        var state: UInt64 = 12345
        for _ in 0..<2000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            var mutated = bytes
            let position = Int(state >> 33) % mutated.count
            mutated[position] = UInt8(truncatingIfNeeded: state >> 17)
            _ = try? NPY.decode(mutated)
        }
    }
}

extension String {
    /// The string with `suffix` replaced by `replacement` (unchanged if it does not end with `suffix`).
    fileprivate func replacingSuffix(_ suffix: String, with replacement: String) -> String {
        guard hasSuffix(suffix) else { return self }
        return String(dropLast(suffix.count)) + replacement
    }
}
