// Release-mode benchmarks of the event store against the targets of docs/performance.md.
//
//   swift build -c release --product store-benchmarks
//   .build/release/store-benchmarks [--events N] [--runs R] [--dir PATH] [--big N]
//
// Prints one line per figure: the median of R runs, then every run. Each run works in
// a fresh store under --dir (default /tmp), removed afterwards. See docs/performance.md.
@_spi(Testing) import EventStore
import Foundation

struct Options {
    var events = 2_000_000      // per append/read run
    var runs = 5
    var dir = NSTemporaryDirectory()
    var big = 10_000_000        // records in the store for the open-time figure
    var only: Set<String> = []

    init() {
        var args = CommandLine.arguments.dropFirst()
        while let a = args.popFirst() {
            switch a {
            case "--events": events = Int(args.popFirst() ?? "") ?? events
            case "--runs": runs = Int(args.popFirst() ?? "") ?? runs
            case "--dir": dir = args.popFirst() ?? dir
            case "--big": big = Int(args.popFirst() ?? "") ?? big
            case "--only": only.insert(args.popFirst() ?? "")
            default:
                print("usage: store-benchmarks [--events N] [--runs R] [--dir PATH] [--big N] [--only NAME]...")
                exit(2)
            }
        }
    }
}

let options = Options()
let day = EffectiveDate(year: 2017, month: 6, day: 30)!

/// A realistic record: a household stream, a catalog type, an operator, ~60 bytes of payload.
func makeEvent(_ i: Int) -> ProposedEvent {
    var payload = [UInt8](repeating: 0, count: 60)
    for k in 0..<payload.count { payload[k] = UInt8(truncatingIfNeeded: i &* 31 &+ k) }
    return ProposedEvent(type: i % 3 == 0 ? "IncomeAssessed" : "VisitRecorded", effective: day, actor: "op-0007", payload: payload)
}

func streamName(_ i: Int) -> String { "household-53012410120\(10000 + i % 10_000)" }

func freshDirectory(_ name: String) -> String {
    let d = options.dir + "/fp-bench-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    return d
}

