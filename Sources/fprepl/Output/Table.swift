/// Rows with named columns, rendered in any output mode.
struct TableResult {
    struct Column {
        var key: String      // JSON / CSV name
        var label: String    // table header
        var numeric: Bool    // right-aligned in tables
    }

    var columns: [Column]
    var rows: [[ResultValue]]

    /// Renders the rows. JSON: an array of objects (values as their JSON); table: aligned
    /// columns, padded by display width, numbers right-aligned.
    func render(_ mode: OutputMode) -> String {
        switch mode {
        case .json:
            return "[" + rows.map { row in
                "{" + zip(columns, row).map { jsonQuote($0.key) + ":" + $1.json }.joined(separator: ",") + "}"
            }.joined(separator: ",") + "]\n"
        case .csv:
            return columns.map { csvField(plainKey($0.key)) }.joined(separator: ",") + "\r\n"
                + rows.map { $0.map { csvField($0.csv) }.joined(separator: ",") + "\r\n" }.joined()
        case .line:
            let w = columns.map { displayWidth(plainKey($0.key)) }.max() ?? 0
            return rows.map { row in
                zip(columns, row).map { pad(plainKey($0.key), to: w) + " = " + $1.plain + "\n" }.joined()
            }.joined(separator: "\n")
        case .table:
            var widths = columns.map { displayWidth($0.label) }
            for row in rows { for (k, v) in row.enumerated() { widths[k] = max(widths[k], displayWidth(v.plain)) } }
            func line(_ cells: [String], numeric: [Bool]) -> String {
                var s = ""
                for (k, c) in cells.enumerated() {
                    if k > 0 { s += "  " }
                    let last = k == cells.count - 1
                    s += numeric[k] ? pad(c, to: widths[k], right: true) : (last ? c : pad(c, to: widths[k]))
                }
                while s.hasSuffix(" ") { s.removeLast() }
                return s + "\n"
            }
            let numeric = columns.map(\.numeric)
            var out = line(columns.map(\.label), numeric: numeric)
            out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
            for row in rows { out += line(row.map(\.plain), numeric: numeric) }
            out += "(\(counted(rows.count, "row")))\n"
            return out
        }
    }
}

/// `1 row`, `3 rows`: a count and its noun, plural when it is not one.
func counted(_ n: Int, _ noun: String) -> String {
    "\(n) \(noun)\(n == 1 ? "" : "s")"
}
