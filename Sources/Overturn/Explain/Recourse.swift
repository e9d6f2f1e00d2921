import Foundation

/// What would raise a prediction: among the inputs the schema marks actionable (documentation
/// that can be added, medications that can be tried, an appeal filed sooner), the set of changes
/// of lowest cost that lifts the probability to a target, and the single changes that lift it most.
///
/// Only actionable inputs change, only in their allowed direction and within their bounds, each at
/// its cost per unit (`Actionability`); age, diagnosis, payer or state never do. The values tried
/// are the ones that can matter:
///
/// - trees: for each split threshold on the input, the nearest allowed value across it (a whole
///   number for an integer input), since values between two thresholds score alike;
/// - logistic regression: whole steps (up to 50) for an integer input, 20 even steps for another;
/// - a flag: its other value.
///
/// For logistic regression with whole-step inputs the cheapest plan is exact (`linearPlan`: the
/// margin is linear in each input). Otherwise the combinations are searched in order of increasing
/// total cost (each input's values sorted by cost, each combination generated once from a unique
/// parent), so the first that reaches the target is the cheapest. The search stops after
/// `maxEvaluations` scored combinations; a result says whether it covered every combination, so
/// "none" is a proof only then.
public struct RecourseFinder: Sendable {
    public let file: ModelFile
    let scorer: ModelFile.Scorer
    let actions: [Action]
    /// The most combinations scored for one row.
    public var maxEvaluations = 2_048

    /// An actionable input and where it lives in the extractor's columns.
    struct Action: Sendable {
        var input: Int
        var name: String
        var flag: Bool
        var integer: Bool
        var action: Actionability
        var lower: Double
        var upper: Double
        /// The value column and the missing-indicator column.
        var column: Int
        var missing: Int
        /// Trees: the split thresholds on the value column's tree features, increasing.
        var thresholds: [Float]?
    }

    /// - Parameter excluding: input columns not to change even when the schema marks them
    ///   actionable (`rank` leaves alone the column its deadlines are counted from).
    public init(_ file: ModelFile, excluding: Set<String> = []) {
        self.file = file
        scorer = file.scorer(width: file.extractor.width)
        let extractor = file.extractor
        var actions: [Action] = []
        for (f, spec) in extractor.schema.features.enumerated() {
            guard let action = spec.actionable, spec.kind == .number || spec.kind == .flag,
                !excluding.contains(spec.column)
            else { continue }
            let block = extractor.blocks[f]
            let flag = spec.kind == .flag
            var thresholds: [Float]?
            if let trees = file.trees {
                let fed = Set(trees.features.indices.filter { trees.features[$0].column == block.offset })
                var found: Set<Float> = []
                for tree in trees.trees {
                    for n in 0..<tree.nodeCount where tree.feature[n] >= 0 && fed.contains(Int(tree.feature[n])) {
                        found.insert(tree.threshold[n])
                    }
                }
                thresholds = found.sorted()
            }
            actions.append(
                Action(
                    input: f, name: spec.column, flag: flag, integer: flag || spec.integer, action: action,
                    lower: flag ? 0 : max(action.minimum ?? -.infinity, spec.minimum ?? -.infinity),
                    upper: flag ? 1 : min(action.maximum ?? .infinity, spec.maximum ?? .infinity),
                    column: block.offset, missing: block.offset + block.missingColumn, thresholds: thresholds))
        }
        self.actions = actions
    }

    /// The recourse of every row of `matrix`, rows shared out over `threads` threads (the same
    /// answers on any number).
    public func find(_ matrix: FeatureMatrix, target: Double = 0.5, threads: Int = 1) -> [Recourse] {
        var found = [Recourse?](repeating: nil, count: matrix.rowCount)
        found.withUnsafeMutableBufferPointer { found in
            let out = SharedBuffer(found)
            parallelBlocks(matrix.rowCount, threads: threads, block: 16) { rows in
                for r in rows { out.base[r] = find(row: r, of: matrix, target: target) }
            }
        }
        return found.map { $0! }
    }