func remove(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func report(_ name: String, _ values: [Double], unit: String, format: (Double) -> String = { String(format: "%.0f", $0) }) {
    print("\(name): \(format(median(values))) \(unit) (median of \(values.count); runs: \(values.map(format).joined(separator: ", ")))")
    fflush(nil)
}

/// Reads the files in order, 1 MiB at a time, as a plain sequential reader would; the
/// bytes read.
func readWhole(_ names: [String], in dir: String) throws -> Int {
    var total = 0
    for name in names {
        let h = try FileHandle(forReadingFrom: URL(fileURLWithPath: dir + "/" + name))
        while let d = try h.read(upToCount: 1 << 20), !d.isEmpty { total += d.count }
        try h.close()
    }
    return total
}

func wanted(_ name: String) -> Bool { options.only.isEmpty || options.only.contains(name) }

/// Appends `total` events in batches of `batch` (each batch one stream), one thread.
func appendRun(durability: EventStore.Durability, batch: Int, total: Int, tree: Bool = true) throws -> Double {
    let dir = freshDirectory("append")
    defer { remove(dir) }
    var c = EventStore.Configuration()
    c.durability = durability
    c.maintainsTree = tree
    let store = try EventStore.open(dir, configuration: c)
    let batches = (0..<64).map { b in (0..<batch).map { makeEvent(b * batch + $0) } }
    let clock = ContinuousClock()
    let start = clock.now
    var written = 0
    var b = 0
    while written < total {
        _ = try store.append(batches[b % batches.count], to: streamName(b))
        written += batch
        b += 1
    }
    if durability == .none { try store.sync() }
    let elapsed = seconds(clock.now - start)
    try store.close()
    return Double(written) / elapsed
}

/// Appends `total` events in batches of 1,000 one-event writes to as many streams (of
/// 100,000 in all, in turn), the shape of an import or a generated county.
func manyStreamsAppendRun(total: Int) throws -> Double {
    let dir = freshDirectory("append-streams")
    defer { remove(dir) }
    var c = EventStore.Configuration()
    c.durability = .none
    let store = try EventStore.open(dir, configuration: c)
    let batches = (0..<100).map { b in
        (0..<1000).map { k in StreamWrite(stream: streamName100k(b * 1000 + k), events: [makeEvent(b * 1000 + k)]) }
    }
    let clock = ContinuousClock()
    let start = clock.now
    var written = 0, b = 0
    while written < total {
        _ = try store.append(batches[b % batches.count])
        written += 1000
        b += 1
    }
    try store.sync()
    let elapsed = seconds(clock.now - start)
    try store.close()
    return Double(written) / elapsed
}

func streamName100k(_ i: Int) -> String { "household-5301241012\(100_000 + i % 100_000)" }

/// Several threads appending batches concurrently with group commit.
func concurrentAppendRun(threads: Int, batch: Int, total: Int) throws -> Double {
    let dir = freshDirectory("group")
    defer { remove(dir) }
    let store = try EventStore.open(dir)
    let perThread = total / threads
    let batches = (0..<16).map { b in (0..<batch).map { makeEvent(b * batch + $0) } }
    let clock = ContinuousClock()
    let start = clock.now
    // Real threads, not concurrentPerform (which runs no more at once than there are
    // cores): group commit needs appends waiting while a flush is under way.
    let done = DispatchGroup()
    for t in 0..<threads {
        done.enter()
        let thread = Thread {
            var written = 0, b = t
            while written < perThread {
                _ = try? store.append(batches[b % batches.count], to: streamName(b))
                written += batch
                b += threads
            }
            done.leave()
        }
        thread.start()
    }
    done.wait()
    let elapsed = seconds(clock.now - start)
    let n = store.endPosition
    try store.close()
    return Double(n) / elapsed
}

/// The latency of one small durable write on this disk: pwrite + fdatasync.
func fsyncLatency(count: Int) throws -> [Double] {
    let dir = freshDirectory("fsync")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { remove(dir) }
    let fd = open(dir + "/probe", O_RDWR | O_CREAT, 0o600)
    defer { close(fd) }
    var bytes = [UInt8](repeating: 7, count: 150)
    var out: [Double] = []
    let clock = ContinuousClock()
    for i in 0..<count {
        let start = clock.now
        _ = bytes.withUnsafeMutableBytes { pwrite(fd, $0.baseAddress, 150, off_t(i * 150)) }
        fdatasync(fd)
        out.append(seconds(clock.now - start) * 1e6)
    }
    return out
}

/// Builds a store of `count` records (bulk, no fsync until the end) for the read figures:
/// appends of 1,000 events spread over 100 households, 10 each, so that every household
/// has about 100 events scattered over the whole log, like a real county's.
func buildStore(_ dir: String, count: Int) throws {
    var c = EventStore.Configuration()
    c.durability = .none
    let store = try EventStore.open(dir, configuration: c)
    let households = max(1, count / 100)
    let ten = (0..<10).map { makeEvent($0) }
    var written = 0, h = 0
    while written < count {
        var writes: [StreamWrite] = []
        while writes.count < 100 && written < count {
            let n = min(10, count - written)
            writes.append(StreamWrite(stream: benchHousehold(h % households), events: Array(ten.prefix(n))))
            written += n
            h += 1
        }
        _ = try store.append(writes)
    }
    try store.sync()
    try store.close()
}

func benchHousehold(_ i: Int) -> String { "household-5301241012\(100_000 + i)" }

// MARK: - Runs

print("fp-ledger store benchmarks: \(options.events) events per run, \(options.runs) runs, dir \(options.dir)")
print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory >> 30) GiB")

