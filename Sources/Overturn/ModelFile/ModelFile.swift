import Foundation

/// Everything scoring needs, in one versioned JSON file: the fitted feature extractor (with its
/// schema), the model, and how it was trained.
///
/// ```swift
/// let file = ModelFile(extractor: extractor, model: .logistic(model), training: metadata)
/// try file.write(to: "Models/claims-logistic.json")
/// let loaded = try ModelFile.load(path: "Models/claims-logistic.json")
/// let p = loaded.probabilities(batch.matrix)
/// ```
///
/// The same model always writes the same bytes (sorted keys); writes are atomic.
public struct ModelFile: Sendable, Equatable, Codable {
    /// What the `format` field holds.
    public static let formatName = "overturn-model"
    /// The version this code writes and the newest it reads.
    public static let currentFormatVersion = 1
    /// Overturn's version, written into every file.
    public static let overturnVersion = "0.1.0"

    public var format: String
    public var formatVersion: Int
    public var overturnVersion: String
    public var extractor: FeatureExtractor
    public var model: Model
    /// Maps the model's margins to the probabilities users read; without one, the logistic function.
    public var calibrator: Calibrator?
    public var training: TrainingMetadata

    public init(extractor: FeatureExtractor, model: Model, calibrator: Calibrator? = nil, training: TrainingMetadata) {
        format = Self.formatName
        formatVersion = Self.currentFormatVersion
        overturnVersion = Self.overturnVersion
        self.extractor = extractor
        self.model = model
        self.calibrator = calibrator
        self.training = training
    }

    /// The kinds of model a file can hold.
    public enum Model: Sendable, Equatable {
        case logistic(LogisticRegression)
        case trees(GradientBoostedTrees)
    }

    /// How and on what the model was trained.
    public struct TrainingMetadata: Sendable, Equatable, Codable {
        /// The training file as it was named.
        public var dataFile: String
        public var rows: Int
        public var positiveRows: Int
        /// Rows not used, with a problem (listed in the rejects file at training time).
        public var rejectedRows: Int
        /// ISO 8601, UTC.
        public var date: String
        /// The SHA-256 of the training file's bytes (lowercase hex), so that a model names exactly
        /// the data it came from; nil when it was not a file (standard input) or for older models.
        public var dataSHA256: String?
        /// How the calibrator was fitted, when there is one: on the out-of-fold margins of this
        /// many folds of the training rows.
        public var calibrationFolds: Int?

        public init(dataFile: String, rows: Int, positiveRows: Int, rejectedRows: Int, date: Date = Date()) {
            self.dataFile = dataFile
            self.rows = rows
            self.positiveRows = positiveRows
            self.rejectedRows = rejectedRows
            let formatter = ISO8601DateFormatter()
            formatter.timeZone = TimeZone(identifier: "UTC")
            self.date = formatter.string(from: date)
        }
    }

    // MARK: - Scoring

    /// The log-odds of every row, on `threads` threads.
    public func margins(_ matrix: FeatureMatrix, threads: Int = 1) -> [Double] {
        scorer().margins(matrix, threads: threads)
    }

    /// The model made ready to score many batches (a tree ensemble's layout is built once, and
    /// how matrices of `width` columns feed it).
    public func scorer(width: Int? = nil) -> Scorer { model.scorer(width: width, calibrator: calibrator) }

    /// A model ready to score, with its calibrator.
    public struct Scorer: Sendable {
        public enum Model: Sendable {
            case logistic(LogisticRegression)
            case trees(GradientBoostedTrees.Scorer)
        }
        public let model: Model
        /// The calibrator, made ready for many margins.
        let probability: CalibratedProbability
        public var calibrator: Calibrator? { probability.calibrator }

        init(model: Model, calibrator: Calibrator?) {
            self.model = model
            probability = CalibratedProbability(calibrator)
        }

