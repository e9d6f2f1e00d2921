import Dispatch
import Foundation
import Synchronization

/// Scores a CSV stream of any size in constant memory: the input is cut into chunks of whole rows
/// (`CSVReader.nextChunk`), worker threads each parse, extract, score and format a chunk, and the
/// results are written in input order. At most `2 × threads` chunks are in flight, so memory does
/// not grow with the input, and reading, scoring and writing overlap.
///
/// ```swift
/// let job = try ScoringJob(model: file, input: CSVReader(path: "claims.csv"))
/// let summary = try job.run(
///     write: { try output.write($0) }, reject: { rejects.append($0) }, progress: { _ in })
/// ```
///
/// Output, one line per scored row: the id (or the line number when the schema has no id), the
/// probability with six decimals, the reasons when asked for, then the kept columns. Text is spreadsheet-safe and quoted as
/// CSV needs. The same input gives the same bytes on any number of threads and for any chunk size.
public struct ScoringJob {
    public struct Options: Sendable {
        /// Worker threads.
        public var threads = ProcessInfo.processInfo.activeProcessorCount
        /// Columns of the input copied to the output after the probability, by name.
        public var keep: [String] = []
        /// Stop at the first rejected row.
        public var strict = false
        /// Per row, this many reasons in words (`reason_1`, …) after the probability, the largest
        /// first (`Explanation.reasons`): what moved the row's probability, from the explainer.
        public var reasons = 0
        /// About how many bytes of input one chunk holds. A quarter of a megabyte keeps the chunks
        /// in flight small: with the default model, peak memory measured 37 MB for 100k, 1M and
        /// 10M rows alike; 1 MB chunks were no faster and measured 44, 48 and 52 MB.
        public var chunkBytes = 256 << 10

        public init() {}
    }

    /// What a run did.
    public struct Summary: Sendable, Equatable {
        public var rows = 0
        public var rejected = 0
        /// Input bytes read.
        public var bytes = 0
    }

    /// A problem that ends the run: a row problem under `strict`, or the input's.
    public enum Failure: Error, CustomStringConvertible, Equatable {
        case strict(RowProblem)
        case missingColumn(String, file: String)

        public var description: String {
            switch self {
            case .strict(let problem):
                "\(problem) (--strict stops at the first row that cannot be scored)"
            case .missingColumn(let name, let file):
                "\(file): there is no column \(name) to keep; the header has the columns the output can copy"
            }
        }
    }

    let file: ModelFile
    let scorer: ModelFile.Scorer
    let input: CSVReader
    let bound: BoundSchema
    let keep: [Int]
    let explainer: Explainer?
    let options: Options
    let workspaces: WorkspacePool

    /// Checks `input`'s header against the model's schema and the columns to keep.
    public init(model file: ModelFile, input: CSVReader, options: Options = Options()) throws {
        self.file = file
        self.input = input
        self.options = options
        bound = try BoundSchema(file.extractor.schema, header: input.header, file: input.file, label: .ignored)
        keep = try options.keep.map { name in
            guard let index = input.header.firstIndex(of: name) else {
                throw Failure.missingColumn(name, file: input.file)
            }
            return index
        }
        scorer = file.scorer(width: file.extractor.width)
        explainer = options.reasons > 0 ? Explainer(file, threads: options.threads) : nil
        workspaces = WorkspacePool(features: file.extractor.schema.features.count)
    }

    /// The output's header line.
    public var header: [UInt8] {
        var line: [UInt8] = []
        appendTextField(file.extractor.schema.id ?? "line", to: &line)
        line += Array(",probability".utf8)
        for k in 0..<options.reasons { line += Array(",reason_\(k + 1)".utf8) }
        for name in options.keep {
            line.append(UInt8(ascii: ","))
            appendTextField(name, to: &line)
        }
        line.append(0x0A)
        return line
    }

