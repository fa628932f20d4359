import EventStore
import Foundation
import Projections

/// `import FILE`: append the events of a canonical JSONL file, all or nothing
/// (docs/import-export.md).
enum ImportCommand: ReplCommand {
    static let name = "import"
    static let summary = "append the events of a canonical JSONL file, all or nothing"
    static let usage = ["import FILE"]
    static let example = "import Events/samples/household-life.jsonl"
    static let reference = "append a canonical JSONL file, all or nothing (`import-export.md`)"
    static let syntax = CommandSyntax.words([.file()], misuse: "import takes one file: import events.jsonl")

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        let path = call.words[0]
        // The bytes as read: the parser checks every string is UTF-8 as it goes (checking
        // the whole file first, and copying it into a String, was a tenth of an import).
        let bytes: ArraySlice<UInt8>
        do { bytes = try TextFile.bytes(path) } catch { throw CommandError(error.description) }
        let madeHere = session.storeIsMissing
        let store = try session.writableStore()
        // A store this import made is removed again if nothing is written to it.
        var written = false
        defer { if madeHere, !written { session.discardStoreMadeEmpty() } }
        let report: ImportReport
        let progress = Progress(label: "importing \(path)", enabled: session.showsProgress)
        defer { progress.finish() }
        do {
            // Lines checked, then the one all-or-nothing append.
            report = try bytes.withUnsafeBytes { text in
                try Importer.run(utf8: text, store: store) { done, total in
                    // Every line checked: what is left is the one append.
                    if done == total { progress.say("\(total) lines checked, writing them") } else {
                        try progress.update(done: done, total: total, unit: "lines")
                    }
                }
            }
        } catch is Interrupted {
            throw CommandInterrupted("import", "nothing was imported")
        } catch let e as ProjectionError {
            // A file that is not UTF-8 (a GBK export) is said as such, where it first is not.
            if let notUTF8 = TextFile.notUTF8(bytes, name: path) { throw CommandError(notUTF8.description) }
            throw CommandError("\(path): \(e); nothing was imported")
        } catch let e as StoreError {
            throw CommandError("\(path): \(e); nothing was imported")
        }
        written = report.events > 0
        if report.events == 0 {
            return .said("imported nothing: \(path) holds no events\n",
                         json: [("file", .string(path)), ("events", .integer(0)), ("first_position", .null), ("last_position", .null)])
        }
        // The findings kept beside the log move on with it when that is cheap.
        FindingRules.moveOn(store)
        let positions = report.events == 1 ? "position \(report.positions.lowerBound)"
            : "positions \(report.positions.lowerBound)-\(report.positions.upperBound - 1)"
        return .said("imported \(counted(report.events, "event")) from \(path) (\(positions))\n", json: [
            ("file", .string(path)), ("events", .integer(Int64(report.events))),
            ("first_position", .integer(Int64(report.positions.lowerBound))), ("last_position", .integer(Int64(report.positions.upperBound - 1))),
        ])
    }
}
