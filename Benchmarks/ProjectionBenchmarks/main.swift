// Release-mode benchmarks on generated counties (the targets of docs/performance.md):
// the store's rows on the county's own events (append, full read, a household's history,
// open), the projections (rebuild, queries, findings, import).
//
//   swift build -c release --product projection-benchmarks
//   .build/release/projection-benchmarks [--households N]... [--runs R] [--dir PATH]
//
// One line per figure: the median of R runs, then every run. See docs/performance.md.
import EventStore
import Foundation
import Projections

var sizes: [Int] = []
var runs = 5
var dir = NSTemporaryDirectory()
var args = CommandLine.arguments.dropFirst()
while let a = args.popFirst() {
    switch a {
    case "--households": sizes.append(Int(args.popFirst() ?? "") ?? 10_000)
    case "--runs": runs = Int(args.popFirst() ?? "") ?? runs
    case "--dir": dir = args.popFirst() ?? dir
    default:
        print("usage: projection-benchmarks [--households N]... [--runs R] [--dir PATH]")
        exit(2)
    }
}
if sizes.isEmpty { sizes = [10_000, 100_000] }

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2 }
func report(_ name: String, _ values: [Double], unit: String, digits: Int = 0) {
    let f = { (v: Double) in String(format: "%.\(digits)f", v) }
    print("\(name): \(f(median(values))) \(unit) (median of \(values.count); runs: \(values.map(f).joined(separator: ", ")))")
    fflush(nil)
}
/// Anonymous resident memory (RssAnon): the heap, without the pages of the memory-mapped
/// log, which VmRSS would count although the kernel can drop them at any time.
func residentMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("RssAnon:") }),
          let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
    return kb / 1024
}
func time(_ body: () throws -> Void) rethrows -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    try body()
    return seconds(clock.now - start)
}

