// The lessons' order: the table of lessons/README.md numbers every lesson once, 1, 2, 3, ..., and each lesson
// but the last ends by naming the next one in that table (`# Next: lessons/NAME.cnn, ...`), so a learner who
// follows the lessons' own last lines reads them in the README's order (issue 17, item 12).
import Testing
import CNNTestSupport

/// The lesson names of the README's table, in its order, with the numbers the table gives them.
private func readmeOrder() -> [(number: String, name: String)] {
    let text = TestFiles.text(TestFiles.path("lessons/README.md")) ?? ""
    return text.split(separator: "\n").compactMap { line -> (String, String)? in
        // | 4 | [activation.cnn](activation.cnn) | ... |
        let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingSpaces }
        guard cells.count >= 4, cells[2].hasPrefix("["), let close = cells[2].firstIndex(of: "]") else { return nil }
        let file = cells[2][cells[2].index(after: cells[2].startIndex)..<close]
        guard file.hasSuffix(".cnn") else { return nil }
        return (cells[1], String(file.dropLast(4)))
    }
}

/// The lessons each `Next:` line of the lesson names ("lessons/pooling.cnn" or "pooling.cnn").
private func nextLessons(of name: String) -> [String] {
    let text = TestFiles.text(TestFiles.path("lessons/\(name).cnn")) ?? ""
    return text.split(separator: "\n").compactMap { line -> String? in
        guard let range = line.firstRange(of: "# Next: ") else { return nil }
        var rest = line[range.upperBound...]
        if rest.hasPrefix("lessons/") { rest = rest.dropFirst("lessons/".count) }
        guard let end = rest.firstRange(of: ".cnn") else { return "?" }
        return String(rest[..<end.lowerBound])
    }
}

private extension Substring {
    var trimmingSpaces: String { String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()) }
}

@Test func theReadmeTableNumbersEveryLessonOnce() {
    let table = readmeOrder()
    let lessons = Set(TestFiles.names(in: TestFiles.path("lessons"), suffix: ".cnn", dropSuffix: true))
    #expect(table.map(\.number) == (1...Swift.max(table.count, 1)).map(String.init), "\(table.map(\.number))")
    #expect(table.map(\.name).sorted() == lessons.sorted(), "the README's table and lessons/*.cnn differ")
}

@Test func eachLessonNamesTheNextOneOfTheTable() {
    let order = readmeOrder().map(\.name)
    for (index, name) in order.enumerated() {
        let next = nextLessons(of: name)
        if index + 1 < order.count {
            #expect(next == [order[index + 1]], "lessons/\(name).cnn names \(next) as next; the README's table has \(order[index + 1])")
        } else {
            #expect(next.isEmpty, "lessons/\(name).cnn is the last lesson of the README's table but names \(next) as next")
        }
    }
}
