import Projections

/// A result ready to print: named fields of one record, or rows with a header.
enum ResultValue {
    case text(String)
    case integer(Int64)
    /// Money: yuan with two decimals in table, line and csv (there without thousands
    /// separators); integer fen in JSON.
    case fen(Int64)
    case bool(Bool)
    /// A JSON value shown as is in JSON and flattened (comma-separated) elsewhere.
    case list([String])
    /// A fraction: a number in JSON, a percentage with two decimals elsewhere.
    case rate(Double?)
    /// Nested JSON for scripts, and its plain rendering for people.
    case raw(json: String, plain: String)
    case null

    var plain: String {
        switch self {
        case .text(let s): return s
        case .integer(let n): return String(n)
        case .fen(let f): return Fen(f).yuan
        case .bool(let b): return b ? "是" : "否"
        case .list(let items): return items.joined(separator: ", ")
        case .rate(let r): return r.map(percent) ?? "-"
        case .raw(_, let plain): return plain
        case .null: return ""
        }
    }

    /// For CSV: as `plain`, but amounts without thousands separators (`3537.50`), so that
    /// a spreadsheet or a script reads them as numbers.
    var csv: String {
        if case .fen(let f) = self { return Fen(f).yuan(grouped: false) }
        return plain
    }

    var json: String {
        switch self {
        case .text(let s): return jsonQuote(s)
        case .integer(let n), .fen(let n): return String(n)
        case .bool(let b): return b ? "true" : "false"
        case .list(let items): return "[" + items.map(jsonQuote).joined(separator: ",") + "]"
        case .rate(let r): return r.map(fraction) ?? "null"
        case .raw(let json, _): return json
        case .null: return "null"
        }
    }
}

/// One record shown field by field (e.g. `status`).
struct RecordResult {
    var fields: [(key: String, label: String, value: ResultValue)]

    func render(_ mode: OutputMode) -> String {
        switch mode {
        case .json:
            return "{" + fields.map { jsonQuote($0.key) + ":" + $0.value.json }.joined(separator: ",") + "}\n"
        case .csv, .line:
            // As a table of one row: a header and a line, or `key = value` lines.
            return TableResult(columns: fields.map { .init(key: $0.key, label: $0.label, numeric: false) },
                               rows: [fields.map(\.value)]).render(mode)
        case .table:
            let w = fields.map { displayWidth($0.label) }.max() ?? 0
            return fields.map { f in
                let value = f.value.plain.isEmpty ? "-" : f.value.plain
                return pad(f.label, to: w) + "  " + value + "\n"
            }.joined()
        }
    }
}

/// A key as csv and line modes show it: there amounts are yuan, so `amount_fen` is
/// `amount_yuan` (JSON keeps the key and integer fen).
func plainKey(_ key: String) -> String {
    key.hasSuffix("_fen") ? key.dropLast(4) + "_yuan" : key
}

/// A JSON string literal (RFC 8259), as the canonical export writes them.
func jsonQuote(_ s: String) -> String {
    var out = ""
    JSONWriter.quote(s, into: &out)
    return out
}

/// A CSV field (RFC 4180): quoted when it holds a comma, quote, or line break.
func csvField(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
    return "\"" + s.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
}

/// `0.255912` -> `25.59%`.
func percent(_ r: Double) -> String {
    let hundredths = (r * 10000).rounded()
    let whole = Int(hundredths) / 100, frac = abs(Int(hundredths)) % 100
    return "\(whole).\(frac < 10 ? "0" : "")\(frac)%"
}

/// A fraction for JSON, to six decimals: `0.255912`.
func fraction(_ r: Double) -> String {
    let scaled = Int((r * 1_000_000).rounded())
    let s = String(scaled)
    let padded = String(repeating: "0", count: max(0, 7 - s.count)) + s
    var out = String(padded.dropLast(6)) + "." + String(padded.suffix(6))
    while out.hasSuffix("0") && !out.hasSuffix(".0") { out.removeLast() }
    return out
}
