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
        case .cpt:
            "a CPT or HCPCS code: 5 digits (96365), 4 digits and F, T or U (0591T), or a letter and 4 digits (J3490)"
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

    /// Writes the key of level 1 (ICD-10 category, CPT range) for a normalized code into `out`;
    /// returns its length. Level 0 is a group: see `group(of:)`.
    @inline(__always)
    func levelOneKey(code: UnsafePointer<UInt8>, into out: UnsafeMutablePointer<UInt8>) -> Int {
        out.update(from: code, count: 3)
        if self == .icd10 { return 3 }  // 3-character category
        // CPT range: the first three characters, and the kind suffix of F/T/U codes.
        out[3] = UInt8(ascii: "x")
        out[4] = UInt8(ascii: "x")
        if isDigit(code[0]) && !isDigit(code[4]) {
            out[5] = code[4]
            return 6
        }
        return 5
    }

    /// The names of level 0's groups: ICD-10 chapters as code ranges, CPT sections and HCPCS letters.
    public var groupNames: [String] {
        switch self {
        case .icd10: Self.icd10Chapters
        case .cpt: Self.cptSections
        case .none: []
        }
    }

    /// The level-0 group of a normalized code, an index into `groupNames`.
    @inline(__always)
    func group(of code: UnsafePointer<UInt8>) -> Int {
        self == .icd10 ? Self.icd10Chapter(code) : Self.cptSection(code)
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

    /// CPT sections, then the HCPCS Level II letter groups A to Z (index 11 + letter).
    static let cptSections: [String] = [
        "Anesthesia", "Surgery", "Radiology", "Pathology and Laboratory", "Evaluation and Management", "Medicine",
        "Unassigned CPT range", "Category II (performance measures)", "Category III (emerging technology)",
        "Pathology and Laboratory (PLA)", "Unused",
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

    /// The CPT section, or the HCPCS Level II letter group, of a normalized 5-character code.
    static func cptSection(_ c: UnsafePointer<UInt8>) -> Int {
        if isLetter(c[0]) { return 11 + Int(c[0] - UInt8(ascii: "A")) }
        switch c[4] {
        case UInt8(ascii: "F"): return 7
        case UInt8(ascii: "T"): return 8
        case UInt8(ascii: "U"): return 9
        default: break
        }
        var value = 0
        for i in 0..<5 { value = value * 10 + Int(c[i] - 0x30) }
        switch value {
        case 100...1999: return 0
        case 10000...69999: return 1
        case 70000...79999: return 2
        case 80000...89999: return 3
        case 99202...99499: return 4
        case 90000...99999: return 5
        default: return 6
        }
    }

    // MARK: - ICD-10

    /// ICD-10-CM chapters as their code ranges (the last: a letter no chapter uses).
    static let icd10Chapters = [
        "A00-B99", "C00-D49", "D50-D89", "E00-E89", "F01-F99", "G00-G99", "H00-H59", "H60-H95", "I00-I99",
        "J00-J99", "K00-K95", "L00-L99", "M00-M99", "N00-N99", "O00-O9A", "P00-P96", "Q00-Q99", "R00-R99",
        "S00-T88", "U00-U85", "V00-Y99", "Z00-Z99", "unknown chapter",
    ]

    /// The chapter of a normalized code (`F33.2` → `F01-F99`), an index into `icd10Chapters`.
    static func icd10Chapter(_ c: UnsafePointer<UInt8>) -> Int {
        let tens = isDigit(c[1]) ? Int(c[1] - 0x30) * 10 + (isDigit(c[2]) ? Int(c[2] - 0x30) : 9) : 0
        switch c[0] {
        case UInt8(ascii: "A"), UInt8(ascii: "B"): return 0
        case UInt8(ascii: "C"): return 1
        case UInt8(ascii: "D"): return tens < 50 ? 1 : 2
        case UInt8(ascii: "E"): return 3
        case UInt8(ascii: "F"): return 4
        case UInt8(ascii: "G"): return 5
        case UInt8(ascii: "H"): return tens < 60 ? 6 : 7
        case UInt8(ascii: "I"): return 8
        case UInt8(ascii: "J"): return 9
        case UInt8(ascii: "K"): return 10
        case UInt8(ascii: "L"): return 11
        case UInt8(ascii: "M"): return 12
        case UInt8(ascii: "N"): return 13
        case UInt8(ascii: "O"): return 14
        case UInt8(ascii: "P"): return 15
        case UInt8(ascii: "Q"): return 16
        case UInt8(ascii: "R"): return 17
        case UInt8(ascii: "S"), UInt8(ascii: "T"): return 18
        case UInt8(ascii: "U"): return 19
        case UInt8(ascii: "V"), UInt8(ascii: "W"), UInt8(ascii: "X"), UInt8(ascii: "Y"): return 20
        case UInt8(ascii: "Z"): return 21
        default: return 22
        }
    }
}

@inline(__always) func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }
@inline(__always) func isLetter(_ b: UInt8) -> Bool { b &- 0x41 < 26 }
@inline(__always) func isAlnum(_ b: UInt8) -> Bool { isDigit(b) || isLetter(b) }
