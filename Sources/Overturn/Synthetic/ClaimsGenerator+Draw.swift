import Foundation

// How one synthetic claim is drawn, and the ground truth that decides its outcome.
// Datasets/README.md states the same rules in prose; keep the two in step.

extension ClaimsGenerator {
    private typealias W = ClaimsWorld

    /// Care scenarios (latent: visible only through the codes).
    enum Scenario { case ivKetamine, esketamine, other }

    private static let payerChoice = WeightedChoice(W.payers.map(\.weight))
    private static let planChoices = W.payers.map { WeightedChoice($0.plans.map(\.1)) }
    private static let stateIndex = Dictionary(uniqueKeysWithValues: W.states.enumerated().map { ($1, $0) })
    private static let allStatesChoice = WeightedChoice(W.statePopulation.map(\.1))
    private static let payerStateChoices: [(states: [Int], choice: WeightedChoice)?] = W.payers.map { payer in
        guard let states = payer.states else { return nil }
        let indices = states.map { stateIndex[$0]! }
        return (indices, WeightedChoice(indices.map { W.statePopulation[$0].1 }))
    }
    private static let otherCodeChoice = WeightedChoice(W.effects.otherCodeWeights)
    private static let otherCodeEffect = Dictionary(
        zip(W.otherCodes, W.effects.otherCode), uniquingKeysWith: { a, _ in a })
    private static let diagnosisChoice = WeightedChoice(W.effects.diagnosisWeights)
    private static let reasonChoices: [WeightedChoice] = [
        WeightedChoice([0.26, 0.30, 0.14, 0.10, 0.08, 0.05, 0.07]),  // IV ketamine
        WeightedChoice([0.34, 0.05, 0.08, 0.24, 0.12, 0.06, 0.11]),  // esketamine
        WeightedChoice([0.30, 0.05, 0.10, 0.19, 0.15, 0.08, 0.13]),  // other care
    ]
    private static let ivDiagnoses: [(String, Double)] = [
        ("F33.2", 25), ("F33.1", 10), ("F32.2", 12), ("F33.9", 5), ("F32.9", 5), ("F33.3", 3), ("F43.10", 12),
        ("F31.81", 3), ("F31.4", 2), ("F41.1", 3), ("G89.4", 6), ("M79.7", 4), ("G90.519", 3), ("G90.50", 2),
        ("G43.709", 3), ("F42.2", 2),
    ]
    private static let esketamineDiagnoses: [(String, Double)] = [
        ("F33.2", 35), ("F33.1", 20), ("F32.2", 15), ("F33.9", 10), ("F32.9", 8), ("F33.3", 4), ("F32.A", 3),
        ("F33.42", 5),
    ]
    private static let secondaryDiagnoses: [(String, Double)] = [
        ("R45.851", 14), ("F41.1", 20), ("F43.10", 8), ("Z91.19", 5), ("F17.210", 8), ("E11.9", 6), ("I10", 10),
        ("E78.5", 6), ("Z79.899", 10), ("F10.20", 4), ("Z91.51", 4), ("G47.00", 5),
    ]
    private static let ivDiagnosisChoice = WeightedChoice(ivDiagnoses.map(\.1))
    private static let esketamineDiagnosisChoice = WeightedChoice(esketamineDiagnoses.map(\.1))
    private static let secondaryChoice = WeightedChoice(secondaryDiagnoses.map(\.1))
    private static let depression = Set(W.depressionCodes)
    private static let pain = Set(W.painCodes)
    private static let comorbidity = Set(W.comorbidityCodes)

