// fp-ledger's file store against SQLite, on the same events, in the same run.
//
// SQLite is used the way a Swift developer would build an event store with GRDB: WAL
// mode, one table with the global position as its integer primary key and a unique
// (stream, version) index, each batch in one transaction with prepared statements, a
// stream's next version kept in memory (the unique index refuses a duplicate). The
// events are a generated county's (SyntheticCounty), the same bytes for both.
//
// Figures (medians of --runs runs, each run on fresh files):
//   append: batches of 1,000 events, without a flush per batch (our .none, SQLite
//           synchronous=OFF) and with one (our .fsync, SQLite synchronous=FULL);
//   full scan: every event in order, every column read (ours in place, checksums
//           verified; SQLite through a GRDB row cursor);
//   one stream: a household's history, 2,000 random households, p50 and p99.
import EventStore
import Foundation
import GRDB
import Projections

struct Options {
    var households = 10_000
    var runs = 3
    var dir = NSTemporaryDirectory()

    init() {
        var args = CommandLine.arguments.dropFirst()
        while let a = args.popFirst() {
            switch a {
            case "--households": households = Int(args.popFirst() ?? "") ?? households
            case "--runs": runs = Int(args.popFirst() ?? "") ?? runs
            case "--dir": dir = args.popFirst() ?? dir
            default:
                print("usage: sqlite-comparison [--households N] [--runs R] [--dir PATH]")
                exit(2)
            }
        }
    }
}

let options = Options()
let clock = ContinuousClock()

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}
func fresh(_ name: String) -> String { options.dir + "/fp-vs-sqlite-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))" }
func remove(_ path: String) {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}

// The events, generated once, in batches of 1,000 as they would be appended.
var all: [SyntheticCounty.Event] = []
var county = SyntheticCounty(.init(households: options.households, seed: 1))
try county.generate { all += $0 }
let batches = stride(from: 0, to: all.count, by: 1000).map { Array(all[$0..<min(all.count, $0 + 1000)]) }
let households = Array(Set(all.lazy.map(\.stream).filter { $0.hasPrefix("household-") })).sorted()
print("events: \(all.count) of \(options.households) households, \(households.count) household streams, in \(batches.count) batches of 1,000")
fflush(nil)

// MARK: - fp-ledger

@MainActor func appendOurs(_ path: String, durability: EventStore.Durability) throws -> Double {
    var c = EventStore.Configuration()
    c.durability = durability
    let store = try EventStore.open(path, configuration: c)
    let start = clock.now
    for b in batches { _ = try store.append(b.map { StreamWrite(stream: $0.stream, events: [$0.event]) }) }
    let t = seconds(clock.now - start)
    try store.close()
    return Double(all.count) / t
}

@MainActor func scanOurs(_ path: String) throws -> Double {
    let store = try EventStore.open(path)
    defer { try? store.close() }
    var n = 0, bytes = 0
    let start = clock.now
    try store.forEachRecord { r in
        n += 1
        bytes &+= r.payload.count &+ r.streamBytes.count &+ r.typeBytes.count
        return true
    }
    precondition(n == all.count && bytes > 0)
    return Double(n) / seconds(clock.now - start)
}

func historiesOurs(_ path: String, _ picks: [String]) throws -> [Double] {
    let store = try EventStore.open(path)
    defer { try? store.close() }
    return try picks.map { s in
        let start = clock.now
        let events = try store.readStream(s)
        precondition(!events.isEmpty)
        return seconds(clock.now - start) * 1e6
    }
}

// MARK: - SQLite (GRDB)

func openSQLite(_ path: String, synchronous: String) throws -> DatabaseQueue {
    var config = Configuration()
    config.prepareDatabase { db in
        try db.execute(sql: "PRAGMA journal_mode = WAL")
        try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
    }
    let db = try DatabaseQueue(path: path, configuration: config)
    try db.write { db in
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS events (
                position INTEGER PRIMARY KEY,
                stream TEXT NOT NULL,
                version INTEGER NOT NULL,
                type TEXT NOT NULL,
                effective INTEGER NOT NULL,
                recorded INTEGER NOT NULL,
                actor TEXT NOT NULL,
                correlation TEXT,
                metadata BLOB NOT NULL,
                payload BLOB NOT NULL,
                UNIQUE (stream, version))
            """)
    }
    return db
}

@MainActor func appendSQLite(_ path: String, synchronous: String) throws -> Double {
    let db = try openSQLite(path, synchronous: synchronous)
    var versions: [String: Int64] = [:]
    var position: Int64 = 0
    let start = clock.now
    for b in batches {
        try db.write { db in
            let insert = try db.cachedStatement(sql: """
                INSERT INTO events (position, stream, version, type, effective, recorded, actor, correlation, metadata, payload)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let now = RecordedTime.now().microseconds
            for e in b {
                let version = versions[e.stream, default: -1] + 1
                try insert.execute(arguments: [position, e.stream, version, e.event.type, Int64(e.event.effective.rawValue), now,
                                               e.event.actor, e.event.correlation, Data(e.event.metadata), Data(e.event.payload)])
                versions[e.stream] = version
                position += 1
            }
        }
    }
    let t = seconds(clock.now - start)
    try db.close()
    return Double(all.count) / t
}