print("fp-ledger projection benchmarks: \(runs) runs, dir \(dir)")
for households in sizes {
    let path = dir + "/fp-bench-county-\(households)"
    if !FileManager.default.fileExists(atPath: path + "/STORE") {
        var config = EventStore.Configuration()
        config.durability = .none
        let store = try EventStore.open(path, configuration: config)
        var county = SyntheticCounty(.init(households: households, seed: 1))
        let t = try time {
            try county.write(into: store)
            try store.sync()
        }
        print("generated \(households) households: \(store.endPosition) events in \(String(format: "%.1f", t)) s (\(Int(Double(store.endPosition) / t)) events/s); kept in \(path)")
        try store.close()
    }
    var config = EventStore.Configuration()
    config.readOnly = true
    let store = try EventStore.open(path, configuration: config)
    let events = Double(store.endPosition)
    print("county of \(households) households, \(store.endPosition) events")

    let before = residentMiB()
    var state = CountyState()
    var rebuild: [Double] = []
    for _ in 0..<runs {
        rebuild.append(events / (try time { state = try CountyBuilder.build(store) }))
    }
    report("  full rebuild (households, villages, policy; two passes)", rebuild, unit: "events/s")
    print("  anonymous resident memory after rebuild (RssAnon): \(String(format: "%.0f", residentMiB())) MiB (\(String(format: "%.0f", residentMiB() - before)) MiB more than before it)")
    var byCause: [Double] = []
    for _ in 0..<max(runs, 20) {
        byCause.append(time {
            var counts: [Int: (households: Int, people: Int)] = [:]
            for h in state.households.values where h.status != .removed {
                counts[h.mainCause, default: (0, 0)].households += 1
                counts[h.mainCause, default: (0, 0)].people += h.people
            }
            precondition(!counts.isEmpty)
        } * 1000)
    }
    report("  count households by main_cause (on the built projection)", byCause, unit: "ms", digits: 2)
    var stats: [Double] = []
    for _ in 0..<runs { stats.append(time { _ = Statistics.areas(state, by: .village) } * 1000) }
    report("  stats by village", stats, unit: "ms", digits: 1)

    // The store's rows on the county's own events (after the memory figure above, which
    // they would inflate): many streams to a batch, as an import or the generator writes them.
    let appendCount = min(Int(events), 2_000_000)
    var batches: [[StreamWrite]] = []
    var batch: [StreamWrite] = []
    try store.forEachRecord(from: 0, through: UInt64(appendCount - 1)) { r in
        batch.append(StreamWrite(stream: r.stream, events: [ProposedEvent(type: r.type, effective: r.effective, actor: r.actor,
                                                                         payload: Array(r.payload))]))
        if batch.count == 1000 { batches.append(batch); batch = [] }
        return true
    }
    if !batch.isEmpty { batches.append(batch) }
    for durability in [EventStore.Durability.none, .groupCommit] {
        var rates: [Double] = []
        for k in 0..<runs {
            let target = dir + "/fp-bench-append-\(getpid())-\(k)"
            defer { try? FileManager.default.removeItem(atPath: target) }
            var c = EventStore.Configuration()
            c.durability = durability
            let fresh = try EventStore.open(target, configuration: c)
            rates.append(Double(appendCount) / (try time { for b in batches { _ = try fresh.append(b) } }))
            try fresh.close()
        }
        let how = durability == .none ? "no fsync" : "fsync per batch (group commit)"
        report("  append of the county's first \(appendCount) events, batches of 1,000 (many streams each), \(how)", rates, unit: "events/s")
    }
    batches = []
    var scans: [Double] = []
    for _ in 0..<runs {
        var n = 0
        scans.append(events / (try time { try store.forEachRecord { _ in n += 1; return true } }))
        precondition(n == Int(events))
    }
    report("  full forward read, in place (every checksum)", scans, unit: "events/s")
    var ids: [String] = []
    try store.forEachRecord(ofType: "HouseholdIdentified", from: 0, through: nil) { r in ids.append(r.stream); return true }
    var rng = SystemRandomNumberGenerator()
    // Twice: the first pass in a process that has not yet touched the indexes (as a
    // one-shot `fprepl -c`), the second after 2,000 histories have.
    for pass in ["", ", again"] {
        var latencies: [Double] = []
        for _ in 0..<2000 {
            let id = ids[Int.random(in: 0..<ids.count, using: &rng)]
            latencies.append(try time { let history = try store.readStream(id); precondition(!history.isEmpty) } * 1e6)
        }
        latencies.sort()
        print("  one household's history (2,000 random households\(pass)): p50 \(String(format: "%.1f", latencies[1000])) us, p99 \(String(format: "%.1f", latencies[1980])) us")
    }
    var opens: [Double] = []
    for _ in 0..<runs {
        opens.append(try time {
            var c = EventStore.Configuration()
            c.readOnly = true
            let s = try EventStore.open(path, configuration: c)
            precondition(s.endPosition == store.endPosition)
            _ = try s.digest()
            try s.close()
        } * 1000)
    }
    report("  open read-only, size and digest (in process)", opens, unit: "ms", digits: 1)

    var judged: [Double] = []
    for _ in 0..<min(runs, 3) {
        judged.append(events / (try time { let found = try FindingRules.evaluate(store, asOf: .now); precondition(!found.isEmpty) }))
    }
    report("  findings judged from the first record (every rule, fund trails included)", judged, unit: "events/s")

    // Import: export the county to canonical JSONL once, then import it into fresh stores.
    if households <= 10_000 {
        let records = try store.read(from: 0, maxCount: Int.max)
        let jsonl = try records.map { r in try CanonicalExport.line(r, typeOfPosition: { records[Int($0)].type }) }.joined(separator: "\n") + "\n"
        var imports: [Double] = []
        for k in 0..<min(runs, 3) {
            let target = dir + "/fp-bench-import-\(getpid())-\(k)"
            defer { try? FileManager.default.removeItem(atPath: target) }
            var c = EventStore.Configuration()
            c.durability = .groupCommit
            let fresh = try EventStore.open(target, configuration: c)
            imports.append(events / (try time { _ = try Importer.run(jsonl, store: fresh) }))
            try fresh.close()
        }
        report("  import of canonical JSONL (parse, validate, encode, append; \(jsonl.utf8.count >> 20) MiB)", imports, unit: "events/s")
    }
}