    /// Scores the whole input: `write` receives output lines in order (the header first), `reject`
    /// each row that cannot be scored in line order, `progress` the summary so far after each chunk.
    /// Throws the input's fatal errors (an unterminated quote, a row over the length limit) and,
    /// under `strict`, the first row problem; what was written before then is incomplete.
    public func run(
        write: ([UInt8]) throws -> Void, reject: (RowProblem) throws -> Void, progress: (Summary) -> Void
    ) throws -> Summary {
        try write(header)
        var summary = Summary()
        let window = 2 * options.threads
        let workers = DispatchSemaphore(value: options.threads)
        var inFlight: [Pending] = []
        // Whatever ends the run, wait for the chunks still being scored: they read shared state.
        defer { for pending in inFlight { pending.done.wait() } }

        func finishOldest() throws {
            let pending = inFlight.removeFirst()
            pending.done.wait()
            let result = try pending.result!.get()
            for problem in result.rejects {
                if options.strict { throw Failure.strict(problem) }
                try reject(problem)
            }
            try write(result.output)
            summary.rows += result.rows
            summary.rejected += result.rejects.count
            summary.bytes = result.end
            progress(summary)
        }

        while true {
            let next: CSVChunk?
            do {
                next = try input.nextChunk(targetBytes: options.chunkBytes)
            } catch let error as CSVError where error.isRecoverable {
                // A row the reader skipped (longer than its limit): its reject takes its place in order.
                if inFlight.count == window { try finishOldest() }
                var skipped = ChunkResult()
                skipped.rejects = [RowProblem(error.location!, error.shortDescription)]
                skipped.end = input.bytesConsumed
                let pending = Pending()
                pending.result = .success(skipped)
                pending.done.signal()
                inFlight.append(pending)
                continue
            }
            guard let chunk = next else { break }
            if inFlight.count == window { try finishOldest() }
            workers.wait()
            let pending = Pending()
            inFlight.append(pending)
            let job = UncheckedSendable(self)
            DispatchQueue.global().async {
                pending.result = Result { try job.value.score(chunk) }
                workers.signal()
                pending.done.signal()
            }
        }
        while !inFlight.isEmpty { try finishOldest() }
        return summary
    }

    /// One chunk's output lines and rejected rows.
    struct ChunkResult {
        var output: [UInt8] = []
        var rejects: [RowProblem] = []
        var rows = 0
        /// Input bytes up to the chunk's end.
        var end = 0
    }

    /// A chunk being scored: its result, and a signal when it is there.
    final class Pending: @unchecked Sendable {
        var result: Result<ChunkResult, Error>?
        let done = DispatchSemaphore(value: 0)
    }

    /// Parses, extracts, scores and formats one chunk.
    func score(_ chunk: CSVChunk) throws -> ChunkResult {
        var result = ChunkResult()
        result.end = chunk.offset + chunk.bytes.count
        let reader = CSVReader(chunk: chunk, header: input.header, file: input.file)
        let workspace = workspaces.take()
        defer { workspaces.give(workspace) }
        let batch = try file.extractor.transform(reader, bound: bound, keeping: keep, workspace: workspace) {
            result.rejects.append($0)
        }
        let probabilities = scorer.probabilities(batch.matrix, threads: 1)
        // Each row's contributions per input, worked out for the whole chunk at once, then its reasons.
        let inputs = file.extractor.schema.features.count
        let contributions = explainer?.inputContributions(batch.matrix, rows: 0..<probabilities.count) ?? []
        var scratch: [UInt8] = []
        result.rows = probabilities.count
        result.output.reserveCapacity(probabilities.count * (24 + 16 * keep.count + 48 * options.reasons))
        contributions.withUnsafeBufferPointer { phi in
            for (r, p) in probabilities.enumerated() {
                appendTextField(batch.ids[r], to: &result.output)
                result.output.append(UInt8(ascii: ","))
                appendProbability(p, to: &result.output)
                explainer?.appendReasons(
                    UnsafeBufferPointer(rebasing: phi[(r * inputs)..<((r + 1) * inputs)]), row: r, of: batch.matrix,
                    first: options.reasons, to: &result.output, scratch: &scratch)
                for k in 0..<keep.count {
                    result.output.append(UInt8(ascii: ","))
                    appendTextField(batch.kept[r * keep.count + k], to: &result.output)
                }
                result.output.append(0x0A)
            }
        }
        return result
    }
}

/// The extraction workspaces of a scoring run, one per chunk being scored: a chunk takes one and
/// gives it back, so the code-list caches stay warm from chunk to chunk (a chunk of 2,000 rows
/// would otherwise extract most of its lists the long way). Each cache remembers at most 8,192
/// lists, about half a megabyte, so that memory stays flat in the input's size.
final class WorkspacePool: Sendable {
    static let listsPerCache = 1 << 13

    private let features: Int
    private let free = Mutex<[ExtractionWorkspace]>([])

    init(features: Int) {
        self.features = features
    }

    func take() -> ExtractionWorkspace {
        free.withLock { $0.popLast() } ?? ExtractionWorkspace(features: features, listsPerCache: Self.listsPerCache)
    }

    func give(_ workspace: ExtractionWorkspace) {
        free.withLock { $0.append(workspace) }
    }
}