    /// The recourse for row `i` of `matrix` (extracted by the model's extractor).
    ///
    /// - Parameters:
    ///   - target: the probability to reach.
    ///   - singles: how many single changes to list.
    public func find(row i: Int, of matrix: FeatureMatrix, target: Double = 0.5, singles: Int = 3) -> Recourse {
        let original = Dictionary(
            uniqueKeysWithValues: (matrix.rowOffsets[i]..<matrix.rowOffsets[i + 1]).map {
                (Int(matrix.columns[$0]), matrix.values[$0])
            })
        // Each action's changes, cheapest first; an input left blank is not changed.
        var options: [(action: Action, changes: [Recourse.Change])] = []
        for action in actions where original[action.missing] == nil {
            let value = Double(original[action.column] ?? 0)
            guard !value.isNaN else { continue }
            let changes = candidates(action, from: value).map {
                Recourse.Change(
                    input: action.input, name: action.name, flag: action.flag, from: value, to: $0,
                    cost: action.action.cost * abs($0 - value))
            }.sorted { $0.cost < $1.cost }
            if !changes.isEmpty { options.append((action, changes)) }
        }

        // Where each changeable input's value and missing indicator are.
        let place = Dictionary(uniqueKeysWithValues: options.map { ($0.action.input, $0.action) })

        /// The margin of the row with each set of changes.
        func margins(_ sets: [[Recourse.Change]]) -> [Double] {
            var offsets = [0]
            var columns: [Int32] = []
            var values: [Float] = []
            for changes in sets {
                var row = original
                for change in changes {
                    let action = place[change.input]!
                    row[action.missing] = nil
                    row[action.column] = Float(change.to)
                }
                for c in row.keys.sorted() {
                    columns.append(Int32(c))
                    values.append(row[c]!)
                }
                offsets.append(columns.count)
            }
            let batch = FeatureMatrix(width: matrix.width, rowOffsets: offsets, columns: columns, values: values)
            return scorer.margins(batch)
        }
        /// The probability of the row with each set of changes.
        func score(_ sets: [[Recourse.Change]]) -> [Double] {
            margins(sets).map { scorer.calibrator.probability(margin: $0) }
        }

        let marginNow = margins([[]])[0]
        let now = scorer.calibrator.probability(margin: marginNow)
        var result = Recourse(
            probability: now, target: target, plan: nil, exhaustive: false, singles: [], changeable: options.count)

        // Single changes: the best value of each input, by the probability it gives.
        let all = options.flatMap { $0.changes }
        let alone = score(all.map { [$0] })
        var best: [Int: Recourse.Option] = [:]
        for (change, p) in zip(all, alone) where p > now {
            if let known = best[change.input],
                known.probability > p || (known.probability == p && known.cost <= change.cost)
            {
                continue
            }
            best[change.input] = Recourse.Option(changes: [change], probability: p, cost: change.cost)
        }
        // Ties (a calibrator's flat stretches give many) go by cost, then schema order: never by
        // the dictionary's order, which changes from run to run.
        result.singles = Array(
            best.values.sorted {
                if $0.probability != $1.probability { return $0.probability > $1.probability }
                if $0.cost != $1.cost { return $0.cost < $1.cost }
                return $0.changes[0].input < $1.changes[0].input
            }
            .prefix(singles))

        guard now < target else {
            result.exhaustive = true
            return result
        }
        if case .logistic(let model) = file.model {
            // The margin to gain (through the calibrator's inverse when there is one).
            let need = scorer.calibrator.margin(reaching: target) - marginNow
            switch linearPlan(model, options: options, need: need, target: target, score: { score([$0])[0] }) {
            case .plan(let plan):
                result.plan = plan
                result.exhaustive = true
                return result
            case .none:
                result.exhaustive = true
                return result
            case .notApplicable:
                break
            }
        }
        // The combinations in order of cost: state = how far along each input's list (0: no
        // change); a state's parent lowers its last changed input by one step.
        struct State: Comparable {
            var cost: Double
            var order: Int
            var steps: [Int]
            var last: Int
            static func < (a: State, b: State) -> Bool { a.cost != b.cost ? a.cost < b.cost : a.order < b.order }
        }
        var heap = Heap<State>()
        var order = 0
        func push(_ steps: [Int], last: Int) {
            var cost = 0.0
            for (k, s) in steps.enumerated() where s > 0 { cost += options[k].changes[s - 1].cost }
            heap.insert(State(cost: cost, order: order, steps: steps, last: last))
            order += 1
        }
        for k in options.indices {
            var steps = [Int](repeating: 0, count: options.count)
            steps[k] = 1
            push(steps, last: k)
        }
        var evaluated = 0
        while !heap.isEmpty && evaluated < maxEvaluations {
            var batch: [State] = []
            while batch.count < 256, let state = heap.popMin() {
                batch.append(state)
                for k in state.last..<options.count where state.steps[k] < options[k].changes.count {
                    var steps = state.steps
                    steps[k] += 1
                    push(steps, last: k)
                }
            }
            let sets = batch.map { state in
                state.steps.enumerated().compactMap { k, s in s > 0 ? options[k].changes[s - 1] : nil }
            }
            let probabilities = score(sets)
            evaluated += batch.count
            if let hit = probabilities.firstIndex(where: { $0 >= target }) {
                result.plan = Recourse.Option(
                    changes: sets[hit], probability: probabilities[hit], cost: batch[hit].cost)
                return result
            }
        }
        result.exhaustive = heap.isEmpty
        return result
    }

