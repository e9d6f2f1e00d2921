import Foundation
import Testing

@testable import Overturn

/// Cutting a CSV into chunks (`CSVReader.nextChunk`) and parsing each elsewhere
/// (`CSVReader(chunk:)`) reads the same rows, on the same lines, as reading the file whole: with
/// the cut at every possible place.
@Suite struct CSVChunkTests {
    /// Every awkward thing a row end can sit next to.
    static let text =
        "\u{FEFF}id,note,n\r\n"
        + "1,plain,10\r\n"
        + "2,\"two\nlines\",20\n"
        + "3,\"quote \"\" and, comma\",30\n"
        + "\n"
        + "4,\"\"\"\",40\r"
        + "5,x\"y,50\n"
        + "6,\"ends\r\nin CR LF\",60\n"
        + "7,,70"

    /// Rows as (line, fields), and the problems, reading `reader` to the end.
    static func rows(_ reader: CSVReader) throws -> [(Int, [String])] {
        var rows: [(Int, [String])] = []
        while try reader.next() { rows.append((reader.line, reader.fields)) }
        return rows
    }

    @Test func everyCutReadsTheSameRows() throws {
        let whole = try Self.rows(CSVReader(text: Self.text))
        #expect(whole.count == 7)
        #expect(whole.map(\.0) == [2, 3, 5, 7, 8, 9, 11])
        let bytes = Array(Self.text.utf8)
        let folder = try TemporaryFolder()
        let path = try folder.write("chunks.csv", bytes)
        for target in 1...bytes.count {
            let reader = try CSVReader(path: path, chunkSize: 16)
            var rows: [(Int, [String])] = []
            var joined: [UInt8] = []
            while let chunk = try reader.nextChunk(targetBytes: target) {
                joined += chunk.bytes
                rows += try Self.rows(CSVReader(chunk: chunk, header: reader.header, file: path))
            }
            #expect(joined == Array(bytes[(bytes.count - joined.count)...]), "cut at \(target)")
            #expect(rows.map(\.0) == whole.map(\.0), "cut at \(target)")
            #expect(rows.map(\.1) == whole.map(\.1), "cut at \(target)")
        }
    }

    @Test func anUnterminatedQuoteIsReportedOnItsLine() throws {
        let reader = try CSVReader(text: "id,note\n1,ok\n2,\"open\n3,more\n")
        var lines: [Int] = []
        #expect(throws: CSVError.unterminatedQuote(at: SourceLocation(file: "<memory>", line: 3, column: 2))) {
            while let chunk = try reader.nextChunk(targetBytes: 4) {
                let part = CSVReader(chunk: chunk, header: reader.header, file: "<memory>")
                while try part.next() { lines.append(part.line) }
            }
        }
        #expect(lines == [2])
    }

    @Test func aRowLongerThanTheLimitEndsTheRead() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("long.csv", "id,note\n1," + String(repeating: "x", count: 5000) + "\n2,y\n")
        let reader = try CSVReader(path: path, chunkSize: 64, maxRecordBytes: 1024)
        #expect(throws: CSVError.recordTooLarge(at: SourceLocation(file: path, line: 2), limit: 1024)) {
            while try reader.nextChunk(targetBytes: 100) != nil {}
        }
    }
}
