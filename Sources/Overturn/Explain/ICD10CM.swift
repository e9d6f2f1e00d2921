/// ICD-10-CM code titles, for explanations in words: the public-domain U.S. titles of every
/// 3-character category, every mental and behavioural code (F01-F99) and the codes the synthetic
/// generator draws (`ICD10CMTitles.swift`, made by `Datasets/icd10-cm/make_titles.py`). CPT
/// descriptions are not public, so CPT codes are shown as codes.
public enum ICD10CM {
    /// The title of `code` (`F33.2`), or of its 3-character category with "(category)" when the
    /// code has none of its own here; nil for a code that is not ICD-10-CM.
    public static func title(_ code: String) -> String? {
        if let title = titles[code] { return title }
        guard code.count > 3, let category = titles[String(code.prefix(3))] else { return nil }
        return category + " (category)"
    }

    static let titles: [String: String] = {
        var titles: [String: String] = [:]
        for line in titleLines.split(separator: "\n") {
            guard let tab = line.firstIndex(of: "\t") else { continue }
            titles[String(line[..<tab])] = String(line[line.index(after: tab)...])
        }
        return titles
    }()
}
