// Parser+Model: model blocks, one layer per line between `model NAME SHAPE` and `end`.
//
//     model mnist 28x28x1
//       conv 32 3x3 relu same
//       maxpool 2x2
//       flatten
//       dense 10 softmax
//     end
//
// A layer line may give its layer a name (`NAME = conv 64 1x1`) that later lines take as their input
// (`from NAME`) or join (`add NAME`, `concat a b`); the interpreter (ModelBuilder) connects the graph. A line
// `NAME = WORD ...` is a named layer when WORD is a layer keyword; otherwise it sets a variable, which shows
// that the block was left open.
//
// A line holds words: numbers (a '-' written right before a number makes it negative), sizes like 3x3,
// and names; Keras' `padding=same` is read as the two words `padding same`. The parser keeps them typed and
// placed; the interpreter checks what each layer accepts.
// Errors are reported line by line (a bad line does not end the block). A missing `end` is reported at
// `model`: at the end of the input (the REPL then asks for more lines), or when a line that sets a name
// or starts another model shows that the block was left open.

extension Parser {
    /// `model NAME SHAPE` ... `end`. Reports its own errors line by line and never throws.
    mutating func parseModel() -> Statement {
        let keyword = advance()
        var name: Name?
        let nameToken = current()
        switch nameToken.kind {
        case .identifier(let text):
            advance()
            name = Name(text, range: nameToken.range)
        case .invalid:
            break  // parseWords reports what the lexer could not read
        default:
            let at = nameToken.endsStatement ? tokens[keyword].range.afterEnd : nameToken.range
            report(Diagnostic("a model needs a name", at: at,
                              hint: "write the name and the input shape: model mnist 28x28x1"))
        }
        let (inputShape, headerIsClean) = parseWords()
        if let name, headerIsClean, inputShape.isEmpty {
            report(Diagnostic(
                "the model '\(name.text)' needs an input shape", at: name.range.afterEnd,
                hint: "write the shape after the name: model \(name.text) 28x28x1 (height x width x channels), or model \(name.text) 784"))
        }
        var layers: [LayerLine] = []
        while diagnostics.count < Parser.maxDiagnostics {
            while tokens[index].kind == .newline || tokens[index].kind == .semicolon { index += 1 }
            let token = tokens[index]
            let setsName = token.identifierName != nil && tokens[index + 1].kind == .equals
            if setsName, let keywordName = tokens[index + 2].identifierName, ModelBuilder.keyword(named: keywordName) != nil {
                // `shortcut = conv 256 1x1 from input`: a named layer.
                let label = Name(token.identifierName ?? "", range: token.range)
                index += 2
                let keywordToken = advance()
                let (words, _) = parseWords()
                let last = words.last?.range ?? tokens[keywordToken].range
                layers.append(LayerLine(keyword: Name(keywordName, range: tokens[keywordToken].range), words: words,
                                        range: token.range.through(last), label: label))
                continue
            }
            if token.kind == .identifier("model") {
                // A model inside a model: the error is at the inner header, where the learner must act.
                let outer = name.map { "the model '\($0.text)'" } ?? "a model block"
                report(Diagnostic("a model cannot start inside \(outer), which has no 'end' yet", at: token.range,
                                  hint: "add a line 'end' before this line to close \(name?.text ?? "the first model"); models cannot be nested",
                                  notes: [DiagnosticNote("\(outer) starts here", range: tokens[keyword].range)]))
                break
            }
            if setsName {
                let note = "this line sets a name, so it is not a layer"
                report(blockNeverClosed(keyword, name, note: DiagnosticNote(note, range: token.range)))
                break
            }
            switch token.kind {
            case .endOfInput:
                report(blockNeverClosed(keyword, name, note: nil), unclosedAtEnd: true)
                modelOpenAtEnd = true
                return modelStatement(keyword, name, inputShape, layers, end: nil)
            case .identifier("end"):
                advance()
                if !tokens[index].endsStatement {
                    report(Diagnostic("nothing may follow 'end' in the same statement", at: tokens[index].range,
                                      hint: "start a new line after 'end'"))
                    skipToStatementEnd()
                }
                return modelStatement(keyword, name, inputShape, layers, end: token.range)
            case .identifier(let layerName):
                advance()
                let (words, _) = parseWords()
                let last = words.last?.range ?? token.range
                layers.append(LayerLine(keyword: Name(layerName, range: token.range), words: words,
                                        range: token.range.through(last)))
            default:
                report(unexpected(.layerName).diagnostic)
                skipToStatementEnd()
            }
        }
        return modelStatement(keyword, name, inputShape, layers, end: nil)
    }

    /// The error for a model block without `end`, pointing at `model`.
    func blockNeverClosed(_ keyword: Int, _ name: Name?, note: DiagnosticNote?) -> Diagnostic {
        let block = name.map { "the model '\($0.text)'" } ?? "this model block"
        return Diagnostic("\(block) is never closed", at: tokens[keyword].range,
                          hint: "add a line 'end' after the last layer", notes: note.map { [$0] } ?? [])
    }

