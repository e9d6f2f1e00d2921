import Dispatch
import Synchronization

/// Runs `body(0) … body(iterations - 1)` at the same time on the machine's cores.
///
/// The body is not `@Sendable`: callers share raw buffers whose parts each iteration alone writes,
/// the pattern of every parallel loop here.
func parallelFor(_ iterations: Int, _ body: (Int) -> Void) {
    if iterations == 1 {
        body(0)
        return
    }
    withoutActuallyEscaping(body) { body in
        let shared = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: iterations) { shared.value($0) }
    }
}

/// Runs `body` over `0..<count` cut into at most `threads` contiguous ranges of at least `minimum`.
func parallelChunks(_ count: Int, threads: Int, minimum: Int = 8192, _ body: (Range<Int>) -> Void) {
    let chunks = max(1, min(threads, count / minimum))
    parallelFor(chunks) { c in body((count * c / chunks)..<(count * (c + 1) / chunks)) }
}

/// Runs `body` over `0..<count` cut into ranges of `block`, handed out one at a time to at most
/// `threads` workers: a worker slowed by a busy core takes fewer of them. For work whose result
/// does not depend on how it is cut (each row scored on its own).
func parallelBlocks(_ count: Int, threads: Int, block: Int, _ body: (Range<Int>) -> Void) {
    let blocks = (count + block - 1) / block
    let workers = max(1, min(threads, blocks))
    if workers == 1 {
        if count > 0 { body(0..<count) }
        return
    }
    let next = Atomic<Int>(0)
    parallelFor(workers) { _ in
        while true {
            let b = next.add(1, ordering: .relaxed).oldValue
            if b >= blocks { return }
            body((b * block)..<min(count, (b + 1) * block))
        }
    }
}

/// Runs `body(part, rows)` for each of `parts` contiguous, equal parts of `0..<count`, spread over at
/// most `threads` threads. The parts depend on `count` and `parts` only, so whatever each part sums
/// is the same on any number of threads.
func parallelParts(_ count: Int, parts: Int, threads: Int, _ body: (_ part: Int, _ rows: Range<Int>) -> Void) {
    parallelChunks(parts, threads: threads, minimum: 1) { range in
        for p in range { body(p, (count * p / parts)..<(count * (p + 1) / parts)) }
    }
}

/// A value handed to the workers of one parallel loop, which use it without racing.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// A buffer that concurrent iterations read, or write at disjoint indices.
struct SharedBuffer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>

    init(_ buffer: UnsafeMutableBufferPointer<T>) { base = buffer.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)! }
    init(_ buffer: UnsafeBufferPointer<T>) {
        base = UnsafeMutablePointer(mutating: buffer.baseAddress ?? UnsafePointer(bitPattern: 8)!)
    }
}
