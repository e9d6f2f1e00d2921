import Foundation
import Overturn

// What the commands write into CSV files besides their results: rejects files.

/// Writes rejected rows as `line,column,reason` (nothing when there are none, and an old file of
/// that name is removed so it cannot be mistaken for this run's).
func writeRejects(_ rejects: [RowProblem], to path: String) throws {
    let writer = RejectsFile(path: path)
    for r in rejects { try writer.add(r) }
    try writer.finish()
}

/// A rejects file written as rows are rejected, so that memory does not grow with their number:
/// `line,column,reason`, created at the first rejected row and committed by `finish()` (which
/// removes an old file of that name when there were none).
final class RejectsFile {
    let path: String
    private var out: OutputFile?

    init(path: String) { self.path = path }

    func add(_ problem: RowProblem) throws {
        if out == nil {
            out = try OutputFile(path: path)
            try out!.write("line,column,reason\n")
        }
        try out!.write(
            "\(problem.location.line),\(problem.location.column.map(String.init) ?? ""),\(csvQuoted(problem.message))\n"
        )
    }

    func finish() throws {
        if let out {
            try out.commit()
        } else {
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}
