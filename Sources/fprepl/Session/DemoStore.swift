import EventStore
import Foundation
import Projections

/// Where `--demo` keeps its store: `$XDG_CACHE_HOME/fp-ledger/demo`, else
/// `~/.cache/fp-ledger/demo`. Created (mode 0700) on first use: the sample log
/// (`Events/samples/household-life.jsonl`, town 101's 和平村 and its story), then a
/// generated county of 3,000 households in the towns after it (seed 2014, 2014-2023).
enum DemoStore {
    static func path() throws -> String {
        let env = ProcessInfo.processInfo.environment
        let cache: String
        if let xdg = env["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            cache = xdg
        } else if let home = env["HOME"], !home.isEmpty {
            cache = home + "/.cache"
        } else {
            cache = NSTemporaryDirectory()
        }
        let dir = cache + "/fp-ledger"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        return dir + "/demo"
    }

    static let households = 3000

    /// The demo store's path, creating it on first use.
    static func prepare(showProgress: Bool) throws -> String {
        let p = try path()
        if !FileManager.default.fileExists(atPath: p + "/STORE") {
            // Made under a temporary name and renamed when whole, so that an interrupted
            // first run leaves no half demo behind.
            let building = p + ".building-\(getpid())"
            try? FileManager.default.removeItem(atPath: building)
            let store = try EventStore.open(building)
            let sample = try Importer.run(try SampleLogs.text("household-life"), store: store).events
            let progress = Progress(label: "generating the demo county", enabled: showProgress)
            var county = SyntheticCounty(.init(households: households, seed: 2014, firstTown: 102))
            // Ctrl-C here ends fprepl (its handler is installed after): the half demo
            // is under its temporary name.
            let generated = try county.write(into: store) { try? progress.update(done: $0, unit: "events") }
            progress.finish()
            try store.close()
            if rename(building, p) != 0 {
                try? FileManager.default.removeItem(atPath: building)
                if !FileManager.default.fileExists(atPath: p + "/STORE") {
                    throw CommandError("cannot create the demo store in \(p): \(String(cString: strerror(errno)))")
                }
            } else {
                printError("note: created the demo store in \(p): the sample log (\(sample) events) and a generated county of "
                    + "\(households) households (\(generated) events)")
            }
        }
        return p
    }
}
