import Foundation

/// Synthetic denied claims in the standard claim CSV, with outcomes from a documented, non-linear
/// ground truth. Clearly synthetic: use it to develop, test and benchmark, never as evidence about
/// real payers.
///
/// Rows are drawn in blocks of `blockRows`, each from its own random stream seeded by (seed, block),
/// so the output depends only on the seed and the row count, not on the number of threads.
///
/// ```swift
/// let generator = ClaimsGenerator(seed: 7)
/// let out = try OutputFile(path: "claims.csv")
/// let summary = try generator.write(rows: 100_000, to: out)
/// try out.commit()
/// print(summary.overturnRate)
/// ```
public struct ClaimsGenerator: Sendable {
    public static let header =
        "claim_id,payer,plan_type,state,cpt_codes,modifiers,icd10_codes,denial_reason,"
        + "appeal_level,prior_appeals,failed_medications,billed_amount,days_to_appeal,"
        + "has_medical_necessity_letter,peer_reviewed_citations,outcome"

    public let seed: UInt64
    /// Rows per random stream (fixed: changing it changes the output).
    static let blockRows = 16_384

    public init(seed: UInt64) {
        self.seed = seed
    }

    /// What was written.
    public struct Summary: Sendable {
        public var rows: Int
        public var overturned: Int
        public var meanTrueProbability: Double
        public var overturnRate: Double { rows == 0 ? 0 : Double(overturned) / Double(rows) }
    }

    /// Writes the header and `rows` claims to `out`, and each row's true overturn probability to
    /// `truth` (`claim_id,probability`) when given. `progress` gets the rows written so far.
    public func write(
        rows: Int, to out: OutputFile, truth: OutputFile? = nil,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount,
        progress: (Int) -> Void = { _ in }
    ) throws -> Summary {
        try out.write(Self.header + "\n")
        try truth?.write("claim_id,probability\n")
        var summary = Summary(rows: rows, overturned: 0, meanTrueProbability: 0)
        let blockCount = (rows + Self.blockRows - 1) / Self.blockRows
        let group = max(1, threads) * 4
        var probabilitySum = 0.0
        let withTruth = truth != nil
        for first in stride(from: 0, to: blockCount, by: group) {
            let count = min(group, blockCount - first)
            let blocks = ConcurrentResults<Block>(count: count)
            DispatchQueue.concurrentPerform(iterations: count) { i in
                let b = first + i
                let lo = b * Self.blockRows
                blocks[i] = generateBlock(b, rows: lo..<min(rows, lo + Self.blockRows), withTruth: withTruth)
            }
            for block in blocks.values {
                try out.write(block.csv)
                if let truth { try truth.write(block.truthCSV) }
                summary.overturned += block.overturned
                probabilitySum += block.probabilitySum
            }
            progress(min(rows, (first + count) * Self.blockRows))
        }
        summary.meanTrueProbability = rows == 0 ? 0 : probabilitySum / Double(rows)
        return summary
    }

    /// One generated claim, before it is written.
    struct Claim {
        var payer = 0
        var plan = ClaimsWorld.Plan.commercial
        var state = 0
        var procedures: [String] = []
        var modifiers: [String] = []
        var diagnoses: [String] = []
        var reason = ClaimsWorld.Reason.medicalNecessity
        var appealLevel = 1
        var priorAppeals = 0
        var failedMedications = 0
        var billedCents = 0
        var daysToAppeal = 0
        var letter = false
        var citations = 0
        var overturned = false
        var probability = 0.0
    }

    struct Block {
        var csv: [UInt8] = []
        var truthCSV: [UInt8] = []
        var overturned = 0
        var probabilitySum = 0.0
    }

    func generateBlock(_ index: Int, rows: Range<Int>, withTruth: Bool) -> Block {
        var random = RandomSource(seed: seed, stream: UInt64(index))
        var block = Block()
        block.csv.reserveCapacity(rows.count * 128)
        for row in rows {
            let claim = Self.draw(&random)
            Self.append(claim, id: row + 1, to: &block.csv)
            if withTruth {
                block.truthCSV.append(contentsOf: Self.claimID(row + 1))
                block.truthCSV.append(UInt8(ascii: ","))
                appendFixed(claim.probability, decimals: 6, to: &block.truthCSV)
                block.truthCSV.append(UInt8(ascii: "\n"))
            }
            if claim.overturned { block.overturned += 1 }
            block.probabilitySum += claim.probability
        }
        return block
    }

    static func claimID(_ n: Int) -> [UInt8] {
        var digits = Array(repeating: UInt8(ascii: "0"), count: 10)
        var v = n
        var i = 9
        while v > 0 && i >= 0 {
            digits[i] = UInt8(ascii: "0") + UInt8(v % 10)
            v /= 10
            i -= 1
        }
        return Array("CLM".utf8) + digits
    }

    static func append(_ c: Claim, id: Int, to out: inout [UInt8]) {
        func text(_ s: String) { out.append(contentsOf: s.utf8) }
        func list(_ items: [String]) {
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ";")) }
                text(item)
            }
        }
        func comma() { out.append(UInt8(ascii: ",")) }
        out.append(contentsOf: claimID(id)); comma()
        text(ClaimsWorld.payers[c.payer].name); comma()
        text(c.plan.name); comma()
        text(ClaimsWorld.states[c.state]); comma()
        list(c.procedures); comma()
        list(c.modifiers); comma()
        list(c.diagnoses); comma()
        text(c.reason.name); comma()
        appendInt(c.appealLevel, to: &out); comma()
        appendInt(c.priorAppeals, to: &out); comma()
        appendInt(c.failedMedications, to: &out); comma()
        appendInt(c.billedCents / 100, to: &out)
        out.append(UInt8(ascii: "."))
        out.append(UInt8(ascii: "0") + UInt8(c.billedCents % 100 / 10))
        out.append(UInt8(ascii: "0") + UInt8(c.billedCents % 10)); comma()
        appendInt(c.daysToAppeal, to: &out); comma()
        out.append(c.letter ? UInt8(ascii: "1") : UInt8(ascii: "0")); comma()
        appendInt(c.citations, to: &out); comma()
        out.append(c.overturned ? UInt8(ascii: "1") : UInt8(ascii: "0"))
        out.append(UInt8(ascii: "\n"))
    }
}

/// A non-negative number with a fixed count of decimals, rounded half away from zero.
func appendFixed(_ value: Double, decimals: Int, to out: inout [UInt8]) {
    var scale = 1
    for _ in 0..<decimals { scale *= 10 }
    let scaled = Int((value * Double(scale)).rounded())
    appendInt(scaled / scale, to: &out)
    out.append(UInt8(ascii: "."))
    var fraction = Array(repeating: UInt8(ascii: "0"), count: decimals)
    var f = scaled % scale
    for i in stride(from: decimals - 1, through: 0, by: -1) {
        fraction[i] = UInt8(ascii: "0") + UInt8(f % 10)
        f /= 10
    }
    out.append(contentsOf: fraction)
}

/// Fixed slots that concurrent iterations fill, one slot each.
final class ConcurrentResults<T>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    subscript(i: Int) -> T {
        get { lock.withLock { slots[i]! } }
        set { lock.withLock { slots[i] = newValue } }
    }

    var values: [T] { lock.withLock { slots.map { $0! } } }
}
