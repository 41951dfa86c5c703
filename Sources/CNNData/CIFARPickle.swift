// CIFARPickle: the Python version of CIFAR-10 (cifar-10-batches-py: data_batch_1 ... data_batch_5,
// test_batch, batches.meta), read WITHOUT a general unpickler. A pickle is a small program; running it
// can call any Python function. This reader understands only the opcodes that pickle writes for plain
// values (dicts, lists, tuples, strings, bytes, integers, booleans, None) and recognises exactly four
// globals, never calling anything: numpy's `_reconstruct`, `ndarray` and `dtype`, which a pickled NumPy
// array is made of, and `_codecs.encode`, as Python 3 writes bytes at protocol 2. Anything else (another global, an unknown opcode, an
// array that is not of unsigned bytes) is refused. The batches are then checked for CIFAR's structure: a
// dict with `data`, an N x 3072 array of bytes, and `labels`, N integers 0..9.
import CNNCore

/// A value read from a pickle: plain data, or one of the few NumPy objects a CIFAR batch holds.
indirect enum PickleValue {
    case none, bool(Bool), int(Int), bytes([UInt8]), text(String)
    case list([PickleValue]), tuple([PickleValue]), dict([(PickleValue, PickleValue)])
    case global(String)
    /// A NumPy array: its shape, its dtype string ("u1") and its raw bytes (nil until BUILD gives them).
    case array(shape: [Int], dtype: String, data: [UInt8]?)
    case dtype(String)
    case mark

    /// The text of a string or bytes value (dict keys are bytes in Python 2 pickles).
    var string: String? {
        switch self {
        case .text(let s): return s
        case .bytes(let b): return String(decoding: b, as: UTF8.self)
        default: return nil
        }
    }
}

/// The restricted pickle reader.
enum Pickle {
    /// The globals a CIFAR batch may name (module.name).
    static let allowedGlobals: Set<String> = [
        "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct", "numpy.ndarray", "numpy.dtype",
        "_codecs.encode",
    ]

    static func refuse(_ what: String, _ detail: String) -> CoreError {
        CoreError("\(what): not a CIFAR-10 batch as Python's pickle writes it (\(detail))",
                  hint: "cnnrepl reads exactly the structure of cifar-10-batches-py and runs no other pickle")
    }

