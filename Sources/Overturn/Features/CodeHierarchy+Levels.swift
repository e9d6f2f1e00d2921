// Code normalization and the coarser levels of each code system.
//
// Everything here works on bytes in caller-provided scratch space: it runs for every code of every
// row during feature extraction.

/// The longest normalized code kept; longer tokens are invalid.
let maxCodeBytes = 64

extension CodeHierarchy {
    /// The levels of a code, coarsest first; the last is the full code.
    public var levelNames: [String] {
        switch self {
        case .icd10: ["chapter", "category", "code"]
        case .cpt: ["section", "range", "code"]
        case .none: ["code"]
        }
    }

    /// What a valid code looks like, for messages.
    public var expectedForm: String {
        switch self {
        case .icd10: "an ICD-10 code: a letter, a digit, a letter or digit, then up to 4 more (like F33.2)"
        case .cpt: "a CPT or HCPCS code: 5 digits (96365), 4 digits and F, T or U (0591T), or a letter and 4 digits (J3490)"
        case .none: "a code of at most \(maxCodeBytes) characters"
        }
    }

    /// Normalizes one code token into `out` (at least `maxCodeBytes + 1` bytes): spaces removed,
    /// letters upper-cased, and for ICD-10 the dot after the third character (`f332` → `F33.2`).
    ///
    /// Returns the normalized length, 0 for a blank token, or -1 when the token is not a valid code.
    func normalize(_ token: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var n = 0
        for b in token where b != 0x20 && b != 0x09 {
            if n == maxCodeBytes { return -1 }
            out[n] = asciiUpper(b)
            n += 1
        }
        if n == 0 { return 0 }
        switch self {
        case .none:
            return n
        case .cpt:
            return Self.isCPT(out, n) ? n : -1
        case .icd10:
            // Drop the dot, check the shape, put the dot back after the category.
            var m = 0
            for i in 0..<n where out[i] != UInt8(ascii: ".") {
                out[m] = out[i]
                m += 1
            }
            guard m >= 3, m <= 7, isLetter(out[0]), isDigit(out[1]), isAlnum(out[2]) else { return -1 }
            for i in 3..<m where !isAlnum(out[i]) { return -1 }
            if m == 3 { return 3 }
            var i = m
            while i > 3 {
                out[i] = out[i - 1]
                i -= 1
            }
            out[3] = UInt8(ascii: ".")
            return m + 1
        }
    }

    /// Writes the key of `level` (not the last) for a normalized code into `out`; returns its length.
    func levelKey(_ level: Int, code: UnsafePointer<UInt8>, count: Int, into out: UnsafeMutablePointer<UInt8>) -> Int {
        switch self {
        case .icd10:
            if level == 1 {  // 3-character category
                out.update(from: code, count: 3)
                return 3
            }
            return write(Self.icd10Chapter(code), into: out)
        case .cpt:
            if level == 1 {  // range: the first three characters, and the kind suffix of F/T/U codes
                out.update(from: code, count: 3)
                out[3] = UInt8(ascii: "x")
                out[4] = UInt8(ascii: "x")
                if isDigit(code[0]) && !isDigit(code[4]) {
                    out[5] = code[4]
                    return 6
                }
                return 5
            }
            return write(Self.cptSection(code), into: out)
        case .none:
            return 0
        }
    }

    // MARK: - CPT / HCPCS

    static func isCPT(_ c: UnsafeMutablePointer<UInt8>, _ n: Int) -> Bool {
        guard n == 5 else { return false }
        guard isDigit(c[1]), isDigit(c[2]), isDigit(c[3]) else { return false }
        if isDigit(c[0]) {
            return isDigit(c[4]) || c[4] == UInt8(ascii: "F") || c[4] == UInt8(ascii: "T") || c[4] == UInt8(ascii: "U")
        }
        return isLetter(c[0]) && isDigit(c[4])
    }

