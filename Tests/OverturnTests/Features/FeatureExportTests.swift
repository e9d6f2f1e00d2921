import Foundation
import Testing

@testable import Overturn

@Suite struct FeatureExportTests {
    @Test func npyHeaderIsWhatNumPyReads() {
        let header = NPYFile.header(descriptor: "<f4", count: 3)
        #expect(header.count % 64 == 0)
        #expect(Array(header[0..<8]) == [0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = Int(header[8]) | Int(header[9]) << 8
        #expect(length == header.count - 10)
        let dict = String(decoding: header[10...], as: UTF8.self)
        #expect(dict.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"))
        #expect(dict.hasSuffix(" \n"))
    }

    @Test func writesAFolderPythonLoads() throws {
        let text =
            "claim_id,payer,plan_type,state,cpt_codes,modifiers,icd10_codes,denial_reason,appeal_level,prior_appeals,failed_medications,billed_amount,days_to_appeal,has_medical_necessity_letter,peer_reviewed_citations,outcome\n"
            + "C1,Aetna,commercial,CA,96365,,F33.2,medical_necessity,1,0,3,450.5,30,1,2,1\n"
            + "C2,Cigna,medicaid,TX,99214,25,I10,coding_error,2,1,,80,12,0,0,0\n"
        let (extractor, batch) = try FeatureExtractor.fitTransform(
            try CSVReader(text: text), schema: .claims, options: FeatureOptions(minCount: 1))
        let folder = try TemporaryFolder()
        let out = folder.path("features")
        try FeatureExport.write(batch, extractor: extractor, to: out)
        let names = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(
            names == [
                "columns.txt", "data.npy", "extractor.json", "ids.txt", "indices.npy", "indptr.npy", "labels.npy",
            ])
        let data = try Data(contentsOf: URL(fileURLWithPath: out + "/data.npy"))
        let headerLength = 10 + (Int(data[8]) | Int(data[9]) << 8)
        #expect(data.count == headerLength + 4 * batch.matrix.nonZeroCount)
        let indptr = try Data(contentsOf: URL(fileURLWithPath: out + "/indptr.npy"))
        let last = indptr.suffix(8).withUnsafeBytes { $0.loadUnaligned(as: Int64.self) }
        #expect(Int(last) == batch.matrix.nonZeroCount)
        #expect(try String(contentsOfFile: out + "/ids.txt", encoding: .utf8) == "C1\nC2\n")
        let columns = try String(contentsOfFile: out + "/columns.txt", encoding: .utf8).split(separator: "\n").map(
            String.init)
        #expect(columns == extractor.columnNames)
        #expect(try FeatureExtractor.load(path: out + "/extractor.json") == extractor)
    }
}
