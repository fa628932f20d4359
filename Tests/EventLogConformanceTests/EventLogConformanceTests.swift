import EventStore
import Foundation
import PostgresStore
import TestSupport
import Testing

/// The store contract (``EventLog``), checked the same way on the file store and on
/// PostgreSQL.
@Suite("The event log contract, on both backends")
struct EventLogConformanceTests {
    @Test("Appends take positions 0, 1, 2, ... and read back field for field", arguments: Backend.all)
    func appendAndReadBack(_ backend: Backend) throws {
        try backend.withNewLog { log, _ in
            #expect(log.endPosition == 0)
            #expect(try log.digest() == Digest(size: 0, root: .emptyTree))
            let first = try log.append([event(0, correlation: "batch-1", metadata: [1, 2, 3]), event(1)], to: "household-1")
            #expect(first.positions == 0..<2)
            #expect(first.lastVersions == ["household-1": 1])
            let second = try log.append([StreamWrite(stream: "village-1", events: [event(2, correlation: "")]),
                                         StreamWrite(stream: "household-1", events: [event(3)])])
            #expect(second.positions == 2..<4)
            #expect(second.written.map(\.stream) == ["village-1", "household-1"])
            #expect(second.written.map(\.version) == [0, 2])
            #expect(log.endPosition == 4)

            let all = try log.read(from: 0, maxCount: 100)
            #expect(all.map(\.position) == [0, 1, 2, 3])
            #expect(all.map(\.stream) == ["household-1", "household-1", "village-1", "household-1"])
            #expect(all.map(\.version) == [0, 1, 0, 2])
            #expect(all[0].correlation == "batch-1" && all[0].metadata == [1, 2, 3])
            #expect(all[1].correlation == nil, "no correlation stays none")
            #expect(all[2].correlation == "", "an empty correlation stays empty, not none")
            #expect(all[3].payload == Array("payload-3 走访".utf8))
            #expect(all[0].effective == day && all[0].actor == "op-0" && all[0].type == "VisitRecorded")
            #expect(all[0].recorded == all[1].recorded, "one batch, one recorded time")
            #expect(all[2].recorded >= all[1].recorded)

            var ends: [Bool] = []
            try log.forEachRecord(from: 0) { r in
                ends.append(r.endsBatch)
                return true
            }
            #expect(ends == [false, true, false, true], "the last record of each batch ends it")
            #expect(try log.record(at: 2).stream == "village-1")
            #expect(throws: StoreError.self) { try log.record(at: 4) }
        }
    }

    @Test("A scan delivers from and through the positions asked, and stops when told", arguments: Backend.all)
    func boundedScans(_ backend: Backend) throws {
        try backend.withNewLog { log, _ in
            for i in 0..<25 { _ = try log.append([event(i)], to: "household-\(i % 4)") }
            var seen: [UInt64] = []
            try log.forEachRecord(from: 5, through: 9) { seen.append($0.position); return true }
            #expect(seen == [5, 6, 7, 8, 9])
            seen = []
            try log.forEachRecord(from: 20) { seen.append($0.position); return seen.count < 3 }
            #expect(seen == [20, 21, 22])
            seen = []
            try log.forEachRecord(from: 25) { seen.append($0.position); return true }
            #expect(seen.isEmpty)
            #expect(try log.read(from: 23, maxCount: 10).map(\.position) == [23, 24])
        }
    }

    @Test("A pass over one event type sees those records only, in order, within the bounds", arguments: Backend.all)
    func oneType(_ backend: Backend) throws {
        try backend.withNewLog { log, _ in
            for i in 0..<30 { _ = try log.append([event(i, type: i % 7 == 3 ? "Correction" : "VisitRecorded")], to: "household-\(i % 4)") }
            var seen: [UInt64] = []
            try log.forEachRecord(ofType: "Correction", from: 0, through: nil) { r in
                #expect(r.type == "Correction")
                seen.append(r.position)
                return true
            }
            #expect(seen == [3, 10, 17, 24])
            seen = []
            try log.forEachRecord(ofType: "Correction", from: 4, through: 17) { seen.append($0.position); return true }
            #expect(seen == [10, 17])
            seen = []
            try log.forEachRecord(ofType: "Correction", from: 0, through: nil) { seen.append($0.position); return seen.count < 2 }
            #expect(seen == [3, 10])
            seen = []
            try log.forEachRecord(ofType: "Nothing", from: 0, through: nil) { seen.append($0.position); return true }
            #expect(seen.isEmpty)
        }
    }

    @Test("Streams read in version order, from a version, up to a count", arguments: Backend.all)
    func streams(_ backend: Backend) throws {
        try backend.withNewLog { log, _ in
            for i in 0..<12 { _ = try log.append([event(i)], to: i % 3 == 0 ? "fund-A" : "household-9") }
            #expect(try log.readStream("fund-A").map(\.version) == [0, 1, 2, 3])
            #expect(try log.readStream("fund-A").map(\.position) == [0, 3, 6, 9])
            #expect(try log.readStream("household-9", from: 5).map(\.version) == [5, 6, 7])
            #expect(try log.readStream("household-9", from: 2, maxCount: 2).map(\.version) == [2, 3])
            #expect(try log.readStream("nobody").isEmpty)
            #expect(try log.streamVersion("fund-A") == 3)
            #expect(try log.streamVersion("household-9") == 7)
            #expect(try log.streamVersion("nobody") == nil)
        }
    }

