import Foundation
import Synchronization
import Testing
@_spi(Testing) @testable import EventStore

/// Appends `count` events in batches of up to 7 over a few streams.
func fill(_ store: EventStore, count: Int, from start: Int = 0) throws {
    var i = start
    while i < start + count {
        let n = min(7, start + count - i)
        _ = try store.append((i..<(i + n)).map { event($0, payloadSize: 40 + $0 % 90) }, to: "household-\(i % 13)")
        i += n
    }
}

@Suite struct MerkleStoreTests {
    @Test func theDigestIsRFC6962OverTheRecordBodiesAcrossSegments() throws {
        try withTemporaryDirectory { dir in
            let store = try EventStore.open(dir, configuration: config(segmentSize: 4096, durability: .none))
            #expect(try store.digest() == Digest(size: 0, root: .emptyTree))
            try fill(store, count: 600)
            let leaves = try leavesFromSegmentFiles(dir)
            #expect(leaves.count == 600)
            #expect(try segmentFiles(dir).count > 10)
            let d = try store.digest()
            #expect(d.size == 600)
            #expect(d.root == referenceRoot(leaves[...]))
            for size in [1, 2, 3, 255, 256, 257, 511, 599] {
                #expect(try store.digest(size: UInt64(size)).root == referenceRoot(leaves[0..<size]), "size \(size)")
            }
            #expect(throws: StoreError.self) { try store.digest(size: 601) }
        }
    }

    @Test func reopeningReadsTheKeptTreeAndRehashesOnlyWhatItLacks() throws {
        try withTemporaryDirectory { dir in
            let store = try EventStore.open(dir, configuration: config(segmentSize: 8192, durability: .none))
            try fill(store, count: 1000)
            let before = try store.digest()
            let sealedEnd = store.sealedEnd
            #expect(sealedEnd > 900 && sealedEnd < 1000)
            // While the writer works, the files hold what the sealed segments vouch for.
            #expect(try fileSize(dir + "/tree-00.hashes") == Int(sealedEnd) * 32)
            #expect(try fileSize(dir + "/tree-08.hashes") == Int(sealedEnd / 256) * 32)

            // A reader opening now rehashes the active segment only, nothing sealed, after
            // reading the last record the kept tree covers, to check the tree against it.
            let reader = try EventStore.open(dir, configuration: config(readOnly: true))
            func asked(_ size: UInt64) throws -> [Range<UInt64>] {
                let tree = LogTree(directory: dir, storeID: reader.tree.storeID, writable: false, faults: nil)
                var ranges: [Range<UInt64>] = []
                try tree.catchUp(to: size, sealedEnd: sealedEnd) { from, to, body in
                    ranges.append(from..<to)
                    try reader.treeReader(from, to, body)
                }
                #expect(try tree.root(size: size) == before.root)
                #expect(tree.repairs.isEmpty)
                return ranges
            }
            #expect(try asked(1000) == [(sealedEnd - 1)..<sealedEnd, sealedEnd..<1000])

            // A clean close flushes the rest: the next open rehashes nothing.
            try store.close()
            #expect(try fileSize(dir + "/tree-00.hashes") == 1000 * 32)
            #expect(try asked(1000) == [999..<1000])

            let again = try EventStore.open(dir, configuration: config(segmentSize: 8192, durability: .none))
            #expect(try again.digest() == before)
            try fill(again, count: 300, from: 1000)
            #expect(try again.digest().root == referenceRoot(try leavesFromSegmentFiles(dir)[...]))
        }
    }

    @Test func proofsFromTheStoreCheckAgainstItsDigests() throws {
        try withTemporaryDirectory { dir in
            let store = try EventStore.open(dir, configuration: config(segmentSize: 4096, durability: .none))
            try fill(store, count: 700)
            let leaves = try leavesFromSegmentFiles(dir)
            for size: UInt64 in [1, 5, 256, 300, 700] {
                let root = try store.digest(size: size).root
                for position in stride(from: UInt64(0), to: size, by: 37) {
                    let p = try store.inclusionProof(position: position, size: size)
                    #expect(p.leafHash == leaves[Int(position)])
                    #expect(MerkleHash.leaf(p.canonicalBytes) == p.leafHash)
                    #expect(p.root == root)
                    try MerkleProof.checkInclusion(leaf: p.leafHash, index: position, size: size, proof: p.hashes, root: root)
                }
                for old in stride(from: UInt64(1), through: size, by: 41) {
                    let c = try store.consistencyProof(from: old, to: size)
                    try MerkleProof.checkConsistency(oldSize: old, newSize: size, oldRoot: c.oldRoot, newRoot: c.newRoot, proof: c.hashes)
                    #expect(c.oldRoot == referenceRoot(leaves[0..<Int(old)]))
                }
            }
            #expect(throws: StoreError.self) { try store.inclusionProof(position: 700) }
            #expect(throws: StoreError.self) { try store.consistencyProof(from: 0) }
            #expect(throws: StoreError.self) { try store.consistencyProof(from: 10, to: 5) }
        }
    }

