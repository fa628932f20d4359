import Projections

/// What a command gives back: a typed result the formatter renders in the session's
/// output mode. Commands never format for a mode themselves.
indirect enum CommandResult {
    /// Nothing to print (`.quit`, `.read`, whose commands print their own).
    case nothing
    /// Text for a person, printed as is in every mode (`help`'s list in table mode).
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
    /// A sentence for people in table mode, the record in csv and line modes; nothing
    /// at all when the sentence is empty (``said(_:json:)``).
    case sentence(String, RecordResult)

    /// The text to print in `mode`; empty for nothing.
    ///
    /// - Parameter width: The terminal's width in cells when results go to a terminal
    ///   (tables wider than it are shown a record to a block, long values wrapped);
    ///   `nil` for a file or a pipe, which get every table whole.
    func render(_ mode: OutputMode, width: Int? = nil) -> String {
        switch self {
        case .nothing: return ""
        case .message(let text): return text
        case .record(let r): return r.render(mode, width: width)
        case .table(let t): return t.render(mode, width: width)
        case .json(let value): return JSONWriter.write(value) + "\n"
        case .sections(let parts): return parts.map { $0.render(mode, width: width) }.joined(separator: "\n")
        case .document(let shown, let json): return mode == .json ? JSONWriter.write(json) + "\n" : shown.render(mode, width: width)
        case .sentence(let text, let record):
            if text.isEmpty { return "" }
            return mode == .csv || mode == .line ? record.render(mode) : text
        }
    }
}

extension CommandResult {
    /// A sentence for people (nothing at all when it is empty, as for `.mode csv`) and,
    /// in JSON mode, the object `fields` for scripts: with `--format json` every command
    /// prints one JSON document (`imported 46 events ...` is
    /// `{"file":...,"events":46,"first_position":0,"last_position":45}`).
    ///
    /// In csv and line modes the fields are a record too (a header and a row, or
    /// `key = value`), so a spreadsheet never gets a sentence; an empty sentence (a
    /// setting changed) prints nothing there either.
    static func said(_ text: String, json fields: [(String, JSONValue)]) -> CommandResult {
        let record = RecordResult(fields: fields.map { key, value in
            let shown: ResultValue
            switch value {
            case .string(let s): shown = .text(s)
            case .integer(let n): shown = .integer(n)
            case .bool(let b): shown = .bool(b)
            case .null: shown = .null
            default: shown = .json(value, plain: JSONWriter.write(value))
            }
            return (key, key, shown)
        })
        return .document(.sentence(text, record), json: .object(JSONObject(fields)))
    }
}