    /// Draws one claim and its outcome.
    static func draw(_ r: inout RandomSource) -> Claim {
        var c = Claim()

        // Payer, plan, state.
        c.payer = payerChoice.draw(&r)
        let payer = W.payers[c.payer]
        c.plan = payer.plans[planChoices[c.payer].draw(&r)].0
        if let local = payerStateChoices[c.payer], !r.chance(0.03) {
            c.state = local.states[local.choice.draw(&r)]
        } else {
            c.state = allStatesChoice.draw(&r)  // national payers, and 3% out-of-area claims
        }

        // Scenario and codes.
        let u = r.uniform()
        let scenario: Scenario = u < 0.30 ? .ivKetamine : (u < 0.45 ? .esketamine : .other)
        func add(_ code: String, _ p: Double = 1) {
            if r.chance(p), !c.procedures.contains(code) { c.procedures.append(code) }
        }
        switch scenario {
        case .ivKetamine:
            add("96365")
            add("96366", 0.70)
            add("J3490", 0.85)
            if r.chance(0.15) { add(r.chance(0.6) ? "96374" : "96375") }
            add("J2405", 0.20)
            if r.chance(0.55) {
                let v = r.uniform()
                add(v < 0.2 ? "99213" : (v < 0.8 ? "99214" : "99215"))
            }
            add("90837", 0.15)
            add("96127", 0.10)
            c.diagnoses.append(ivDiagnoses[ivDiagnosisChoice.draw(&r)].0)
        case .esketamine:
            add(r.chance(0.55) ? "G2082" : "G2083")
            add("S0013", 0.60)
            if r.chance(0.35) { add(r.chance(0.7) ? "99214" : "99215") }
            add("90833", 0.10)
            add("96127", 0.15)
            c.diagnoses.append(esketamineDiagnoses[esketamineDiagnosisChoice.draw(&r)].0)
        case .other:
            let k = 1 + r.binomial(3, 0.4)
            for _ in 0..<k { add(W.otherCodes[otherCodeChoice.draw(&r)]) }
            let d = 1 + r.binomial(2, 0.35)
            for _ in 0..<d {
                let code = W.otherDiagnoses[diagnosisChoice.draw(&r)]
                if !c.diagnoses.contains(code) { c.diagnoses.append(code) }
            }
        }
        let ketamine = scenario != .other
        if ketamine {
            for p in [0.55, 0.25] where r.chance(p) {
                let code = secondaryDiagnoses[secondaryChoice.draw(&r)].0
                if !c.diagnoses.contains(code) { c.diagnoses.append(code) }
            }
        }
        let primary = c.diagnoses[0]

        // Denial and appeal.
        let scenarioIndex = scenario == .ivKetamine ? 0 : (scenario == .esketamine ? 1 : 2)
        c.reason = W.Reason(rawValue: reasonChoices[scenarioIndex].draw(&r))!
        let v = r.uniform()
        c.appealLevel = v < 0.68 ? 1 : (v < 0.91 ? 2 : 3)
        c.priorAppeals = min(c.appealLevel - 1 + r.poisson(0.35), 5)
        if ketamine && depression.contains(primary) {
            c.failedMedications = r.negativeBinomial(r: 2, mean: 4.5)
        } else if scenario == .ivKetamine && pain.contains(primary) {
            c.failedMedications = r.poisson(2.5)
        } else {
            c.failedMedications = r.poisson(0.8)
        }
        c.failedMedications = min(c.failedMedications, 20)
        var billed: Double
        switch scenario {
        case .ivKetamine:
            billed = (450 + (c.procedures.contains("96366") ? 250 : 0)) * exp(0.3 * r.normal())
        case .esketamine:
            billed =
                (700 + (c.procedures.contains("G2083") ? 400 : 0) + (c.procedures.contains("S0013") ? 800 : 0))
                * exp(0.25 * r.normal())
        case .other:
            billed = exp(log(320) + 1.1 * r.normal())
        }
        billed = min(max(billed, 25), 250_000)
        c.billedCents = Int((billed * 100).rounded())
        let days = r.chance(0.82) ? r.gamma(shape: 2, scale: 22) : 365 * r.uniform()
        c.daysToAppeal = min(max(Int(days), 0), 365)
        let reasonIsClinical = c.reason == .medicalNecessity || c.reason == .experimental
        c.letter = r.chance(
            0.30 + (ketamine ? 0.25 : 0) + (reasonIsClinical ? 0.10 : 0) + (c.appealLevel >= 2 ? 0.10 : 0))
        let citationMean =
            0.4 + (c.reason == .experimental ? 1.6 : 0) + (scenario == .ivKetamine ? 0.8 : 0) + (c.letter ? 0.6 : 0)
        c.citations = min(r.poisson(citationMean), 10)

        // Modifiers.
        let hasEM = c.procedures.contains(where: isEvaluationAndManagement)
        let hasProcedure = c.procedures.contains(where: isProcedure)
        func modifier(_ m: String, _ p: Double) { if r.chance(p) && !c.modifiers.contains(m) { c.modifiers.append(m) } }
        if hasEM && hasProcedure { modifier("25", c.reason == .codingError ? 0.35 : 0.70) }
        if c.procedures.contains(where: { $0.hasPrefix("J") || $0.hasPrefix("S") }) {
            let m = r.uniform()
            if m < 0.60 { modifier("JZ", 1) } else if m < 0.70 { modifier("JW", 1) }
        }
        if hasEM || c.procedures.contains(where: { ["90837", "90833", "90834", "90832"].contains($0) }) {
            let m = r.uniform()
            if m < 0.10 { modifier("95", 1) } else if m < 0.15 { modifier("GT", 1) }
        }
        if scenario == .other {
            if c.procedures.count >= 2 {
                let m = r.uniform()
                if m < 0.06 { modifier("59", 1) } else if m < 0.09 { modifier("XU", 1) }
            }
            if hasProcedure {
                let m = r.uniform()
                if m < 0.05 { modifier("LT", 1) } else if m < 0.10 { modifier("RT", 1) }
            }
            if c.procedures.contains(where: { $0.hasPrefix("7") && $0.allSatisfy(\.isNumber) }) {
                let m = r.uniform()
                if m < 0.05 { modifier("26", 1) } else if m < 0.08 { modifier("TC", 1) }
            }
            if c.procedures.contains(where: { $0.hasPrefix("97") }) { modifier("GP", 0.27) }
        }
        let m = r.uniform()
        if m < 0.05 {
            modifier("KX", 1)
        } else if m < 0.08 {
            modifier("GA", 1)
        } else if m < 0.10 {
            modifier("GZ", 1)
        } else if m < 0.12 {
            modifier("GY", 1)
        }

        // Ground truth.
        c.probability = 1 / (1 + exp(-logit(c, scenario: scenario, hasEMAndProcedure: hasEM && hasProcedure)))
        c.overturned = r.chance(c.probability)
        if r.chance(0.03) { c.overturned.toggle() }  // clerical noise
        return c
    }

