import Foundation
import Testing
@testable import EventStore

/// Perfect-subtree roots over an in-memory list of leaf hashes, every level precomputed.
func perfectFrom(_ leaves: [MerkleHash]) -> (Int, UInt64) -> MerkleHash {
    var levels = [leaves]
    while levels.last!.count > 1 {
        let row = levels.last!
        levels.append(stride(from: 0, to: row.count - 1, by: 2).map { MerkleHash.node(row[$0], row[$0 + 1]) })
    }
    return { height, index in levels[height][Int(index)] }
}

let vectorLeaves: [[UInt8]] = [
    [], [0x00], [0x10], [0x20, 0x21], [0x30, 0x31], [0x40, 0x41, 0x42, 0x43],
    [0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57], Array(0x60...0x6f),
]

let vectorRoots = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]

/// The vector files (transparency-dev/merkle), found beside this source file.
func vectorFiles(_ kind: String) throws -> [URL] {
    let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("MerkleVectors/\(kind)")
    let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)!
    return e.compactMap { $0 as? URL }.filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
}

func hashes(_ any: Any?) -> [MerkleHash]? {
    guard let list = any as? [String] else { return any is NSNull || any == nil ? [] : nil }
    var out: [MerkleHash] = []
    for s in list {
        guard let h = MerkleHash(base64: s) else { return nil }  // not 32 bytes: rejected
        out.append(h)
    }
    return out
}

@Suite struct MerkleTests {
    @Test func rootsOfTheReferenceLeavesMatchTheVectors() {
        var frontier = MerkleFrontier()
        #expect(frontier.root.hex == vectorRoots[0])
        let leaves = vectorLeaves.map { MerkleHash.leaf($0) }
        for (i, leaf) in leaves.enumerated() {
            frontier.append(leaf)
            #expect(frontier.root.hex == vectorRoots[i + 1], "size \(i + 1)")
            #expect(referenceRoot(leaves[0...i]).hex == vectorRoots[i + 1])
            #expect(MerkleProof.root(size: UInt64(i + 1), perfect: perfectFrom(leaves)).hex == vectorRoots[i + 1])
        }
    }

    @Test func everyInclusionVectorIsAcceptedOrRejectedAsItSays() throws {
        let files = try vectorFiles("inclusion")
        #expect(files.count > 90)
        var accepted = 0, rejected = 0
        for file in files {
            let v = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
            let wantErr = v["wantErr"] as! Bool
            let ok: Bool
            if let leaf = MerkleHash(base64: v["leafHash"] as? String ?? ""), let root = MerkleHash(base64: v["root"] as? String ?? ""),
               let proof = hashes(v["proof"]), let index = v["leafIdx"] as? Int64, let size = v["treeSize"] as? Int64,
               index >= 0, size >= 0 {
                ok = (try? MerkleProof.checkInclusion(leaf: leaf, index: UInt64(index), size: UInt64(size), proof: proof, root: root)) != nil
            } else {
                ok = false
            }
            #expect(ok == !wantErr, "\(file.path)")
            if ok { accepted += 1 } else { rejected += 1 }
        }
        #expect(accepted > 5 && rejected > 50)
    }

    @Test func everyConsistencyVectorIsAcceptedOrRejectedAsItSays() throws {
        let files = try vectorFiles("consistency")
        #expect(files.count > 50)
        for file in files {
            let v = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
            let wantErr = v["wantErr"] as! Bool
            let ok: Bool
            if let r1 = MerkleHash(base64: v["root1"] as? String ?? ""), let r2 = MerkleHash(base64: v["root2"] as? String ?? ""),
               let proof = hashes(v["proof"]), let s1 = v["size1"] as? Int64, let s2 = v["size2"] as? Int64, s1 >= 0, s2 >= 0 {
                ok = (try? MerkleProof.checkConsistency(oldSize: UInt64(s1), newSize: UInt64(s2), oldRoot: r1, newRoot: r2,
                                                        proof: proof)) != nil
            } else if let s1 = v["size1"] as? Int64, s1 > 0, s1 == v["size2"] as? Int64, (v["proof"] as? [Any])?.isEmpty ?? true,
                      let r1 = v["root1"] as? String, let r2 = v["root2"] as? String {
                // Like transparency-dev's verifier, equal sizes with an empty proof compare the
                // roots as given, whatever their length.
                ok = r1 == r2
            } else {
                ok = false
            }
            #expect(ok == !wantErr, "\(file.path)")
        }
    }

