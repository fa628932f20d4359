import Foundation
import TestSupport
import Testing
@_spi(Testing) @testable import EventStore

/// The crash helper executable, built beside the test bundle.
func crashHelperPath() throws -> String {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent("store-crash-helper").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    // `swift test` runs the bundle from .build/<triple>/debug; look there by the package root too.
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    for config in ["debug", "release"] {
        let candidate = root.appendingPathComponent(".build/\(config)/store-crash-helper").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    throw StoreError(.notFound, "store-crash-helper was not built beside the tests")
}

/// Runs the helper until it has acknowledged `acks` appends, then kills it with SIGKILL.
/// Returns what it acknowledged: (position, stream, version).
func runAndKill(store: String, durability: String, batch: Int, acks: Int) throws -> (pid: Int32, acked: [(UInt64, String, UInt64)]) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try crashHelperPath())
    process.arguments = [store, durability, String(batch)]
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.runWithCleanSignalMask()
    var acked: [(UInt64, String, UInt64)] = []
    var pending = Data()
    let reader = out.fileHandleForReading
    while acked.count < acks {
        let chunk = reader.availableData
        if chunk.isEmpty { break }
        pending.append(chunk)
        while let nl = pending.firstIndex(of: UInt8(ascii: "\n")) {
            let line = String(decoding: pending[pending.startIndex..<nl], as: UTF8.self)
            pending.removeSubrange(pending.startIndex...nl)
            let f = line.split(separator: " ")
            if f.first == "ack", f.count == 4, let p = UInt64(f[1]), let v = UInt64(f[3]) {
                acked.append((p, String(f[2]), v))
            }
        }
    }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(process.terminationReason == .uncaughtSignal)
    return (process.processIdentifier, acked)
}

@Suite(.serialized) struct CrashTests {
    @Test(arguments: [("fsync", 1), ("group", 1), ("group", 7), ("none", 5)])
    func aKilledWriterLosesNoAcknowledgedRecord(durability: String, batch: Int) throws {
        try withTemporaryDirectory { dir in
            var everAcked: [UInt64: (String, UInt64)] = [:]
            // Kill it several times at different points; each run continues the log.
            for acks in [40, 150, 400] {
                let (_, acked) = try runAndKill(store: dir, durability: durability, batch: batch, acks: acks)
                #expect(acked.count >= acks)
                for (p, s, v) in acked { everAcked[p] = (s, v) }
                let store = try EventStore.open(dir, configuration: config(segmentSize: 16 << 10))
                #expect(store.recovery.damage == nil)
                let records = try allRecords(store)
                #expect(records.map(\.position) == (0..<UInt64(records.count)).map { $0 }, "gap-free")
                #expect(records.count % batch == 0, "batches are whole")
                for (p, (s, v)) in everAcked {
                    guard p < records.count else {
                        Issue.record("acknowledged position \(p) is missing; the log has \(records.count)")
                        continue
                    }
                    #expect(records[Int(p)].stream == s)
                    #expect(records[Int(p)].version == v)
                }
                for (stream, rs) in Dictionary(grouping: records, by: \.stream) {
                    #expect(rs.map(\.version) == (0..<UInt64(rs.count)).map { $0 }, "\(stream) versions contiguous")
                }
                // The Merkle tree kept beside the log (persisted at each sealed segment,
                // killed anywhere in between) still agrees with the records.
                #expect(try store.digest().root == referenceRoot(try leavesFromSegmentFiles(dir)[...]))
                #expect(store.verify().damage == nil)
                try store.close()
            }
        }
    }

    @Test func aWriterInAnotherProcessHoldsTheLock() throws {
        try withTemporaryDirectory { dir in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try crashHelperPath())
            process.arguments = [dir, "group", "1"]
            let out = Pipe()
            process.standardOutput = out
            try process.runWithCleanSignalMask()
            defer {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            // Wait for it to be appending.
            var seen = Data()
            while !String(decoding: seen, as: UTF8.self).contains("ack ") {
                let d = out.fileHandleForReading.availableData
                if d.isEmpty { break }
                seen.append(d)
            }
            #expect { try EventStore.open(dir) } throws: { e in
                let e = e as? StoreError
                return e?.code == .lockHeld && e?.description.contains("pid \(process.processIdentifier)") == true
            }
            // A reader in this process sees a whole-record prefix that grows.
            let reader = try EventStore.open(dir, configuration: config(segmentSize: 16 << 10, readOnly: true))
            let first = reader.endPosition
            var grown = first
            for _ in 0..<200 where grown <= first {
                usleep(10_000)
                try reader.refresh()
                grown = reader.endPosition
            }
            #expect(grown > first)
            let records = try allRecords(reader)
            #expect(records.count == Int(grown))
            #expect(records.map(\.position) == (0..<grown).map { $0 })
        }
    }
}

@Suite struct ReaderAndTailTests {
    @Test func aReadOnlyStoreFollowsTheWriterAcrossSegmentRolls() throws {
        try withTemporaryDirectory { dir in
            let writer = try EventStore.open(dir, configuration: config(segmentSize: 1024))
            _ = try writer.append([event(0)], to: "s")
            let reader = try EventStore.open(dir, configuration: config(readOnly: true))
            #expect(reader.endPosition == 1)
            for i in 1..<120 { _ = try writer.append([event(i)], to: "s\(i % 5)") }
            #expect(reader.endPosition == 1, "a reader moves on refresh only")
            try reader.refresh()
            #expect(reader.endPosition == 120)
            #expect(try allRecords(reader) == (try allRecords(writer)))
            #expect(try reader.readStream("s3") == (try writer.readStream("s3")))
            #expect(reader.status().segments == writer.status().segments)
        }
    }

    @Test func tailDeliversHistoryThenLiveAppends() async throws {
        try await withTemporaryDirectory { dir in
            let store = try EventStore.open(dir)
            _ = try store.append([event(0), event(1)], to: "s")
            let tail = store.tail(from: 1)
            let consumer = Task {
                var got: [UInt64] = []
                for try await r in tail {
                    got.append(r.position)
                    if got.count == 4 { break }
                }
                return got
            }
            try await Task.sleep(for: .milliseconds(50))
            for i in 2..<5 { _ = try store.append([event(i)], to: "s") }
            #expect(try await consumer.value == [1, 2, 3, 4])
        }
    }

    @Test func aReadOnlyTailPollsForAnotherWritersAppends() async throws {
        try await withTemporaryDirectory { dir in
            let writer = try EventStore.open(dir)
            let reader = try EventStore.open(dir, configuration: config(readOnly: true))
            let consumer = Task {
                var got: [String] = []
                for try await r in reader.tail(pollInterval: .milliseconds(5)) {
                    got.append(r.type)
                    if got.count == 2 { break }
                }
                return got
            }
            _ = try writer.append([event(0, type: "HouseholdIdentified")], to: "h")
            try await Task.sleep(for: .milliseconds(30))
            _ = try writer.append([event(1, type: "ExitApproved")], to: "h")
            #expect(try await consumer.value == ["HouseholdIdentified", "ExitApproved"])
        }
    }

    @Test func closingEndsTheTail() async throws {
        try await withTemporaryDirectory { dir in
            let store = try EventStore.open(dir)
            let tail = store.tail()
            let consumer = Task {
                var n = 0
                for try await _ in tail { n += 1 }
                return n
            }
            _ = try store.append([event(0)], to: "s")
            try await Task.sleep(for: .milliseconds(50))
            try store.close()
            #expect(try await consumer.value == 1)
        }
    }
}