    /// Reads one pickle (to its STOP opcode) into a value.
    static func read(_ b: [UInt8], what: String) throws -> PickleValue {
        var p = 0
        var stack: [PickleValue] = []
        var memo: [Int: PickleValue] = [:]
        func need(_ n: Int) throws {
            guard n >= 0, p + n <= b.count else { throw refuse(what, "the file ends inside a value; it is truncated") }
        }
        func le(_ n: Int) throws -> Int {
            try need(n)
            var v = 0
            for i in 0..<n { v |= Int(b[p + i]) << (8 * i) }
            p += n
            return v
        }
        func take(_ n: Int) throws -> [UInt8] {
            try need(n)
            defer { p += n }
            return Array(b[p..<(p + n)])
        }
        func pop() throws -> PickleValue {
            guard let v = stack.popLast() else { throw refuse(what, "an opcode finds the stack empty") }
            if case .mark = v { throw refuse(what, "an opcode finds a mark where it expects a value") }
            return v
        }
        func popToMark() throws -> [PickleValue] {
            guard let m = stack.lastIndex(where: { if case .mark = $0 { return true } else { return false } }) else {
                throw refuse(what, "a MARK is missing")
            }
            let items = Array(stack[(m + 1)...])
            stack.removeSubrange(m...)
            return items
        }
        func line() throws -> String {
            guard let end = b[p...].prefix(256).firstIndex(of: 0x0a) else { throw refuse(what, "a global's name is not ended") }
            defer { p = end + 1 }
            return String(decoding: b[p..<end], as: UTF8.self)
        }
        var steps = 0
        while true {
            steps += 1
            if steps % 65_536 == 0 { try Interruption.check(what) }
            try need(1)
            let op = b[p]
            p += 1
            switch op {
            case 0x80: _ = try le(1)                          // PROTO
            case 0x95: _ = try le(8)                          // FRAME
            case UInt8(ascii: "}"): stack.append(.dict([]))
            case UInt8(ascii: "]"): stack.append(.list([]))
            case UInt8(ascii: ")"): stack.append(.tuple([]))
            case UInt8(ascii: "("): stack.append(.mark)
            case UInt8(ascii: "q"), UInt8(ascii: "r"), 0x94:  // BINPUT, LONG_BINPUT, MEMOIZE
                let key = op == 0x94 ? memo.count : try le(op == UInt8(ascii: "q") ? 1 : 4)
                guard let top = stack.last else { throw refuse(what, "PUT finds the stack empty") }
                memo[key] = top
            case UInt8(ascii: "h"), UInt8(ascii: "j"):        // BINGET, LONG_BINGET
                let key = try le(op == UInt8(ascii: "h") ? 1 : 4)
                guard let v = memo[key] else { throw refuse(what, "GET of a value never stored") }
                stack.append(v)
            case UInt8(ascii: "U"), UInt8(ascii: "C"): stack.append(.bytes(try take(try le(1))))
            case UInt8(ascii: "T"), UInt8(ascii: "B"): stack.append(.bytes(try take(try le(4))))
            case 0x8e: stack.append(.bytes(try take(try le(8))))  // BINBYTES8
            case UInt8(ascii: "X"): stack.append(.text(String(decoding: try take(try le(4)), as: UTF8.self)))
            case 0x8c: stack.append(.text(String(decoding: try take(try le(1)), as: UTF8.self)))
            case UInt8(ascii: "K"): stack.append(.int(try le(1)))
            case UInt8(ascii: "M"): stack.append(.int(try le(2)))
            case UInt8(ascii: "J"): stack.append(.int(Int(Int32(truncatingIfNeeded: try le(4)))))
            case UInt8(ascii: "N"): stack.append(.none)
            case 0x88: stack.append(.bool(true))
            case 0x89: stack.append(.bool(false))
            case UInt8(ascii: "a"):
                let v = try pop()
                guard case .list(var items) = try pop() else { throw refuse(what, "APPEND to something not a list") }
                items.append(v)
                stack.append(.list(items))
            case UInt8(ascii: "e"):
                let values = try popToMark()
                guard case .list(var items) = try pop() else { throw refuse(what, "APPENDS to something not a list") }
                items += values
                stack.append(.list(items))
            case UInt8(ascii: "s"), UInt8(ascii: "u"):
                let values = op == UInt8(ascii: "s") ? [try pop(), try pop()].reversed() : try popToMark()
                guard values.count % 2 == 0, case .dict(var pairs) = try pop() else {
                    throw refuse(what, "SETITEM on something not a dict")
                }
                for i in stride(from: 0, to: values.count, by: 2) { pairs.append((values[i], values[i + 1])) }
                stack.append(.dict(pairs))
            case UInt8(ascii: "t"): stack.append(.tuple(try popToMark()))
            case 0x85: stack.append(.tuple([try pop()]))
            case 0x86: let b2 = try pop(); let a = try pop(); stack.append(.tuple([a, b2]))
            case 0x87: let c = try pop(); let b2 = try pop(); let a = try pop(); stack.append(.tuple([a, b2, c]))
            case UInt8(ascii: "c"), 0x93:                    // GLOBAL, STACK_GLOBAL
                let name: String
                if op == 0x93 {
                    guard let n = try pop().string, let m = try pop().string else { throw refuse(what, "STACK_GLOBAL without names") }
                    name = m + "." + n
                } else {
                    let module = try line()
                    name = module + "." + (try line())
                }
                guard allowedGlobals.contains(name) else { throw refuse(what, "it names the Python object '\(name)'") }
                stack.append(.global(name))
            case UInt8(ascii: "R"):                            // REDUCE: only the allowed globals, never called
                guard case .tuple(let args) = try pop(), case .global(let name) = try pop() else {
                    throw refuse(what, "REDUCE of something not allowed")
                }
                if name.hasSuffix("_reconstruct") {
                    stack.append(.array(shape: [], dtype: "", data: nil))
                } else if name == "numpy.dtype", let type = args.first?.string {
                    stack.append(.dtype(type))
                } else if name == "_codecs.encode", args.count == 2, let text = args[0].string {
                    // Python 3 writes bytes at protocol 2 as encode(text, "latin1").
                    stack.append(.bytes(text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }))
                } else {
                    throw refuse(what, "'\(name)' is called with arguments CIFAR's files never have")
                }
            case UInt8(ascii: "b"):                            // BUILD: the state of an array or a dtype
                let state = try pop()
                let target = try pop()
                switch (target, state) {
                case (.dtype(let type), .tuple):
                    stack.append(.dtype(type))
                case (.array, .tuple(let parts)) where parts.count == 5:
                    guard case .tuple(let shapeValues) = parts[1], case .dtype(let type) = parts[2] else {
                        throw refuse(what, "an array's state is not (version, shape, dtype, fortran, data)")
                    }
                    var shape: [Int] = []
                    for v in shapeValues {
                        guard case .int(let n) = v, n >= 0 else { throw refuse(what, "an array's shape is not made of counts") }
                        shape.append(n)
                    }
                    if case .bool(true) = parts[3] { throw refuse(what, "the array is stored column-major") }
                    guard let data = parts[4].bytesValue else { throw refuse(what, "an array's data is not bytes") }
                    stack.append(.array(shape: shape, dtype: type, data: data))
                default:
                    throw refuse(what, "BUILD of something that is not a NumPy array")
                }
            case UInt8(ascii: "."):
                guard stack.count == 1 else { throw refuse(what, "the pickle ends with \(stack.count) values instead of one") }
                return try pop()
            default:
                throw refuse(what, "opcode \(IDX.hex(op)) at byte \(p - 1)")
            }
            // Containers nest a few levels in a CIFAR batch (a dict of lists and arrays). Deeper nesting is
            // refused as it is made, so no value is ever deep enough to exhaust the stack when it is freed.
            if let top = stack.last, top.nestingDepth(limit: maxNesting) > maxNesting {
                throw refuse(what, "values nested more than \(maxNesting) levels deep")
            }
        }
    }

    /// The deepest nesting of lists, tuples and dicts a batch may have (CIFAR's own is 3).
    static let maxNesting = 16
}

