import OverturnKernels

// `OverturnKernels`' loops compiled into a table, once per processor kind: this file is the source of
// `OverturnKernelsPortable` (any processor of the architecture), `OverturnKernelsAVX2` (`-target-cpu
// haswell`) and `OverturnKernelsAVX512` (`-target-cpu skylake-avx512`), whose copies are symbolic
// links to it. The loops are `@inline(__always)`, so each closure below holds its module's own
// compilation of them. Call a newer module's table only where the processor runs its code
// (`overturn_has_avx2`, `overturn_has_avx512`).

/// The loops, compiled for this module's processor.
public let loops = KernelLoops(
    leafSets: { QuickScorerKernel.leafSets($0, visiting: $1, values: $2, $3, into: $4) },
    laneLeafSets: { QuickScorerKernel.laneLeafSets($0, solo: $1, values: $2, $3, into: $4) },
    leafSums: { QuickScorerKernel.sums($0, trees: $1, leafStart: $2, leafValue: $3, count: $4, into: $5) },
    treeSHAPDirections: {
        TreeSHAPKernel.directions(
            block: $0, columns: $1, splits: $2, count: $3, feature: $4, threshold: $5, defaultLeft: $6, left: $7)
    },
    treeSHAPIndices: {
        TreeSHAPKernel.indices(block: $0, left: $1, groups: $2, nodeStart: $3, nodes: $4, flip: $5, index: $6)
    },
    treeSHAPAddRows: { TreeSHAPKernel.addRows($0, groups: $1, index: $2, indexStride: $3, rows: $4, into: $5) })
