import Testing

@testable import Overturn

private func parse(_ text: String) -> ParsedNumber {
    var text = text
    return text.withUTF8 { NumberParser.parse($0) }
}

@Suite struct NumberParserTests {
    @Test func commonForms() {
        #expect(parse("3") == .value(3))
        #expect(parse("412.50") == .value(412.5))
        #expect(parse("-0.25") == .value(-0.25))
        #expect(parse("+7") == .value(7))
        #expect(parse(".5") == .value(0.5))
        #expect(parse("5.") == .value(5))
        #expect(parse("1e3") == .value(1000))
        #expect(parse("2.5E-2") == .value(0.025))
        #expect(parse("000123") == .value(123))
        #expect(parse("0") == .value(0))
    }

    @Test func blankIsMissing() {
        #expect(parse("") == .missing)
        #expect(NumberParser.parse(CSVField(start: UnsafePointer(bitPattern: 1)!, count: 0)) == .missing)
    }

    @Test func nonFiniteAndInvalid() {
        for text in ["NaN", "nan", "inf", "-Infinity", "+INF", "1e400"] {
            #expect(parse(text) == .nonFinite, "\(text)")
        }
        for text in ["abc", "1,000", "$5", "1.2.3", "1e", "--1", "-", ".", "0x10", "1 2"] {
            #expect(parse(text) == .invalid, "\(text)")
        }
    }

    @Test func agreesWithDoubleOnRandomDecimals() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<100_000 {
            let digits = Int.random(in: 1...22, using: &random)
            var text = ""
            for _ in 0..<digits { text.append(Character(String(Int.random(in: 0...9, using: &random)))) }
            if Bool.random(using: &random) {
                let dot = Int.random(in: 0...text.count, using: &random)
                text.insert(".", at: text.index(text.startIndex, offsetBy: dot))
            }
            if Int.random(in: 0..<4, using: &random) == 0 { text += "e\(Int.random(in: -30...30, using: &random))" }
            if text == "." || text.hasPrefix(".e") { continue }
            guard let expected = Double(text) else { continue }
            #expect(parse(text) == .value(expected), "\(text)")
        }
    }
}
