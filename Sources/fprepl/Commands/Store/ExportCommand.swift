import EventStore
import Foundation
import Projections

/// `export FILE [--from N] [--stream S]`: write canonical JSONL, names and id numbers
/// masked for analysts (docs/import-export.md).
enum ExportCommand: ReplCommand {
    static let name = "export"
    static let summary = "write canonical JSONL (names and id numbers masked for analysts)"
    static let usage = ["export FILE [--from N] [--stream S]"]
    static let example = "export out.jsonl --stream household-5301241012010001"
    static let reference = "write canonical JSONL (masked for analysts; such a file does not import elsewhere); an unknown stream is an error"

    static let from = CommandOption.wholeNumber("--from", help: "the first position to write (default 0)")
    static let stream = CommandOption.text("--stream", "S", expects: "a stream name", help: "only this stream's events: household-5301241012010001")
    static let syntax = CommandSyntax.words([.file()], options: [from.declaration, stream.declaration],
                                            misuse: "export takes a file: export events.jsonl [--from N] [--stream S]")

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        let path = call.words[0]
        let from = call[Self.from] ?? 0
        let store = try session.store()
        var typeCache: [UInt64: String] = [:]
        func typeAt(_ p: UInt64) -> String? {
            if let t = typeCache[p] { return t }
            let t = try? store.record(at: p).type
            typeCache[p] = t
            return t
        }
        let records: [RecordedEvent]
        if let stream = call[Self.stream] {
            // A stream the log does not hold is a misspelt name, not an empty export.
            guard try store.streamVersion(stream) != nil else {
                throw CommandError("export --stream \(stream): the log holds no such stream"
                    + (StreamCategory.split(stream) == nil ? "; streams are named category-id, such as household-5301241012010001" : ""))
            }
            records = try store.readStream(stream).filter { $0.position >= from }
        } else {
            records = try store.read(from: from, maxCount: Int.max)
        }
        var out = ""
        for (k, r) in records.enumerated() {
            // Ctrl-C: the file is written whole at the end (a temporary renamed), or not at all.
            if k & 0xFFF == 0, Interruption.pending { throw CommandInterrupted("export", "\(path) was not written") }
            typeCache[r.position] = r.type
            var line = try CanonicalExport.line(r, typeOfPosition: typeAt)
            if !session.seesPersonalData { line = Masking.maskPersonalData(inExportLine: line, type: r.type) }
            out += line + "\n"
        }
        try writeFileForCommand(out, to: path)
        return .said("exported \(counted(records.count, "event")) to \(path)" + (session.seesPersonalData ? "" : " (names and id numbers masked)") + "\n",
                     json: [("file", .string(path)), ("events", .integer(Int64(records.count))), ("masked", .bool(!session.seesPersonalData))])
    }
}