extension PickleValue {
    /// How many containers deep the value is (0 for plain values), counted no further than `limit` + 1: the
    /// values inside were checked when they were made, so the walk stays within `limit` + 1 levels.
    func nestingDepth(limit: Int) -> Int {
        let children: [PickleValue]
        switch self {
        case .list(let items), .tuple(let items): children = items
        case .dict(let pairs): children = pairs.flatMap { [$0.0, $0.1] }
        default: return 0
        }
        var deepest = 0
        for child in children {
            switch child {
            case .list, .tuple, .dict:
                deepest = max(deepest, child.nestingDepth(limit: limit))
                if deepest >= limit { return deepest + 1 }
            default: continue
            }
        }
        return deepest + 1
    }

    /// The bytes of a bytes value (or a latin-1 text, as Python 3 may write them).
    var bytesValue: [UInt8]? {
        switch self {
        case .bytes(let b): return b
        case .text(let s): return s.unicodeScalars.allSatisfy({ $0.value < 256 }) ? s.unicodeScalars.map { UInt8($0.value) } : nil
        default: return nil
        }
    }

    /// The value under `key` of a dict.
    func value(_ key: String) -> PickleValue? {
        guard case .dict(let pairs) = self else { return nil }
        return pairs.first(where: { $0.0.string == key })?.1
    }
}
