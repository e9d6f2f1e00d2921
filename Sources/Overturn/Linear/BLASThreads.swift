import COpenBLAS

#if canImport(Glibc)
    import Glibc
#endif

/// OpenBLAS's thread count, for callers that run their own threads or time single-threaded work.
///
/// OpenBLAS's threads busy-wait between calls; when Overturn's own loops keep both cores busy, or a
/// benchmark measures one core, set it to 1.
public enum BLASThreads {
    /// Sets how many threads OpenBLAS uses from now on.
    public static func set(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }

    /// How many threads OpenBLAS uses.
    public static var count: Int { Int(openblas_get_num_threads()) }

    /// One thread from now on, and OpenBLAS's idle worker threads ended now: for a command that
    /// runs its own threads and calls BLAS on one. OpenBLAS starts its workers when the library
    /// loads, before `main`, and they spin (yielding) for about a tenth of a second before they
    /// sleep: `overturn score` saw one spin for the first 0.2 s, beside its own threads. A later
    /// `set(n)` with n > 1 starts them again. Without OpenBLAS's pthread build (whose fork handler
    /// uses `blas_thread_shutdown_`), just `set(1)`.
    public static func endIdleThreads() {
        set(1)
        #if canImport(Glibc)
            typealias Shutdown = @convention(c) () -> Int32
            if let symbol = dlsym(nil, "blas_thread_shutdown_") {
                _ = unsafeBitCast(symbol, to: Shutdown.self)()
            }
        #endif
    }
}