    /// Builds the statement for a model block.
    func modelStatement(_ keyword: Int, _ name: Name?, _ inputShape: [Word], _ layers: [LayerLine],
                        end: SourceRange?) -> Statement {
        let start = tokens[keyword].range
        let decl = ModelDecl(keywordRange: start, name: name, inputShape: inputShape, layers: layers, endRange: end)
        let last = end ?? layers.last?.range ?? inputShape.last?.range ?? name?.range ?? start
        return Statement(.model(decl), range: start.through(last))
    }

    /// The words of one model line, up to the end of the statement. On a bad word, reports it and skips
    /// the rest of the line; returns the words read and whether the line was free of errors.
    mutating func parseWords() -> ([Word], Bool) {
        var words: [Word] = []
        while true {
            let token = tokens[index]
            if token.endsStatement { return (words, true) }
            let followedByEquals = tokens[index + 1].kind == .equals
            let text = source.text(in: token.range)
            switch token.kind {
            case .number(let literal) where !followedByEquals:
                advance()
                words.append(Word(.number(literal), text: text, range: token.range))
                continue
            case .dimensions(let sizes) where !followedByEquals:
                advance()
                words.append(Word(.dimensions(sizes), text: text, range: token.range))
                continue
            case .identifier(let name) where !followedByEquals:
                advance()
                words.append(Word(.identifier(name), text: text, range: token.range))
                continue
            case .identifier(let name) where followedByEquals && isOptionValue(index + 2):
                // Keras' habit `padding=same`, `activation=relu`, `stride=2`: the option's name, then its value,
                // as the words `padding same` (the layer's reader decides what each option takes).
                advance()
                words.append(Word(.identifier(name), text: text, range: token.range))
                advance()  // '='
                continue
            case .leftParen where !followedByEquals:
                // Keras' tuple `(3, 3)` (`conv 64 (3,3)`, `stride=(2,2)`): the size 3x3.
                if let pair = parenthesizedPair(at: index) {
                    index = pair.end
                    words.append(pair.word)
                    continue
                }
            case .leftBracket where !followedByEquals:
                // `[t, b, l, r]` (zeropadding's four sides): its numbers, as words.
                if let numbers = bracketedNumbers() {
                    words += numbers
                    continue
                }
            case .minus where isAdjacentNumber(index + 1):
                if case .number(let literal) = tokens[index + 1].kind {
                    advance()
                    let number = advance()
                    let negative = NumberLiteral(value: -literal.value, text: "-" + literal.text,
                                                 integer: literal.integer.map { -$0 })
                    words.append(Word(.number(negative), text: negative.text,
                                      range: token.range.through(tokens[number].range)))
                    continue
                }
            default:
                break
            }
            report(unexpected(followedByEquals ? .layerOption : .modelWord).diagnostic)
            skipToStatementEnd()
            return (words, false)
        }
    }

    /// Whether the token at `position` can be an option's value on a layer line: a number, a size, a name or
    /// a negative number, followed by the end of the line or another word (not by '=' or a bracket).
    func isOptionValue(_ position: Int) -> Bool {
        guard position < tokens.count else { return false }
        switch tokens[position].kind {
        case .number, .dimensions, .identifier:
            return position + 1 < tokens.count && tokens[position + 1].kind != .equals
        case .minus:
            return isAdjacentNumber(position + 1)
        case .leftParen:
            return parenthesizedPair(at: position) != nil
        default:
            return false
        }
    }

    /// Keras' `(a, b)` of two whole numbers starting at `position`, as the size word `axb`, and the position
    /// after its ')'; nil when the parentheses hold anything else.
    func parenthesizedPair(at position: Int) -> (word: Word, end: Int)? {
        guard position + 4 < tokens.count, tokens[position].kind == .leftParen,
              case .number(let a) = tokens[position + 1].kind, let rows = a.integer, tokens[position + 2].kind == .comma,
              case .number(let b) = tokens[position + 3].kind, let cols = b.integer else { return nil }
        var close = position + 4
        if tokens[close].kind == .comma { close += 1 }  // (3, 3,) as Python allows
        guard close < tokens.count, tokens[close].kind == .rightParen else { return nil }
        let range = tokens[position].range.through(tokens[close].range)
        return (Word(.dimensions([rows, cols]), text: "\(rows)x\(cols)", range: range), close + 1)
    }

    /// `[1, 2, 3, 4]` on a layer line as number words (the tokens are consumed), or nil (nothing consumed)
    /// when the brackets hold anything but whole numbers separated by commas.
    mutating func bracketedNumbers() -> [Word]? {
        var position = index + 1, words: [Word] = []
        while case .number(let literal) = tokens[position].kind {
            words.append(Word(.number(literal), text: source.text(in: tokens[position].range), range: tokens[position].range))
            position += 1
            if tokens[position].kind == .comma { position += 1 }
        }
        guard tokens[position].kind == .rightBracket, !words.isEmpty else { return nil }
        index = position + 1
        return words
    }

    /// Skips tokens up to (not including) the next newline, ';' or end of input.
    mutating func skipToStatementEnd() {
        while !tokens[index].endsStatement { index += 1 }
    }
}
