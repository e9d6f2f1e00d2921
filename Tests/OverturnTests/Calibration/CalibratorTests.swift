import Foundation
import Overturn
import Testing

/// scikit-learn's isotonic regression and Platt scaling on 2,000 margins (Fixtures/README.md).
private struct ScikitLearnCalibration: Decodable {
    var margins: [Double]
    var labels: [Float]
    var queries: [Double]
    var isotonic: [Double]
    var plattSlope: Double
    var plattIntercept: Double
    var platt: [Double]
}

private func sklearnFixture() throws -> ScikitLearnCalibration {
    let url = repositoryRoot.appendingPathComponent("Tests/OverturnTests/Fixtures/calibration-sklearn.json")
    return try JSONDecoder().decode(ScikitLearnCalibration.self, from: Data(contentsOf: url))
}

@Suite struct CalibratorTests {
    @Test func isotonicPoolsAdjacentViolatorsByHand() {
        // Outcomes 0, 1, 0, 1, 1: the middle pair violates and pools to 0.5.
        let c = Calibrator.fit(.isotonic, margins: [1, 2, 3, 4, 5], labels: [0, 1, 0, 1, 1])
        #expect(c == .isotonic(margins: [1, 2, 3, 4, 5], probabilities: [0, 0.5, 0.5, 1, 1]))
        #expect(c.probability(margin: 0) == 0)  // flat beyond the knots
        #expect(c.probability(margin: 1.5) == 0.25)  // linear between them
        #expect(c.probability(margin: 2.7) == 0.5)
        #expect(c.probability(margin: 9) == 1)
        #expect(c.margin(reaching: 0.75) == 3.5)
        #expect(c.margin(reaching: 0) == -.infinity)
    }

    @Test func isotonicFindsEveryKnotsSegment() {
        // Knots of every count from 2 to 40 (odd and even search lengths); queries at, just above
        // and between the knots, against the segment a scan finds.
        for count in 2...40 {
            let x = (0..<count).map { Double($0 * $0) / 7 - 3 }
            let y = (0..<count).map { Double($0) / Double(count) }
            let c = Calibrator.isotonic(margins: x, probabilities: y)
            for m in x.dropLast().flatMap({ [$0, $0.nextUp, $0 + 0.06] }) {
                let lo = x.lastIndex { $0 <= m }!
                let expected = y[lo] + (m - x[lo]) / (x[lo + 1] - x[lo]) * (y[lo + 1] - y[lo])
                #expect(c.probability(margin: m) == expected, "\(count) knots, margin \(m)")
            }
        }
    }

    @Test func calibratedProbabilityIsTheCalibratorsBitForBit() {
        // Knots bunched at one end (most buckets empty, a few crowded), repeated margins, a huge
        // range and a tiny one; margins at, beside and between the knots, outside them, and NaN.
        // Evenly spread fractions in [0, 1) (the golden ratio's multiples), in place of random ones.
        func spread(_ count: Int) -> [Double] {
            (0..<count).map { (Double($0) * 0.618_033_988_749_895).truncatingRemainder(dividingBy: 1) }
        }
        var knotSets: [[Double]] = [
            (0..<470).map { pow(Double($0) / 470, 6) * 9 - 4 },
            [-1, -1, 0, 0, 0, 0.5, 2, 2],
            [-1e300, -1, 0, 1, 1e300],
            [0, 1e-300, 2e-300, 3e-300],
            [0, 1, 2],
        ]
        knotSets.append(spread(200).map { $0 * 8 - 4 }.sorted())
        for x in knotSets {
            let y = x.indices.map { Double($0) / Double(x.count) }
            let calibrator = Calibrator.isotonic(margins: x, probabilities: y)
            let prepared = CalibratedProbability(calibrator)
            let (low, range) = (x[0], x[x.count - 1] - x[0])
            var margins: [Double] = [.nan, -.infinity, .infinity]
            margins += x.flatMap { [$0, $0.nextUp, $0.nextDown] }
            margins += zip(x, x.dropFirst()).map { $0 / 2 + $1 / 2 }
            margins += spread(2_000).map { low + ($0 * 1.2 - 0.1) * range }
            for m in margins {
                let expected = calibrator.probability(margin: m)
                let got = prepared(m)
                #expect(got == expected || (got.isNaN && expected.isNaN), "\(x.count) knots, margin \(m)")
            }
        }
        for calibrator in [Calibrator.platt(slope: 1.5, intercept: -0.2), nil] {
            let prepared = CalibratedProbability(calibrator)
            for m in [-3.0, 0, 0.7, 40] { #expect(prepared(m) == calibrator.probability(margin: m)) }
        }
    }

    @Test func isotonicPoolsEqualMarginsFirst() {
        // Both rows at margin 1 are one point of mean 0.5; the order of the input does not matter.
        let a = Calibrator.fit(.isotonic, margins: [1, 1, 2], labels: [1, 0, 1])
        let b = Calibrator.fit(.isotonic, margins: [2, 1, 1], labels: [1, 0, 1])
        #expect(a == .isotonic(margins: [1, 2], probabilities: [0.5, 1]))
        #expect(a == b)
    }

    @Test func isotonicMatchesScikitLearn() throws {
        let f = try sklearnFixture()
        let c = Calibrator.fit(.isotonic, margins: f.margins, labels: f.labels)
        for (q, expected) in zip(f.queries, f.isotonic) {
            #expect(abs(c.probability(margin: q) - expected) < 1e-12, "at margin \(q)")
        }
    }

    @Test func plattMatchesScikitLearn() throws {
        let f = try sklearnFixture()
        let c = Calibrator.fit(.platt, margins: f.margins, labels: f.labels)
        guard case .platt(let slope, let intercept) = c else {
            Issue.record("not a Platt calibrator")
            return
        }
        // scikit-learn stops its L-BFGS earlier than Newton's method converges here.
        #expect(abs(slope - f.plattSlope) < 1e-4)
        #expect(abs(intercept - f.plattIntercept) < 1e-4)
        for (q, expected) in zip(f.queries, f.platt) {
            #expect(abs(c.probability(margin: q) - expected) < 1e-4, "at margin \(q)")
        }
    }

    @Test func marginReachingInvertsBothKinds() throws {
        let f = try sklearnFixture()
        for method in Calibrator.Method.allCases {
            let c = Calibrator.fit(method, margins: f.margins, labels: f.labels)
            for p in [0.2, 0.35, 0.5, 0.65] {
                let m = c.margin(reaching: p)
                #expect(m.isFinite)
                #expect(c.probability(margin: m) >= p - 1e-12)
                #expect(c.probability(margin: m - 1e-6) < p)
            }
        }
    }

    @Test func encodesAndRejectsBrokenOnes() throws {
        for c in [
            Calibrator.platt(slope: 0.8, intercept: -0.1),
            .isotonic(margins: [-1, 0, 2], probabilities: [0.1, 0.4, 0.9]),
        ] {
            let data = try JSONEncoder().encode(c)
            #expect(try JSONDecoder().decode(Calibrator.self, from: data) == c)
        }
        for broken in [
            #"{"method":"platt","slope":-1,"intercept":0}"#,
            #"{"method":"isotonic","margins":[0,1],"probabilities":[0.5]}"#,
            #"{"method":"isotonic","margins":[1,0],"probabilities":[0.1,0.2]}"#,
            #"{"method":"isotonic","margins":[0,1],"probabilities":[0.6,0.2]}"#,
            #"{"method":"spline"}"#,
        ] {
            #expect(throws: DecodingError.self) { try JSONDecoder().decode(Calibrator.self, from: Data(broken.utf8)) }
        }
    }
}