    @Test func aReaderInAnotherOpenFollowsTheWritersDigest() throws {
        try withTemporaryDirectory { dir in
            let writer = try EventStore.open(dir, configuration: config(segmentSize: 4096, durability: .none))
            try fill(writer, count: 200)
            let reader = try EventStore.open(dir, configuration: config(readOnly: true))
            #expect(try reader.digest() == writer.digest())
            try fill(writer, count: 500, from: 200)
            try reader.refresh()
            #expect(try reader.digest() == writer.digest())
            #expect(try reader.digest().size == 700)
        }
    }

    @Test func aDamagedOrForeignTreeFileIsRebuiltFromTheLogAndSaysSo() throws {
        try withTemporaryDirectory { dir in
            let store = try EventStore.open(dir, configuration: config(segmentSize: 4096, durability: .none))
            try fill(store, count: 400)
            let good = try store.digest()
            try store.close()

            // A damaged stored subtree hash: the head's root no longer follows, so the
            // tree is rebuilt on open.
            try flipByte(dir + "/tree-08.hashes", at: 3)
            let reopened = try EventStore.open(dir, configuration: config(segmentSize: 4096, durability: .none))
            #expect(try reopened.digest() == good)
            #expect(reopened.tree.repairs.contains { $0.contains("do not give the recorded root") })
            #expect(reopened.verify().damage == nil)
            try reopened.close()

            // A damaged leaf hash does not touch the root; verify finds it and blames the
            // tree file, not the record.
            try flipByte(dir + "/tree-00.hashes", at: 32 * 17 + 3)
            let fourth = try EventStore.open(dir, configuration: config(segmentSize: 4096, durability: .none))
            #expect(try fourth.digest() == good)
            let damage = fourth.verify().damage
            #expect(damage?.position == 17)
            #expect(damage?.path?.hasSuffix("tree-00.hashes") == true)
            #expect(damage?.message.contains("kept leaf hash of this record is damaged") == true)
            try fourth.close()
            for f in try FileManager.default.contentsOfDirectory(atPath: dir) where f == "TREE" || f.hasPrefix("tree-") {
                try FileManager.default.removeItem(atPath: dir + "/" + f)
            }

            // A head from another store.
            try withTemporaryDirectory { other in
                let o = try EventStore.open(other, configuration: config(segmentSize: 4096, durability: .none))
                try fill(o, count: 400)
                try o.close()
                try FileManager.default.copyItem(atPath: other + "/TREE", toPath: dir + "/TREE")
            }
            let third = try EventStore.open(dir, configuration: config(readOnly: true))
            #expect(try third.digest() == good)
            #expect(third.tree.repairs.contains { $0.contains("another store") })
        }
    }

