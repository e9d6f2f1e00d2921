/// The loops of this module as one compilation has them: the `loops` of `OverturnKernelsPortable`,
/// `OverturnKernelsAVX2` and `OverturnKernelsAVX512`, which compile the same loops for different
/// processors. The library picks one table at run time and calls through it.
public struct KernelLoops: Sendable {
    /// `QuickScorerKernel.leafSets(_:visiting:values:_:into:)`.
    public typealias LeafSets =
        @Sendable (
            QuickScorerKernel.Tables, UnsafePointer<Int32>, UnsafePointer<SIMD8<Float>>, Int,
            UnsafeMutablePointer<SIMD8<UInt64>>
        ) -> Void
    /// `QuickScorerKernel.laneLeafSets(_:solo:values:_:into:)`.
    public typealias LaneLeafSets =
        @Sendable (
            QuickScorerKernel.Tables, UnsafePointer<Int32>, UnsafePointer<Float>, Int,
            UnsafeMutablePointer<SIMD8<UInt64>>
        ) -> Void
    /// `QuickScorerKernel.sums(_:trees:leafStart:leafValue:count:into:)`.
    public typealias LeafSums =
        @Sendable (
            UnsafePointer<SIMD8<UInt64>>, Int, UnsafePointer<Int>, UnsafePointer<Double>, Int,
            UnsafeMutablePointer<Double>
        ) -> Void
    /// `TreeSHAPKernel.directions(block:columns:splits:count:feature:threshold:defaultLeft:left:)`.
    public typealias Directions =
        @Sendable (
            Int, UnsafePointer<Float>, UnsafePointer<Int32>, Int, UnsafePointer<Int32>, UnsafePointer<Float>,
            UnsafePointer<UInt8>, UnsafeMutablePointer<UInt8>
        ) -> Void
    /// `TreeSHAPKernel.indices(block:left:groups:nodeStart:nodes:flip:index:)`.
    public typealias Indices =
        @Sendable (
            Int, UnsafePointer<UInt8>, Int, UnsafePointer<Int>, UnsafePointer<Int32>, UnsafePointer<UInt8>,
            UnsafeMutablePointer<UInt8>
        ) -> Void
    /// `TreeSHAPKernel.addRows(_:groups:index:indexStride:rows:into:)`.
    public typealias AddRows =
        @Sendable (
            UnsafePointer<UnsafePointer<Double>>, Int, UnsafePointer<UInt8>, Int, Int, UnsafeMutablePointer<Double>
        ) -> Void

    public let leafSets: LeafSets
    public let laneLeafSets: LaneLeafSets
    public let leafSums: LeafSums
    public let treeSHAPDirections: Directions
    public let treeSHAPIndices: Indices
    public let treeSHAPAddRows: AddRows

    public init(
        leafSets: @escaping LeafSets, laneLeafSets: @escaping LaneLeafSets, leafSums: @escaping LeafSums,
        treeSHAPDirections: @escaping Directions,
        treeSHAPIndices: @escaping Indices,
        treeSHAPAddRows: @escaping AddRows
    ) {
        self.leafSets = leafSets
        self.laneLeafSets = laneLeafSets
        self.leafSums = leafSums
        self.treeSHAPDirections = treeSHAPDirections
        self.treeSHAPIndices = treeSHAPIndices
        self.treeSHAPAddRows = treeSHAPAddRows
    }
}
