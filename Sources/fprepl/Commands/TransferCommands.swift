import EventStore
import Foundation
import Projections

/// `import FILE`, `export FILE [--from N] [--stream S]` and `asof`.
enum TransferCommands {
    static func importFile(_ args: [String], _ session: Session) throws -> String {
        guard args.count == 1, let path = args.first else { throw CommandError("import takes one file: import events.jsonl") }
        // The bytes as read: the parser checks every string is UTF-8 as it goes (checking
        // the whole file first, and copying it into a String, was a tenth of an import).
        let bytes: ArraySlice<UInt8>
        do { bytes = try TextFile.bytes(path) } catch { throw CommandError(error.description) }
        let store = try session.writableStore()
        let report: ImportReport
        let progress = Progress(label: "importing \(path)", enabled: session.showsProgress)
        defer { progress.finish() }
        do {
            // Lines checked, then the one all-or-nothing append.
            report = try bytes.withUnsafeBytes { text in
                try Importer.run(utf8: text, store: store) { done, total in
                    // Every line checked: what is left is the one append.
                    if done == total { progress.say("\(total) lines checked, writing them") } else {
                        progress.update(done: done, total: total, unit: "lines")
                    }
                }
            }
        } catch let e as ImportError {
            // A file that is not UTF-8 (a GBK export) is said as such, where it first is not.
            if let notUTF8 = TextFile.notUTF8(bytes, name: path) { throw CommandError(notUTF8.description) }
            throw CommandError("\(path): \(e); nothing was imported")
        } catch let e as StoreError {
            throw CommandError("\(path): \(e); nothing was imported")
        }
        if report.events == 0 { return "imported nothing: \(path) holds no events\n" }
        // The findings kept beside the log move on with it when that is cheap.
        FindingRules.moveOn(store)
        let positions = report.events == 1 ? "position \(report.positions.lowerBound)"
            : "positions \(report.positions.lowerBound)-\(report.positions.upperBound - 1)"
        return "imported \(counted(report.events, "event")) from \(path) (\(positions))\n"
    }

    static func exportFile(_ args: [String], _ session: Session) throws -> String {
        var rest = args[...]
        guard let path = rest.popFirst() else { throw CommandError("export takes a file: export events.jsonl [--from N] [--stream S]") }
        var from: UInt64 = 0
        var stream: String?
        while let flag = rest.popFirst() {
            switch flag {
            case "--from":
                guard let v = rest.popFirst(), let n = UInt64(v) else { throw CommandError("--from takes a position") }
                from = n
            case "--stream":
                guard let v = rest.popFirst() else { throw CommandError("--stream takes a stream name") }
                stream = v
            default: throw CommandError("export: unknown option \(flag); options: --from N, --stream S")
            }
        }
        let store = try HouseholdCommands.openForReading(session)
        var typeCache: [UInt64: String] = [:]
        func typeAt(_ p: UInt64) -> String? {
            if let t = typeCache[p] { return t }
            let t = try? store.record(at: p).type
            typeCache[p] = t
            return t
        }
        let records: [RecordedEvent]
        if let stream {
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
        for r in records {
            typeCache[r.position] = r.type
            var line = try CanonicalExport.line(r, typeOfPosition: typeAt)
            if !session.seesPersonalData { line = Masking.maskPersonalData(inExportLine: line, type: r.type) }
            out += line + "\n"
        }
        try writeFileForCommand(out, to: path)
        return "exported \(counted(records.count, "event")) to \(path)" + (session.seesPersonalData ? "" : " (names and id numbers masked)") + "\n"
    }

    static func asof(_ args: [String], _ session: Session) throws -> String {
        guard let kind = args.first else { return "asof \(session.asOf)\n" }
        let usage = "asof takes: position N | recorded YYYY-MM-DDTHH:MM:SS[.ffffff]Z | effective YYYY-MM-DD | now"
        switch (kind, args.count) {
        case ("now", 1): session.asOf = .now
        case ("position", 2):
            guard let n = UInt64(args[1]) else { throw CommandError(usage) }
            // A position the log has not reached is a slip of the keyboard, not a point
            // in its history (`asof now` follows the log as it grows).
            let end = try session.store().endPosition
            guard n < end else {
                throw CommandError(end == 0 ? "asof position \(n): the log holds no events yet"
                    : "asof position \(n): the log ends at position \(end - 1); asof now follows it as it grows")
            }
            session.asOf = .position(n)
        case ("recorded", 2):
            guard let t = RecordedTime(args[1]) else { throw CommandError("\(args[1]) is not a UTC time; " + usage) }
            session.asOf = .recorded(t)
        case ("effective", 2):
            guard let d = EffectiveDate(args[1]) else { throw CommandError("\(args[1]) is not a date; " + usage) }
            session.asOf = .effective(d)
        default: throw CommandError(usage)
        }
        return ""
    }
}
