import Foundation

// Text that goes into CSV files people open in spreadsheets.

/// A field for a CSV file, quoted when it needs to be (text Overturn wrote itself, such as a
/// rejected row's reason, which no spreadsheet would take for a formula).
public func csvQuoted(_ text: String) -> String {
    var field: [UInt8] = []
    appendTextField(text, spreadsheetSafe: false, to: &field)
    return String(decoding: field, as: UTF8.self)
}

/// A field for a CSV file holding text from the input (an id, a reason naming a value): quoted when
/// it needs to be, and opened by a spreadsheet as text even when it starts like a formula.
public func csvTextField(_ text: String) -> String {
    var field: [UInt8] = []
    appendTextField(text, to: &field)
    return String(decoding: field, as: UTF8.self)
}

/// Appends `text` to `line` as a CSV field: quoted when it holds a comma, a quote or a line break
/// (quotes doubled). With `spreadsheetSafe`, a cell that a spreadsheet would run as a formula (it
/// starts with =, +, -, @, a tab or a carriage return) gets a leading apostrophe, so it opens as text.
@inline(__always)
func appendTextField(_ text: String, spreadsheetSafe: Bool = true, to line: inout [UInt8]) {
    var text = text
    text.withUTF8 { appendTextField($0, spreadsheetSafe: spreadsheetSafe, to: &line) }
}

/// `appendTextField(_:spreadsheetSafe:to:)` for text given as UTF-8.
@inline(__always)
func appendTextField(_ bytes: UnsafeBufferPointer<UInt8>, spreadsheetSafe: Bool = true, to line: inout [UInt8]) {
    let needsQuotes = bytes.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
    let formula = spreadsheetSafe && (bytes.first.map(startsFormula) ?? false)
    if !needsQuotes && !formula {
        line.append(contentsOf: bytes)
        return
    }
    if needsQuotes { line.append(0x22) }
    if formula { line.append(UInt8(ascii: "'")) }
    for b in bytes {
        line.append(b)
        if b == 0x22 { line.append(0x22) }
    }
    if needsQuotes { line.append(0x22) }
}

/// Whether a cell starting with `byte` would run as a formula in a spreadsheet: =, +, -, @, a tab
/// or a carriage return. (A switch, not a search of a string's bytes: this runs for every id.)
@inline(__always)
func startsFormula(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D: true
    default: false
    }
}

/// Appends `value` in decimal digits (a minus sign first when negative), without allocating: the
/// generator's numbers, `score --reasons`' values and points.
@inline(__always)
func appendInt(_ value: Int, to line: inout [UInt8]) {
    if value < 0 { line.append(UInt8(ascii: "-")) }
    let magnitude = value.magnitude
    var divisor: UInt = 1
    while divisor <= magnitude / 10 { divisor *= 10 }
    repeat {
        line.append(UInt8(ascii: "0") + UInt8(magnitude / divisor % 10))
        divisor /= 10
    } while divisor > 0
}

/// Appends `p` (between 0 and 1) with six decimals, exactly as `String(format: "%.6f", p)` does:
/// rounded to nearest from the exact binary value, ties to even. `p * 1e6` alone can round across
/// a half (0.0020005 is 0.00200050000000000004… in binary); fused multiply-adds compute the
/// product's distance from the candidates without that rounding.
@inline(__always)
func appendProbability(_ p: Double, to line: inout [UInt8]) {
    var n = (p * 1_000_000).rounded(.down)
    if (-n).addingProduct(p, 1_000_000) < 0 { n -= 1 }  // the product rounded up to the next integer
    let aboveHalf = (-(n + 0.5)).addingProduct(p, 1_000_000)
    if aboveHalf > 0 || (aboveHalf == 0 && Int(n) % 2 == 1) { n += 1 }
    let micro = Int(n)
    line.append(UInt8(ascii: "0") + UInt8(micro / 1_000_000))
    line.append(UInt8(ascii: "."))
    var digits = micro % 1_000_000
    var divisor = 100_000
    for _ in 0..<6 {
        line.append(UInt8(ascii: "0") + UInt8(digits / divisor))
        digits %= divisor
        divisor /= 10
    }
}
