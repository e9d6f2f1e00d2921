import Dispatch

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
