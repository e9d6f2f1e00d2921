import OverturnKernels

/// `QuickScorerKernel.leafSets` compiled for processors with AVX-512 (this module is built with
/// `-target-cpu skylake-avx512`). Call it only where `overturn_has_avx512()` says so.
public func quickScorerLeafSetsAVX512(
    _ tables: QuickScorerKernel.Tables, rows x: UnsafePointer<Float>, stride: Int, count: Int,
    visiting visit: UnsafePointer<Int32>, _ visits: Int, into leaves: UnsafeMutablePointer<SIMD8<UInt64>>
) {
    QuickScorerKernel.leafSets(tables, rows: x, stride: stride, count: count, visiting: visit, visits, into: leaves)
}

/// `TreeSHAPKernel.addRows` compiled for processors with AVX-512.
public func treeSHAPAddRowsAVX512(
    _ tables: UnsafePointer<UnsafePointer<Double>>, groups: Int, index: UnsafePointer<UInt8>, indexStride: Int,
    rows: Int, into phi: UnsafeMutablePointer<Double>
) {
    TreeSHAPKernel.addRows(tables, groups: groups, index: index, indexStride: indexStride, rows: rows, into: phi)
}

/// `TreeSHAPKernel.directions` compiled for processors with AVX-512.
public func treeSHAPDirectionsAVX512(
    block: Int, columns: UnsafePointer<Float>, inner: UnsafePointer<Int32>, innerCount: Int,
    feature: UnsafePointer<Int32>, threshold: UnsafePointer<Float>, defaultLeft: UnsafePointer<UInt8>,
    left: UnsafeMutablePointer<UInt8>, groups: Int, nodeStart: UnsafePointer<Int>, nodes: UnsafePointer<Int32>,
    index: UnsafeMutablePointer<UInt8>
) {
    TreeSHAPKernel.directions(
        block: block, columns: columns, inner: inner, innerCount: innerCount, feature: feature, threshold: threshold,
        defaultLeft: defaultLeft, left: left, groups: groups, nodeStart: nodeStart, nodes: nodes, index: index)
}
