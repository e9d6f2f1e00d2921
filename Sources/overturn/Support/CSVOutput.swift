import Foundation
import Overturn

// What the commands write into CSV files besides their results: rejects files.

/// Writes rejected rows as `line,column,reason` (nothing when there are none, and an old file of
/// that name is removed so it cannot be mistaken for this run's).
func writeRejects(_ rejects: [RowProblem], to path: String) throws {
    guard !rejects.isEmpty else {
        try? FileManager.default.removeItem(atPath: path)
        return
    }
    let out = try OutputFile(path: path)
    try out.write("line,column,reason\n")
    for r in rejects {
        try out.write("\(r.location.line),\(r.location.column.map(String.init) ?? ""),\(csvQuoted(r.message))\n")
    }
    try out.commit()
}
