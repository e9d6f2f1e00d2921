// The fixed world of the synthetic claims: payers, plans, states, codes and the effects the ground
// truth gives them. Names and codes are real (public insurer names, CPT/HCPCS and ICD-10-CM codes,
// census populations); every effect attached to them is a random draw from `worldSeed` and says
// nothing about any real payer. `Datasets/README.md` documents the ground truth in full.

import Foundation

enum ClaimsWorld {
    /// Fixes the world (effects, code popularity); `--seed` only draws the claims.
    static let worldSeed: UInt64 = 20_240_229

    enum Plan: Int, CaseIterable {
        case commercial, medicareAdvantage, medicaid, marketplace, selfFunded, vaCommunityCare

        var name: String {
            ["commercial", "medicare_advantage", "medicaid", "marketplace", "self_funded", "va_community_care"][
                rawValue]
        }
        /// Days allowed to file an internal appeal.
        var window: Int { [180, 65, 60, 180, 180, 90][rawValue] }
        var effect: Double { [0.0, 0.25, -0.25, 0.10, -0.20, 0.15][rawValue] }
    }

    enum Reason: Int, CaseIterable {
        case medicalNecessity, experimental, notCovered, priorAuthMissing, codingError, timelyFiling, missingInformation

        var name: String {
            [
                "medical_necessity", "experimental_investigational", "not_covered", "prior_auth_missing",
                "coding_error", "timely_filing", "missing_information",
            ][rawValue]
        }
        var effect: Double { [-0.60, -1.20, -1.80, 0.20, 1.40, 0.40, 0.80][rawValue] }
        /// Log-odds gained by a letter of medical necessity.
        var letterGain: Double { [1.50, 0.70, 0.20, 0.50, 0.10, 0.10, 0.10][rawValue] }
        /// Log-odds gained, at saturation, by documented failed medications.
        var medicationGain: Double { [1.20, 0.80, 0.20, 0.20, 0.20, 0.20, 0.20][rawValue] }
        /// Log-odds gained, at saturation, by peer-reviewed citations.
        var citationGain: Double { [0.30, 0.90, 0, 0, 0, 0, 0][rawValue] }
    }

    struct Payer {
        let name: String
        let weight: Double
        let plans: [(Plan, Double)]
        let states: [String]?  // nil: national
        let window: Int?  // overrides the plan's appeal window
    }

    /// 2020 census population in millions, 50 states and DC.
    static let statePopulation: [(String, Double)] = [
        ("AL", 5.02), ("AK", 0.73), ("AZ", 7.15), ("AR", 3.01), ("CA", 39.5), ("CO", 5.77), ("CT", 3.61),
        ("DE", 0.99), ("DC", 0.69), ("FL", 21.5), ("GA", 10.7), ("HI", 1.46), ("ID", 1.84), ("IL", 12.8),
        ("IN", 6.79), ("IA", 3.19), ("KS", 2.94), ("KY", 4.51), ("LA", 4.66), ("ME", 1.36), ("MD", 6.18),
        ("MA", 7.03), ("MI", 10.1), ("MN", 5.71), ("MS", 2.96), ("MO", 6.15), ("MT", 1.08), ("NE", 1.96),
        ("NV", 3.10), ("NH", 1.38), ("NJ", 9.29), ("NM", 2.12), ("NY", 20.2), ("NC", 10.4), ("ND", 0.78),
        ("OH", 11.8), ("OK", 3.96), ("OR", 4.24), ("PA", 13.0), ("RI", 1.10), ("SC", 5.12), ("SD", 0.89),
        ("TN", 6.91), ("TX", 29.1), ("UT", 3.27), ("VT", 0.64), ("VA", 8.63), ("WA", 7.71), ("WV", 1.79),
        ("WI", 5.89), ("WY", 0.58),
    ]
    static let states = statePopulation.map(\.0)