    @Test func verifyFindsARecordRewrittenWithAValidChecksum() throws {
        try withTemporaryDirectory { dir in
            let store = try EventStore.open(dir, configuration: config(segmentSize: 4096, durability: .none))
            try fill(store, count: 300)
            let clean = store.verify()
            #expect(clean.damage == nil)
            #expect(clean.digest == (try store.digest()))
            try store.close()

            // Rewrite one payload byte of position 9 in the first segment and fix its CRC,
            // as someone covering their tracks would.
            let seg = dir + "/" + (try segmentFiles(dir))[0]
            var data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: seg)))
            var at = 64
            for _ in 0..<9 {
                let length = Int(data[at + 4]) | Int(data[at + 5]) << 8
                at += 8 + length
            }
            let length = Int(data[at + 4]) | Int(data[at + 5]) << 8
            data[at + 8 + length - 1] ^= 1
            let crc = data[(at + 4)..<(at + 8 + length)].withUnsafeBytes { CRC32C.checksum($0) }
            withUnsafeBytes(of: crc.littleEndian) { for k in 0..<4 { data[at + k] = $0[k] } }
            try Data(data).write(to: URL(fileURLWithPath: seg))

            let reopened = try EventStore.open(dir, configuration: config(segmentSize: 4096, durability: .none))
            #expect(reopened.recovery.damage == nil)  // the checksums all hold
            let report = reopened.verify()
            #expect(report.damage?.position == 9)
            #expect(report.damage?.message.contains("changed afterwards") == true)
            #expect(report.digest == nil)
        }
    }

    /// verify's root is the tree's for every size about its blocks (64 records) and
    /// pieces (4,096): none, one, a block less one, a block, a block and one, a piece and
    /// one, two pieces and a block and one.
    @Test(arguments: [0, 1, 63, 64, 65, 4095, 4096, 4097, 8257])
    func verifyAgreesWithTheTreeAboutEveryBoundary(records: Int) throws {
        try withTemporaryDirectory { dir in
            let store = try EventStore.open(dir, configuration: config(segmentSize: 64 << 10, durability: .none))
            try fill(store, count: records)
            let report = store.verify()
            #expect(report.damage == nil)
            #expect(report.records == UInt64(records))
            #expect(report.digest == (try store.digest()))
            #expect(report.digest?.root == referenceRoot(try leavesFromSegmentFiles(dir)[...]))
        }
    }

    /// verify reads records where they lie mapped while the writer goes on appending,
    /// rolling segments and growing the active one's mapping: every verify finds the log
    /// whole, and its digest is the tree's at the size it saw.
    @Test func verifyWhileTheWriterAppendsAndRolls() throws {
        try withTemporaryDirectory { dir in
            let store = try EventStore.open(dir, configuration: config(segmentSize: 32 << 10, durability: .none))
            try fill(store, count: 5_000)
            let done = Atomic<Bool>(false)
            let writer = Thread {
                var i = 5_000
                while !done.load(ordering: .relaxed) {
                    try? fill(store, count: 50, from: i)
                    i += 50
                }
            }
            writer.start()
            defer { done.store(true, ordering: .relaxed) }
            for _ in 0..<20 {
                let report = store.verify()
                #expect(report.damage == nil, "\(String(describing: report.damage))")
                if let digest = report.digest {
                    #expect(digest == (try store.digest(size: digest.size)))
                    #expect(report.records == digest.size)
                } else {
                    Issue.record("no digest")
                }
            }
            done.store(true, ordering: .relaxed)
            while !writer.isFinished { usleep(1000) }
            // The writer did write meanwhile, across segments.
            #expect(store.endPosition >= 5_050, "\(store.endPosition)")
            #expect(store.verify().damage == nil)
        }
    }

    /// Every open checks the kept tree against the log: the last record it covers and
    /// the first of every segment. A rewrite there is found and the tree rebuilt from
    /// the first record that differs; a reader only reports, a writer also cuts the
    /// files, writes the head again and records the repair in REPAIRS.
    @Test func openingChecksTheKeptTreeAgainstTheRecords() throws {
        try withStoreToDamage(records: 300) { dir, restore in
            let firsts = try segmentFiles(dir).compactMap { UInt64($0.prefix(20)) }
            let p = try #require(firsts.first { $0 > 100 })
            let clean = try EventStore.open(dir, configuration: config(readOnly: true)).digest(size: p)
            try flipLastByte(ofRecord: p + 3, in: dir, fixChecksum: true)  // not probed: the tree still trusted
            #expect(try EventStore.open(dir, configuration: config(readOnly: true)).recovery.treeRepairs.isEmpty)
            try restore()
            try flipLastByte(ofRecord: p, in: dir, fixChecksum: true)
            try flipLastByte(ofRecord: p + 2, in: dir, fixChecksum: true)
            let head = try Data(contentsOf: URL(fileURLWithPath: dir + "/TREE"))
            let reader = try EventStore.open(dir, configuration: config(readOnly: true))
            #expect(reader.recovery.treeRepairs.count == 1)
            #expect(reader.recovery.treeRepairs.first?.contains("the records from position \(p) on are not those it hashed") == true,
                    "\(reader.recovery.treeRepairs)")
            #expect(reader.merkleTreeNeedsWriting)
            // The answers are the records' own; the reader changed no file.
            #expect(try reader.digest().root == referenceRoot(try leavesFromSegmentFiles(dir)[...]))
            #expect(try reader.digest(size: p) == clean)
            #expect(reader.verify().damage == nil)
            #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/TREE")) == head)
            #expect(!FileManager.default.fileExists(atPath: dir + "/REPAIRS"))

            let writer = try EventStore.open(dir, configuration: config(segmentSize: 4096, durability: .none))
            #expect(writer.recovery.treeRepairs == reader.recovery.treeRepairs)
            #expect(try fileSize(dir + "/tree-00.hashes") == Int(p) * 32)
            #expect(writer.recordedRepairs.count == 1)
            #expect(writer.recordedRepairs.first?.hasSuffix(reader.recovery.treeRepairs[0]) == true)
            try writer.close()
            let again = try EventStore.open(dir, configuration: config(readOnly: true))
            #expect(again.recovery.treeRepairs.isEmpty)
            #expect(!again.merkleTreeNeedsWriting)
            #expect(try again.digest().root == referenceRoot(try leavesFromSegmentFiles(dir)[...]))
        }
    }

    /// verify hashes the records 64 at a time where they lie mapped, across segments.
    /// Damage that stops the scan inside a block (a bad checksum) still lets the records
    /// waiting before it be checked, so the first damage in log order is the one reported.
    @Test func verifyReportsTheFirstDamageInLogOrderInsideABlock() throws {
        try withStoreToDamage(records: 300) { dir, restore in
            func verified(_ damage: [(position: UInt64, fixChecksum: Bool)]) throws -> StoreError? {
                try restore()
                for d in damage { try flipLastByte(ofRecord: d.position, in: dir, fixChecksum: d.fixChecksum) }
                return try EventStore.open(dir, configuration: config(readOnly: true)).verify().damage
            }
            // A record rewritten with a valid checksum, then a torn one in the same block.
            let both = try verified([(9, true), (20, false)])
            #expect(both?.position == 9 && both?.message.contains("changed afterwards") == true, "\(String(describing: both))")
            // The torn one alone.
            let torn = try verified([(20, false)])
            #expect(torn?.position == 20 && torn?.message.contains("checksum mismatch") == true, "\(String(describing: torn))")
            // Rewritten records in a full block and in the last, partial one (neither the
            // first of a segment, whose rewrite opening finds: batches are 7 records).
            #expect(try verified([(72, true), (290, true)])?.position == 72)
            #expect(try verified([(290, true)])?.position == 290)
        }
    }

    /// verify checks the checksums itself, four records at a time, after a scan that
    /// only frames the records; what it reports is still what a checked read reports:
    /// the same position, segment, offset and words, for a flipped payload byte, a
    /// flipped length (the scan then frames garbage after it), field lengths that do not
    /// fit (the frame itself is refused, the checksum is what a checked read names) and a
    /// rewritten position.
    @Test func verifyReportsWhatACheckedReadReports() throws {
        try withStoreToDamage(records: 300) { dir, restore in
            /// Bytes of record 70's frame changed by `change` (offset in the frame), then
            /// the error of a checked read and verify's damage.
            func compare(_ what: String, _ change: (inout [UInt8], Int) -> Void) throws {
                try restore()
                try changeFrame(ofRecord: 70, in: dir, change)
                let read = try EventStore.open(dir, configuration: config(readOnly: true))
                var readError: StoreError?
                do { _ = try allRecords(read) } catch let e as StoreError { readError = e }
                let verified = try EventStore.open(dir, configuration: config(readOnly: true)).verify().damage
                #expect(readError != nil && verified == readError, "\(what): read \(String(describing: readError)), verify \(String(describing: verified))")
                #expect(verified?.position == 70, "\(what)")
            }
            try compare("payload byte") { data, at in data[at + 60] ^= 4 }
            try compare("length") { data, at in data[at + 4] ^= 2 }
            // A stream length past the record's end: the frame alone is wrong too.
            try compare("field lengths") { data, at in data[at + 8 + 31] ^= 0x80 }
            try compare("position, checksum fixed") { data, at in
                data[at + 8] ^= 1
                let length = Int(data[at + 4]) | Int(data[at + 5]) << 8
                let crc = data[(at + 4)..<(at + 8 + length)].withUnsafeBytes { CRC32C.checksum($0) }
                withUnsafeBytes(of: crc.littleEndian) { for k in 0..<4 { data[at + k] = $0[k] } }
            }
        }
    }

    /// verify checks every sealed segment's index too (on the thread that reads ahead of
    /// the hashing), and names a damaged one before any damaged record.
    @Test func verifyFindsADamagedIndexFirst() throws {
        try withTemporaryDirectory { dir in
            let store = try EventStore.open(dir, configuration: config(segmentSize: 4096, durability: .none))
            try fill(store, count: 300)
            try store.close()
            let indexes = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".idx") }.sorted()
            #expect(indexes.count > 5)
            let third = dir + "/" + indexes[2]
            try flipByte(third, at: try fileSize(third) / 2)
            let report = try EventStore.open(dir, configuration: config(readOnly: true)).verify()
            #expect(report.damage?.message.contains("index checksum mismatch") == true, "\(String(describing: report.damage))")
            #expect(report.damage?.path == indexes[2])
            #expect(report.digest == nil)
            // And before a record damaged earlier in the log.
            try flipLastByte(ofRecord: 3, in: dir, fixChecksum: false)
            let both = try EventStore.open(dir, configuration: config(readOnly: true)).verify()
            #expect(both.damage?.path == indexes[2], "\(String(describing: both.damage))")
        }
    }

    /// verify cuts a large log into aligned pieces hashed on every core; the pieces'
    /// roots must fold to the same root, and damage anywhere is found at its position.
    @Test func verifyInPiecesAgreesAndFindsDamageInAnyPiece() throws {
        try withTemporaryDirectory { dir in
            let store = try EventStore.open(dir, configuration: config(segmentSize: 256 << 10, durability: .none))
            try fill(store, count: 10_007)
            let report = store.verify()
            #expect(report.damage == nil)
            #expect(report.records == 10_007)
            #expect(report.digest?.root == referenceRoot(try leavesFromSegmentFiles(dir)[...]))
            try store.close()

            // A stored hash of height 4 inside the second piece (records 4800...4815): the
            // root does not use it, so only verify's comparison can find it.
            try flipByte(dir + "/tree-04.hashes", at: 32 * 300 + 5)
            let second = try EventStore.open(dir, configuration: config(readOnly: true))
            let d = second.verify().damage
            #expect(d?.path?.hasSuffix("tree-04.hashes") == true, "\(String(describing: d))")
            #expect(d?.position == 4800)
            #expect(second.tree.repairs.isEmpty)

            // A stored hash the root is folded from: the tree is rebuilt on open, and says so.
            try flipByte(dir + "/tree-04.hashes", at: 32 * 300 + 5)
            try flipByte(dir + "/tree-12.hashes", at: 32 + 5)
            let third = try EventStore.open(dir, configuration: config(readOnly: true))
            #expect(third.verify().damage == nil)
            #expect(third.tree.repairs.contains { $0.contains("do not give the recorded root") })
        }
    }
}

