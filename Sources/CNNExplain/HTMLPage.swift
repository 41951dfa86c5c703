// HTMLPage: the frame of an exported lesson page: one self-contained file (styles inline, pictures as data
// URIs, no scripts, nothing fetched), readable without JavaScript and with colour switched off: every
// shaded cell shows its number, every highlighted cell its tap number, every table has a caption and
// headers. Narration markup: paragraphs, and `code` in backquotes.

/// Builds the HTML of a lesson page.
public enum HTMLPage {
    /// The whole page around `body`.
    public static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="cnnrepl export">
        <title>\(HTMLRenderer.escape(title))</title>
        <style>
        \(style)
        </style>
        </head>
        <body>
        <main>
        \(body)
        </main>
        </body>
        </html>

        """
    }

    /// Narration lines (without `#`) as paragraphs; blank lines separate paragraphs; `code` is marked up.
    public static func narration(_ lines: [String], isTitle: Bool) -> String {
        var paragraphs: [[String]] = [[]]
        for line in lines {
            if line.trimmingCharacters().isEmpty {
                if !(paragraphs.last?.isEmpty ?? true) { paragraphs.append([]) }
            } else {
                paragraphs[paragraphs.count - 1].append(line)
            }
        }
        var html = ""
        for (index, paragraph) in paragraphs.enumerated() where !paragraph.isEmpty {
            let text = inline(paragraph.joined(separator: "\n"))
            html += index == 0 && isTitle ? "<h1>\(text)</h1>\n" : "<p>\(text)</p>\n"
        }
        return "<section class=\"narration\">\n" + html + "</section>\n"
    }

    /// A code cell: the statement (with its prompt) and its outputs, already HTML.
    public static func code(_ lines: [String], outputs: [String]) -> String {
        let source = lines.enumerated().map { ($0.offset == 0 ? "cnn&gt; " : "...&gt; ") + HTMLRenderer.escape($0.element) }
            .joined(separator: "\n")
        return "<section class=\"cell\">\n<pre class=\"code\" aria-label=\"code\"><code>\(source)</code></pre>\n"
            + outputs.joined() + "</section>\n"
    }

    /// Text output.
    public static func text(_ text: String) -> String {
        "<pre class=\"out\">" + HTMLRenderer.escape(text.hasSuffix("\n") ? String(text.dropLast()) : text) + "</pre>\n"
    }

    /// An error report.
    public static func error(_ text: String) -> String {
        "<pre class=\"error\" role=\"alert\"><strong>error</strong>\n" + HTMLRenderer.escape(text) + "</pre>\n"
    }

    /// A picture as a data URI, with its title as the alternative text.
    public static func picture(base64: String, title: String, width: Int, height: Int) -> String {
        "<figure><img src=\"data:image/png;base64,\(base64)\" alt=\"\(HTMLRenderer.escape(title))\" width=\"\(width)\" height=\"\(height)\">"
            + "<figcaption>\(HTMLRenderer.escape(title))</figcaption></figure>\n"
    }

    /// Backquoted spans as <code>, the rest escaped.
    static func inline(_ text: String) -> String {
        let pieces = text.split(separator: "`", omittingEmptySubsequences: false)
        guard pieces.count >= 3 else { return HTMLRenderer.escape(text) }
        var html = ""
        for (index, piece) in pieces.enumerated() {
            let inCode = index % 2 == 1 && index < pieces.count - 1
            html += inCode ? "<code>" + HTMLRenderer.escape(String(piece)) + "</code>"
                : (index % 2 == 1 ? "`" : "") + HTMLRenderer.escape(String(piece))
        }
        return html
    }

    static let style = """
        body{font:16px/1.5 system-ui,sans-serif;color:#1a1a1a;background:#fff;margin:0}
        main{max-width:60rem;margin:0 auto;padding:1rem 1.5rem 4rem}
        h1{font-size:1.8rem}
        pre{font:13px/1.35 ui-monospace,"DejaVu Sans Mono",monospace;overflow-x:auto;padding:.5rem .75rem;margin:.25rem 0}
        pre.code{background:#f3f3f7;border-left:4px solid #5b5bd6}
        pre.out,pre.head{background:#fafafa}
        pre.error{background:#fff0f0;border-left:4px solid #c00}
        .cell{margin:1rem 0 1.5rem}
        table.matrix{border-collapse:collapse;margin:.5rem 1rem .75rem 0;font:13px ui-monospace,"DejaVu Sans Mono",monospace}
        div.tablewrap{display:inline-block;max-width:100%;overflow-x:auto;vertical-align:top}
        table.wide{font-size:10px}table.wide td{padding:.1rem .2rem;min-width:1.6rem}
        table.matrix caption{font:13px system-ui,sans-serif;text-align:left;caption-side:top;padding:.2rem 0;max-width:22rem}
        table.matrix th{font-weight:normal;color:#555;padding:.1rem .35rem;text-align:right}
        table.matrix td{padding:.15rem .4rem;text-align:right;min-width:2.2rem;border:1px solid #fff;position:relative}
        td.d{color:#fff}td.l{color:#000}
        td.win{box-shadow:inset 0 0 0 3px var(--tap);font-weight:bold}
        sup.tap{font-size:9px;position:absolute;top:0;left:2px;background:var(--tap);color:#000;border-radius:3px;padding:0 2px;line-height:1.2}
        td.winner{text-decoration:underline double}
        td.traced{outline:3px double #e4007c;outline-offset:-4px;font-weight:bold}
        td[tabindex]:hover,td[tabindex]:focus{outline:3px solid #e4007c;outline-offset:-3px}
        .tap0{--tap:#e6194b}.tap1{--tap:#f58231}.tap2{--tap:#ffe119}.tap3{--tap:#3cb44b}.tap4{--tap:#42d4f4}
        .tap5{--tap:#4363d8}.tap6{--tap:#911eb4}.tap7{--tap:#f032e6}.tap8{--tap:#a9a9a9}.tap9{--tap:#800000}
        .tap0 sup.tap,.tap3 sup.tap,.tap5 sup.tap,.tap6 sup.tap,.tap7 sup.tap,.tap9 sup.tap{color:#fff}
        .trace .legend{font-size:14px;color:#333}
        .sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
        figure{margin:.5rem 0}figure img{max-width:100%;height:auto;image-rendering:pixelated}
        figcaption{font-size:13px;color:#555}
        """
}

private extension String {
    func trimmingCharacters() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
