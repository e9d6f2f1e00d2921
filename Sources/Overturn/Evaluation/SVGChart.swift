import Foundation

/// A square chart of curves on [0, 1] × [0, 1], written as a standalone SVG file that opens in any
/// browser: what `overturn evaluate --plot` draws ROC curves and reliability diagrams with.
///
/// ```swift
/// var chart = SVGChart(title: "ROC", x: "false positive rate", y: "true positive rate")
/// chart.add("trees", points: Evaluation.rocCurve(labels: y, probabilities: p).map { ($0.fpr, $0.tpr) })
/// try chart.svg.write(toFile: "roc.svg", atomically: true, encoding: .utf8)
/// ```
public struct SVGChart: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    var series: [(name: String, points: [(Double, Double)], markers: Bool)] = []

    /// Colours that stay apart for colour-blind readers (Okabe and Ito).
    static let colours = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]

    public init(title: String, x: String, y: String) {
        self.title = title
        xLabel = x
        yLabel = y
    }

    /// Adds a curve through `points` (x and y in [0, 1]); `markers` draws a dot at each point.
    public mutating func add(_ name: String, points: [(Double, Double)], markers: Bool = false) {
        series.append((name, points, markers))
    }

    /// The chart as an SVG document. Curves with many points are thinned to about 1,000 (the
    /// first and last kept), which no screen can tell apart.
    public var svg: String {
        let (size, left, top) = (400.0, 70.0, 40.0)
        let width = left + size + 30
        let height = top + size + 70 + Double(series.count) * 20
        func px(_ x: Double) -> String { format(left + x * size) }
        func py(_ y: Double) -> String { format(top + (1 - y) * size) }
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
            viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(format(left + size / 2))" y="24" text-anchor="middle" font-size="15">\(escaped(title))</text>

            """
        for k in 0...10 {
            let v = Double(k) / 10
            out += "<line x1=\"\(px(v))\" y1=\"\(py(0))\" x2=\"\(px(v))\" y2=\"\(py(1))\" stroke=\"#e5e5e5\"/>\n"
            out += "<line x1=\"\(px(0))\" y1=\"\(py(v))\" x2=\"\(px(1))\" y2=\"\(py(v))\" stroke=\"#e5e5e5\"/>\n"
            if k % 2 == 0 {
                let label = String(format: "%.1f", v)
                out += "<text x=\"\(px(v))\" y=\"\(format(top + size + 16))\" text-anchor=\"middle\">\(label)</text>\n"
                out +=
                    "<text x=\"\(format(left - 8))\" y=\"\(format(top + (1 - v) * size + 4))\" text-anchor=\"end\">\(label)</text>\n"
            }
        }
        out +=
            "<rect x=\"\(px(0))\" y=\"\(py(1))\" width=\"\(Int(size))\" height=\"\(Int(size))\" fill=\"none\" stroke=\"#444\"/>\n"
        out +=
            "<line x1=\"\(px(0))\" y1=\"\(py(0))\" x2=\"\(px(1))\" y2=\"\(py(1))\" stroke=\"#999\" stroke-dasharray=\"4 4\"/>\n"
        out +=
            "<text x=\"\(format(left + size / 2))\" y=\"\(format(top + size + 40))\" text-anchor=\"middle\">\(escaped(xLabel))</text>\n"
        out +=
            "<text transform=\"translate(\(format(left - 45)) \(format(top + size / 2))) rotate(-90)\" text-anchor=\"middle\">\(escaped(yLabel))</text>\n"
        for (i, s) in series.enumerated() {
            let colour = Self.colours[i % Self.colours.count]
            let step = max(1, s.points.count / 1000)
            let kept = s.points.indices.filter { $0 % step == 0 || $0 == s.points.count - 1 }.map { s.points[$0] }
            let path = kept.map { "\(px($0.0)),\(py($0.1))" }.joined(separator: " ")
            out += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"/>\n"
            if s.markers {
                for p in kept { out += "<circle cx=\"\(px(p.0))\" cy=\"\(py(p.1))\" r=\"3.5\" fill=\"\(colour)\"/>\n" }
            }
            // The legend, under the axis title.
            let y = top + size + 64 + Double(i) * 20
            out +=
                "<line x1=\"\(format(left))\" y1=\"\(format(y))\" x2=\"\(format(left + 24))\" y2=\"\(format(y))\" stroke=\"\(colour)\" stroke-width=\"3\"/>\n"
            out += "<text x=\"\(format(left + 30))\" y=\"\(format(y + 4))\">\(escaped(s.name))</text>\n"
        }
        out += "</svg>\n"
        return out
    }

    private func format(_ v: Double) -> String { String(format: "%.1f", v) }

    private func escaped(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
