#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A streaming RFC 4180 CSV reader over raw bytes, one row at a time, in bounded memory.
///
/// Use it for every CSV Overturn reads: claims exports, the IMR data, scoring input on stdin. It
/// reads the file in chunks (files larger than memory are fine), understands quoted fields (commas,
/// doubled quotes and newlines inside quotes), LF, CRLF and lone CR line ends, a UTF-8 byte-order
/// mark, and a last line with or without its newline. The first row is the header. Blank lines are
/// skipped. Fields are views into the reader's buffer, so the hot path allocates nothing.
///
/// ```swift
/// let reader = try CSVReader(path: "Datasets/claims-sample.csv")
/// let payer = reader.header.firstIndex(of: "payer")!
/// while try reader.next() {
///     print(reader.line, reader.field(payer).string)
/// }
/// ```
///
/// `next()` throws a `CSVError` that names the file, line and column. After a recoverable error
/// (`wrongFieldCount`, `invalidUTF8`, `recordTooLarge`) the reader has skipped that row and `next()` can be called
/// again; after any other error the read is over.
public final class CSVReader {
    /// The file as the user named it, for messages (`<stdin>` for standard input).
    public let file: String
    /// The header row's names, as written (byte-order mark removed).
    public private(set) var header: [String] = []
    /// The 1-based line where the current row starts.
    @exclusivity(unchecked) public private(set) var line = 0
    /// Bytes consumed so far, for progress reports.
    @exclusivity(unchecked) public private(set) var bytesConsumed = 0
    /// The size of the file in bytes, or `nil` for a pipe.
    public let fileSize: Int?
    // The reader is not shared between threads, and its hot state is read for every field: no
    // dynamic exclusivity checks on it (they showed in profiles of feature extraction).
    /// The longest row the reader accepts, in bytes.
    public let maxRecordBytes: Int

    private let fd: Int32
    private let ownsDescriptor: Bool
    @exclusivity(unchecked) private var buffer: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var capacity: Int
    @exclusivity(unchecked) private var position = 0  // start of the unparsed bytes
    @exclusivity(unchecked) private var end = 0  // end of the valid bytes
    @exclusivity(unchecked) private var atEOF = false
    @exclusivity(unchecked) private var nextLine = 1
    /// Bytes still to read from the file (a byte range reader stops at the range's end).
    private var remaining = Int.max
    /// Where the rows start in the file: after the byte-order mark and the header.
    public private(set) var dataStart = 0
    /// Field i of the current row is buffer[bounds[2i] ..< bounds[2i + 1]].
    @exclusivity(unchecked) private var bounds: UnsafeMutablePointer<Int>
    @exclusivity(unchecked) private var boundsCapacity = 64  // fields bounds has room for
    @exclusivity(unchecked) private var count = 0  // fields in the current row
    @exclusivity(unchecked) private var doubledQuotes: [Int] = []  // fields whose doubled quotes still need undoing

