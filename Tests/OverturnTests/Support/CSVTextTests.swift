import Foundation
import Testing

@testable import Overturn

@Suite struct CSVTextTests {
    @Test func probabilitiesPrintAsPrintfDoes() {
        var random = RandomSource(seed: 31)
        var values: [Double] = [0, 1, 0.5, 1e-7, 5e-7, 0.0000005, 0.9999995, 0.1234565, 0.999_999_4, 1 - 1e-12]
        values += (0..<200_000).map { _ in random.uniform() }
        values += (0..<1_000).map { Double($0) / 1_000 + 5e-7 }  // halfway in decimal, not in binary
        var line: [UInt8] = []
        for p in values {
            line.removeAll(keepingCapacity: true)
            appendProbability(p, to: &line)
            let expected = String(format: "%.6f", p)
            if String(decoding: line, as: UTF8.self) != expected {
                Issue.record("\(p): \(String(decoding: line, as: UTF8.self)), printf \(expected)")
                return
            }
        }
    }

    @Test func textFieldsAreQuotedAndSpreadsheetSafe() {
        func field(_ text: String) -> String {
            var line: [UInt8] = []
            appendTextField(text, to: &line)
            return String(decoding: line, as: UTF8.self)
        }
        #expect(field("CLM1") == "CLM1")
        #expect(field("a,b") == "\"a,b\"")
        #expect(field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(field("two\nlines") == "\"two\nlines\"")
        #expect(field("=SUM(A1)") == "'=SUM(A1)")
        #expect(field("-1,5") == "\"'-1,5\"")
        #expect(field("@x") == "'@x" && field("+1") == "'+1" && field("\tx") == "'\tx")
        #expect(field("") == "")
        #expect(field("=a") == "'=a" && field("x\"y") == "\"x\"\"y\"" && field("\rz") == "\"'\rz\"")
        // Overturn's own text is quoted, never prefixed.
        #expect(csvQuoted("=a") == "=a" && csvQuoted("a,b") == "\"a,b\"" && csvQuoted("x\"y") == "\"x\"\"y\"")
        #expect(csvQuoted("plain") == "plain" && csvQuoted("two\nlines") == "\"two\nlines\"")
    }
}
