import EventStore
import Foundation
import Testing
@testable import Projections

@Suite struct CountySnapshotTests {
    func generatedStore(_ households: Int, seed: UInt64, _ body: (EventStore) throws -> Void) throws {
        try withStore { store in
            var county = SyntheticCounty(.init(households: households, seed: seed))
            try county.write(into: store)
            try body(store)
        }
    }

    func same(_ a: CountyState, _ b: CountyState) -> Bool {
        a.households == b.households && a.villages == b.villages && a.policy == b.policy && a.position == b.position
    }

    @Test func aSnapshotGivesTheSameStateAsAFullRebuild() throws {
        try generatedStore(120, seed: 4) { store in
            let full = try CountyBuilder.build(store)
            try CountySnapshot.save(full, store: store)
            let (loaded, note) = CountySnapshot.load(store: store)
            #expect(note == nil)
            #expect(same(try #require(loaded), full))
            // Mode 0600, beside the log.
            let attrs = try FileManager.default.attributesOfItem(atPath: CountySnapshot.path(for: store))
            #expect((attrs[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        }
    }

    /// A store made before snapshots had their name keeps `county.ckpt`: it is read while
    /// there is no `county.snapshot`, and removed when one is written.
    @Test func aSnapshotUnderTheOldNameIsReadThenReplaced() throws {
        try generatedStore(40, seed: 9) { store in
            let full = try CountyBuilder.build(store)
            try CountySnapshot.save(full, store: store)
            let old = CountySnapshot.legacyPath(for: store)
            #expect(rename(CountySnapshot.path(for: store), old) == 0)
            let (loaded, note) = CountySnapshot.load(store: store)
            #expect(note == nil)
            #expect(same(try #require(loaded), full))
            try CountySnapshot.save(full, store: store)
            #expect(FileManager.default.fileExists(atPath: CountySnapshot.path(for: store)))
            #expect(!FileManager.default.fileExists(atPath: old), "the old name is gone once the new one is written")
        }
    }

    /// A snapshot is owner-only even where a stale temporary file of another mode lay
    /// (a save killed halfway, then a changed umask), and a file cut short is refused.
    @Test func aSnapshotIsOwnerOnlyWhateverWasThereAndACutOneIsRefused() throws {
        try generatedStore(30, seed: 2) { store in
            let path = CountySnapshot.path(for: store)
            try FileManager.default.createDirectory(atPath: store.projectionsDirectory, withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: path + ".tmp", contents: Data([1, 2, 3]), attributes: [.posixPermissions: 0o644]))
            try CountySnapshot.save(try CountyBuilder.build(store), store: store)
            let attrs = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attrs[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
            #expect(CountySnapshot.load(store: store).note == nil)
            let whole = try Data(contentsOf: URL(fileURLWithPath: path))
            try whole.prefix(whole.count - 10).write(to: URL(fileURLWithPath: path))
            let (loaded, note) = CountySnapshot.load(store: store)
            #expect(loaded == nil)
            #expect(note?.contains("damaged") == true, "\(String(describing: note))")
        }
    }

    /// Same log, same state, byte for byte: two independent builds serialise identically.
    @Test func foldsAreDeterministicToTheByte() throws {
        try generatedStore(80, seed: 9) { store in
            var a = ProtoWriter(), b = ProtoWriter()
            CountySnapshot.encode(try CountyBuilder.build(store), into: &a)
            CountySnapshot.encode(try CountyBuilder.build(store), into: &b)
            #expect(a.bytes == b.bytes)
            #expect(a.bytes.count > 10_000)
        }
    }

    @Test func theTailIsFoldedOnTopAndOldEventsCorrectedInTheTailAreRefolded() throws {
        try generatedStore(120, seed: 5) { store in
            try CountySnapshot.save(try CountyBuilder.build(store), store: store)
            // After the snapshot: retract the identification of a household recorded
            // long before it, and identify a new one.
            let victim = try #require(try store.read(from: 0, maxCount: Int.max).first { $0.type == "HouseholdIdentified" })
            _ = try Importer.run(#"{"stream":"\#(victim.stream)","type":"Correction","effective":"2023-12-31","actor":"op","data":{"target":\#(victim.position),"action":"retract","approver":"x"}}"#
                + "\n" + SmallCounty.identified("NEW1", "530124101201", people: 2, cause: "因学", on: "2023-06-01"), store: store)
            let (snapshot, _) = CountySnapshot.load(store: store)
            #expect(snapshot != nil)
            let resumed = try CountyBuilder.build(store, from: snapshot)
            let full = try CountyBuilder.build(store)
            #expect(same(resumed, full))
            #expect(resumed.households[String(victim.stream.dropFirst("household-".count))] == nil)
            #expect(resumed.households["NEW1"]?.people == 2)
            // `now` saves a fresh snapshot only when much had to be replayed.
            let (_, note) = try CountyBuilder.now(store, save: true, saveAfter: 0)
            #expect(note == nil)
            #expect(CountySnapshot.load(store: store).state?.position == store.lastPosition)
        }
    }

    @Test func aSnapshotFromElsewhereIsNeverTrusted() throws {
        try generatedStore(30, seed: 6) { store in
            try CountySnapshot.save(try CountyBuilder.build(store), store: store)
            let path = CountySnapshot.path(for: store)
            let good = try Data(contentsOf: URL(fileURLWithPath: path))
            // Damaged.
            var bad = good
            bad[100] ^= 1
            try bad.write(to: URL(fileURLWithPath: path))
            #expect(CountySnapshot.load(store: store).note?.contains("damaged") == true)
            // Another store's.
            try generatedStore(30, seed: 6) { other in
                try FileManager.default.createDirectory(atPath: other.directory + "/projections", withIntermediateDirectories: true)
                try good.write(to: URL(fileURLWithPath: CountySnapshot.path(for: other)))
                let (state, note) = CountySnapshot.load(store: other)
                #expect(state == nil)
                #expect(note?.contains("belongs to another store") == true)
                // And `now` rebuilds rather than trusting it.
                let (rebuilt, nowNote) = try CountyBuilder.now(other, save: false)
                #expect(nowNote?.contains("another store") == true)
                #expect(same(rebuilt, try CountyBuilder.build(other)))
            }
            // Of a different projection format.
            var old = good
            old[8] = 0
            let crc = CRC32C.checksum(old.prefix(old.count - 4))
            withUnsafeBytes(of: crc.littleEndian) { for (k, b) in $0.enumerated() { old[old.count - 4 + k] = b } }
            try old.write(to: URL(fileURLWithPath: path))
            #expect(CountySnapshot.load(store: store).note?.contains("projection format") == true)
        }
    }

    @Test func aSnapshotOfARewrittenLogIsDetected() throws {
        // Same store, but the record at the snapshot's position is not the one it saw.
        try withStore { store in
            _ = try Importer.run(try sampleText(), store: store)
            var state = try CountyBuilder.build(store)
            state.position = 3  // claim a position whose record differs from what is saved below
            try CountySnapshot.save(state, store: store)
            let path = CountySnapshot.path(for: store)
            var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            bytes[36] ^= 0xFF  // the saved checksum of record 3 no longer matches the log
            let crc = CRC32C.checksum(bytes.prefix(bytes.count - 4))
            withUnsafeBytes(of: crc.littleEndian) { for (k, b) in $0.enumerated() { bytes[bytes.count - 4 + k] = b } }
            try bytes.write(to: URL(fileURLWithPath: path))
            #expect(CountySnapshot.load(store: store).note?.contains("does not match this log at position 3") == true)
        }
    }
}
