// `code keras mnist > mnist.py`: a '>' at the end of a command names the file its output goes to.
import Testing
@testable import CNNScript

@Test func aRedirectBecomesTheFileArgument() {
    #expect(parsed("code keras mnist > mnist.py") == "(command code keras mnist file=\"mnist.py\")")
    #expect(parsed("code numpy f > out/f code.py   # a comment") == "(command code numpy f file=\"out/f code.py\")")
    #expect(parsed("code torch m > m.py; vars") == "(command code torch m file=\"m.py\")\nvars")
}

@Test func aRedirectNeedsAFileAndMustComeLast() {
    #expect(onlyError("code keras mnist >")?.message == "'>' needs a file name after it")
    #expect(onlyError("x = 1 > 2")?.message.hasPrefix("unexpected '>'") == true)
}
