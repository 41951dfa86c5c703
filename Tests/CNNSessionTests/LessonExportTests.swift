// `cnnrepl export` through the library: a lesson becomes narration and code cells whose text is what a run
// prints, pictures come along, a convolution trace becomes tables whose window cells and kernel taps carry
// the same numbers, and the three formats hold what they should. (The page in a browser and the notebooks in
// Jupyter are checked by jupyter/tests.)
import CNNSession
import Foundation
import Testing

private let lesson = """
    # Title line
    #
    # A paragraph with `code`.
    x = reshape(range(1, 10), 3x3)
    # A trace
    y = conv(x, ones(2, 2))
    trace y[1, 1]
    show x
    """

@Test func aLessonBecomesCellsWithTheRunsText() throws {
    let document = Session(options: SessionOptions()).export(source: lesson, fileName: "lesson.cnn")
    #expect(document.completed)
    #expect(document.cells.map(\.isNarration) == [true, false, true, false, false, false])
    #expect(document.title == "Title line")
    guard case .text(let text, let html)? = document.cells[1].outputs.first else {
        Issue.record("the first code cell has no text")
        return
    }
    #expect(text.hasPrefix("x = reshape(range(1, 10), 3x3)   9 -> 3x3"))
    #expect(html?.contains("<caption>x, 3x3</caption>") == true)
    let show = document.cells[5].outputs
    #expect(show.count == 2)
    if case .picture(let picture, let path)? = show.last {
        #expect(picture.png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(path == nil)
    } else {
        Issue.record("show gave no picture")
    }
}

@Test func aTraceNumbersTheWindowAndTheKernelAlike() throws {
    let document = Session(options: SessionOptions()).export(source: lesson, fileName: "lesson.cnn")
    guard case .text(_, let html)? = document.cells[4].outputs.first, let html else {
        Issue.record("the trace has no HTML")
        return
    }
    // y[1, 1] reads x[1..2, 1..2] = 5 6 / 8 9 with the kernel's taps 1..4.
    for (value, tap) in [(5, 1), (6, 2), (8, 3), (9, 4)] {
        #expect(html.contains(">\(value)<sup class=\"tap\"><span class=\"sr\">, tap </span>\(tap)</sup>"))
    }
    #expect(html.components(separatedBy: "<sup class=\"tap\">").count - 1 == 8, "4 window cells and 4 kernel cells")
    #expect(html.contains("title=\"reads x rows 1 to 2, columns 1 to 2\""))
}

@Test func theFormatsHoldTheCells() throws {
    let document = Session(options: SessionOptions()).export(source: lesson, fileName: "lesson.cnn")
    let notebook = try #require(try JSONSerialization.jsonObject(with: Data(document.rendered(as: .ipynb).utf8)) as? [String: Any])
    let cells = try #require(notebook["cells"] as? [[String: Any]])
    #expect(cells.count == 6)
    #expect(cells[0]["source"] as? String == "# Title line\n\nA paragraph with `code`.")
    let metadata = try #require(notebook["metadata"] as? [String: Any])
    #expect((metadata["kernelspec"] as? [String: String])?["name"] == "cnnrepl")
    let outputs = try #require(cells[5]["outputs"] as? [[String: Any]])
    #expect(outputs.map { $0["output_type"] as? String } == ["stream", "display_data"])
    let page = document.rendered(as: .html)
    #expect(page.hasPrefix("<!DOCTYPE html>"))
    #expect(page.contains("<h1>Title line</h1>"))
    #expect(page.contains("<p>A paragraph with <code>code</code>.</p>"))
    #expect(page.contains("<img src=\"data:image/png;base64,"))
    let markdown = document.rendered(as: .md)
    #expect(markdown.hasPrefix("# Title line\n"))
    #expect(markdown.contains("![show x](data:image/png;base64,"))
}

@Test func anErrorStopsTheExportAndIsKept() throws {
    let document = Session(options: SessionOptions()).export(source: "x = ones(2, 2)\ny = conv(x, ones(3, 3))\nz = 1\n", fileName: "bad.cnn")
    #expect(!document.completed)
    #expect(document.cells.count == 2)
    guard case .error(let text, let message)? = document.cells.last?.outputs.last else {
        Issue.record("no error output")
        return
    }
    #expect(message.contains("does not fit"))
    #expect(text.contains("bad.cnn:2:5"))
    let broken = Session(options: SessionOptions()).export(source: "x = (1 +\n", fileName: "broken.cnn")
    #expect(!broken.completed)
}

@Test func aPoolingTraceNumbersItsWindowAndNamesTheWinner() throws {
    let source = "m = reshape(range(1, 17), 4x4)\nmx = maxpool(m)\ntrace mx[1, 0]\n"
    let document = Session(options: SessionOptions()).export(source: source, fileName: "pool.cnn")
    guard case .text(_, let html)? = document.cells.last?.outputs.first, let html else {
        Issue.record("the trace has no HTML")
        return
    }
    // mx[1, 0] reads m[2..3, 0..1] = 9 10 / 13 14; 14 wins.
    for (value, position) in [(9, 1), (10, 2), (13, 3)] {
        #expect(html.contains(">\(value)<sup class=\"tap\"><span class=\"sr\">, tap </span>\(position)</sup></td>"))
    }
    #expect(html.contains(">14<sup class=\"tap\"><span class=\"sr\">, tap </span>4</sup><span class=\"sr\"> (the largest: the result)</span></td>"))
    #expect(!html.contains("table class=\"matrix kernel"), "pooling has no kernel")
    #expect(html.contains("title=\"reads m rows 2 to 3, columns 0 to 1\""))
}