    static let payers: [Payer] = {
        typealias P = Plan
        func payer(
            _ name: String, _ weight: Double, _ plans: [(Plan, Double)], _ states: [String]? = nil, window: Int? = nil
        ) -> Payer {
            Payer(name: name, weight: weight, plans: plans, states: states, window: window)
        }
        let c = P.commercial, ma = P.medicareAdvantage, md = P.medicaid, mk = P.marketplace
        let sf = P.selfFunded, va = P.vaCommunityCare
        return [
            payer("UnitedHealthcare", 12, [(c, 4), (sf, 3), (ma, 3), (md, 1), (mk, 1)]),
            payer(
                "Elevance Health (Anthem BCBS)", 9, [(c, 4), (sf, 2), (mk, 1), (ma, 1), (md, 2)],
                ["CA", "CO", "CT", "GA", "IN", "KY", "ME", "MO", "NV", "NH", "NY", "OH", "VA", "WI"]),
            payer("Aetna", 8, [(c, 3), (sf, 3), (ma, 3), (md, 1)]),
            payer("Cigna Healthcare", 6, [(c, 3), (sf, 4), (mk, 1)]),
            payer("Humana", 6, [(ma, 6), (md, 1)]),
            payer(
                "Kaiser Permanente", 5, [(c, 4), (ma, 2), (mk, 1), (md, 1)],
                ["CA", "CO", "GA", "HI", "MD", "VA", "DC", "OR", "WA"]),
            payer("Blue Shield of California", 2.5, [(c, 3), (mk, 1), (ma, 1)], ["CA"]),
            payer("Blue Cross and Blue Shield of Texas", 3, [(c, 3), (sf, 2), (mk, 1), (ma, 1)], ["TX"]),
            payer("Blue Cross and Blue Shield of Illinois", 2.5, [(c, 3), (sf, 2), (mk, 1), (ma, 1)], ["IL"]),
            payer("Florida Blue", 2.5, [(c, 2), (mk, 2), (ma, 1)], ["FL"]),
            payer("Highmark Blue Cross Blue Shield", 2, [(c, 3), (sf, 2), (ma, 1)], ["PA", "WV", "DE", "NY"]),
            payer("Independence Blue Cross", 1.5, [(c, 3), (sf, 2), (ma, 1)], ["PA"]),
            payer("Horizon Blue Cross Blue Shield of New Jersey", 1.5, [(c, 3), (sf, 1), (md, 1)], ["NJ"]),
            payer("CareFirst BlueCross BlueShield", 1.5, [(c, 3), (sf, 2)], ["MD", "DC", "VA"]),
            payer("Blue Cross Blue Shield of Michigan", 2, [(c, 3), (sf, 2), (ma, 1)], ["MI"]),
            payer("Blue Cross and Blue Shield of North Carolina", 1.5, [(c, 3), (mk, 1), (ma, 1)], ["NC"]),
            payer("Regence BlueShield", 1, [(c, 3), (ma, 1)], ["WA", "OR", "ID", "UT"]),
            payer("Premera Blue Cross", 1, [(c, 3), (sf, 1)], ["WA", "AK"]),
            payer("Wellmark Blue Cross and Blue Shield", 0.8, [(c, 3), (sf, 1)], ["IA", "SD"]),
            payer("Blue Cross Blue Shield of Massachusetts", 1.2, [(c, 3), (sf, 1), (ma, 1)], ["MA"]),
            payer("Excellus BlueCross BlueShield", 0.8, [(c, 3), (ma, 1)], ["NY"]),
            payer(
                "Point32Health (Harvard Pilgrim and Tufts)", 1, [(c, 3), (ma, 1), (md, 1)],
                ["MA", "NH", "ME", "CT", "RI"]),
            payer("EmblemHealth", 0.8, [(c, 2), (ma, 1), (md, 1)], ["NY"]),
            payer("Oscar Health", 1.5, [(mk, 4), (c, 1)]),
            payer("Ambetter (Centene)", 2.5, [(mk, 1)]),
            payer("WellCare Medicare Advantage", 1.5, [(ma, 1)]),
            payer("Molina Healthcare", 3, [(md, 4), (mk, 1), (ma, 1)]),
            payer("CareSource", 1, [(md, 3), (mk, 1)], ["OH", "IN", "GA", "KY", "WV", "AR", "NC"]),
            payer("Medica", 0.8, [(c, 2), (mk, 1), (ma, 1)], ["MN", "WI", "IA", "NE", "KS", "MO", "ND", "SD"]),
            payer("HealthPartners", 0.8, [(c, 2), (sf, 1), (ma, 1)], ["MN", "WI"]),
            payer("Geisinger Health Plan", 0.5, [(c, 1), (ma, 1), (md, 1)], ["PA"]),
            payer("UPMC Health Plan", 0.8, [(c, 2), (ma, 1), (md, 1)], ["PA"]),
            payer("Medi-Cal (California Medicaid)", 3, [(md, 1)], ["CA"], window: 90),
            payer("New York State Medicaid", 2, [(md, 1)], ["NY"]),
            payer("Texas Medicaid (TMHP)", 1.5, [(md, 1)], ["TX"], window: 120),
            payer("Florida Medicaid (SMMC)", 1.2, [(md, 1)], ["FL"]),
            payer("Illinois Medicaid (HFS)", 1, [(md, 1)], ["IL"]),
            payer("Pennsylvania Medical Assistance", 1, [(md, 1)], ["PA"], window: 30),
            payer("VA Community Care Network (Optum)", 1.5, [(va, 1)]),
            payer("VA Community Care Network (TriWest)", 1.2, [(va, 1)]),
        ]
    }()

