// SourceText: a script's text with its name, split into lines, and the positions that point into it.
//
// Every token and syntax node carries a SourceRange so that an error can underline the culprit.
// Positions are 1-based lines and columns. A column counts Unicode scalars (code points) from the start
// of the line: "é" written as one code point is one column, a tab is one column, and a line of ASCII
// text has the same columns as an editor shows. Lines end at "\n"; a "\r" before it belongs to no line
// text (Windows line endings read like Unix ones). Ranges are half-open: `end` is the position just after
// the last character, so a zero-width range (start == end) marks a point, e.g. where a ')' is missing.

/// A position in a source text: 1-based line and column, and the 0-based offset in Unicode scalars.
/// (Named so as not to clash with Swift Testing's `SourceLocation` in test files.)
public struct SourcePosition: Equatable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The line number, starting at 1.
    public var line: Int
    /// The column number, starting at 1, counting Unicode scalars from the start of the line.
    public var column: Int
    /// The number of Unicode scalars before this position in the whole text.
    public var offset: Int

    /// Creates a position from a line, a column and an offset into the text.
    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    /// The start of a text: line 1, column 1, offset 0.
    public static let start = SourcePosition(line: 1, column: 1, offset: 0)

    /// Orders positions by line, then column.
    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    /// "4:5": line and column.
    public var description: String { "\(line):\(column)" }
}

/// A half-open stretch of source text, from `start` up to (not including) `end`.
public struct SourceRange: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The first position inside the range.
    public var start: SourcePosition
    /// The position just after the range; equal to `start` for a zero-width range.
    public var end: SourcePosition

    /// Creates a range; if `end` comes before `start`, the range is empty at `start`.
    public init(start: SourcePosition, end: SourcePosition) {
        self.start = start
        self.end = end < start ? start : end
    }

    /// A zero-width range at a position, used to point between characters.
    public init(at position: SourcePosition) {
        self.init(start: position, end: position)
    }

    /// Whether the range covers no characters.
    public var isEmpty: Bool { start == end }

    /// The smallest range covering both this range and `other`.
    public func through(_ other: SourceRange) -> SourceRange {
        SourceRange(start: Swift.min(start, other.start), end: Swift.max(end, other.end))
    }

    /// A zero-width range just after this range.
    public var afterEnd: SourceRange { SourceRange(at: end) }

    /// "4:5-4:15" (or "4:5" when empty).
    public var description: String { isEmpty ? start.description : "\(start)-\(end)" }
}

/// The text of one script or REPL entry, with its name and line table.
public struct SourceText: Sendable {
    /// The largest source accepted by the parser, in UTF-8 bytes (1 MB). Larger input is one error.
    public static let maxUTF8Count = 1_000_000

    /// The file name shown in diagnostics ("lessons/stride.cnn"), or nil for REPL input.
    public let name: String?
    /// The text itself.
    public let text: String
    /// The text's length in UTF-8 bytes.
    public let utf8Count: Int
    /// The text as Unicode scalars; offsets in SourcePosition index this array.
    let scalars: [Unicode.Scalar]
    /// The offset in `scalars` at which each line starts (line 1 is at index 0).
    let lineStarts: [Int]

    /// Creates a source text from its contents and an optional file name.
    public init(_ text: String, name: String? = nil) {
        self.name = name
        self.text = text
        self.utf8Count = text.utf8.count
        let scalars = Array(text.unicodeScalars)
        var starts = [0]
        for (offset, scalar) in scalars.enumerated() where scalar == "\n" {
            starts.append(offset + 1)
        }
        self.scalars = scalars
        self.lineStarts = starts
    }

    /// The number of lines (an empty text has one empty line; a final "\n" starts one more).
    public var lineCount: Int { lineStarts.count }

    /// The text of line `number` (1-based) without its line ending, or nil if there is no such line.
    public func line(_ number: Int) -> String? {
        guard let scalars = lineScalars(number) else { return nil }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars)
        return String(result)
    }

    /// The Unicode scalars of line `number` (1-based) without its line ending, or nil if there is no such line.
    public func lineScalars(_ number: Int) -> ArraySlice<Unicode.Scalar>? {
        guard number >= 1, number <= lineStarts.count else { return nil }
        let start = lineStarts[number - 1]
        var end = number < lineStarts.count ? lineStarts[number] - 1 : scalars.count
        if end > start, scalars[end - 1] == "\r" { end -= 1 }
        return scalars[start..<end]
    }

    /// The text a range covers, clamped to the text (empty for a range outside it).
    public func text(in range: SourceRange) -> String {
        let lower = Swift.max(0, Swift.min(range.start.offset, scalars.count))
        let upper = Swift.max(lower, Swift.min(range.end.offset, scalars.count))
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars[lower..<upper])
        return String(result)
    }

    /// The position of a scalar offset (clamped to the text), found with a binary search of the line table.
    public func position(ofOffset offset: Int) -> SourcePosition {
        let clamped = Swift.max(0, Swift.min(offset, scalars.count))
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= clamped { low = middle } else { high = middle - 1 }
        }
        return SourcePosition(line: low + 1, column: clamped - lineStarts[low] + 1, offset: clamped)
    }

    /// The position just after the last character of the text.
    public var endPosition: SourcePosition { position(ofOffset: scalars.count) }
}
