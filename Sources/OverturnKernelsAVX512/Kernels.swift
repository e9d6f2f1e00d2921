import OverturnKernels

// The kernels of `OverturnKernels`, compiled again for a newer processor: this file is the source of
// both `OverturnKernelsAVX512` (`-target-cpu skylake-avx512`) and `OverturnKernelsAVX2` (`-target-cpu
// haswell`; its copy is a symbolic link to this one). Call a module's functions only where the
// processor runs its code (`overturn_has_avx512`, `overturn_has_avx2`); callers name the module
// (`OverturnKernelsAVX2.quickScorerLeafSets`).

/// `QuickScorerKernel.leafSets`.
public func quickScorerLeafSets(
    _ tables: QuickScorerKernel.Tables, rows x: UnsafePointer<Float>, stride: Int, count: Int,
    visiting visit: UnsafePointer<Int32>, _ visits: Int, into leaves: UnsafeMutablePointer<SIMD8<UInt64>>
) {
    QuickScorerKernel.leafSets(tables, rows: x, stride: stride, count: count, visiting: visit, visits, into: leaves)
}

/// `TreeSHAPKernel.addRows`.
public func treeSHAPAddRows(
    _ tables: UnsafePointer<UnsafePointer<Double>>, groups: Int, index: UnsafePointer<UInt8>, indexStride: Int,
    rows: Int, into phi: UnsafeMutablePointer<Double>
) {
    TreeSHAPKernel.addRows(tables, groups: groups, index: index, indexStride: indexStride, rows: rows, into: phi)
}

/// `TreeSHAPKernel.directions`.
public func treeSHAPDirections(
    block: Int, columns: UnsafePointer<Float>, inner: UnsafePointer<Int32>, innerCount: Int,
    feature: UnsafePointer<Int32>, threshold: UnsafePointer<Float>, defaultLeft: UnsafePointer<UInt8>,
    left: UnsafeMutablePointer<UInt8>, groups: Int, nodeStart: UnsafePointer<Int>, nodes: UnsafePointer<Int32>,
    index: UnsafeMutablePointer<UInt8>
) {
    TreeSHAPKernel.directions(
        block: block, columns: columns, inner: inner, innerCount: innerCount, feature: feature, threshold: threshold,
        defaultLeft: defaultLeft, left: left, groups: groups, nodeStart: nodeStart, nodes: nodes, index: index)
}
