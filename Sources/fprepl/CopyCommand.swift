import ArgumentParser
import EventStore
import Foundation
import PostgresStore
import Projections

/// `fprepl copy --from SRC --to DST`: moves a county's log between backends (a store
/// directory, a `postgres://` address), record for record, checked by equal digests.
struct CopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a log into an empty store (or finish a copy that stopped), on either backend; the digests must agree.")

    @Option(name: .long, help: "The store to copy from: a directory or postgres://USER@HOST[:PORT]/DB[?county=CODE].")
    var from: String

    @Option(name: .long, help: "The store to copy into: a directory or postgres://USER@HOST[:PORT]/DB[?county=CODE].")
    var to: String

    func run() throws {
        let source: any EventLog
        do { source = try StoreOpener.open(from, readOnly: true) } catch let e as StoreError {
            printError("error: cannot open the source \(PostgresAddress.redacted(from)): \(e)")
            throw ExitCode(1)
        }
        let destination: any EventLog
        do { destination = try StoreOpener.open(to, readOnly: false, county: { try Self.county(of: source) }) } catch let e as StoreError {
            printError("error: cannot open the destination \(PostgresAddress.redacted(to)): \(e)")
            throw ExitCode(1)
        }
        let progress = Progress(label: "copying", enabled: isatty(2) == 1)
        let report: LogCopy.Report
        do {
            report = try LogCopy.run(from: source, to: destination) { done, total in
                // No Ctrl-C handler here: Ctrl-C ends the copy, and a new one finishes it.
                try? progress.update(done: Int(done), total: Int(total), unit: "records")
            }
        } catch let e as StoreError {
            progress.finish()
            printError("error: copy: \(e)")
            throw ExitCode(1)
        }
        progress.finish()
        try destination.close()
        try source.close()
        let kept = report.kept > 0 ? " (\(report.kept) were there already)" : ""
        print("copied \(report.copied) records from \(source.location) to \(destination.location)\(kept)")
        print("digest \(report.digest.size) \(report.digest.root.hex), the same on both")
    }

    /// The county code of a log, for a PostgreSQL destination without `?county=`: the
    /// first 6 digits of the first village or household stream's code.
    static func county(of log: any EventLog) throws -> String? {
        var found: String?
        try log.forEachRecord(from: 0) { r in
            let stream = r.stream
            for category in [StreamCategory.village, .household] {
                guard let code = category.id(of: stream) else { continue }
                if code.count >= 12, code.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
                    found = String(code.prefix(6))
                    return false
                }
            }
            return true
        }
        return found
    }
}
