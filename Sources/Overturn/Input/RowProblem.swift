/// A row that was not used, and why: what `validate` prints and what goes to a rejects file.
public struct RowProblem: Sendable, Equatable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String

    public init(_ location: SourceLocation, _ message: String) {
        self.location = location
        self.message = message
    }

    /// `FILE:LINE:COLUMN: message`.
    public var description: String { "\(location): \(message)" }
}

extension CSVReader {
    /// Calls `body` for each row, turning recoverable CSV errors (a wrong field count, invalid
    /// UTF-8) into problems passed to `report`; other errors end the read and are thrown.
    public func forEachRow(report: (RowProblem) -> Void, _ body: () throws -> Void) throws {
        while true {
            do {
                guard try next() else { return }
            } catch let error as CSVError where error.isRecoverable {
                report(RowProblem(error.location!, error.shortDescription))
                continue
            }
            try body()
        }
    }
}

extension CSVError {
    /// The description without the location prefix, for a `RowProblem`.
    public var shortDescription: String {
        let text = description
        guard let location, let range = text.range(of: "\(location): ") else { return text }
        return String(text[range.upperBound...])
    }
}
