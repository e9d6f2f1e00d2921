import Foundation

/// Turns a model's margin (log-odds) into the probability users read, fitted on rows the model did
/// not train on so that "70%" wins about 70 times in 100.
///
/// ```swift
/// let calibrator = Calibrator.fit(.isotonic, margins: heldOutMargins, labels: heldOutLabels)
/// let p = calibrator.probability(margin: 0.4)
/// ```
///
/// - `platt`: `sigmoid(slope · margin + intercept)`, fitted by maximum likelihood against Platt's
///   smoothed targets (`(N₊ + 1)/(N₊ + 2)` and `1/(N₋ + 2)`), as scikit-learn's
///   `CalibratedClassifierCV(method="sigmoid")` does.
/// - `isotonic`: the non-decreasing function of the margin closest to the outcomes in squared error
///   (pool adjacent violators), interpolated linearly between its knots and flat beyond them, as
///   scikit-learn's `IsotonicRegression(out_of_bounds="clip")`.
public enum Calibrator: Sendable, Equatable {
    case platt(slope: Double, intercept: Double)
    /// Knots: margins ascending, probabilities non-decreasing.
    case isotonic(margins: [Double], probabilities: [Double])

    public enum Method: String, Sendable, CaseIterable, Codable {
        case platt, isotonic
    }

    public var method: Method {
        switch self {
        case .platt: .platt
        case .isotonic: .isotonic
        }
    }

    /// The calibrated probability of a margin.
    public func probability(margin m: Double) -> Double {
        switch self {
        case .platt(let slope, let intercept):
            return sigmoid(slope * m + intercept)
        case .isotonic(let x, let y):
            guard let first = x.first, let last = x.last else { return sigmoid(m) }
            if m <= first { return y[0] }
            if m >= last { return y[y.count - 1] }
            return x.withUnsafeBufferPointer { x in Self.interpolate(m, x, y, between: 0, and: x.count - 1) }
        }
    }

