/// A place in an input file: the file, a 1-based line and, where it is known, a 1-based column.
///
/// Columns are CSV columns (the 1-based field number, as a spreadsheet counts them), not character
/// offsets: a claims export is read by people in a spreadsheet, where "column 5" is what they find.
///
/// ```swift
/// let here = SourceLocation(file: "denials.csv", line: 12, column: 5)
/// print(here)   // denials.csv:12:5
/// ```
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file as the user named it (`<stdin>` for standard input).
    public var file: String
    /// 1-based physical line; a quoted field that holds newlines spans several lines.
    public var line: Int
    /// 1-based CSV column, or `nil` when the problem is the whole line or file.
    public var column: Int?

    public init(file: String, line: Int, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `FILE:LINE:COLUMN`, or `FILE:LINE` without a column: the form editors and CI logs link to.
    public var description: String {
        if let column { return "\(file):\(line):\(column)" }
        return "\(file):\(line)"
    }
}
