import COpenBLAS

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
}