if wanted("append-none") {
    report("append, batches of 1000, no fsync", try (0..<options.runs).map { _ in
        try appendRun(durability: .none, batch: 1000, total: options.events)
    }, unit: "events/s")
}
if wanted("append-streams") {
    report("append, batches of 1000 one-event writes to 1000 streams, no fsync", try (0..<options.runs).map { _ in
        try manyStreamsAppendRun(total: options.events)
    }, unit: "events/s")
}
if wanted("merkle") || wanted("sha") {
    let clock = ContinuousClock()
    let record = [UInt8](repeating: 7, count: 150)
    var h = MerkleHash.emptyTree
    var start = clock.now
    for _ in 0..<1_000_000 { h = record.withUnsafeBytes { MerkleHash.leaf($0) } }
    report("leaf hash of a 150-byte record", [seconds(clock.now - start) * 1e3], unit: "ns", format: { String(format: "%.0f", $0) })
    start = clock.now
    for _ in 0..<1_000_000 { h = MerkleHash.node(h, h) }
    report("node hash", [seconds(clock.now - start) * 1e3], unit: "ns", format: { String(format: "%.0f", $0) })
    precondition(h != .emptyTree)
}
if wanted("merkle") {
    // Runs alternate with and without the tree so drift in the machine hits both alike.
    for (name, durability, total) in [("no fsync", EventStore.Durability.none, options.events),
                                      ("fsync per batch", .groupCommit, options.events / 2)] {
        var with: [Double] = [], without: [Double] = []
        for _ in 0..<options.runs {
            without.append(try appendRun(durability: durability, batch: 1000, total: total, tree: false))
            with.append(try appendRun(durability: durability, batch: 1000, total: total, tree: true))
        }
        report("append, batches of 1000, \(name), without the Merkle tree", without, unit: "events/s")
        report("append, batches of 1000, \(name), keeping the Merkle tree", with, unit: "events/s")
        print(String(format: "  keeping the tree costs %.1f%% of append throughput (%@)", (1 - median(with) / median(without)) * 100, name))
    }
}
if wanted("append-group") {
    report("append, batches of 1000, fsync per batch (1 writer)", try (0..<options.runs).map { _ in
        try appendRun(durability: .groupCommit, batch: 1000, total: options.events / 2)
    }, unit: "events/s")
    report("append, batches of 1000, group commit (4 writers)", try (0..<options.runs).map { _ in
        try concurrentAppendRun(threads: 4, batch: 1000, total: options.events / 2)
    }, unit: "events/s")
    for writers in [8, 64] {
        report("append, single events, group commit (\(writers) writers)", try (0..<options.runs).map { _ in
            try concurrentAppendRun(threads: writers, batch: 1, total: 200 * writers)
        }, unit: "events/s")
    }
}
if wanted("append-single") {
    let lat = try fsyncLatency(count: 500)
    report("disk: pwrite 150 B + fdatasync latency (p50)", [median(lat)], unit: "us", format: { String(format: "%.1f", $0) })
    report("single durable appends (fsync each)", try (0..<options.runs).map { _ in
        try appendRun(durability: .fsyncEachAppend, batch: 1, total: 2000)
    }, unit: "events/s")
}
if wanted("read") {
    let dir = freshDirectory("read")
    defer { remove(dir) }
    try buildStore(dir, count: options.events)
    var c = EventStore.Configuration()
    c.readOnly = true
    let store = try EventStore.open(dir, configuration: c)
    report("full forward read (in place, checksums verified)", try (0..<options.runs).map { _ in
        let clock = ContinuousClock()
        let start = clock.now
        var n = 0
        var sum = 0
        try store.forEachRecord { r in
            n += 1
            sum &+= r.payload.count
            return true
        }
        precondition(n == options.events && sum > 0)
        return Double(n) / seconds(clock.now - start)
    }, unit: "events/s")
    report("full forward read (copied out as RecordedEvent)", try (0..<options.runs).map { _ in
        let clock = ContinuousClock()
        let start = clock.now
        var n = 0
        try store.forEachRecord { r in
            let e = r.materialize()
            n += e.payload.isEmpty ? 0 : 1
            return true
        }
        return Double(n) / seconds(clock.now - start)
    }, unit: "events/s")
    // One household's history: the stream has events in every segment.
    var latencies: [Double] = []
    let clock = ContinuousClock()
    let households = max(1, options.events / 100)
    for _ in 0..<2000 {
        let start = clock.now
        let events = try store.readStream(benchHousehold(Int.random(in: 0..<households)))
        precondition(!events.isEmpty)
        latencies.append(seconds(clock.now - start) * 1e6)
    }
    latencies.sort()
    let perStream = try store.readStream(benchHousehold(0)).count
    print("one stream's history (\(perStream) events, \(store.status().segments) segments): p50 \(String(format: "%.1f", latencies[latencies.count / 2])) us, p99 \(String(format: "%.1f", latencies[latencies.count * 99 / 100])) us")
}
if wanted("open") {
    let dir = options.dir + "/fp-bench-open-\(options.big)"
    if !FileManager.default.fileExists(atPath: dir + "/STORE") {
        print("building a \(options.big)-record store in \(dir) (kept for reuse; remove it when done)")
        try buildStore(dir, count: options.big)
    }
    report("open a \(options.big)-record store and read status (in process)", try (0..<options.runs).map { _ in
        let clock = ContinuousClock()
        let start = clock.now
        var c = EventStore.Configuration()
        c.readOnly = true
        let store = try EventStore.open(dir, configuration: c)
        let s = store.status()
        precondition(s.events == UInt64(options.big))
        return seconds(clock.now - start) * 1000
    }, unit: "ms", format: { String(format: "%.1f", $0) })
    report("open it for writing (lock, tail scan) and read status", try (0..<options.runs).map { _ in
        let clock = ContinuousClock()
        let start = clock.now
        let store = try EventStore.open(dir)
        _ = store.status()
        let t = seconds(clock.now - start) * 1000
        try store.close()
        return t
    }, unit: "ms", format: { String(format: "%.1f", $0) })
}
if wanted("verify") {
    // The big store of "open": its tree built once, then digests, proofs and verify.
    let dir = options.dir + "/fp-bench-open-\(options.big)"
    if !FileManager.default.fileExists(atPath: dir + "/STORE") {
        print("building a \(options.big)-record store in \(dir) (kept for reuse; remove it when done)")
        try buildStore(dir, count: options.big)
    }
    let clock = ContinuousClock()
    let bytes = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".seg") }
        .reduce(0) { $0 + ((try FileManager.default.attributesOfItem(atPath: dir + "/" + $1)[.size] as? Int) ?? 0) }
    if !FileManager.default.fileExists(atPath: dir + "/TREE") {
        let writer = try EventStore.open(dir)
        let start = clock.now
        _ = try writer.digest()
        let s = seconds(clock.now - start)
        print(String(format: "tree built from scratch and persisted: %.1f s, %.0f records/s", s, Double(options.big) / s))
        try writer.close()
    }
    var ro = EventStore.Configuration()
    ro.readOnly = true
    report("open read-only and compute the digest (hashes the active segment)", try (0..<options.runs).map { _ in
        let start = clock.now
        let store = try EventStore.open(dir, configuration: ro)
        _ = try store.digest()
        return seconds(clock.now - start) * 1000
    }, unit: "ms", format: { String(format: "%.1f", $0) })
    let store = try EventStore.open(dir, configuration: ro)
    let n = store.endPosition
    var latencies: [Double] = []
    for _ in 0..<2000 {
        let p = UInt64.random(in: 0..<n)
        let size = UInt64.random(in: (p + 1)...n)
        let start = clock.now
        let proof = try store.inclusionProof(position: p, size: size)
        latencies.append(seconds(clock.now - start) * 1e6)
        precondition(!proof.hashes.isEmpty || size == 1)
    }
    latencies.sort()
    print(String(format: "inclusion proof at a random size of a %d-record store: p50 %.1f us, p99 %.1f us", n,
                 latencies[latencies.count / 2], latencies[latencies.count * 99 / 100]))
    // Plain sequential read of the segment files, for comparison: the page cache's speed
    // when the files are cached, the disk's when they are not.
    report("read the segment files (no checks)", try (0..<options.runs).map { _ in
        let start = clock.now
        let total = try readWhole(try FileManager.default.contentsOfDirectory(atPath: dir).filter({ $0.hasSuffix(".seg") }), in: dir)
        return Double(total) / seconds(clock.now - start) / 1e6
    }, unit: "MB/s")
    report("verify: every checksum, the whole tree recomputed", (0..<options.runs).map { _ in
        let start = clock.now
        let r = store.verify()
        precondition(r.damage == nil && r.digest != nil)
        return Double(bytes) / seconds(clock.now - start) / 1e6
    }, unit: "MB/s")
    try store.close()
    // From the disk: the page cache dropped before each run (root only), a plain read of
    // every file verify reads (segments, indexes, kept hashes) and a fresh open and
    // verify, alternately, so that both meet the same disk.
    if FileManager.default.isWritableFile(atPath: "/proc/sys/vm/drop_caches") {
        func dropCaches() {
            sync()
            try? "3\n".write(toFile: "/proc/sys/vm/drop_caches", atomically: false, encoding: .utf8)
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: dir)
            .filter { $0.hasSuffix(".seg") || $0.hasSuffix(".idx") || $0.hasSuffix(".hashes") }
        var reads: [Double] = [], verifies: [Double] = []
        for _ in 0..<options.runs {
            dropCaches()
            var start = clock.now
            _ = try readWhole(files, in: dir)
            reads.append(seconds(clock.now - start))
            dropCaches()
            start = clock.now
            let cold = try EventStore.open(dir, configuration: ro)
            precondition(cold.verify().damage == nil)
            verifies.append(seconds(clock.now - start))
            try cold.close()
        }
        let format = { (x: Double) in String(format: "%.2f", x) }
        report("from the disk: read the store's files (segments, indexes, kept hashes)", reads, unit: "s", format: format)
        report("from the disk: open and verify", verifies, unit: "s", format: format)
        print(String(format: "from the disk: verify takes %.2f times as long as reading the files", median(verifies) / median(reads)))
    } else {
        print("from the disk: not measured (dropping the page cache needs root)")
    }
}
