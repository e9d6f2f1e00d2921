/// What can go wrong while reading a CSV file, with the place it went wrong.
///
/// A caller can match the cases (`catch CSVError.wrongFieldCount(let at, _, _)`); the description is
/// written for the person who has to fix the file.
public enum CSVError: Error, Sendable, Equatable {
    /// The file could not be opened.
    case cannotOpen(file: String, reason: String)
    /// Reading failed part-way (a disk or pipe error).
    case readFailed(file: String, reason: String)
    /// The file holds no bytes at all, or only a byte-order mark and blank lines.
    case emptyFile(file: String)
    /// The file is UTF-16 (it starts with a UTF-16 byte-order mark).
    case utf16(file: String)
    /// A quoted field is never closed: the quote opens at `at` and the file ends inside it.
    case unterminatedQuote(at: SourceLocation)
    /// After a closing quote comes something other than a comma or the end of the line.
    case unexpectedCharacterAfterQuote(at: SourceLocation)
    /// A row has more or fewer fields than the header.
    case wrongFieldCount(at: SourceLocation, expected: Int, found: Int)
    /// A field holds bytes that are not UTF-8.
    case invalidUTF8(at: SourceLocation)
    /// A row is longer than the reader's limit (a runaway field, or not a CSV file at all).
    case recordTooLarge(at: SourceLocation, limit: Int)

    /// Whether the reader can go on after this error: it has skipped the offending row whole.
    ///
    /// `overturn validate` lists every recoverable problem; scoring sends such rows to the rejects
    /// file. Unrecoverable errors end the read.
    public var isRecoverable: Bool {
        switch self {
        case .wrongFieldCount, .invalidUTF8, .recordTooLarge: true
        default: false
        }
    }

    /// Where the error is, when it is inside the file.
    public var location: SourceLocation? {
        switch self {
        case .unterminatedQuote(let at), .unexpectedCharacterAfterQuote(let at),
            .wrongFieldCount(let at, _, _), .invalidUTF8(let at), .recordTooLarge(let at, _):
            at
        case .cannotOpen(let file, _), .readFailed(let file, _), .emptyFile(let file),
            .utf16(let file):
            SourceLocation(file: file, line: 1)
        }
    }
}

extension CSVError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .cannotOpen(let file, let reason):
            return "\(file): cannot open: \(reason)"
        case .readFailed(let file, let reason):
            return "\(file): read failed: \(reason)"
        case .emptyFile(let file):
            return "\(file):1: the file is empty; expected a header row naming the columns"
        case .utf16(let file):
            return "\(file):1: the file is UTF-16; save it as UTF-8 (CSV UTF-8 in a spreadsheet's Save As)"
        case .unterminatedQuote(let at):
            return "\(at): quoted field never closed: the file ends inside it"
                + " (a quote inside a quoted field must be doubled: \"\")"
        case .unexpectedCharacterAfterQuote(let at):
            return "\(at): unexpected text after a closing quote; expected a comma or the end of the line"
                + " (a quote inside a quoted field must be doubled: \"\")"
        case .wrongFieldCount(let at, let expected, let found):
            let what = found > expected ? "too many fields" : "too few fields"
            return "\(at): \(what): found \(found), expected \(expected) as in the header"
        case .invalidUTF8(let at):
            return "\(at): the field is not valid UTF-8; save the file as UTF-8"
        case .recordTooLarge(let at, let limit):
            return "\(at): the row is longer than the limit of \(limit) bytes"
                + " (is a quote left open, or is this not a CSV file?)"
        }
    }
}
