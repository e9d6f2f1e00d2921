// libFuzzer target: any bytes as a model file. `ModelFile.decode` must either throw or return a
// model that scores and explains a row without trapping.
import Foundation
import Overturn

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelFile(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    guard let file = try? ModelFile.decode(data, file: "fuzz.json") else { return 0 }
    // A row with nothing stored, and one with every column set to 1.
    let width = file.extractor.width
    let matrix = FeatureMatrix(
        width: width, rowOffsets: [0, 0, width], columns: (0..<width).map(Int32.init),
        values: [Float](repeating: 1, count: width))
    _ = file.probabilities(matrix)
    _ = Explainer(file).explain(matrix)
    return 0
}
