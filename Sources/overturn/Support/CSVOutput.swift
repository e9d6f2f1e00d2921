import Foundation
import Overturn

// What the commands write into CSV files: quoted fields, spreadsheet-safe text, rejects files.

/// A field for a CSV file, quoted when it needs to be.
func csvQuoted(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

/// A text cell that a spreadsheet would run as a formula (it starts with =, +, -, @, a tab or a
/// carriage return) gets a leading apostrophe, so it opens as text.
func spreadsheetSafe(_ text: String) -> String {
    guard let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return text }
    return "'" + text
}

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