    /// The true log-odds of an overturn.
    static func logit(_ c: Claim, scenario: Scenario, hasEMAndProcedure: Bool) -> Double {
        let payer = W.payers[c.payer]
        let window = payer.window ?? c.plan.window
        let late = c.daysToAppeal > window
        if late && c.reason == .timelyFiling { return -5 }  // a late appeal of a timely-filing denial cannot win

        func saturate(_ x: Int, _ scale: Double) -> Double { 1 - exp(-Double(x) / scale) }
        var z = -0.50
        z += W.effects.payer[c.payer] + W.effects.state[c.state] + c.plan.effect + c.reason.effect
        if c.letter { z += c.reason.letterGain }
        z += c.reason.medicationGain * saturate(c.failedMedications, 2.5)
        z += c.reason.citationGain * saturate(c.citations, 2.0)
        z += [0, 0.20, 0.70][c.appealLevel - 1]
        z -= 0.15 * Double(c.priorAppeals)
        z -= 0.30 * min(max(log10(Double(c.billedCents) / 100 / 500), -1), 2.5)
        z -= 0.002 * Double(c.daysToAppeal)
        if late { z -= 1.30 }

        let has = { (code: String) in c.procedures.contains(code) }
        let ketamine = scenario != .other
        if has("G2082") || has("G2083") || has("S0013") {
            z += c.reason == .experimental || c.reason == .notCovered ? 0.90 : 0.25
        }
        if has("96365") && has("J3490") && c.reason == .experimental { z -= 0.35 }
        if ketamine && depression.contains(c.diagnoses[0]) && c.failedMedications >= 2 { z += 0.50 }
        if scenario == .ivKetamine && has("90837") { z += 0.20 }
        if scenario == .ivKetamine && c.diagnoses.contains(where: pain.contains) { z -= 0.50 }
        if c.diagnoses.contains("R45.851") { z += 0.45 }
        if c.diagnoses.contains("F43.10") && c.plan == .vaCommunityCare { z += 0.60 }
        if c.reason == .codingError && hasEMAndProcedure { z += c.modifiers.contains("25") ? 0.80 : -0.60 }
        if c.modifiers.contains("KX") { z += 0.40 }
        if c.modifiers.contains("GA") { z += 0.20 }
        if c.modifiers.contains("GZ") { z -= 0.80 }
        if c.modifiers.contains("GY") { z -= 1.00 }
        for code in c.procedures { z += otherCodeEffect[code] ?? 0 }
        z -= 0.06 * Double(c.diagnoses.filter(comorbidity.contains).count)
        return z
    }

    /// E/M codes 99202–99499.
    static func isEvaluationAndManagement(_ code: String) -> Bool {
        guard let n = Int(code) else { return false }
        return (99202...99499).contains(n)
    }

    /// Surgery (10000–69999) and infusion/injection (96360–96549) codes.
    static func isProcedure(_ code: String) -> Bool {
        guard let n = Int(code) else { return false }
        return (10000...69999).contains(n) || (96360...96549).contains(n)
    }
}
