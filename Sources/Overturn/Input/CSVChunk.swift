/// Whole rows of a CSV file, cut from it so that another thread can parse them: the unit of
/// streaming work (`CSVReader.nextChunk`, then `CSVReader(chunk:)`).
public struct CSVChunk: Sendable {
    /// The rows' bytes, from the start of a row to the end of a row (or of the file).
    public var bytes: [UInt8]
    /// The line the first row starts on.
    public var firstLine: Int
    /// The bytes of the input before the chunk (header included), for progress.
    public var offset: Int
}

/// Finds where rows end in CSV bytes without parsing fields, the way `CSVReader` reads them: a row
/// ends at a line feed, a CR LF or a lone CR outside quotes; a field is quoted when it starts with a
/// quote, and inside it a doubled quote is a quote and line ends are part of the value. Counts
/// lines as the reader does (each row end, and each line feed inside quotes).
struct RowEndScanner {
    private(set) var inQuotes = false
    /// Bytes scanned, and lines seen in them.
    private(set) var scanned = 0
    private(set) var lines = 0
    /// The end of the last complete row found, and the lines up to it.
    private(set) var lastRowEnd = 0
    private(set) var linesAtLastRowEnd = 0

    /// Scans on from `scanned` in `bytes[0 ..< count]`, where `bytes[0]` starts a row. Stops early
    /// at a byte whose meaning depends on the next one (a CR or a quote at the end) unless
    /// `atEnd`, or once `lastRowEnd` reaches `enough`.
    mutating func scan(_ bytes: UnsafePointer<UInt8>, count: Int, atEnd: Bool, enough: Int) {
        var i = scanned
        while i < count && lastRowEnd < enough {
            if !inQuotes {
                // Eight bytes at a time while none is a quote or a CR: only line feeds matter.
                while i &+ 8 <= count {
                    let word = UnsafeRawPointer(bytes + i).loadUnaligned(as: UInt64.self)
                    if zeroBytes(word ^ quotes) | zeroBytes(word ^ crs) != 0 { break }
                    let feeds = everyZeroByte(word ^ lfs)
                    if feeds != 0 {
                        lines &+= feeds.nonzeroBitCount
                        lastRowEnd = i &+ (63 &- feeds.leadingZeroBitCount) / 8 &+ 1
                        linesAtLastRowEnd = lines
                        if lastRowEnd >= enough { break }
                    }
                    i &+= 8
                }
                if i >= count || lastRowEnd >= enough { break }
                let b = bytes[i]
                if b == lf {
                    rowEnd(after: i)
                } else if b == cr {
                    if i + 1 == count && !atEnd { break }
                    if i + 1 == count || bytes[i + 1] != lf { rowEnd(after: i) }  // a CR LF ends at the LF
                } else if b == quote && (i == 0 || bytes[i - 1] == comma || bytes[i - 1] == lf || bytes[i - 1] == cr) {
                    inQuotes = true
                }
                i += 1
            } else {
                let b = bytes[i]
                if b == quote {
                    if i + 1 == count && !atEnd { break }
                    if i + 1 < count && bytes[i + 1] == quote {
                        i += 2
                        continue
                    }
                    inQuotes = false
                } else if b == lf {
                    lines += 1
                }
                i += 1
            }
        }
        scanned = i
    }

    private mutating func rowEnd(after i: Int) {
        lines += 1
        lastRowEnd = i + 1
        linesAtLastRowEnd = lines
    }
}