    /// Logistic regression, exactly: the margin moves by a fixed amount per unit of each input, so
    /// the cheapest plan is an integer program, `min Σ cₖsₖ` subject to `Σ aₖsₖ ≥ need` and
    /// `0 ≤ sₖ ≤ Sₖ` (steps `s`, gain `a` and cost `c` per step, in the direction that raises the
    /// margin). Every combination of steps of all inputs but the widest is tried, and the widest
    /// takes the fewest steps that close the gap (Ustun et al. 2019 solve the same program with a
    /// solver; a handful of whole-step inputs needs none). `notApplicable`, for the search to take
    /// over, when an input is not in whole steps or the combinations number more than a million.
    func linearPlan(
        _ model: LogisticRegression, options: [(action: Action, changes: [Recourse.Change])], need: Double,
        target: Double, score: ([Recourse.Change]) -> Double
    ) -> LinearPlan {
        // Per input: the change per step, the margin gained per step, the most steps.
        var inputs: [(first: Recourse.Change, gain: Double, steps: Int)] = []
        for (action, changes) in options {
            guard action.integer else { return .notApplicable }
            let c = action.column
            let perUnit = model.scaling.first { $0.column == c }.map { model.weights[c] / $0.scale } ?? model.weights[c]
            // The changes that raise the margin: one direction, whole steps from the current value.
            let raising = changes.filter { ($0.to - $0.from) * perUnit > 0 }
            guard let nearest = raising.min(by: { abs($0.to - $0.from) < abs($1.to - $1.from) }) else { continue }
            let sign = nearest.to > nearest.from ? 1.0 : -1.0
            let bound = sign > 0 ? action.upper : action.lower
            let steps = Int(min(abs(bound - nearest.from), 1_000_000).rounded(.down))
            guard steps > 0 else { continue }
            var unit = nearest
            unit.to = nearest.from + sign
            unit.cost = action.action.cost
            inputs.append((unit, abs(perUnit), steps))
        }
        guard need.isFinite, !inputs.isEmpty, inputs.reduce(0, { $0 + $1.gain * Double($1.steps) }) >= need else {
            return .none
        }
        // The widest input closes the gap; the others are enumerated.
        let widest = inputs.indices.max { inputs[$0].steps < inputs[$1].steps }!
        let others = inputs.indices.filter { $0 != widest }
        guard others.reduce(1.0, { $0 * Double(inputs[$1].steps + 1) }) <= 1_000_000 else { return .notApplicable }
        var best: (cost: Double, steps: [Int])?
        var steps = [Int](repeating: 0, count: inputs.count)
        func visit(_ i: Int, gain: Double, cost: Double) {
            if let best, cost >= best.cost { return }
            if i == others.count {
                let w = inputs[widest]
                let left = need - gain
                let s = left <= 0 ? 0 : Int((left / w.gain).rounded(.up))
                guard s <= w.steps else { return }
                let total = cost + Double(s) * w.first.cost
                if best == nil || total < best!.cost {
                    steps[widest] = s
                    best = (total, steps)
                }
                return
            }
            let k = others[i]
            for s in 0...inputs[k].steps {
                steps[k] = s
                visit(i + 1, gain: gain + Double(s) * inputs[k].gain, cost: cost + Double(s) * inputs[k].first.cost)
            }
            steps[k] = 0
        }
        visit(0, gain: 0, cost: 0)
        guard var chosen = best?.steps else { return .none }
        // The margin in floating point may fall a hair short of the target: one more step then.
        func plan(_ steps: [Int]) -> [Recourse.Change] {
            inputs.indices.compactMap { k in
                guard steps[k] > 0 else { return nil }
                var change = inputs[k].first
                change.to = change.from + (change.to - change.from) * Double(steps[k])
                change.cost = inputs[k].first.cost * Double(steps[k])
                return change
            }
        }
        var p = score(plan(chosen))
        if p < target && chosen[widest] < inputs[widest].steps {
            chosen[widest] += 1
            p = score(plan(chosen))
        }
        guard p >= target else { return .none }
        let changes = plan(chosen)
        return .plan(Recourse.Option(changes: changes, probability: p, cost: changes.reduce(0) { $0 + $1.cost }))
    }

