import ArgumentParser
import Foundation

/// Where progress and summaries go: standard error, with live progress only on a terminal.
enum Terminal {
    /// Whether standard error is a terminal (progress lines are drawn only then).
    static let isInteractive = isatty(STDERR_FILENO) != 0

    /// Set by `--quiet`: nothing but errors.
    nonisolated(unsafe) static var quiet = false

    /// Prints a line to standard error, unless `--quiet`.
    static func say(_ text: String) {
        guard !quiet else { return }
        line(text)
    }

    /// Prints an error line to standard error, whatever `--quiet` says.
    static func error(_ text: String) {
        line("error: " + text)
    }

    private static func line(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Redraws the progress line in place (a terminal only; pipes and logs stay clean).
    static func progress(_ text: String) {
        guard isInteractive && !quiet else { return }
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + text).utf8))
    }

    /// Clears the progress line.
    static func endProgress() {
        guard isInteractive && !quiet else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}

/// Failures the CLI reports as `error: …` with a non-zero exit, without a stack of Swift types.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Formats counts with thousands separators: 1,000,000.
func grouped(_ n: Int) -> String {
    let digits = String(n)
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return out
}

/// `--quiet`, for every command that reports as it goes.
struct QuietOption: ParsableArguments {
    @Flag(name: [.short, .long], help: "Print nothing but errors (no progress, summary or warnings).")
    var quiet = false

    // Set here, as the arguments are checked, so that no command has to remember to.
    func validate() throws {
        Terminal.quiet = quiet
    }
}