    @Test func proofsWeMakeVerifyForEverySizeAndIndex() throws {
        let leaves = (0..<300).map { i in MerkleHash.leaf(Array("leaf \(i)".utf8)) }
        let perfect = perfectFrom(leaves)
        for size in 1...300 {
            let root = referenceRoot(leaves[0..<size])
            // Every index and every old size up to 130; beyond, every 7th.
            let step = size <= 130 ? 1 : 7
            for index in stride(from: 0, to: size, by: step) {
                let proof = MerkleProof.inclusion(index: UInt64(index), size: UInt64(size), perfect: perfect)
                try MerkleProof.checkInclusion(leaf: leaves[index], index: UInt64(index), size: UInt64(size), proof: proof, root: root)
            }
            for old in stride(from: 1, through: size, by: step) {
                let proof = MerkleProof.consistency(oldSize: UInt64(old), newSize: UInt64(size), perfect: perfect)
                try MerkleProof.checkConsistency(oldSize: UInt64(old), newSize: UInt64(size), oldRoot: referenceRoot(leaves[0..<old]),
                                                 newRoot: root, proof: proof)
            }
        }
        // A few large sizes, every index checked against the frontier's root.
        for size in [255, 256, 257, 300] {
            var f = MerkleFrontier()
            for l in leaves[0..<size] { f.append(l) }
            for index in stride(from: 0, to: size, by: 7) {
                let proof = MerkleProof.inclusion(index: UInt64(index), size: UInt64(size), perfect: perfect)
                try MerkleProof.checkInclusion(leaf: leaves[index], index: UInt64(index), size: UInt64(size), proof: proof, root: f.root)
            }
        }
    }

    @Test func aProofForAnotherLeafOrRootFailsWithAReason() {
        let leaves = (0..<11).map { i in MerkleHash.leaf([UInt8(i)]) }
        let perfect = perfectFrom(leaves)
        let root = referenceRoot(leaves[...])
        let proof = MerkleProof.inclusion(index: 4, size: 11, perfect: perfect)
        #expect(throws: MerkleProof.Failure.self) {
            try MerkleProof.checkInclusion(leaf: leaves[5], index: 4, size: 11, proof: proof, root: root)
        }
        do {
            try MerkleProof.checkInclusion(leaf: leaves[4], index: 4, size: 11, proof: Array(proof.dropLast()), root: root)
            Issue.record("a short proof was accepted")
        } catch {
            #expect(error.message.contains("needs \(proof.count)"))
        }
        let rewritten = referenceRoot(leaves[0..<6] + [MerkleHash.leaf([99])] + leaves[7...])
        do {
            try MerkleProof.checkConsistency(oldSize: 11, newSize: 11, oldRoot: root, newRoot: rewritten, proof: [])
            Issue.record("a rewritten log was accepted")
        } catch {
            #expect(error.message.contains("history was rewritten"))
        }
        let c = MerkleProof.consistency(oldSize: 7, newSize: 11, perfect: perfect)
        do {
            try MerkleProof.checkConsistency(oldSize: 7, newSize: 11, oldRoot: referenceRoot(leaves[0..<7]), newRoot: rewritten, proof: c)
            Issue.record("a consistency proof to another root was accepted")
        } catch {
            #expect(error.message.contains("new root"))
        }
    }

    @Test func base64IsStrict() {
        #expect(Base64.encode(Array("hello".utf8)) == "aGVsbG8=")
        #expect(Base64.decode("aGVsbG8=") == Array("hello".utf8))
        #expect(Base64.decode("aGVsbG8") == nil)
        #expect(Base64.decode("aGVsbG9=") == nil)  // stray bits
        #expect(Base64.decode("aGV=bG8=") == nil)
        #expect(Base64.decode(" aGVsbG8=") == nil)
        for n in 0..<40 {
            let b = (0..<n).map { UInt8(truncatingIfNeeded: $0 * 37 + 5) }
            #expect(Base64.decode(Base64.encode(b)) == b)
            #expect(Base64.encode(b) == Data(b).base64EncodedString())
        }
    }
}

import struct Crypto.SHA256
import CSHA256

