import ArgumentParser
import Overturn

/// How input CSV files are read: options shared by the commands that read them.
struct InputOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The longest row accepted, in bytes; a longer row is skipped (memory stays within it) and listed with its line in the rejects.",
            valueName: "bytes"))
    var maxRowBytes: Int = 16 << 20

    func validate() throws {
        guard maxRowBytes >= 1024 else { throw ValidationError("--max-row-bytes must be at least 1024") }
    }

    /// Opens `path` (or standard input for -) with these options.
    func reader(_ path: String) throws -> CSVReader {
        try CSVReader(path: path, maxRecordBytes: maxRowBytes)
    }
}
