import Projections

/// One value of a result, shown the way each output mode shows it: a table cell, a
/// `key = value` line, a CSV field, a JSON value.
enum ResultValue {
    case text(String)
    case integer(Int64)
    /// Money: yuan with two decimals in table, line and csv (there without thousands
    /// separators); integer fen in JSON.
    case fen(Fen)
    case bool(Bool)
    /// A JSON array of strings, flattened (comma-separated) elsewhere.
    case list([String])
    /// A fraction: a number in JSON, a percentage with two decimals elsewhere.
    case rate(Double?)
    /// Nested JSON for scripts, and its plain rendering for people.
    case json(JSONValue, plain: String)
    /// Text a table shows one way and line, csv and JSON another: a Chinese label
    /// beside its key (`错评率`, `wrong_inclusion`), a unit indented under its parent.
    case labelled(table: String, plain: String)
    case null

    /// As a table cell.
    var table: String {
        if case .labelled(let table, _) = self { return table }
        return plain
    }

    /// As a line mode value (and a table cell's, a CSV field's text): the ledger's text
    /// on one line, its control characters written out (``oneLine(_:)``).
    var plain: String {
        switch self {
        case .text(let s): return oneLine(s)
        case .integer(let n): return String(n)
        case .fen(let f): return f.yuan
        case .bool(let b): return b ? "是" : "否"
        case .list(let items): return items.map(oneLine).joined(separator: ", ")
        case .rate(let r): return r.map(percent) ?? "-"
        case .json(_, let plain): return plain
        case .labelled(_, let plain): return plain
        case .null: return ""
        }
    }

    /// For CSV: as `plain`, but amounts without thousands separators (`3537.50`), so that
    /// a spreadsheet or a script reads them as numbers.
    var csv: String {
        if case .fen(let f) = self { return f.yuan(grouped: false) }
        return plain
    }

    /// For JSON: amounts in integer fen, rates as fractions.
    var json: JSONValue {
        switch self {
        case .text(let s): return .string(s)
        case .integer(let n): return .integer(n)
        case .fen(let f): return .integer(f.value)
        case .bool(let b): return .bool(b)
        case .list(let items): return .array(items.map { .string($0) })
        case .rate(let r): return r.map { .number(fraction($0)) } ?? .null
        case .json(let value, _): return value
        case .labelled(_, let plain): return .string(plain)
        case .null: return .null
        }
    }
}

extension ResultValue {
    /// A number that may be missing: `null` in JSON, an empty cell elsewhere.
    static func integer(_ n: Int?) -> ResultValue { n.map { .integer(Int64($0)) } ?? .null }

    /// An amount that may be missing.
    static func fen(_ f: Fen?) -> ResultValue { f.map { .fen($0) } ?? .null }

    /// A text that may be missing (a date not yet reached).
    static func text(_ s: String?) -> ResultValue { s.map { .text($0) } ?? .null }
}
