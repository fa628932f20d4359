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

    /// Renders the rows for a terminal `width` cells wide (`nil`: not a terminal). A
    /// table wider than the terminal is shown one record to a block, as psql's
    /// `\x auto` does, its long values wrapped; scripts and pipes get the full table.
    func render(_ mode: OutputMode, width: Int?) -> String {
        guard mode == .table else { return render(mode) }
        let widths = columnWidths
        if let width, Self.width(of: widths) > width { return expanded(width: width) }
        return table(widths)
    }

    /// The widths of the columns: each the widest of its label and cells.
    var columnWidths: [Int] {
        var widths = columns.map { displayWidth($0.label) }
        for row in rows { for (k, v) in row.enumerated() where k < widths.count { widths[k] = max(widths[k], displayWidth(v.table)) } }
        return widths
    }

    /// How wide the table is: its columns and the two spaces between them.
    var tableWidth: Int { Self.width(of: columnWidths) }

    /// How wide columns `widths` wide are with two spaces between them.
    static func width(of widths: [Int]) -> Int { widths.reduce(0, +) + 2 * max(0, widths.count - 1) }

    /// One block a row: `-[ 1 ]----`, then `label  value` a line, a value wider than
    /// what is left of the line wrapped under itself; an empty cell is `-`.
    func expanded(width: Int) -> String {
        let labelWidth = columns.map { displayWidth($0.label) }.max() ?? 0
        let valueWidth = max(10, width - labelWidth - 2)
        var out = ""
        for (k, row) in rows.enumerated() {
            let head = "-[ \(k + 1) ]"
            out += head + String(repeating: "-", count: max(0, min(width, labelWidth + 2 + valueWidth) - displayWidth(head))) + "\n"
            for (column, value) in zip(columns, row) {
                let text = value.table.isEmpty ? "-" : value.table
                for (n, part) in wrapped(text, width: valueWidth).enumerated() {
                    out += pad(n == 0 ? column.label : "", to: labelWidth) + "  " + part + "\n"
                }
            }
        }
        out += "(\(counted(rows.count, "row")))\n"
        return out
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
            return table(columnWidths)
        }
    }

    /// The aligned table, its columns `widths` wide.
    private func table(_ widths: [Int]) -> String {
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
