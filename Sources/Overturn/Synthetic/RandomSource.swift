import Foundation

/// A small, fast, seedable random source (xoshiro256**) with the distributions the generator uses.
///
/// The same seed gives the same stream on every platform: nothing here calls the system's random
/// numbers or its floating-point library beyond `log`, `exp`, `sqrt` and `cos`, which are correctly
/// rounded enough on glibc to keep files byte-identical across runs on one platform.
struct RandomSource {
    private var s0, s1, s2, s3: UInt64

    /// Seeds the four words from SplitMix64 of `seed` and `stream`, so that (seed, block) pairs give
    /// independent streams.
    init(seed: UInt64, stream: UInt64 = 0) {
        var x = seed ^ (stream &* 0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in [0, 1).
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { uniform() < p }

    /// Uniform integer in 0..<n.
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// Standard normal (Box–Muller; one value per call keeps streams simple).
    mutating func normal() -> Double {
        let u1 = max(uniform(), 0x1p-60)
        let u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Poisson with mean `lambda` (Knuth's product method; the generator's means are small).
    mutating func poisson(_ lambda: Double) -> Int {
        let limit = exp(-lambda)
        var k = 0
        var product = uniform()
        while product > limit {
            k += 1
            product *= uniform()
        }
        return k
    }

    /// Gamma(shape, scale) by Marsaglia and Tsang (shape ≥ 1 here).
    mutating func gamma(shape: Double, scale: Double) -> Double {
        let d = shape - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double
            var v: Double
            repeat {
                x = normal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = uniform()
            if log(u) < 0.5 * x * x + d - d * v + d * log(v) { return d * v * scale }
        }
    }

    /// Negative binomial with dispersion `r` and mean `mean` (a gamma–Poisson mixture).
    mutating func negativeBinomial(r: Double, mean: Double) -> Int {
        poisson(gamma(shape: r, scale: mean / r))
    }

    /// A binomial count of `n` trials with probability `p`.
    mutating func binomial(_ n: Int, _ p: Double) -> Int {
        var k = 0
        for _ in 0..<n where chance(p) { k += 1 }
        return k
    }
}

/// Sampling from fixed weights in O(log n) by binary search over the cumulative weights.
struct WeightedChoice {
    private let cumulative: [Double]

    init(_ weights: [Double]) {
        let total = weights.reduce(0, +)
        var running = 0.0
        cumulative = weights.map {
            running += $0 / total; return running
        }
    }

    func draw(_ random: inout RandomSource) -> Int {
        let u = random.uniform()
        var lo = 0
        var hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