    // MARK: - Codes

    /// CPT/HCPCS codes of ketamine and esketamine care; they have explicit rules, no random effect.
    static let scenarioCodes = [
        "96365", "96366", "96374", "96375", "99213", "99214", "99215", "90837",
        "90833", "96127", "J3490", "J2405", "G2082", "G2083", "S0013",
    ]

    /// Common CPT/HCPCS codes of other care, drawn with a Zipf-like popularity.
    static let otherCodes: [String] = """
        99202 99203 99204 99205 99211 99212 99213 99214 99215 99221 99222 99223 99231 99232 99233 99238
        99239 99242 99243 99244 99245 99281 99282 99283 99284 99285 99291 99304 99305 99306 99307 99308
        99309 99310 99341 99342 99344 99347 99348 99349 99350 99381 99384 99385 99386 99387 99391 99394
        99395 99396 99397 99406 99417 99421 99441 99442 99443 99490 99491 99495 99496 99497
        90785 90791 90792 90832 90833 90834 90836 90837 90838 90839 90846 90847 90853 90863 90867 90868
        90869 90870 96116 96121 96127 96130 96131 96136 96137 96360 96361 96365 96366 96367 96368 96372
        96373 96374 96375 96376 96401 96409 96413 96415 96417
        36415 80048 80050 80053 80061 80305 80306 80307 81001 81003 82043 82306 82565 82607 82947 83036
        84153 84443 84460 85025 85027 85610 86140 86803 87086 87491 87591 87635 87804 87880
        70450 70486 70551 70553 71045 71046 71250 71260 72100 72110 72141 72148 72156 73030 73110 73221
        73560 73562 73721 74018 74176 74177 76536 76700 76705 76770 76801 76805 76830 76856 77067 77080
        78452 93000 93005 93010 93306 93880 93970 95810 95811 95819 95860 95886 95910
        10060 10140 11042 11102 11104 11200 11721 11730 12001 12002 17000 17003 17110 20550 20552 20553
        20600 20605 20610 20611 27447 27130 29826 29827 29881 36556 43235 43239 45378 45380 45385 47562
        49505 58558 62321 62322 62323 64483 64484 64490 64491 64493 64494 64615 64633 64635 66984 69210
        97010 97014 97035 97110 97112 97116 97140 97161 97162 97163 97530 97535 97750 97802 98940 98941
        90471 90472 90686 90688 90715 90732 90750
        G0008 G0009 G0402 G0438 G0439 G0442 G0444 G2010 G2012 G2211 J0129 J0171 J0585 J0690 J0696 J0897
        J1030 J1040 J1071 J1100 J1170 J1642 J1745 J1885 J1950 J2001 J2182 J2250 J2270 J2357 J2405 J2505
        J2550 J2704 J3301 J3420 J7030 J7050 J9035 E0114 E0601 E0607 A4253 A4259 A0427 A0429 L3908 Q4131
        0591T 0592T 3074F 3078F
        """.split(whereSeparator: \.isWhitespace).map(String.init)