@MainActor func scanSQLite(_ path: String) throws -> Double {
    let db = try openSQLite(path, synchronous: "NORMAL")
    defer { try? db.close() }
    var n = 0, bytes = 0
    let start = clock.now
    try db.read { db in
        let rows = try Row.fetchCursor(db, sql: "SELECT position, stream, version, type, effective, recorded, actor, correlation, metadata, payload FROM events ORDER BY position")
        while let row = try rows.next() {
            let stream: String = row[1], type: String = row[3]
            let payload: Data = row[9]
            bytes &+= payload.count &+ stream.utf8.count &+ type.utf8.count
            n += 1
        }
    }
    precondition(n == all.count && bytes > 0)
    return Double(n) / seconds(clock.now - start)
}

func historiesSQLite(_ path: String, _ picks: [String]) throws -> [Double] {
    let db = try openSQLite(path, synchronous: "NORMAL")
    defer { try? db.close() }
    return try db.read { db in
        try picks.map { s in
            let start = clock.now
            let rows = try Row.fetchAll(db, sql: "SELECT position, stream, version, type, effective, recorded, actor, correlation, metadata, payload FROM events WHERE stream = ? ORDER BY version", arguments: [s])
            precondition(!rows.isEmpty)
            return seconds(clock.now - start) * 1e6
        }
    }
}

// MARK: - The runs

func percentile(_ xs: [Double], _ p: Double) -> Double {
    let s = xs.sorted()
    return s[min(s.count - 1, Int(Double(s.count) * p))]
}

func line(_ name: String, ours: [Double], sqlite: [Double], unit: String, higherIsBetter: Bool = true) {
    let o = median(ours), q = median(sqlite)
    let ratio = higherIsBetter ? o / q : q / o
    print(String(format: "%@: fp-ledger %.0f %@, SQLite %.0f %@, fp-ledger %.1fx (medians of %d runs)", name, o, unit, q, unit, ratio, ours.count))
    fflush(nil)
}

var appendNone = ([Double](), [Double]()), appendSync = ([Double](), [Double]()), scans = ([Double](), [Double]())
var p50 = ([Double](), [Double]()), p99 = ([Double](), [Double]())
var rng = SystemRandomNumberGenerator()
for run in 0..<options.runs {
    let ours = fresh("ours"), sqlite = fresh("sqlite") + ".db"
    defer { remove(ours); remove(sqlite) }
    appendNone.0.append(try appendOurs(ours, durability: .none))
    appendNone.1.append(try appendSQLite(sqlite, synchronous: "OFF"))
    scans.0.append(try scanOurs(ours))
    scans.1.append(try scanSQLite(sqlite))
    let picks = (0..<2000).map { _ in households[Int.random(in: 0..<households.count, using: &rng)] }
    let a = try historiesOurs(ours, picks), b = try historiesSQLite(sqlite, picks)
    p50.0.append(percentile(a, 0.5)); p50.1.append(percentile(b, 0.5))
    p99.0.append(percentile(a, 0.99)); p99.1.append(percentile(b, 0.99))
    let oursSync = fresh("ours-sync"), sqliteSync = fresh("sqlite-sync") + ".db"
    defer { remove(oursSync); remove(sqliteSync) }
    appendSync.0.append(try appendOurs(oursSync, durability: .fsyncEachAppend))
    appendSync.1.append(try appendSQLite(sqliteSync, synchronous: "FULL"))
    print("run \(run + 1) of \(options.runs) done")
    fflush(nil)
}
line("append, batches of 1,000, no flush", ours: appendNone.0, sqlite: appendNone.1, unit: "events/s")
line("append, batches of 1,000, a flush per batch", ours: appendSync.0, sqlite: appendSync.1, unit: "events/s")
line("full scan in order", ours: scans.0, sqlite: scans.1, unit: "events/s")
line("one household's history, p50", ours: p50.0, sqlite: p50.1, unit: "us", higherIsBetter: false)
line("one household's history, p99", ours: p99.0, sqlite: p99.1, unit: "us", higherIsBetter: false)
