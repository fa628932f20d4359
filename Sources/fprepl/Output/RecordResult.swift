import Projections

/// One record shown field by field (`status`, `household`).
struct RecordResult {
    struct Field {
        /// The name in JSON, csv and line modes.
        var key: String
        /// The name in a table.
        var label: String
        var value: ResultValue
    }

    var fields: [Field]

    init(_ fields: [Field]) { self.fields = fields }

    /// A record of `(key, label, value)` fields.
    init(fields: [(key: String, label: String, value: ResultValue)]) {
        self.fields = fields.map { Field(key: $0.key, label: $0.label, value: $0.value) }
    }

    /// The record as one JSON object, keys in order.
    var json: JSONValue {
        .object(JSONObject(fields.map { ($0.key, $0.value.json) }))
    }

    /// Renders the record for a terminal `width` cells wide (`nil`: not a terminal): in
    /// table mode a value wider than what is left of its line is wrapped under itself.
    func render(_ mode: OutputMode, width: Int?) -> String {
        guard mode == .table, let width else { return render(mode) }
        let w = fields.map { displayWidth($0.label) }.max() ?? 0
        let valueWidth = max(10, width - w - 2)
        return fields.map { f in
            let value = f.value.table.isEmpty ? "-" : f.value.table
            return wrapped(value, width: valueWidth).enumerated().map { n, part in
                pad(n == 0 ? f.label : "", to: w) + "  " + part + "\n"
            }.joined()
        }.joined()
    }

    func render(_ mode: OutputMode) -> String {
        switch mode {
        case .json:
            return JSONWriter.write(json) + "\n"
        case .csv, .line:
            // As a table of one row: a header and a line, or `key = value` lines.
            return TableResult(columns: fields.map { .init(key: $0.key, label: $0.label, numeric: false) },
                               rows: [fields.map(\.value)]).render(mode)
        case .table:
            let w = fields.map { displayWidth($0.label) }.max() ?? 0
            return fields.map { f in
                let value = f.value.table.isEmpty ? "-" : f.value.table
                return pad(f.label, to: w) + "  " + value + "\n"
            }.joined()
        }
    }
}
