/// A schema file that cannot be used, or a CSV file whose columns do not fit its schema.
public enum SchemaError: Error, Sendable, Equatable {
    /// The schema file could not be read.
    case unreadable(file: String, reason: String)
    /// The schema file is not JSON.
    case invalidJSON(file: String, reason: String)
    /// The schema is JSON but wrong at `path` (`features[2].kind`).
    case invalid(file: String, path: String, message: String)
    /// `--schema NAME` names no built-in schema and no file.
    case unknown(name: String)
    /// The CSV header lacks a column the schema needs.
    case missingColumn(at: SourceLocation, column: String, role: String, suggestion: String?)
    /// The CSV header names a column the schema uses more than once.
    case duplicateColumn(at: SourceLocation, column: String)
    /// No `--schema` was given and no built-in schema fits the header.
    case noSchemaFits(file: String)

    init(decoding error: DecodingError, file: String) {
        func path(_ keys: [CodingKey]) -> String {
            var text = ""
            for key in keys {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return text.isEmpty ? "(top level)" : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            self = .invalid(file: file, path: path(context.codingPath + [key]), message: "is required")
        case .typeMismatch(let type, let context):
            self = .invalid(file: file, path: path(context.codingPath), message: "expected \(Self.describe(type))")
        case .valueNotFound(let type, let context):
            self = .invalid(
                file: file, path: path(context.codingPath), message: "expected \(Self.describe(type)), found null")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                let reason = context.underlyingError.map { "\($0)" } ?? context.debugDescription
                self = .invalidJSON(file: file, reason: reason)
            } else {
                var message = context.debugDescription
                if let last = context.codingPath.last, message.hasPrefix("Cannot initialize") {
                    message =
                        "not a valid value for \"\(last.stringValue)\""
                        + Self.allowedValues(for: last.stringValue)
                }
                self = .invalid(file: file, path: path(context.codingPath), message: message)
            }
        @unknown default:
            self = .invalidJSON(file: file, reason: "\(error)")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Double.Type, is Int.Type: "a number"
        case is Bool.Type: "true or false"
        case is [String].Type: "a list of strings"
        default: "\(type)".contains("Array") ? "a list" : "an object"
        }
    }

    private static func allowedValues(for key: String) -> String {
        switch key {
        case "kind": "; expected one of: " + FeatureKind.allCases.map(\.rawValue).joined(separator: ", ")
        case "hierarchy": "; expected one of: " + CodeHierarchy.allCases.map(\.rawValue).joined(separator: ", ")
        case "direction":
            "; expected one of: " + Actionability.Direction.allCases.map(\.rawValue).joined(separator: ", ")
        default: ""
        }
    }
}

extension SchemaError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            return "\(file): cannot read the schema: \(reason)"
        case .invalidJSON(let file, let reason):
            return "\(file): the schema is not valid JSON: \(reason)"
        case .invalid(let file, let path, let message):
            return "\(file): \(path): \(message)"
        case .unknown(let name):
            return
                "no schema \"\(name)\": name a built-in schema (\(Schema.builtIn.map(\.name).joined(separator: ", "))) or a JSON schema file"
        case .missingColumn(let at, let column, let role, let suggestion):
            var text = "\(at): the header has no column \"\(column)\" (the \(role))"
            if let suggestion { text += "; did you mean \"\(suggestion)\"?" }
            return text
        case .duplicateColumn(let at, let column):
            return
                "\(at): the header names the column \"\(column)\" more than once; the schema cannot tell which to use"
        case .noSchemaFits(let file):
            return
                "\(file):1: no built-in schema fits this header (\(Schema.builtIn.map(\.name).joined(separator: ", "))); pass --schema with a JSON schema file that maps its columns"
        }
    }
}
