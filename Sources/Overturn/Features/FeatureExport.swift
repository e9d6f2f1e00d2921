import Foundation

/// Writes extracted features to a folder that Python tools load directly, so the peers (scikit-learn,
/// XGBoost, LightGBM) can be trained and checked on exactly Overturn's features.
///
/// The folder holds `indptr.npy` (int64), `indices.npy` (int32) and `data.npy` (float32) — a CSR
/// matrix for `scipy.sparse.csr_matrix((data, indices, indptr), shape=(rows, width))` — plus
/// `labels.npy` (float32, NaN where blank), `columns.txt` (one column name a line), `ids.txt` (one row
/// id a line) and `extractor.json` (the fitted extractor, for `--extractor` on later files).
/// `columnNames` name a matrix wider than the extractor's (`ModelFile.xgboostMatrix`).
public enum FeatureExport {
    public static func write(
        _ batch: FeatureBatch, extractor: FeatureExtractor, columnNames: [String]? = nil, to folder: String
    ) throws {
        let names = columnNames ?? extractor.columnNames
        precondition(names.count == batch.matrix.width)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw OutputError(path: folder, reason: (error as NSError).localizedDescription)
        }
        let m = batch.matrix
        try NPYFile.write(m.rowOffsets.map(Int64.init), to: "\(folder)/indptr.npy")
        try NPYFile.write(m.columns, to: "\(folder)/indices.npy")
        try NPYFile.write(m.values, to: "\(folder)/data.npy")
        try NPYFile.write(batch.labels, to: "\(folder)/labels.npy")
        try writeLines(names, to: "\(folder)/columns.txt")
        try writeLines(batch.ids, to: "\(folder)/ids.txt")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let out = try OutputFile(path: "\(folder)/extractor.json")
        try out.write(try encoder.encode(extractor))
        try out.commit()
    }

    private static func writeLines(_ lines: [String], to path: String) throws {
        let out = try OutputFile(path: path)
        for line in lines {
            try out.write(line)
            try out.write("\n")
        }
        try out.commit()
    }
}