        /// The log-odds of every row, on `threads` threads.
        public func margins(_ matrix: FeatureMatrix, threads: Int = 1) -> [Double] {
            switch model {
            case .logistic(let m): m.margins(matrix, threads: threads)
            case .trees(let s): s.margins(matrix, threads: threads)
            }
        }

        /// The probability of an overturn for every row, on `threads` threads.
        public func probabilities(_ matrix: FeatureMatrix, threads: Int = 1) -> [Double] {
            margins(matrix, threads: threads).map(probability.callAsFunction)
        }
    }

    /// The probability of an overturn for every row, on `threads` threads.
    public func probabilities(_ matrix: FeatureMatrix, threads: Int = 1) -> [Double] {
        scorer().probabilities(matrix, threads: threads)
    }

    /// The trees, when the model is a tree ensemble.
    public var trees: GradientBoostedTrees? {
        if case .trees(let m) = model { return m }
        return nil
    }

    /// A short name of the model's kind.
    public var kind: String {
        switch model {
        case .logistic: "logistic"
        case .trees: "trees"
        }
    }

    // MARK: - Files

    /// Writes the file atomically, keys sorted.
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let out = try OutputFile(path: path)
        try out.write(try encoder.encode(self))
        try out.write("\n")
        try out.commit()
    }

    /// Loads and checks a model file.
    ///
    /// Throws `ModelFileError` naming the file and, for a malformed one, the place inside it.
    public static func load(path: String) throws -> ModelFile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ModelFileError.unreadable(file: path, reason: (error as NSError).localizedDescription)
        }
        return try decode(data, file: path)
    }

    /// Checks and decodes the bytes of a model file (`load`), named `path` in errors.
    ///
    /// One pass over the bytes: `init(from:)` reads the header first and stops at a file that is
    /// not a model or is newer than this code reads. (The JSON decoder scans the whole text
    /// whatever it decodes: a separate decoding of the header scanned the default model's 3.9 MB
    /// twice, 0.015-0.02 s of the 0.13 s that `overturn score` of one row takes.)
    public static func decode(_ data: Data, file path: String) throws -> ModelFile {
        let file: ModelFile
        do {
            file = try JSONDecoder().decode(ModelFile.self, from: data)
        } catch HeaderProblem.notAModel {
            throw ModelFileError.notAModel(file: path)
        } catch HeaderProblem.newer(let version, let writer) {
            throw ModelFileError.newerFormat(
                file: path, version: version, writer: writer, supported: currentFormatVersion)
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            // Not JSON at all, or cut short: say so rather than "not a model".
            let reason = context.underlyingError.map { "\($0)" } ?? context.debugDescription
            let looksLikeOurs = data.range(of: Data("\"\(formatName)\"".utf8)) != nil
            throw ModelFileError.invalid(
                file: path,
                detail: looksLikeOurs
                    ? "\(path): the model file is not valid JSON (cut short?): \(reason)"
                    : "\(path): not an Overturn model file (not valid JSON: \(reason))")
        } catch let problem as BodyProblem {
            guard let error = problem.error as? DecodingError else {
                throw ModelFileError.invalid(
                    file: path, detail: "\(path): the model file is not valid JSON: The given data was not valid JSON.")
            }
            if case .invalidJSON(_, let reason) = SchemaError(decoding: error, file: path) {
                throw ModelFileError.invalid(file: path, detail: "\(path): the model file is not valid JSON: \(reason)")
            }
            throw ModelFileError.invalid(file: path, detail: "\(SchemaError(decoding: error, file: path))")
        } catch is DecodingError {
            throw ModelFileError.notAModel(file: path)  // JSON, but not an object (an array, a number, null)
        }
        switch file.model {
        case .logistic(let m):
            let width = file.extractor.width
            guard m.weights.count == width, m.columnMeans.count == width,
                m.scaling.allSatisfy({ $0.column >= 0 && $0.column < width && $0.scale > 0 }),
                (m.weights + m.columnMeans + [m.intercept]).allSatisfy(\.isFinite)
            else {
                throw ModelFileError.invalid(
                    file: path,
                    detail:
                        "\(path): model.logistic: does not fit the \(width) feature columns, or holds a number that is not finite"
                )
            }
        case .trees(let m):
            if let problem = m.problem(width: file.extractor.width) {
                throw ModelFileError.invalid(file: path, detail: "\(path): model.trees.\(problem)")
            }
        }
        return file
    }
}