    @Test("Expected versions: checked with the write, the whole batch or nothing", arguments: Backend.all)
    func expectedVersions(_ backend: Backend) throws {
        try backend.withNewLog { log, _ in
            _ = try log.append([event(0)], to: "household-1", expected: .noStream)
            _ = try log.append([event(1)], to: "household-1", expected: .exact(0))
            let stale = #expect(throws: StoreError.self) { try log.append([event(2)], to: "household-1", expected: .exact(0)) }
            #expect(stale?.code == .versionConflict)
            #expect(stale?.message == "stream household-1: expected version 0, actual version 1")
            let exists = #expect(throws: StoreError.self) { try log.append([event(2)], to: "household-1", expected: .noStream) }
            #expect(exists?.message == "stream household-1: expected no stream, actual version 1")
            let missing = #expect(throws: StoreError.self) { try log.append([event(2)], to: "household-2", expected: .exact(0)) }
            #expect(missing?.message == "stream household-2: expected version 0, actual no stream")

            // The first write holds, the second does not: nothing of the batch is written.
            let batch = [StreamWrite(stream: "village-1", expected: .noStream, events: [event(3)]),
                         StreamWrite(stream: "household-1", expected: .exact(5), events: [event(4)])]
            #expect(throws: StoreError.self) { try log.append(batch) }
            #expect(log.endPosition == 2)
            #expect(try log.streamVersion("village-1") == nil)

            // A stream named twice sees the first write's events when the second is checked.
            let twice = try log.append([StreamWrite(stream: "household-1", expected: .exact(1), events: [event(5)]),
                                        StreamWrite(stream: "household-1", expected: .exact(2), events: [event(6)])])
            #expect(twice.positions == 2..<4)
            #expect(try log.streamVersion("household-1") == 3)
            // A write that only checks a condition writes nothing.
            let check = try log.append([StreamWrite(stream: "household-1", expected: .exact(3), events: [])])
            #expect(check.positions.isEmpty && log.endPosition == 4)
        }
    }