    /// Opens a file; `-` reads standard input.
    ///
    /// - Parameters:
    ///   - path: the file, or `-` for standard input.
    ///   - chunkSize: how many bytes one read asks for.
    ///   - maxRecordBytes: the longest row accepted; a longer one is skipped (memory stays within the
    ///     limit) and reported as `recordTooLarge`, and reading goes on.
    public init(path: String, chunkSize: Int = 1 << 20, maxRecordBytes: Int = 16 << 20) throws {
        if path == "-" {
            file = "<stdin>"
            fd = STDIN_FILENO
            ownsDescriptor = false
        } else {
            file = path
            fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw CSVError.cannotOpen(file: path, reason: Self.errnoText()) }
            ownsDescriptor = true
        }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG {
            fileSize = Int(info.st_size)
        } else {
            fileSize = nil
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            if ownsDescriptor { close(fd) }
            throw CSVError.cannotOpen(file: path, reason: "it is a folder, not a file")
        }
        self.maxRecordBytes = maxRecordBytes
        capacity = max(chunkSize, 4)
        buffer = .allocate(capacity: capacity)
        bounds = .allocate(capacity: 2 * boundsCapacity)
        try readHeader()  // on failure, deinit frees the buffer and closes the file
    }

    /// Reads the rows in bytes `range` of a file whose header is already known: one of several readers
    /// that split a file between threads. No header is read; lines are counted from 1 within the range
    /// (the caller adds the lines before it).
    init(
        path: String, range: Range<Int>, header: [String], chunkSize: Int = 1 << 20, maxRecordBytes: Int = 16 << 20
    ) throws {
        file = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CSVError.cannotOpen(file: path, reason: Self.errnoText()) }
        ownsDescriptor = true
        fileSize = range.count
        self.maxRecordBytes = maxRecordBytes
        capacity = chunkSize
        buffer = .allocate(capacity: capacity)
        bounds = .allocate(capacity: 2 * boundsCapacity)
        self.header = header
        remaining = range.count
        dataStart = range.lowerBound
        guard lseek(fd, off_t(range.lowerBound), SEEK_SET) == off_t(range.lowerBound) else {
            throw CSVError.readFailed(file: path, reason: Self.errnoText())
        }
    }

    /// The lines read so far (the line after the last row, less one).
    var linesRead: Int { nextLine - 1 }

    /// Offsets that split the rows after the header into `parts` byte ranges at record boundaries, or
    /// `nil` when the file cannot be split (not a regular file, or too small to be worth it).
    ///
    /// A boundary is a line feed with an even number of quotes before it since the header: outside
    /// any quoted field when quotes are used as RFC 4180 uses them. A stray quote inside an unquoted
    /// field can fool the count; the first range's reader then ends inside a quoted field and fails,
    /// and the caller reads the file in one piece instead.
    func splitPoints(parts: Int, minimumBytes: Int = 8 << 20) -> [Int]? {
        guard parts > 1, ownsDescriptor, let size = fileSize, size - dataStart >= minimumBytes else { return nil }
        let scan = open(file, O_RDONLY | O_CLOEXEC)
        guard scan >= 0 else { return nil }
        defer { close(scan) }
        let block = 1 << 20
        let chunk = UnsafeMutablePointer<UInt8>.allocate(capacity: block)
        defer { chunk.deallocate() }
        var points = [dataStart]
        var offset = dataStart
        var quotesSeen = 0
        var target = dataStart + (size - dataStart) / parts
        guard lseek(scan, off_t(offset), SEEK_SET) == off_t(offset) else { return nil }
        while points.count < parts {
            let n = read(scan, chunk, block)
            guard n > 0 else { return nil }
            var i = 0
            while i < n {
                if offset + i + 8 <= target && i + 8 <= n {  // before the target, only quotes count
                    let word = UnsafeRawPointer(chunk + i).loadUnaligned(as: UInt64.self)
                    quotesSeen += everyZeroByte(word ^ quotes).nonzeroBitCount
                    i += 8
                    continue
                }
                let b = chunk[i]
                if b == quote {
                    quotesSeen += 1
                } else if b == lf && offset + i >= target && quotesSeen % 2 == 0 {
                    points.append(offset + i + 1)
                    target = dataStart + (size - dataStart) * points.count / parts
                    if points.count == parts { break }
                }
                i += 1
            }
            offset += n
        }
        points.append(size)
        return points
    }

    /// Reads CSV text already in memory; `name` stands for the file in messages.
    public convenience init(bytes: some Collection<UInt8>, name: String = "<memory>") throws {
        self.init(memory: bytes, file: name)
        try readHeader()
    }

    /// Reads the rows of a chunk cut by `nextChunk` from a file whose header is `header`, with
    /// lines numbered as in that file.
    public convenience init(chunk: CSVChunk, header: [String], file: String) {
        self.init(memory: chunk.bytes, file: file)
        self.header = header
        nextLine = chunk.firstLine
        dataStart = chunk.offset
    }

    /// A reader of `bytes`, all of them in its buffer: nothing more to read.
    private init(memory bytes: some Collection<UInt8>, file: String) {
        self.file = file
        fd = -1
        ownsDescriptor = false
        fileSize = bytes.count
        maxRecordBytes = max(bytes.count, 1)
        capacity = max(bytes.count, 4)
        buffer = .allocate(capacity: capacity)
        bounds = .allocate(capacity: 2 * boundsCapacity)
        _ = UnsafeMutableBufferPointer(start: buffer, count: capacity).initialize(from: bytes)
        end = bytes.count
        atEOF = true
    }

    /// Reads CSV text from a string (tests, small inputs).
    public convenience init(text: String, name: String = "<memory>") throws {
        try self.init(bytes: Array(text.utf8), name: name)
    }

    deinit {
        buffer.deallocate()
        bounds.deallocate()
        if ownsDescriptor { close(fd) }
    }

    /// The number of fields in the current row (equal to the header's count after `next()`).
    public var fieldCount: Int { count }

    /// Field `index` of the current row; valid until the next call to `next()`.
    @inline(__always)
    public func field(_ index: Int) -> CSVField {
        precondition(index >= 0 && index < count, "field index out of range")
        let lo = bounds[2 &* index]
        return CSVField(start: UnsafePointer(buffer + lo), count: bounds[2 &* index &+ 1] &- lo)
    }

    /// The current row's fields as strings (for error messages and tests, not for hot loops).
    public var fields: [String] { (0..<fieldCount).map { field($0).string } }

    /// Moves to the next row. Returns `false` at the end of the file.
    ///
    /// Throws `CSVError`; see the type's documentation for which errors allow reading on.
    public func next() throws -> Bool {
        guard try readRecord() else { return false }
        guard count == header.count else {
            throw CSVError.wrongFieldCount(
                at: SourceLocation(file: file, line: line, column: min(count, header.count) + 1),
                expected: header.count, found: count)
        }
        return true
    }

    /// Cuts the next whole rows, about `targetBytes` of them (more when one row is longer), from
    /// where reading stands, for `CSVReader(chunk:)` to parse elsewhere; `nil` at the end. Rows are
    /// not checked here: problems surface when the chunk is parsed, on their own lines.
    public func nextChunk(targetBytes: Int = 1 << 20) throws -> CSVChunk? {
        var scanner = RowEndScanner()
        // The chunk's bytes and lines: up to the last row end found, or at the end all that is left.
        var (size, lines) = (0, 0)
        while true {
            scanner.scan(buffer + position, count: end - position, atEnd: atEOF, enough: targetBytes)
            let cut = (scanner.lastRowEnd, scanner.linesAtLastRowEnd)
            if scanner.lastRowEnd >= targetBytes {
                (size, lines) = cut
            } else if atEOF {
                (size, lines) = (end - position, scanner.lines)
            } else if end - position == capacity && scanner.lastRowEnd > 0 {
                (size, lines) = cut  // a full buffer with a row end in it: cut there rather than grow
            } else {
                try fill()  // moves the bytes from `position` to the front: the scanner's offsets still hold
                continue
            }
            break
        }
        guard size > 0 else { return nil }
        let chunk = CSVChunk(
            bytes: Array(UnsafeBufferPointer(start: buffer + position, count: size)), firstLine: nextLine,
            offset: bytesConsumed)
        bytesConsumed += size
        position += size
        nextLine += lines
        return chunk
    }

    // MARK: - Header

    private func readHeader() throws {
        try fill()
        if end - position >= 2,
            (buffer[0] == 0xFF && buffer[1] == 0xFE) || (buffer[0] == 0xFE && buffer[1] == 0xFF)
        {
            throw CSVError.utf16(file: file)
        }
        if end - position >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF {
            position += 3
        }
        let bom = position
        guard try readRecord() else { throw CSVError.emptyFile(file: file) }
        header = fields
        dataStart = bom + bytesConsumed
    }

    // MARK: - Rows

    /// Reads one row into `bounds`, skipping blank lines. Returns `false` at the end.
    private func readRecord() throws -> Bool {
        while true {
            switch try parseRecord() {
            case .row: return true
            case .blank: continue
            case .endOfFile: return false
            case .needMoreBytes: try fill()
            }
        }
    }

    private enum ParseOutcome { case row, blank, endOfFile, needMoreBytes }

    /// Parses the row starting at `position`. Nothing is consumed unless the row is complete, so an
    /// incomplete row is simply parsed again from its start once more bytes are in the buffer.
    ///
    /// Hot path (guarded by Benchmarks/Ingestion "CSV parse"): raw pointers only, field bounds in a
    /// preallocated array, and unquoted fields scanned eight bytes at a time.
    private func parseRecord() throws -> ParseOutcome {
        let buf = buffer
        let end = self.end
        let atEOF = self.atEOF
        var p = position
        if p == end {
            return atEOF ? .endOfFile : .needMoreBytes
        }
        let rowLine = nextLine
        var n = 0  // fields so far
        var firstFieldQuoted = false
        var anyDoubled = false
        var newlinesInside = 0
        var seen: UInt64 = 0  // OR of the bytes: a high bit means non-ASCII, so check UTF-8

        fieldLoop: while true {
            if n == boundsCapacity { growBounds() }
            let b = bounds
            // One field starts at p.
            if p < end && buf[p] == quote {
                if n == 0 { firstFieldQuoted = true }
                p += 1
                let contentStart = p
                var doubled = false
                while true {
                    // Find the next quote, counting newlines.
                    while p < end && buf[p] != quote {
                        let c = buf[p]
                        seen |= UInt64(c)
                        if c == lf { newlinesInside += 1 }
                        p += 1
                    }
                    if p == end {
                        if atEOF {
                            throw CSVError.unterminatedQuote(
                                at: SourceLocation(file: file, line: rowLine, column: n + 1))
                        }
                        return .needMoreBytes
                    }
                    // buf[p] is a quote: doubled (part of the value) or closing.
                    if p + 1 == end && !atEOF { return .needMoreBytes }
                    if p + 1 < end && buf[p + 1] == quote {
                        doubled = true
                        p += 2
                        continue
                    }
                    break
                }
                if doubled {
                    if !anyDoubled { doubledQuotes.removeAll(keepingCapacity: true) }
                    anyDoubled = true
                    doubledQuotes.append(n)
                }
                b[2 * n] = contentStart
                b[2 * n + 1] = p
                n += 1
                p += 1  // past the closing quote
                if p == end {
                    if !atEOF { return .needMoreBytes }
                    break fieldLoop
                }
                let c = buf[p]
                if c == comma {
                    p += 1
                    continue fieldLoop
                }
                if c == lf || c == cr {
                    guard let after = lineEnd(at: p, end: end) else { return .needMoreBytes }
                    p = after
                    break fieldLoop
                }
                throw CSVError.unexpectedCharacterAfterQuote(at: SourceLocation(file: file, line: rowLine, column: n))
            }

            // Unquoted field: scan to the next comma or line end, eight bytes at a time.
            let fieldStart = p
            var found = false
            while p &+ 8 <= end {
                let word = UnsafeRawPointer(buf + p).loadUnaligned(as: UInt64.self)
                let hits = zeroBytes(word ^ commas) | zeroBytes(word ^ lfs) | zeroBytes(word ^ crs)
                if hits != 0 {
                    let k = hits.trailingZeroBitCount >> 3
                    // Only the bytes before the hit belong to the field.
                    seen |= k == 0 ? 0 : word & (~0 >> UInt64(64 - 8 * k))
                    p &+= k
                    found = true
                    break
                }
                seen |= word
                p &+= 8
            }
            if !found {
                while p < end {
                    let c = buf[p]
                    if c == comma || c == lf || c == cr { break }
                    seen |= UInt64(c)
                    p += 1
                }
            }
            b[2 * n] = fieldStart
            b[2 * n + 1] = p
            n += 1
            if p == end {
                if !atEOF { return .needMoreBytes }
                break fieldLoop
            }
            if buf[p] == comma {
                p += 1
                continue fieldLoop
            }
            guard let after = lineEnd(at: p, end: end) else { return .needMoreBytes }
            p = after
            break fieldLoop
        }

        // The row is complete: consume it.
        count = n
        bytesConsumed += p - position
        position = p
        line = rowLine
        nextLine = rowLine + 1 + newlinesInside

        if n == 1 && bounds[0] == bounds[1] && !firstFieldQuoted && (header.isEmpty || header.count > 1) {
            return .blank
        }
        if anyDoubled {
            for index in doubledQuotes { undoDoubledQuotes(field: index) }
        }
        if seen & 0x8080_8080_8080_8080 != 0 {
            for index in 0..<n where !isValidUTF8(index) {
                throw CSVError.invalidUTF8(at: SourceLocation(file: file, line: rowLine, column: index + 1))
            }
        }
        return .row
    }

    private func growBounds() {
        let grown = UnsafeMutablePointer<Int>.allocate(capacity: 4 * boundsCapacity)
        grown.update(from: bounds, count: 2 * boundsCapacity)
        bounds.deallocate()
        bounds = grown
        boundsCapacity *= 2
    }

    /// The index after the line end at `p` (LF, CRLF or a lone CR), or `nil` when a CR is the last
    /// byte in the buffer and the next chunk may hold its LF.
    @inline(__always)
    private func lineEnd(at p: Int, end: Int) -> Int? {
        if buffer[p] == lf { return p + 1 }
        if p + 1 < end { return buffer[p + 1] == lf ? p + 2 : p + 1 }
        return atEOF ? p + 1 : nil
    }

    /// `a""b` becomes `a"b`, in place (the row is complete, so its bytes are no longer needed raw).
    private func undoDoubledQuotes(field index: Int) {
        var read = bounds[2 * index]
        var write = read
        let stop = bounds[2 * index + 1]
        while read < stop {
            let b = buffer[read]
            buffer[write] = b
            write += 1
            read += b == UInt8(ascii: "\"") ? 2 : 1
        }
        bounds[2 * index + 1] = write
    }

    private func isValidUTF8(_ index: Int) -> Bool {
        let bytes = UnsafeBufferPointer(
            start: buffer + bounds[2 * index], count: bounds[2 * index + 1] - bounds[2 * index])
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    // MARK: - Buffer

    /// Moves the unparsed bytes to the front and reads more after them, growing the buffer when a
    /// single row fills it.
    private func fill() throws {
        guard !atEOF else { return }
        if position > 0 {
            let pending = end - position
            if pending > 0 { buffer.update(from: buffer + position, count: pending) }
            position = 0
            end = pending
        }
        if end == capacity {
            guard capacity < maxRecordBytes else {
                let line = nextLine
                try skipRecord()
                throw CSVError.recordTooLarge(at: SourceLocation(file: file, line: line), limit: maxRecordBytes)
            }
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: min(capacity * 2, maxRecordBytes))
            grown.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = grown
            capacity = min(capacity * 2, maxRecordBytes)
        }
        _ = try readMore()
    }

    /// Skips the row at `position`, which does not fit in `maxRecordBytes`, without keeping it: to
    /// its line end, found as `parseRecord` finds it (a quote opens a quoted field only at the
    /// field's start, `""` inside one is a quote), reading on in the same buffer. The reader then
    /// stands at the next row, so a row too long is a problem of its own line only.
    private func skipRecord() throws {
        enum State { case fieldStart, unquoted, quoted, quoteInQuoted, afterCR }
        var state = State.fieldStart
        var newlines = 0  // inside quoted fields, as `parseRecord` counts them
        var from = position  // bytes before it are counted in `bytesConsumed` already
        scan: while true {
            while position < end {
                let c = buffer[position]
                switch state {
                case .afterCR:
                    // The row ended at a CR; an LF right after it is part of the same line end.
                    if c == lf { position += 1 }
                    break scan
                case .quoted:
                    if c == quote { state = .quoteInQuoted } else if c == lf { newlines += 1 }
                case .fieldStart, .unquoted, .quoteInQuoted:
                    if c == quote && state != .unquoted {
                        state = .quoted  // a quoted field opens, or `""` inside one goes on
                    } else if c == comma {
                        state = .fieldStart
                    } else if c == lf {
                        position += 1
                        break scan
                    } else if c == cr {
                        state = .afterCR
                    } else {
                        state = .unquoted  // text after a closing quote is an error the row no longer needs
                    }
                }
                position += 1
            }
            // Every byte in the buffer belongs to the row: drop them and read more in their place.
            bytesConsumed += end - from
            (position, end, from) = (0, 0, 0)
            guard try readMore() else { break scan }  // the end of the input ends the row
        }
        bytesConsumed += position - from
        nextLine += 1 + newlines
    }

    /// Reads more of the input after `end`, into the room left in the buffer (there is some);
    /// `false` at the end of the input.
    private func readMore() throws -> Bool {
        while true {
            let want = min(capacity - end, remaining)
            if want == 0 {
                atEOF = true
                return false
            }
            let n = read(fd, buffer + end, want)
            if n > 0 {
                end += n
                remaining -= n
                return true
            }
            if n == 0 {
                atEOF = true
                return false
            }
            if errno == EINTR { continue }
            throw CSVError.readFailed(file: file, reason: Self.errnoText())
        }
    }

    private static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
