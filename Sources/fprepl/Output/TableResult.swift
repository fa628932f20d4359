import Projections

/// Rows with named columns, rendered in any output mode.
struct TableResult {
    struct Column {
        /// The name in JSON, csv and line modes.
        var key: String
        /// The table header.
        var label: String
        /// Right-aligned in tables.
        var numeric: Bool

        init(key: String, label: String, numeric: Bool) {
            self.key = key
            self.label = label
            self.numeric = numeric
        }

        /// A column of text (left-aligned).
        static func text(_ key: String, _ label: String) -> Column { Column(key: key, label: label, numeric: false) }

        /// A column of numbers or amounts (right-aligned).
        static func number(_ key: String, _ label: String) -> Column { Column(key: key, label: label, numeric: true) }
    }

    var columns: [Column]
    var rows: [[ResultValue]]

    /// The rows as a JSON array of objects, keys in column order.
    var json: JSONValue {
        .array(rows.map { row in .object(JSONObject(zip(columns, row).map { ($0.key, $1.json) })) })
    }

    /// Renders the rows. JSON: an array of objects (values as their JSON); table: aligned
    /// columns, padded by display width, numbers right-aligned.
    func render(_ mode: OutputMode) -> String {
        switch mode {
        case .json:
            return JSONWriter.write(json) + "\n"
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
            for row in rows { for (k, v) in row.enumerated() { widths[k] = max(widths[k], displayWidth(v.table)) } }
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
            for row in rows { out += line(row.map(\.table), numeric: numeric) }
            out += "(\(counted(rows.count, "row")))\n"
            return out
        }
    }
}
