import Foundation
import Testing
@_spi(Testing) @testable import EventStore

/// Leaf hashes computed straight from the segment files, the way docs/verification.md
/// tells a third party to: skip each 64-byte header, then frames of
/// [crc32c u32][length u32][body], leaf = SHA-256(0x00 ‖ body).
func leavesFromSegmentFiles(_ dir: String) throws -> [MerkleHash] {
    var out: [MerkleHash] = []
    for name in try segmentFiles(dir) {
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name)))
        var at = 64
        while at + 8 <= data.count {
            let length = Int(data[at + 4]) | Int(data[at + 5]) << 8 | Int(data[at + 6]) << 16 | Int(data[at + 7]) << 24
            out.append(MerkleHash.leaf(Array(data[(at + 8)..<(at + 8 + length)])))
            at += 8 + length
        }
    }
    return out
}

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
            #expect(try store.digest() == EventStore.Digest(size: 0, root: .emptyTree))
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

            // A reader opening now rehashes the active segment only, nothing sealed.
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
            #expect(try asked(1000) == [sealedEnd..<1000])

            // A clean close flushes the rest: the next open rehashes nothing.
            try store.close()
            #expect(try fileSize(dir + "/tree-00.hashes") == 1000 * 32)
            #expect(try asked(1000) == [])

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