/// A model file that cannot be used.
public enum ModelFileError: Error, Equatable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case notAModel(file: String)
    case newerFormat(file: String, version: Int, writer: String, supported: Int)
    case invalid(file: String, detail: String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            "\(file): cannot read the model: \(reason)"
        case .notAModel(let file):
            "\(file): not an Overturn model file (expected JSON with \"format\": \"\(ModelFile.formatName)\")"
        case .newerFormat(let file, let version, let writer, let supported):
            "\(file): model format version \(version) (written by Overturn \(writer)) is newer than this Overturn reads (\(supported)); upgrade Overturn"
        case .invalid(_, let detail):
            detail
        }
    }
}

extension ModelFile {
    /// What the header of a file says before the rest is read: not a model, or a newer format.
    enum HeaderProblem: Error {
        case notAModel
        case newer(version: Int, writer: String)
    }

    /// What is wrong past the header of a model file: a `DecodingError`, or the JSON decoder's
    /// own error for a number no Double holds (a syntax error is found before any of the file is
    /// read, by the decoder's scan of the whole text).
    struct BodyProblem: Error {
        let error: Error
    }

    /// Reads the header (`format`, `formatVersion`, `overturnVersion`) first: a file without
    /// `"format": "overturn-model"` is not a model, and one of a newer format is not read further.
    /// Its errors are for `decode(_:file:)`, which turns them into `ModelFileError`s.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let format: String?
        let version: Int?
        let writer: String?
        do {
            format = try c.decodeIfPresent(String.self, forKey: .format)
            version = try c.decodeIfPresent(Int.self, forKey: .formatVersion)
            writer = try c.decodeIfPresent(String.self, forKey: .overturnVersion)
        } catch {
            throw HeaderProblem.notAModel
        }
        guard let format, format == Self.formatName else { throw HeaderProblem.notAModel }
        if let version, version > Self.currentFormatVersion {
            throw HeaderProblem.newer(version: version, writer: writer ?? "unknown")
        }
        self.format = format
        do {
            // Read above; a missing one is the decoder's own error.
            formatVersion = try version ?? c.decode(Int.self, forKey: .formatVersion)
            overturnVersion = try writer ?? c.decode(String.self, forKey: .overturnVersion)
            extractor = try c.decode(FeatureExtractor.self, forKey: .extractor)
            model = try c.decode(Model.self, forKey: .model)
            calibrator = try c.decodeIfPresent(Calibrator.self, forKey: .calibrator)
            training = try c.decode(TrainingMetadata.self, forKey: .training)
        } catch {
            throw BodyProblem(error: error)
        }
    }
}

extension ModelFile.Model: Codable {
    private enum Key: String, CodingKey { case kind, logistic, trees }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        let kind = try c.decode(String.self, forKey: .kind)
        switch kind {
        case "logistic": self = .logistic(try c.decode(LogisticRegression.self, forKey: .logistic))
        case "trees": self = .trees(try c.decode(GradientBoostedTrees.self, forKey: .trees))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: c, debugDescription: "unknown model kind \"\(kind)\"; expected logistic or trees")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        switch self {
        case .logistic(let m):
            try c.encode("logistic", forKey: .kind)
            try c.encode(m, forKey: .logistic)
        case .trees(let m):
            try c.encode("trees", forKey: .kind)
            try c.encode(m, forKey: .trees)
        }
    }
}
