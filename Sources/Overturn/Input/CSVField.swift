/// One field of the current CSV row: a view of its bytes inside the reader's buffer.
///
/// Fields are not copied: a `CSVField` is valid until the reader moves to the next row. Quotes are
/// already removed and doubled quotes undone. Turn a field into a `String` only when you keep it.
///
/// ```swift
/// while try reader.next() {
///     let payer = reader.field(1)
///     if payer.isEmpty { continue }
///     counts[payer.string, default: 0] += 1
/// }
/// ```
public struct CSVField {
    /// The first byte (any valid address when the field is empty).
    public let start: UnsafePointer<UInt8>
    /// The number of bytes.
    public let count: Int

    @inlinable
    public init(start: UnsafePointer<UInt8>, count: Int) {
        self.start = start
        self.count = count
    }

    /// The bytes as a buffer.
    @inlinable
    public var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: start, count: count) }

    @inlinable
    public var isEmpty: Bool { count == 0 }

    /// A copy of the bytes as a `String` (the reader has checked they are UTF-8).
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// The field without leading and trailing spaces and tabs.
    @inlinable
    public var trimmed: CSVField {
        var lo = 0
        var hi = count
        while lo < hi, start[lo] == 0x20 || start[lo] == 0x09 { lo += 1 }
        while hi > lo, start[hi - 1] == 0x20 || start[hi - 1] == 0x09 { hi -= 1 }
        return CSVField(start: start + lo, count: hi - lo)
    }

    /// Whether the field is blank: empty or only spaces and tabs.
    @inlinable
    public var isBlank: Bool { trimmed.count == 0 }
}

@inlinable
func asciiLower(_ b: UInt8) -> UInt8 { (b &- 0x41) < 26 ? b | 0x20 : b }

@inlinable
func asciiUpper(_ b: UInt8) -> UInt8 { (b &- 0x61) < 26 ? b & 0xDF : b }
