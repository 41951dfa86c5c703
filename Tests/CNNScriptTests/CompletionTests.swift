// CompletionTests: what Tab offers (Vocabulary.completion): an option's values after `option=`, from the
// built-in's own parameter, names elsewhere, and no space after a name completed inside brackets.
import Testing
@testable import CNNScript

private let names = ["image", "images", "conv", "clip", "relu"]

@Test func afterAnOptionTabOffersItsValues() {
    let line = "f = conv(x, k, padding=s"
    let found = Vocabulary.completion(line: line, cursor: line.unicodeScalars.count, names: names)
    #expect(found.matches == ["same"])
    #expect(found.start == line.unicodeScalars.count - 1)
    #expect(!found.appendsSpace)
    // Every value when nothing is typed yet, from the parameter's own list.
    let empty = "f = conv(x, k, padding = "
    #expect(Vocabulary.completion(line: empty, cursor: empty.unicodeScalars.count, names: names).matches == CallContext.paddingWords)
}

@Test func aWordOptionOffersItsWordsInsideNestedCalls() throws {
    // sample's name is a word parameter: its pictures, whatever call is open around it.
    let line = "x = relu(sample(name=sh"
    let found = Vocabulary.completion(line: line, cursor: line.unicodeScalars.count, names: names)
    #expect(found.matches == ["shapes"])
}

@Test func namesCompleteWithASpaceOnlyOutsideBrackets() {
    let call = "y = relu(ima"
    let inCall = Vocabulary.completion(line: call, cursor: call.unicodeScalars.count, names: names)
    #expect(inCall.matches == ["image", "images"] && !inCall.appendsSpace && inCall.start == 9)
    let command = "relu ima"
    let atTop = Vocabulary.completion(line: command, cursor: command.unicodeScalars.count, names: names)
    #expect(atTop.matches == ["image", "images"] && atTop.appendsSpace)
    // A comparison is not an option: `a == c` completes names.
    let compare = "a == c"
    #expect(Vocabulary.completion(line: compare, cursor: compare.unicodeScalars.count, names: names).matches == ["clip", "conv"])
}