    /// An isotonic calibrator's probability at `m`, given knots `lo < hi` with `x[lo] <= m` and
    /// `m < x[hi]` (or `hi` the last knot): the last knot at or below `m` by binary search between
    /// them (x ascending), then linear between it and the next. `Calibrator.probability` searches
    /// all the knots, `CalibratedProbability` a few.
    @inline(__always)
    static func interpolate(
        _ m: Double, _ x: UnsafeBufferPointer<Double>, _ y: [Double], between lo: Int, and hi: Int
    ) -> Double {
        var (lo, hi) = (lo, hi)
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if x[mid] <= m { lo = mid } else { hi = mid }
        }
        let t = (m - x[lo]) / (x[hi] - x[lo])
        return y[lo] + t * (y[hi] - y[lo])
    }

    /// The least margin whose calibrated probability is at least `p`; +∞ when none is (`p` above
    /// what the calibrator ever gives), −∞ when every margin is.
    public func margin(reaching p: Double) -> Double {
        switch self {
        case .platt(let slope, let intercept):
            guard p > 0 else { return -.infinity }
            guard p < 1 else { return .infinity }
            return (log(p / (1 - p)) - intercept) / slope
        case .isotonic(let x, let y):
            guard let first = y.first, let last = y.last else { return log(p / (1 - p)) }
            if first >= p { return -.infinity }
            guard last >= p else { return .infinity }
            let hi = y.firstIndex { $0 >= p }!
            let lo = hi - 1
            // y[lo] < p ≤ y[hi]: the crossing on the segment between their knots.
            return x[lo] + (p - y[lo]) / (y[hi] - y[lo]) * (x[hi] - x[lo])
        }
    }

    /// Fits a calibrator to margins of rows the model did not train on and their outcomes (1 or 0).
    public static func fit(_ method: Method, margins: [Double], labels: [Float], weights: [Double]? = nil)
        -> Calibrator
    {
        precondition(margins.count == labels.count && (weights?.count ?? margins.count) == margins.count)
        switch method {
        case .platt: return platt(margins: margins, labels: labels, weights: weights)
        case .isotonic: return isotonic(margins: margins, labels: labels, weights: weights)
        }
    }

    /// Platt scaling by Newton's method on the two parameters (Lin, Lin and Weng 2007's safeguarded
    /// version: a step is halved until the objective falls).
    static func platt(margins: [Double], labels: [Float], weights: [Double]?) -> Calibrator {
        var positives = 0.0
        var negatives = 0.0
        for (i, y) in labels.enumerated() {
            let w = weights?[i] ?? 1
            if y == 1 { positives += w } else { negatives += w }
        }
        let high = (positives + 1) / (positives + 2)
        let low = 1 / (negatives + 2)
        let targets = labels.map { $0 == 1 ? high : low }
        func objective(_ a: Double, _ b: Double) -> Double {
            var f = 0.0
            for i in margins.indices {
                let z = a * margins[i] + b
                // −[t·log σ(z) + (1 − t)·log(1 − σ(z))], written so that it cannot overflow.
                let logOnePlus = z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))
                f += (weights?[i] ?? 1) * (logOnePlus - targets[i] * z)
            }
            return f
        }
        var a = 1.0
        var b = log((positives + 1) / (negatives + 1))
        var f = objective(a, b)
        for _ in 0..<100 {
            var (gA, gB, hAA, hAB, hBB) = (0.0, 0.0, 1e-12, 0.0, 1e-12)
            for i in margins.indices {
                let w = weights?[i] ?? 1
                let p = sigmoid(a * margins[i] + b)
                let r = w * (p - targets[i])
                let s = w * p * (1 - p)
                gA += r * margins[i]
                gB += r
                hAA += s * margins[i] * margins[i]
                hAB += s * margins[i]
                hBB += s
            }
            if abs(gA) < 1e-10 && abs(gB) < 1e-10 { break }
            let det = hAA * hBB - hAB * hAB
            guard det > 0 else { break }
            let dA = -(hBB * gA - hAB * gB) / det
            let dB = -(hAA * gB - hAB * gA) / det
            var step = 1.0
            var improved = false
            while step > 1e-10 {
                let fNew = objective(a + step * dA, b + step * dB)
                if fNew < f + 1e-4 * step * (gA * dA + gB * dB) {
                    a += step * dA
                    b += step * dB
                    f = fNew
                    improved = true
                    break
                }
                step /= 2
            }
            if !improved { break }
        }
        return .platt(slope: a, intercept: b)
    }

    /// Pool adjacent violators over the margins sorted ascending (equal margins pooled first), then
    /// the knots that shape the function: the ends of every flat stretch.
    static func isotonic(margins: [Double], labels: [Float], weights: [Double]?) -> Calibrator {
        let order = margins.indices.sorted { margins[$0] < margins[$1] }
        // Blocks: (first margin, last margin, weighted mean, weight).
        var blocks: [(low: Double, high: Double, mean: Double, weight: Double)] = []
        var k = 0
        while k < order.count {
            let m = margins[order[k]]
            var sum = 0.0
            var weight = 0.0
            while k < order.count && margins[order[k]] == m {
                let w = weights?[order[k]] ?? 1
                sum += w * Double(labels[order[k]])
                weight += w
                k += 1
            }
            guard weight > 0 else { continue }
            blocks.append((m, m, sum / weight, weight))
            while blocks.count >= 2 && blocks[blocks.count - 2].mean >= blocks[blocks.count - 1].mean {
                let last = blocks.removeLast()
                let prior = blocks.removeLast()
                let w = prior.weight + last.weight
                blocks.append((prior.low, last.high, (prior.mean * prior.weight + last.mean * last.weight) / w, w))
            }
        }
        var x: [Double] = []
        var y: [Double] = []
        for b in blocks {
            x.append(b.low)
            y.append(b.mean)
            if b.high > b.low {
                x.append(b.high)
                y.append(b.mean)
            }
        }
        return .isotonic(margins: x, probabilities: y)
    }
}

/// A calibrator (or, without one, the logistic function) made ready to map many margins: the same
/// probabilities as `Calibrator.probability(margin:)`, bit for bit.
///
/// An isotonic calibrator's knots get an index: the margins between the first and last knot cut
/// into twice as many equal buckets as there are knots, and per bucket the last knot of the
/// buckets before it. A margin's search then starts from its bucket's knot and ends at the next
/// bucket's, one or two knots apart where the plain binary search over the default model's 470
/// knots takes nine hard-to-predict steps.
public struct CalibratedProbability: Sendable {
    public let calibrator: Calibrator?
    private let index: KnotIndex?

    public init(_ calibrator: Calibrator?) {
        self.calibrator = calibrator
        if case .isotonic(let x, let y)? = calibrator { index = KnotIndex(x, y) } else { index = nil }
    }

    /// `calibrator.probability(margin: m)`.
    @inline(__always)
    public func callAsFunction(_ m: Double) -> Double {
        if let index { index.probability(m) } else { calibrator.probability(margin: m) }
    }