    static let depressionCodes = [
        "F32.0", "F32.1", "F32.2", "F32.3", "F32.4", "F32.5", "F32.9", "F32.A",
        "F33.0", "F33.1", "F33.2", "F33.3", "F33.40", "F33.41", "F33.42", "F33.8", "F33.9",
    ]
    static let painCodes = ["G89.4", "M79.7", "G90.50", "G90.511", "G90.512", "G90.519", "G90.521", "G90.529"]
    static let comorbidityCodes = [
        "E11.9", "E11.65", "E11.40", "E11.42", "E11.22", "I10", "E78.5", "I25.10",
        "I50.9", "N18.30", "J44.9",
    ]

    /// ICD-10-CM codes of other care, drawn with a Zipf-like popularity.
    static let otherDiagnoses: [String] =
        depressionCodes + painCodes + comorbidityCodes
            + """
            F34.1 F31.30 F31.31 F31.32 F31.4 F31.5 F31.81 F31.9 F41.0 F41.1 F41.9 F42.2 F43.10 F43.11 F43.12
            F43.20 F43.23 F10.20 F11.20 F12.20 F17.210 F60.3 F90.0 F20.9 F25.0 R45.851 R45.88 R51.9 R52 R53.83
            R10.9 R07.9 R06.02 R42 G89.29 G89.28 G43.009 G43.109 G43.709 G43.719 G43.909 G44.209 G44.009 G35
            G40.909 G47.00 G47.33 G62.9 M54.50 M54.16 M54.2 M54.12 M51.16 M25.561 M25.511 M17.11 M17.12 M19.90
            M06.9 M81.0 E78.00 E66.9 E66.01 E03.9 E55.9 I48.91 I63.9 J45.909 J18.9 J06.9 K21.9 K58.9 K50.90
            N39.0 N40.0 Z00.00 Z00.01 Z79.899 Z79.4 Z79.01 Z91.19 Z91.51 Z86.59 Z63.0 Z56.0 Z68.41 Z87.891 Z23
            Z12.11 Z13.31 T14.91XA S06.0X0A S83.511A C50.911 C61 C34.90 D64.9 D50.9 O99.345 H40.9 H91.90 L40.0
            """.split(whereSeparator: \.isWhitespace).map(String.init)

    // MARK: - Drawn effects

    /// Effects drawn once from `worldSeed`: they never change between files.
    struct Effects {
        let payer: [Double]  // N(0, 0.35²)
        let state: [Double]  // N(0, 0.20²)
        let otherCode: [Double]  // a fixed 20% of the other codes: N(0, 0.30²); the rest 0
        let otherCodeWeights: [Double]  // Zipf-like popularity, exponent 1.05, in a random order
        let diagnosisWeights: [Double]  // Zipf-like popularity, exponent 0.9, in a random order
    }

    static let effects: Effects = {
        var random = RandomSource(seed: worldSeed)
        let payer = payers.map { _ in 0.35 * random.normal() }
        let state = states.map { _ in 0.20 * random.normal() }
        let scenario = Set(scenarioCodes)
        let otherCode = otherCodes.map { code -> Double in
            let draw = 0.30 * random.normal()
            return random.chance(0.20) && !scenario.contains(code) ? draw : 0
        }
        func zipf(_ n: Int, _ exponent: Double) -> [Double] {
            var rank = Array(0..<n)
            for i in stride(from: n - 1, to: 0, by: -1) { rank.swapAt(i, random.int(i + 1)) }
            return rank.map { 1 / pow(Double($0 + 1), exponent) }
        }
        return Effects(
            payer: payer, state: state, otherCode: otherCode,
            otherCodeWeights: zipf(otherCodes.count, 1.05), diagnosisWeights: zipf(otherDiagnoses.count, 0.9))
    }()
}
