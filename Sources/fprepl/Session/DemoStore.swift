import EventStore
import Foundation
import Projections

/// Where `--demo` keeps its store: `$XDG_CACHE_HOME/fp-ledger/demo`, else
/// `~/.cache/fp-ledger/demo`. Created (mode 0700) on first use.
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

    /// The demo store's path, creating it on first use from the sample logs.
    static func prepare() throws -> String {
        let p = try path()
        if !FileManager.default.fileExists(atPath: p + "/STORE") {
            let store = try EventStore.open(p)
            var n = 0
            n += try Importer.run(try SampleLogs.text("household-life"), store: store).events
            try store.close()
            printError("note: created the demo store in \(p) (\(n) events from Events/samples)")
        }
        return p
    }
}