    /// What `linearPlan` found.
    enum LinearPlan {
        case plan(Recourse.Option)
        /// No combination reaches the target.
        case none
        case notApplicable
    }

    /// The values an action may take from `value`: see the type's documentation.
    func candidates(_ a: Action, from value: Double) -> [Double] {
        let up = a.action.direction != .decrease
        let down = a.action.direction != .increase
        var values: Set<Double> = []
        if a.flag {
            if up && value < 1 { values.insert(1) }
            if down && value > 0 { values.insert(0) }
            return Array(values)
        }
        if let thresholds = a.thresholds {
            let x = Float(value)
            for t in thresholds {
                // A tree sends x <= t left: the nearest allowed value on the other side of t.
                if up && x <= t {
                    values.insert(a.integer ? Double(t.rounded(.down)) + 1 : Double(t.nextUp))
                }
                if down && x > t {
                    values.insert(a.integer ? Double(t.rounded(.down)) : Double(t))
                }
            }
        } else if a.integer {
            for step in 1...50 {
                if up { values.insert(value + Double(step)) }
                if down { values.insert(value - Double(step)) }
            }
        } else {
            for step in 1...20 {
                if up && a.upper.isFinite { values.insert(value + (a.upper - value) * Double(step) / 20) }
                if down && a.lower.isFinite { values.insert(value - (value - a.lower) * Double(step) / 20) }
            }
        }
        return values.filter {
            $0 != value && $0 >= a.lower && $0 <= a.upper && (up && $0 > value || down && $0 < value)
        }
    }
}

/// One row's recourse (`RecourseFinder`).
public struct Recourse: Sendable, Equatable {
    /// One input changed.
    public struct Change: Sendable, Equatable {
        public var input: Int
        public var name: String
        public var flag: Bool
        public var from: Double
        public var to: Double
        public var cost: Double

        /// `has_medical_necessity_letter: no → yes`, `failed_medications: 1 → 3`.
        public var words: String {
            func text(_ v: Double) -> String { flag ? (v != 0 ? "yes" : "no") : FeatureExtractor.number(Float(v)) }
            return "\(name): \(text(from)) → \(text(to))"
        }
    }

    /// A set of changes, the probability it gives and its cost.
    public struct Option: Sendable, Equatable {
        public var changes: [Change]
        public var probability: Double
        public var cost: Double
    }

    /// The probability as the row stands.
    public var probability: Double
    public var target: Double
    /// The cheapest set of changes that reaches the target; nil when the row is already there or
    /// none was found.
    public var plan: Option?
    /// Every combination of changes was scored (so a missing plan means none reaches the target).
    public var exhaustive: Bool
    /// The single changes that raise the probability most, best first (one per input).
    public var singles: [Option]
    /// How many actionable inputs could change at all (not blank, not at their bound).
    public var changeable: Int
}

/// A binary min-heap.
struct Heap<Element: Comparable> {
    private var items: [Element] = []

    var isEmpty: Bool { items.isEmpty }

    mutating func insert(_ item: Element) {
        items.append(item)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard items[i] < items[parent] else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func popMin() -> Element? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1
            let r = l + 1
            var smallest = i
            if l < items.count && items[l] < items[smallest] { smallest = l }
            if r < items.count && items[r] < items[smallest] { smallest = r }
            if smallest == i { break }
            items.swapAt(i, smallest)
            i = smallest
        }
        return top
    }
}