    /// The CPT section, or the HCPCS Level II letter group, of a normalized 5-character code.
    static func cptSection(_ c: UnsafePointer<UInt8>) -> String {
        if isLetter(c[0]) {
            return hcpcsSections[Int(c[0] - UInt8(ascii: "A"))]
        }
        switch c[4] {
        case UInt8(ascii: "F"): return "Category II (performance measures)"
        case UInt8(ascii: "T"): return "Category III (emerging technology)"
        case UInt8(ascii: "U"): return "Pathology and Laboratory (PLA)"
        default: break
        }
        var value = 0
        for i in 0..<5 { value = value * 10 + Int(c[i] - 0x30) }
        switch value {
        case 100...1999: return "Anesthesia"
        case 10000...69999: return "Surgery"
        case 70000...79999: return "Radiology"
        case 80000...89999: return "Pathology and Laboratory"
        case 99202...99499: return "Evaluation and Management"
        case 90000...99999: return "Medicine"
        default: return "Unassigned CPT range"
        }
    }

    private static let hcpcsSections: [String] = [
        "HCPCS A (transport, supplies)", "HCPCS B (enteral and parenteral therapy)",
        "HCPCS C (outpatient PPS)", "HCPCS D (dental)", "HCPCS E (durable medical equipment)",
        "HCPCS F", "HCPCS G (procedures and professional services)", "HCPCS H (behavioral health)",
        "HCPCS I", "HCPCS J (drugs administered other than oral)", "HCPCS K (temporary DME)",
        "HCPCS L (orthotics and prosthetics)", "HCPCS M (medical services)", "HCPCS N",
        "HCPCS O", "HCPCS P (pathology and laboratory)", "HCPCS Q (temporary codes)",
        "HCPCS R (diagnostic radiology)", "HCPCS S (temporary national, non-Medicare)",
        "HCPCS T (state Medicaid agencies)", "HCPCS U (coronavirus laboratory tests)",
        "HCPCS V (vision and hearing)", "HCPCS W", "HCPCS X", "HCPCS Y", "HCPCS Z",
    ]

    // MARK: - ICD-10

    /// The ICD-10-CM chapter, as its code range, of a normalized code (`F33.2` → `F01-F99`).
    static func icd10Chapter(_ c: UnsafePointer<UInt8>) -> String {
        let tens = isDigit(c[1]) ? Int(c[1] - 0x30) * 10 + (isDigit(c[2]) ? Int(c[2] - 0x30) : 9) : 0
        switch c[0] {
        case UInt8(ascii: "A"), UInt8(ascii: "B"): return "A00-B99"
        case UInt8(ascii: "C"): return "C00-D49"
        case UInt8(ascii: "D"): return tens < 50 ? "C00-D49" : "D50-D89"
        case UInt8(ascii: "E"): return "E00-E89"
        case UInt8(ascii: "F"): return "F01-F99"
        case UInt8(ascii: "G"): return "G00-G99"
        case UInt8(ascii: "H"): return tens < 60 ? "H00-H59" : "H60-H95"
        case UInt8(ascii: "I"): return "I00-I99"
        case UInt8(ascii: "J"): return "J00-J99"
        case UInt8(ascii: "K"): return "K00-K95"
        case UInt8(ascii: "L"): return "L00-L99"
        case UInt8(ascii: "M"): return "M00-M99"
        case UInt8(ascii: "N"): return "N00-N99"
        case UInt8(ascii: "O"): return "O00-O9A"
        case UInt8(ascii: "P"): return "P00-P96"
        case UInt8(ascii: "Q"): return "Q00-Q99"
        case UInt8(ascii: "R"): return "R00-R99"
        case UInt8(ascii: "S"), UInt8(ascii: "T"): return "S00-T88"
        case UInt8(ascii: "U"): return "U00-U85"
        case UInt8(ascii: "V"), UInt8(ascii: "W"), UInt8(ascii: "X"), UInt8(ascii: "Y"): return "V00-Y99"
        case UInt8(ascii: "Z"): return "Z00-Z99"
        default: return "unknown chapter"
        }
    }
}

@inline(__always) func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }
@inline(__always) func isLetter(_ b: UInt8) -> Bool { b &- 0x41 < 26 }
@inline(__always) func isAlnum(_ b: UInt8) -> Bool { isDigit(b) || isLetter(b) }

/// Writes a short ASCII string's bytes into `out`; returns the length.
@inline(__always)
private func write(_ text: String, into out: UnsafeMutablePointer<UInt8>) -> Int {
    var text = text
    return text.withUTF8 { bytes in
        out.update(from: bytes.baseAddress!, count: bytes.count)
        return bytes.count
    }
}
