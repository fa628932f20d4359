// The PostgreSQL backend beside the file store, in one run, on the same events
// (issue 8; docs/performance.md):
//
//   .build/release/postgres-comparison --database postgres://USER@HOST[:PORT]/DB
//       [--events N] [--batch B] [--streams S] [--runs R] [--dir PATH]
//
// append: N events in batches of B (one append call each, spread over S streams),
//         durable before each call returns on both (the file store's group commit
//         fsyncs; PostgreSQL commits with its default synchronous_commit = on);
// replay: one full scan of the N events in position order (`forEachRecord`).
// Each run uses a new log (a new directory; a new county in the database).
// Prints one line per figure: the median of the runs, and the ratio.
import EventStore
import Foundation
import PostgresStore

struct Options {
    var database: String?
    var events = 200_000, batch = 1_000, streams = 1_000, runs = 3
    var dir = FileManager.default.temporaryDirectory.path + "/fp-pg-bench"

    static func parse() -> Options {
        var o = Options()
        var args = CommandLine.arguments.dropFirst()
        while let a = args.popFirst() {
            switch a {
            case "--database": o.database = args.popFirst()
            case "--events": o.events = Int(args.popFirst() ?? "") ?? o.events
            case "--batch": o.batch = Int(args.popFirst() ?? "") ?? o.batch
            case "--streams": o.streams = Int(args.popFirst() ?? "") ?? o.streams
            case "--runs": o.runs = Int(args.popFirst() ?? "") ?? o.runs
            case "--dir": o.dir = args.popFirst() ?? o.dir
            default:
                print("usage: postgres-comparison --database postgres://USER@HOST[:PORT]/DB [--events N] [--batch B] [--streams S] [--runs R] [--dir PATH]")
                exit(64)
            }
        }
        return o
    }
}
let options = Options.parse()
let (events, batch, streams, runs, dir) = (options.events, options.batch, options.streams, options.runs, options.dir)
guard let database = options.database else {
    print("postgres-comparison: --database postgres://USER@HOST[:PORT]/DB is required (scripts/postgres-test-server start prints one)")
    exit(64)
}

let day = EffectiveDate(year: 2018, month: 6, day: 1)!
/// The batches of one run: a visit-sized payload (~120 bytes), streams in turn.
let batches: [[StreamWrite]] = stride(from: 0, to: events, by: batch).map { start in
    (start..<min(events, start + batch)).map { i in
        StreamWrite(stream: "household-53012410120\(String(100_000 + i % streams).dropFirst())", events: [
            ProposedEvent(type: "VisitRecorded", effective: day, actor: "c0\(i % 97)",
                          payload: Array(repeating: UInt8(truncatingIfNeeded: i), count: 120))])
    }
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    try body()
    let d = clock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func measure(_ open: (Int) throws -> any EventLog) throws -> (append: Double, replay: Double) {
    var append: [Double] = [], replay: [Double] = []
    for run in 0..<runs {
        let log = try open(run)
        append.append(Double(events) / (try seconds { for b in batches { _ = try log.append(b) } }))
        var n = 0
        replay.append(Double(events) / (try seconds {
            try log.forEachRecord(from: 0) { r in
                n &+= r.payload.count
                return true
            }
        }))
        precondition(n == events * 120)
        try log.close()
    }
    return (median(append), median(replay))
}

try? FileManager.default.removeItem(atPath: dir)
let file = try measure { run in try EventStore.open(dir + "/run-\(run)") }
try? FileManager.default.removeItem(atPath: dir)
let base = try PostgresAddress(database, environment: ProcessInfo.processInfo.environment)
let stamp = Int(Date().timeIntervalSince1970) % 10_000
let postgres = try measure { run in
    var a = base
    a.county = "8" + String(10_000 + (stamp * 7 + run) % 10_000).dropFirst() + "0"
    return try PostgresEventLog.open(a)
}
print("workload: \(events) events, batches of \(batch) over \(streams) streams, 120-byte payloads, median of \(runs) runs")
print(String(format: "append  file store %10.0f events/s   PostgreSQL %10.0f events/s   file/PostgreSQL %5.1fx",
             file.append, postgres.append, file.append / postgres.append))
print(String(format: "replay  file store %10.0f events/s   PostgreSQL %10.0f events/s   file/PostgreSQL %5.1fx",
             file.replay, postgres.replay, file.replay / postgres.replay))
