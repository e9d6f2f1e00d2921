// libFuzzer target: any bytes as a CSV file, read whole and in chunks of every size the first byte
// picks. Reading must end in rows or a `CSVError`, never a trap; both ways must see the same rows.
// Then from a file with a row limit of 64 bytes: rows too long are skipped, and every row read is
// the row read on the same line without a limit.
import Foundation
import Overturn

/// Rows by line, reading on after recoverable errors, until the end or another error.
private func rowsByLine(_ reader: CSVReader) -> [Int: [String]] {
    var rows: [Int: [String]] = [:]
    while true {
        do {
            guard try reader.next() else { break }
            rows[reader.line] = reader.fields
        } catch let error as CSVError where error.isRecoverable {
            continue
        } catch {
            break
        }
    }
    return rows
}

private let path = NSTemporaryDirectory() + "fuzzcsv-\(getpid()).csv"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: start, count: count)
    var whole: [[String]] = []
    if let reader = try? CSVReader(bytes: bytes, name: "fuzz.csv") {
        while (try? reader.next()) == true {
            whole.append((0..<reader.fieldCount).map { reader.field($0).string })
        }
    }
    // In chunks: the same rows, whatever the cut.
    guard count > 0, let reader = try? CSVReader(bytes: bytes, name: "fuzz.csv") else { return 0 }
    let target = Int(bytes[0]) % 64 + 1
    var chunked: [[String]] = []
    while let chunk = try? reader.nextChunk(targetBytes: target) {
        let rows = CSVReader(chunk: chunk, header: reader.header, file: reader.file)
        while (try? rows.next()) == true {
            chunked.append((0..<rows.fieldCount).map { rows.field($0).string })
        }
    }
    if !whole.isEmpty && whole.count == chunked.count { precondition(whole == chunked, "chunks read other rows") }

    // A row limit: skipping a long row must find its end as the parser would.
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes)),
        let unlimited = try? CSVReader(path: path, chunkSize: 16),
        let limited = try? CSVReader(path: path, chunkSize: 16, maxRecordBytes: 64)
    else { return 0 }
    let expected = rowsByLine(unlimited)
    for (line, fields) in rowsByLine(limited) {
        if let other = expected[line] { precondition(other == fields, "line \(line) read otherwise with a row limit") }
    }
    return 0
}
