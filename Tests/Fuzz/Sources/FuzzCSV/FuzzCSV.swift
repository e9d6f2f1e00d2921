// libFuzzer target: any bytes as a CSV file, read whole and in chunks of every size the first byte
// picks. Reading must end in rows or a `CSVError`, never a trap; both ways must see the same rows.
import Overturn

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
    return 0
}