    private struct KnotIndex: Sendable {
        let x: [Double]
        let y: [Double]
        let low: Double
        let scale: Double
        let buckets: Int
        /// `start[b]`: the last knot whose bucket is below `b` (0 when none), for `b` in `0 ... buckets`.
        let start: [Int32]

        /// Nil for fewer than three knots (nothing to search) or knots out of order.
        init?(_ x: [Double], _ y: [Double]) {
            guard x.count >= 3, x.count == y.count, x.count < Int(Int32.max),
                zip(x, x.dropFirst()).allSatisfy({ $0 <= $1 }),
                x.last! > x[0]
            else { return nil }
            self.x = x
            self.y = y
            low = x[0]
            buckets = 2 * x.count
            scale = Double(buckets) / (x[x.count - 1] - x[0])
            var start = [Int32](repeating: 0, count: buckets + 1)
            var k = 0  // the first knot whose bucket is not below b
            for b in 1...buckets {
                while k < x.count && Self.bucket(x[k], low, scale, buckets) < b { k += 1 }
                start[b] = Int32(max(k - 1, 0))
            }
            self.start = start
        }

        /// The bucket of `m` (at least `low`): a non-decreasing function of `m`, so a knot in a
        /// bucket below `m`'s lies below `m`.
        @inline(__always)
        static func bucket(_ m: Double, _ low: Double, _ scale: Double, _ buckets: Int) -> Int {
            let b = (m - low) * scale
            return b < Double(buckets - 1) ? Int(b) : buckets - 1
        }

        @inline(__always)
        func probability(_ m: Double) -> Double {
            x.withUnsafeBufferPointer { x in
                let n = x.count
                if m <= x[0] { return y[0] }
                if m >= x[n - 1] { return y[n - 1] }
                guard !m.isNaN else { return m }
                let b = Self.bucket(m, low, scale, buckets)
                // x[lo] ≤ m < x[hi]: lo's bucket is below m's, hi's above it (or hi is the last knot).
                return Calibrator.interpolate(m, x, y, between: Int(start[b]), and: min(Int(start[b + 1]) + 1, n - 1))
            }
        }
    }
}

extension Optional where Wrapped == Calibrator {
    /// The probability a margin reads as: through the calibrator, or the logistic function without one.
    public func probability(margin: Double) -> Double {
        self?.probability(margin: margin) ?? sigmoid(margin)
    }

    /// The least margin whose probability is at least `p` (`Calibrator.margin(reaching:)`; the
    /// log-odds of `p` without a calibrator).
    public func margin(reaching p: Double) -> Double {
        self?.margin(reaching: p) ?? log(p / (1 - p))
    }
}

extension Calibrator: Codable {
    private enum CodingKeys: String, CodingKey {
        case method, slope, intercept, margins, probabilities
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(Method.self, forKey: .method) {
        case .platt:
            let slope = try c.decode(Double.self, forKey: .slope)
            let intercept = try c.decode(Double.self, forKey: .intercept)
            guard slope.isFinite, intercept.isFinite, slope > 0 else {
                throw DecodingError.dataCorruptedError(
                    forKey: .slope, in: c, debugDescription: "a Platt calibrator needs a positive, finite slope")
            }
            self = .platt(slope: slope, intercept: intercept)
        case .isotonic:
            let x = try c.decode([Double].self, forKey: .margins)
            let y = try c.decode([Double].self, forKey: .probabilities)
            guard !x.isEmpty, x.count == y.count, x.allSatisfy(\.isFinite),
                y.allSatisfy({ $0 >= 0 && $0 <= 1 }),
                zip(x, x.dropFirst()).allSatisfy({ $0 <= $1 }), zip(y, y.dropFirst()).allSatisfy({ $0 <= $1 })
            else {
                throw DecodingError.dataCorruptedError(
                    forKey: .margins, in: c,
                    debugDescription:
                        "an isotonic calibrator needs as many probabilities (in [0, 1], non-decreasing) as margins (finite, ascending), at least one"
                )
            }
            self = .isotonic(margins: x, probabilities: y)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(method, forKey: .method)
        switch self {
        case .platt(let slope, let intercept):
            try c.encode(slope, forKey: .slope)
            try c.encode(intercept, forKey: .intercept)
        case .isotonic(let x, let y):
            try c.encode(x, forKey: .margins)
            try c.encode(y, forKey: .probabilities)
        }
    }
}