/// A closed store of `records` records in segments of 4 KiB, and a way to put its files
/// back as they were, for tests that damage it one way after another.
func withStoreToDamage(records: Int, _ body: (_ dir: String, _ restore: () throws -> Void) throws -> Void) throws {
    try withTemporaryDirectory { dir in
        let store = try EventStore.open(dir, configuration: config(segmentSize: 4096, durability: .none))
        try fill(store, count: records)
        try store.close()
        let clean = dir + "-clean"
        try copyDirectory(dir, clean)
        defer { try? FileManager.default.removeItem(atPath: clean) }
        try body(dir) {
            try? FileManager.default.removeItem(atPath: dir)
            try copyDirectory(clean, dir)
        }
    }
}

/// Changes the frame of the record at `position` in the segment files: `change` gets
/// the file's bytes and the frame's offset.
func changeFrame(ofRecord position: UInt64, in dir: String, _ change: (inout [UInt8], Int) -> Void) throws {
    for name in try segmentFiles(dir) {
        let path = dir + "/" + name
        var data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var at = 64
        while at + 8 <= data.count {
            let length = Int(data[at + 4]) | Int(data[at + 5]) << 8 | Int(data[at + 6]) << 16 | Int(data[at + 7]) << 24
            let p = data[(at + 8)..<(at + 16)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            if p == position {
                change(&data, at)
                try Data(data).write(to: URL(fileURLWithPath: path))
                return
            }
            at += 8 + length
        }
    }
    Issue.record("no record at position \(position) in \(dir)")
}

/// Flips the last byte of the record at `position` in the segment files, and with
/// `fixChecksum` writes the checksum that matches, as someone covering their tracks would.
func flipLastByte(ofRecord position: UInt64, in dir: String, fixChecksum: Bool) throws {
    try changeFrame(ofRecord: position, in: dir) { data, at in
        let length = Int(data[at + 4]) | Int(data[at + 5]) << 8 | Int(data[at + 6]) << 16 | Int(data[at + 7]) << 24
        data[at + 8 + length - 1] ^= 1
        if fixChecksum {
            let crc = data[(at + 4)..<(at + 8 + length)].withUnsafeBytes { CRC32C.checksum($0) }
            withUnsafeBytes(of: crc.littleEndian) { for k in 0..<4 { data[at + k] = $0[k] } }
        }
    }
}
