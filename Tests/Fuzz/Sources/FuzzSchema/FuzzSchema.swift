// libFuzzer target: any bytes as a schema file. `Schema.decode` must throw a `SchemaError` or give
// a schema that binds to its own columns and extracts a row.
import Foundation
import Overturn

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSchema(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    guard let schema = try? Schema.decode(Data(bytes: start, count: count), file: "fuzz.json") else { return 0 }
    // A CSV of the schema's own columns, one row of plausible values, through fitting and extraction.
    var columns = schema.features.map(\.column)
    if let id = schema.id { columns.append(id) }
    if let label = schema.label { columns.append(label.column) }
    func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
    let header = columns.map(quoted).joined(separator: ",")
    let row = columns.map { _ in "1" }.joined(separator: ",")
    guard let reader = try? CSVReader(text: header + "\n" + row + "\n", name: "fuzz.csv") else { return 0 }
    _ = try? FeatureExtractor.fitTransform(reader, schema: schema)
    return 0
}
