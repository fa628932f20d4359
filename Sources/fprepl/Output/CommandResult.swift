import Projections

/// What a command gives back: a typed result the formatter renders in the session's
/// output mode. Commands never format for a mode themselves.
indirect enum CommandResult {
    /// Nothing to print (`.mode json`, `asof effective ...`).
    case nothing
    /// Text for a person, printed as is in every mode (`imported 46 events ...`).
    case message(String)
    /// One record, field by field.
    case record(RecordResult)
    /// Rows with a header.
    case table(TableResult)
    /// A JSON document in every mode (a proof, which is a file format).
    case json(JSONValue)
    /// Several results one after another, a blank line between them (a fund's head,
    /// its units and its payments).
    case sections([CommandResult])
    /// What people see in table, line and csv modes, and the JSON document scripts get
    /// in JSON mode, where its keys (those of docs/repl.md) differ from the rows people see.
    case document(CommandResult, json: JSONValue)

    /// The text to print in `mode`; empty for nothing.
    func render(_ mode: OutputMode) -> String {
        switch self {
        case .nothing: return ""
        case .message(let text): return text
        case .record(let r): return r.render(mode)
        case .table(let t): return t.render(mode)
        case .json(let value): return JSONWriter.write(value) + "\n"
        case .sections(let parts): return parts.map { $0.render(mode) }.joined(separator: "\n")
        case .document(let shown, let json): return mode == .json ? JSONWriter.write(json) + "\n" : shown.render(mode)
        }
    }
}