    @Test("An append that needs its positions is refused, whole, when the log has grown", arguments: Backend.all)
    func startingAt(_ backend: Backend) throws {
        try backend.withNewLog { log, _ in
            _ = try log.append([event(0)], to: "household-1")
            #expect(try log.append([event(1)], to: "household-2", expected: .any).positions == 1..<2)
            let r = try log.append([StreamWrite(stream: "household-3", events: [event(2), event(3)])], startingAt: 2)
            #expect(r.positions == 2..<4)
            let e = #expect(throws: StoreError.self) {
                try log.append([StreamWrite(stream: "household-3", events: [event(4)])], startingAt: 3)
            }
            #expect(e?.code == .versionConflict)
            #expect(e?.message.hasPrefix("the log grew from 3 to 4 records") == true)
            #expect(log.endPosition == 4)
        }
    }

    @Test("What no backend stores is refused before anything is written", arguments: Backend.all)
    func invalidWrites(_ backend: Backend) throws {
        try backend.withNewLog { log, _ in
            let empty = #expect(throws: StoreError.self) { try log.append([event(0)], to: "") }
            #expect(empty?.code == .invalidArgument && empty?.message == "stream name is empty")
            let noActor = ProposedEvent(type: "VisitRecorded", effective: day, actor: "", payload: [1])
            #expect(throws: StoreError.self) { try log.append([noActor], to: "household-1") }
            #expect(log.endPosition == 0)
        }
    }

    @Test("A second reader sees what a writer appended once it refreshes", arguments: Backend.all)
    func readersFollowWriters(_ backend: Backend) throws {
        try backend.withNewLog { log, location in
            _ = try log.append([event(0)], to: "household-1")
            let reader = try backend.open(location, readOnly: true)
            defer { try? reader.close() }
            #expect(reader.isReadOnly && reader.endPosition == 1)
            #expect(throws: StoreError.self) { try reader.append([event(1)], to: "household-1") }
            _ = try log.append([event(1), event(2)], to: "household-2")
            try reader.refresh()
            #expect(reader.endPosition == 3)
            #expect(try reader.read(from: 0, maxCount: 10).map(\.stream) == ["household-1", "household-2", "household-2"])
            #expect(try reader.digest() == log.digest())
            #expect(reader.storeID == log.storeID)
        }
    }

    @Test("Tail delivers what is there, then what is appended", arguments: Backend.all)
    func tail(_ backend: Backend) async throws {
        let dir = FileManager.default.temporaryDirectory.path + "/fp-conformance-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log: any EventLog = backend == .file ? try EventStore.open(dir)
            : try PostgresEventLog.open(PostgresAddress(PostgresTestServer.newLog()))
        defer { try? log.close() }
        _ = try log.append([event(0), event(1)], to: "household-1")
        var received: [UInt64] = []
        for try await r in log.tail(from: 1, pollInterval: .milliseconds(10)) {
            received.append(r.position)
            if received == [1] { _ = try log.append([event(2)], to: "household-2") }
            if received.count == 2 { break }
        }
        #expect(received == [1, 2])
    }

    @Test("The digest is RFC 6962's root over the canonical bytes, for every size", arguments: Backend.all)
    func digests(_ backend: Backend) throws {
        try backend.withNewLog { log, _ in
            var roots: [MerkleHash] = []
            var frontier = MerkleFrontier()
            for i in 0..<37 {
                _ = try log.append((0...(i % 3)).map { event(i * 10 + $0) }, to: "household-\(i % 5)")
            }
            try log.forEachRecord(from: 0) { r in
                frontier.append(MerkleHash.leaf(r.canonicalBytes))
                roots.append(frontier.root)
                return true
            }
            #expect(try log.digest() == Digest(size: UInt64(roots.count), root: roots.last!))
            for size in [1, 2, 3, 7, 8, 9, 31, 64, roots.count] where size <= roots.count {
                #expect(try log.digest(size: UInt64(size)).root == roots[size - 1], "size \(size)")
            }
            #expect(throws: StoreError.self) { try log.digest(size: UInt64(roots.count + 1)) }
            let n = UInt64(roots.count)
            for position in [0, 5, n / 2, n - 1] {
                let p = try log.inclusionProof(position: position)
                #expect(MerkleHash.leaf(p.canonicalBytes) == p.leafHash)
                try MerkleProof.checkInclusion(leaf: p.leafHash, index: position, size: n, proof: p.hashes, root: roots.last!)
            }
            for old in [1, 4, 13, Int(n)] {
                let c = try log.consistencyProof(from: UInt64(old))
                #expect(c.oldRoot == roots[old - 1])
                try MerkleProof.checkConsistency(oldSize: UInt64(old), newSize: n, oldRoot: roots[old - 1],
                                                 newRoot: roots.last!, proof: c.hashes)
            }
            #expect(throws: StoreError.self) { try log.consistencyProof(from: 0) }
            #expect(throws: StoreError.self) { try log.inclusionProof(position: n) }
            let report = log.verify(progress: nil)
            #expect(report.damage == nil)
            #expect(report.records == n && report.digest?.root == roots.last!)
        }
    }

    @Test("A copy keeps positions, versions, times and batch ends: the digests agree, both ways",
          arguments: Backend.all, Backend.all)
    func copies(_ from: Backend, _ to: Backend) throws {
        try from.withNewLog { source, _ in
            for i in 0..<40 {
                _ = try source.append((0...(i % 4)).map { event(i * 10 + $0, correlation: i % 2 == 0 ? "c\(i)" : nil) },
                                      to: "household-\(i % 6)")
            }
            try to.withNewLog { destination, _ in
                let report = try LogCopy.run(from: source, to: destination)
                #expect(report.kept == 0 && report.copied == source.endPosition)
                #expect(try destination.digest() == source.digest())
                #expect(try recomputedRoot(destination) == source.digest().root)
                #expect(try destination.read(from: 0, maxCount: 1000) == source.read(from: 0, maxCount: 1000))
                // More on the source: the copy resumes where it stopped.
                _ = try source.append([event(900)], to: "household-1")
                let resumed = try LogCopy.run(from: source, to: destination)
                #expect(resumed.kept == report.copied && resumed.copied == 1)
                #expect(try destination.digest() == source.digest())
                // The copy goes on as a log of its own.
                _ = try destination.append([event(901)], to: "household-1", expected: .exact(try source.streamVersion("household-1")!))
            }
        }
    }

    @Test("A copy into a log that is not a prefix of the source is refused, nothing written", arguments: Backend.all)
    func copyRefusesAStranger(_ backend: Backend) throws {
        try backend.withNewLog { source, _ in
            _ = try source.append([event(0), event(1)], to: "household-1")
            try backend.withNewLog { other, _ in
                _ = try other.append([event(5)], to: "household-7")
                let e = #expect(throws: StoreError.self) { try LogCopy.run(from: source, to: other) }
                #expect(e?.message.contains("not the source's first 1") == true)
                #expect(other.endPosition == 1)
                // Copies must start at the log's end, continue each stream, and end a batch.
                let copied = try source.read(from: 0, maxCount: 2).map { CopiedRecord(event: $0, endsBatch: true) }
                #expect(throws: StoreError.self) { try other.appendCopies([copied[0]]) }
                var open = copied[1]
                open.endsBatch = false
                #expect(throws: StoreError.self) { try other.appendCopies([open]) }
                #expect(other.endPosition == 1)
            }
        }
    }
}
