#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a numeric field holds.
public enum ParsedNumber: Equatable, Sendable {
    /// A finite number.
    case value(Double)
    /// Blank: empty or only spaces.
    case missing
    /// `NaN`, `inf`, `Infinity` and their signed forms: never a valid amount or count.
    case nonFinite
    /// Anything else that is not a decimal number.
    case invalid
}

/// Fast, correctly rounded decimal parsing of CSV fields, without making a `String`.
///
/// Most claim numbers are short (`3`, `412.50`): those take the exact fast path (at most 19
/// significant digits, a value below 2⁵³ and a power of ten up to 10²², where one IEEE multiply or
/// divide is correctly rounded). Anything longer goes to `strtod`, so every answer equals
/// `Double(String)`'s. Accepted: an optional sign, digits with at most one decimal point, an
/// optional exponent (`1e3`), surrounding spaces. Not accepted: thousands separators, currency
/// signs, hexadecimal.
public enum NumberParser {
    /// Parses a field.
    @inlinable
    public static func parse(_ field: CSVField) -> ParsedNumber {
        parse(field.trimmed.bytes)
    }

    /// Parses a byte string.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> ParsedNumber {
        let n = bytes.count
        if n == 0 { return .missing }
        var i = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            negative = bytes[0] == UInt8(ascii: "-")
            i = 1
        }
        var mantissa: UInt64 = 0
        var digits = 0  // significant digits kept in mantissa
        var dropped = false  // a non-zero digit did not fit into mantissa
        var exponent = 0  // power of ten applied to mantissa
        var sawDigit = false
        while i < n, bytes[i] &- 0x30 < 10 {
            sawDigit = true
            let d = UInt64(bytes[i] &- 0x30)
            if digits < 19 {
                if mantissa != 0 || d != 0 {
                    mantissa = mantissa &* 10 &+ d
                    digits += 1
                }
            } else {
                exponent += 1
                if d != 0 { dropped = true }
            }
            i += 1
        }
        if i < n, bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < n, bytes[i] &- 0x30 < 10 {
                sawDigit = true
                let d = UInt64(bytes[i] &- 0x30)
                if digits < 19 {
                    if mantissa != 0 || d != 0 {
                        mantissa = mantissa &* 10 &+ d
                        digits += 1
                    }
                    exponent -= 1
                } else if d != 0 {
                    dropped = true
                }
                i += 1
            }
        }
        if !sawDigit { return nonFiniteOrInvalid(bytes, from: negative ? 1 : (i > 0 ? 1 : 0)) }
        if i < n, bytes[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            var expNegative = false
            if i < n, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
                expNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            var e = 0
            var expDigits = 0
            while i < n, bytes[i] &- 0x30 < 10 {
                if e < 100_000 { e = e * 10 + Int(bytes[i] &- 0x30) }
                expDigits += 1
                i += 1
            }
            if expDigits == 0 { return .invalid }
            exponent += expNegative ? -e : e
        }
        if i != n { return .invalid }
        if mantissa == 0 { return .value(negative ? -0.0 : 0.0) }

        if !dropped && mantissa < (1 << 53) && exponent >= -22 && exponent <= 22 {
            var value = Double(mantissa)
            if exponent < 0 { value /= powersOfTen[-exponent] } else { value *= powersOfTen[exponent] }
            return .value(negative ? -value : value)
        }
        return slowPath(bytes)
    }

    private static let powersOfTen: [Double] = (0...22).map { e in
        var v = 1.0
        for _ in 0..<e { v *= 10 }
        return v
    }

    /// Rare long numbers: `strtod` on a terminated copy.
    private static func slowPath(_ bytes: UnsafeBufferPointer<UInt8>) -> ParsedNumber {
        var copy = [CChar](repeating: 0, count: bytes.count + 1)
        for i in 0..<bytes.count { copy[i] = CChar(bitPattern: bytes[i]) }
        let value = strtod(copy, nil)
        return value.isFinite ? .value(value) : .nonFinite
    }

    private static func nonFiniteOrInvalid(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> ParsedNumber {
        var word: [UInt8] = []
        for i in start..<bytes.count { word.append(asciiLower(bytes[i])) }
        switch String(decoding: word, as: UTF8.self) {
        case "nan", "inf", "infinity": return .nonFinite
        default: return .invalid
        }
    }
}