@Suite(.serialized) struct SHA256Tests {
    /// The FIPS 180-4 examples, and swift-crypto's SHA256 for every length up to 300,
    /// with the SHA extensions and with the portable code.
    @Test(arguments: [true, false]) func agreesWithFIPSAndSwiftCrypto(hardware: Bool) {
        fp_sha256_use_hw(hardware ? 1 : 0)
        defer { fp_sha256_use_hw(1) }
        #expect(MerkleHash.sha256(of: Array("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(MerkleHash.sha256(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)).hex
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(MerkleHash.emptyTree.hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        for n in 0...300 {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ n) }
            #expect(MerkleHash.leaf(bytes).bytes == Array(SHA256.hash(data: [0] + bytes)), "length \(n)")
        }
        let l = MerkleHash.leaf([1, 2, 3]), r = MerkleHash.leaf([4])
        #expect(MerkleHash.node(l, r).bytes == Array(SHA256.hash(data: [1] + l.bytes + r.bytes)))
    }

    /// Many nodes at once are the same as one by one, for every count up to 9 pairs
    /// (four lanes full, some idle), with the SHA extensions and without; a subtree
    /// appended to a frontier whole is the same as its leaves one by one, the nodes
    /// completed above it included.
    @Test(arguments: [true, false]) func manyNodesAtOnceAndWholeSubtrees(hardware: Bool) {
        fp_sha256_use_hw(hardware ? 1 : 0)
        defer { fp_sha256_use_hw(1) }
        let leaves = (0..<256).map { MerkleHash.leaf([UInt8(truncatingIfNeeded: $0), 7]) }
        for pairs in 0...9 {
            let level = Array(leaves[(pairs * 3)..<(pairs * 3 + 2 * pairs)])
            let oneByOne = (0..<pairs).map { MerkleHash.node(level[2 * $0], level[2 * $0 + 1]) }
            #expect(MerkleHash.nodes(over: level) == oneByOne, "\(pairs) pairs")
        }
        #expect(MerkleHash.nodes(over: leaves).count == 128)
        // A node's second block comes from a table by the right child's last byte: every
        // one of the 256 values, in groups of four and a remainder.
        let rights = (0..<259).map { k -> MerkleHash in
            var bytes = MerkleHash.leaf([UInt8(truncatingIfNeeded: k), 9]).bytes
            bytes[31] = UInt8(truncatingIfNeeded: k)
            return MerkleHash(bytes: bytes)!
        }
        let pairs = rights.enumerated().flatMap { k, r in [leaves[k % leaves.count], r] }
        #expect(MerkleHash.nodes(over: pairs) == rights.enumerated().map { k, r in MerkleHash.node(leaves[k % leaves.count], r) })
        for height in [1, 2, 4, 6] {
            var one = MerkleFrontier(), whole = MerkleFrontier()
            var byLeaf: [String] = [], bySubtree: [String] = []
            for (k, leaf) in leaves.enumerated() {
                one.append(leaf) { h, i, hash in if h > height { byLeaf.append("\(h) \(i) \(hash)") } }
                guard (k + 1) % (1 << height) == 0 else { continue }
                var block = MerkleFrontier()
                for l in leaves[(k + 1 - (1 << height))...k] { block.append(l) }
                whole.append(subtree: block.root, height: height) { h, i, hash in bySubtree.append("\(h) \(i) \(hash)") }
                #expect(whole.root == one.root && whole.size == one.size && whole.hashes == one.hashes, "height \(height), \(k + 1) leaves")
            }
            #expect(bySubtree == byLeaf, "height \(height)")
        }
    }

    /// Many leaves hashed at once (four lanes, each taking the next record when its own is
    /// done) are swift-crypto's, for every length up to 130, lengths about the block
    /// boundaries and runs of one length, in batches that mix lengths of different numbers of blocks and leave
    /// lanes idle at the end, with the SHA extensions and without.
    @Test(arguments: [true, false]) func manyLeavesAtOnceAreSwiftCryptos(hardware: Bool) {
        fp_sha256_use_hw(hardware ? 1 : 0)
        defer { fp_sha256_use_hw(1) }
        // Runs of equal lengths too: a lane keeps the padding of its last message then.
        let lengths = Array(0...130) + [183, 184, 200, 438, 439, 440, 700, 5000]
            + Array(repeating: 150, count: 11) + Array(repeating: 40, count: 9) + Array(repeating: 64, count: 9)
        let records = lengths.enumerated().map { i, m in (0..<m).map { UInt8(truncatingIfNeeded: $0 &* 17 &+ m &+ i) } }
        for size in [1, 2, 3, 4, 5, 7, 9, 64] {
            for start in stride(from: 0, to: records.count, by: size) {
                let batch = Array(records[start..<min(records.count, start + size)])
                let hashes = withBuffers(batch) { MerkleHash.leaves($0) }
                for (k, r) in batch.enumerated() {
                    #expect(hashes[k].bytes == Array(SHA256.hash(data: [0] + r)), "length \(r.count), batch of \(size)")
                }
            }
        }
    }

    /// Calls `body` with a buffer for each array, valid for the call.
    private func withBuffers<T>(_ arrays: [[UInt8]], _ body: ([UnsafeRawBufferPointer]) -> T) -> T {
        var buffers: [UnsafeRawBufferPointer] = []
        func nest(_ k: Int) -> T {
            if k == arrays.count { return body(buffers) }
            return arrays[k].withUnsafeBytes { b in
                buffers.append(b)
                return nest(k + 1)
            }
        }
        return nest(0)
    }
}
