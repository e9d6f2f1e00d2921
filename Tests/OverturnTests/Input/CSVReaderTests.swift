import Testing

@testable import Overturn

/// Reads every row of a reader as strings, with the line each starts on.
private func rows(_ reader: CSVReader) throws -> [(line: Int, fields: [String])] {
    var out: [(Int, [String])] = []
    while try reader.next() { out.append((reader.line, reader.fields)) }
    return out
}

/// The error a reader throws while reading all rows.
private func readError(_ text: String) -> CSVError? {
    readError(bytes: Array(text.utf8))
}

private func readError(bytes: [UInt8]) -> CSVError? {
    do {
        let reader = try CSVReader(bytes: bytes, name: "t.csv")
        while try reader.next() {}
        return nil
    } catch let error as CSVError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

@Suite struct CSVReaderTests {
    @Test func readsHeaderAndRows() throws {
        let reader = try CSVReader(text: "a,b,c\n1,2,3\n4,,6\n")
        #expect(reader.header == ["a", "b", "c"])
        let all = try rows(reader)
        #expect(all.map(\.fields) == [["1", "2", "3"], ["4", "", "6"]])
        #expect(all.map(\.line) == [2, 3])
    }

    @Test func quotedFieldsHoldCommasQuotesAndNewlines() throws {
        let text = "id,note,n\n1,\"a, b\",2\n2,\"say \"\"hi\"\"\",3\n3,\"two\nlines\",4\n4,\"\",5\n"
        let all = try rows(try CSVReader(text: text))
        #expect(
            all.map(\.fields) == [
                ["1", "a, b", "2"], ["2", "say \"hi\"", "3"], ["3", "two\nlines", "4"], ["4", "", "5"],
            ])
        // The row after a quoted newline starts one line later.
        #expect(all.map(\.line) == [2, 3, 4, 6])
    }

    @Test func lineEndsLFCRLFAndLoneCR() throws {
        for text in ["a,b\n1,2\n3,4\n", "a,b\r\n1,2\r\n3,4\r\n", "a,b\r1,2\r3,4\r", "a,b\n1,2\r\n3,4"] {
            let reader = try CSVReader(text: text)
            #expect(reader.header == ["a", "b"])
            let all = try rows(reader)
            #expect(all.map(\.fields) == [["1", "2"], ["3", "4"]], "\(text.debugDescription)")
            #expect(all.map(\.line) == [2, 3])
        }
    }

    @Test func byteOrderMarkIsRemoved() throws {
        let reader = try CSVReader(bytes: [0xEF, 0xBB, 0xBF] + Array("claim_id,x\n1,2\n".utf8))
        #expect(reader.header == ["claim_id", "x"])
        #expect(try rows(reader).map(\.fields) == [["1", "2"]])
    }

    @Test func lastLineWithoutNewline() throws {
        #expect(try rows(try CSVReader(text: "a,b\n1,2")).map(\.fields) == [["1", "2"]])
        #expect(try rows(try CSVReader(text: "a,b\n1,\"x\"")).map(\.fields) == [["1", "x"]])
        #expect(try rows(try CSVReader(text: "a,b\n1,")).map(\.fields) == [["1", ""]])
    }

    @Test func blankLinesAreSkippedButCounted() throws {
        let all = try rows(try CSVReader(text: "a,b\n\n1,2\n\r\n3,4\n\n"))
        #expect(all.map(\.fields) == [["1", "2"], ["3", "4"]])
        #expect(all.map(\.line) == [3, 5])
    }

    @Test func headerOnlyHasNoRows() throws {
        let reader = try CSVReader(text: "a,b\n")
        #expect(reader.header == ["a", "b"])
        #expect(try reader.next() == false)
    }

    @Test func emptyFile() {
        #expect(readError("") == .emptyFile(file: "t.csv"))
        #expect(readError(bytes: [0xEF, 0xBB, 0xBF]) == .emptyFile(file: "t.csv"))
        #expect(readError("\n\n") == .emptyFile(file: "t.csv"))
    }

    @Test func utf16IsNamed() {
        #expect(readError(bytes: [0xFF, 0xFE, 0x61, 0x00]) == .utf16(file: "t.csv"))
    }

    @Test func unterminatedQuoteNamesLineAndColumn() {
        let error = readError("a,b,c\n1,2,3\n4,\"open,6\n7,8,9\n")
        #expect(error == .unterminatedQuote(at: SourceLocation(file: "t.csv", line: 3, column: 2)))
        #expect(error?.description.hasPrefix("t.csv:3:2: quoted field never closed") == true)
    }

    @Test func textAfterClosingQuote() {
        #expect(
            readError("a,b\n\"x\"y,2\n")
                == .unexpectedCharacterAfterQuote(at: SourceLocation(file: "t.csv", line: 2, column: 1)))
    }

    @Test func wrongFieldCountIsRecoverable() throws {
        let reader = try CSVReader(text: "a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n", name: "t.csv")
        #expect(try reader.next())
        #expect(
            throws: CSVError.wrongFieldCount(
                at: SourceLocation(file: "t.csv", line: 3, column: 3), expected: 3, found: 2)
        ) {
            try reader.next()
        }
        #expect(
            throws: CSVError.wrongFieldCount(
                at: SourceLocation(file: "t.csv", line: 4, column: 4), expected: 3, found: 4)
        ) {
            try reader.next()
        }
        #expect(try reader.next())
        #expect(reader.fields == ["10", "11", "12"])
        #expect(reader.line == 5)
        #expect(try reader.next() == false)
    }

    @Test func invalidUTF8NamesTheColumn() throws {
        let bytes = Array("a,b\n1,ok\n2,".utf8) + [0xC3, 0x28] + Array("\n3,é\n".utf8)
        let reader = try CSVReader(bytes: bytes, name: "t.csv")
        #expect(try reader.next())
        #expect(throws: CSVError.invalidUTF8(at: SourceLocation(file: "t.csv", line: 3, column: 2))) {
            try reader.next()
        }
        #expect(try reader.next())
        #expect(reader.fields == ["3", "é"])
    }

    @Test func missingFileCannotBeOpened() {
        #expect(throws: CSVError.self) { try CSVReader(path: "/nonexistent/claims.csv") }
    }

    @Test func everyChunkSizeReadsTheSameRows() throws {
        // Row boundaries, quotes, CRLF pairs and doubled quotes all fall across chunk edges somewhere.
        let text = "id,text,n\r\n1,\"a,\"\"b\"\"\r\nc\",10\r\n2,plain,20\r\n\r\n3,\"\",30\r\n4,\"end\"\"\",40"
        let folder = try TemporaryFolder()
        let path = try folder.write("c.csv", text)
        let expected = try rows(try CSVReader(text: text))
        #expect(expected.count == 4)
        for chunk in [4, 5, 6, 7, 8, 11, 13, 64] {
            let reader = try CSVReader(path: path, chunkSize: chunk)
            #expect(reader.header == ["id", "text", "n"])
            let got = try rows(reader)
            #expect(got.map(\.fields) == expected.map(\.fields), "chunk \(chunk)")
            #expect(got.map(\.line) == expected.map(\.line), "chunk \(chunk)")
        }
    }

    @Test func rowsLongerThanTheLimitAreSkippedAndReported() throws {
        let folder = try TemporaryFolder()
        let long = String(repeating: "x", count: 1000)
        // A long row; one with quoted line breaks, a CRLF end; and one at the end without a newline.
        let text = "a,b\n1,2\n3,\(long)\n4,5\n\"6\n\n\",\"\(long)\"\r\n7,8\r\n9,\(long)"
        let path = try folder.write("big.csv", text)
        for chunk in [16, 64, 300] {
            let reader = try CSVReader(path: path, chunkSize: chunk, maxRecordBytes: 256)
            var rows: [String] = []
            var skipped: [Int] = []
            try reader.forEachRow(report: { skipped.append($0.location.line) }) {
                rows.append("\(reader.line):" + reader.fields.joined(separator: ","))
            }
            #expect(rows == ["2:1,2", "4:4,5", "8:7,8"], "chunk \(chunk)")
            #expect(skipped == [3, 5, 9], "chunk \(chunk)")
        }
        let reader = try CSVReader(path: path, chunkSize: 16, maxRecordBytes: 256)
        #expect(try reader.next())
        #expect(throws: CSVError.recordTooLarge(at: SourceLocation(file: path, line: 3), limit: 256)) {
            try reader.next()
        }
        #expect(try reader.next())
        #expect(reader.fields == ["4", "5"])
    }

    @Test func chunksSkipRowsLongerThanTheLimit() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write(
            "big.csv", "a,b\n1,2\n3,\(String(repeating: "y", count: 5000))\n4,5\n")
        let reader = try CSVReader(path: path, chunkSize: 64, maxRecordBytes: 1024)
        var chunks: [String] = []
        var problems: [Int] = []
        while true {
            do {
                guard let chunk = try reader.nextChunk(targetBytes: 4) else { break }
                chunks.append("\(chunk.firstLine):" + String(decoding: chunk.bytes, as: UTF8.self))
            } catch let error as CSVError where error.isRecoverable {
                problems.append(error.location!.line)
            }
        }
        #expect(chunks == ["2:1,2\n", "4:4,5\n"])
        #expect(problems == [3])
    }

    @Test func readsALargeFileInSmallChunks() throws {
        // Many chunk refills: every row comes back whole and in order.
        var text = "id,value\n"
        for i in 0..<20_000 { text += "\(i),\"v\(i)\"\n" }
        let folder = try TemporaryFolder()
        let reader = try CSVReader(path: try folder.write("many.csv", text), chunkSize: 1000)
        var count = 0
        while try reader.next() {
            #expect(reader.field(0).string == String(count))
            count += 1
        }
        #expect(count == 20_000)
        #expect(reader.bytesConsumed == text.utf8.count)
    }

    @Test func splitPointsFallOnRecordStartsOutsideQuotes() throws {
        // Quoted fields with newlines, doubled quotes and lengths that put them across every byte of
        // the scan's eight-byte words: each point must be where a record starts.
        var text = "id,note,n\n"
        var starts: Set<Int> = []
        for i in 0..<3_000 {
            starts.insert(text.utf8.count)
            let note = String(repeating: "\n", count: i % 3) + String(repeating: "\"\"", count: i % 4) + "#x\(i)"
            text += "\(i),\"\(note)\",\(i % 7)\n"
        }
        let folder = try TemporaryFolder()
        let path = try folder.write("quoted.csv", text)
        for parts in 2...9 {
            let points = try #require(try CSVReader(path: path).splitPoints(parts: parts, minimumBytes: 0))
            #expect(points.count == parts + 1)
            #expect(points.first == "id,note,n\n".utf8.count && points.last == text.utf8.count)
            #expect(zip(points, points.dropFirst()).allSatisfy { $0 < $1 })
            for point in points.dropFirst().dropLast() { #expect(starts.contains(point), "\(parts) parts: \(point)") }
        }
    }
}
