import Foundation
import TestSupport
import Testing
@testable import EventStore

/// A store tampered with at the byte level, the ways someone covering their tracks
/// would, each against `verify`, `verify --checkpoint`, `checkpoint --verify` and the
/// spot check (docs/verification.md, "What a failure says").
@Suite struct TamperTranscriptTests {
    /// The records of a segment file: its header, then each record's body.
    struct SegmentFile {
        var path: String
        var header: [UInt8]
        var bodies: [[UInt8]]

        init(_ dir: String) throws {
            let name = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".seg") }.sorted()[0]
            path = dir + "/" + name
            let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            header = Array(data[0..<64])
            bodies = []
            var at = 64
            while at + 8 <= data.count {
                let length = data[(at + 4)..<(at + 8)].reversed().reduce(0) { $0 << 8 | Int($1) }
                bodies.append(Array(data[(at + 8)..<(at + 8 + length)]))
                at += 8 + length
            }
        }

        /// Whether the record is the last of its batch (flags bit 0, at body offset 28).
        func commits(_ i: Int) -> Bool { bodies[i][28] & 1 == 1 }

        /// Record `i`'s stream name (at body offset 40, its length at 30: the frame's 48
        /// and 38, less the 8 bytes of checksum and length).
        func stream(_ i: Int) -> String {
            let length = Int(bodies[i][30]) | Int(bodies[i][31]) << 8
            return String(decoding: bodies[i][40..<(40 + length)], as: UTF8.self)
        }

        /// The byte offset where record `i` starts.
        func offset(of i: Int) -> Int { 64 + bodies[0..<i].reduce(0) { $0 + 8 + $1.count } }

        /// Writes the records back, each with a correct CRC-32C.
        func write() throws {
            var out = header
            for b in bodies {
                let length = withUnsafeBytes(of: UInt32(b.count).littleEndian) { Array($0) }
                let crc = (length + b).withUnsafeBytes { CRC32C.checksum($0) }
                out += withUnsafeBytes(of: crc.littleEndian) { Array($0) } + length + b
            }
            try Data(out).write(to: URL(fileURLWithPath: path))
        }
    }

    /// A generated county of `households`, its keys, and a checkpoint signed of it.
    struct Signed {
        let dir: String, keys: String
        var key: String { keys + "/insp.key" }
        var pub: String { keys + "/insp.pub" }
        var march: String { keys + "/march.checkpoint" }
    }

    func withSignedCounty(households: Int = 20, _ body: (Signed) throws -> Void) throws {
        let base = FileManager.default.temporaryDirectory.path + "/fprepl-tamper-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: base) }
        let s = Signed(dir: base + "/store", keys: base + "/keys")
        let made = try fprepl(["generate", "--store", s.dir, "--households", "\(households)", "--seed", "11"])
        try #require(made.status == 0, "\(made.err)")
        try #require(try fprepl(["-c", "keygen insp --dir \(s.keys)"]).status == 0)
        let signed = try fprepl(["--store", s.dir, "-c", "checkpoint --sign \(s.key) --out \(s.march)"])
        try #require(signed.status == 0, "\(signed.err)")
        try body(s)
    }

    func size(_ s: Signed) throws -> Int { try SegmentFile(s.dir).bodies.count }

    /// The spot check of every record of the March checkpoint (so none is missed),
    /// made at the office and checked by the inspector.
    func spotCheckAll(_ s: Signed, size: Int) throws -> (out: String, err: String, status: Int32) {
        let file = s.keys + "/spot.json"
        let made = try fprepl(["--store", s.dir, "-c", "spot-check --seed june --count \(size) --size \(size) --out \(file)"])
        guard made.status == 0 else { return made }
        return try fprepl(["-c", "check spot-check \(file) --checkpoint \(s.march) --key \(s.pub) --seed june"])
    }

    @Test func aPayloadRewrittenWithAGoodChecksumIsNamedByPositionEverywhere() throws {
        try withSignedCounty { s in
            let n = try size(s)
            var seg = try SegmentFile(s.dir)
            let p = n / 2
            seg.bodies[p][seg.bodies[p].count - 1] ^= 1
            try seg.write()
            for command in ["verify", "verify --checkpoint \(s.march) --key \(s.pub)", "checkpoint --verify \(s.pub) \(s.march)"] {
                let r = try fprepl(["--store", s.dir, "-c", command])
                #expect(r.status == 1, "\(command)")
                #expect(r.out == "", "\(command)")
                #expect(r.err.contains("record does not match the hash kept when it was appended"), "\(command): \(r.err)")
                #expect(r.err.contains("position \(p))"), "\(command): \(r.err)")
            }
            // Signing that log is refused: its root was not checked against its records.
            let sign = try fprepl(["--store", s.dir, "-c", "checkpoint --sign \(s.key)"])
            #expect(sign.status == 1)
            #expect(sign.err.contains("position \(p))"), "\(sign.err)")
            let spot = try spotCheckAll(s, size: n)
            #expect(spot.status == 1)
            #expect(spot.err.contains("(position \(p)): not the record the trusted root covers"), "\(spot.err)")
            #expect(spot.err.contains("the record was changed after it was hashed"), "\(spot.err)")
        }
    }

    @Test func aRewriteWhoseTreeFilesWereRemovedIsReportedAndFailsTheCheckpoint() throws {
        try withSignedCounty { s in
            let n = try size(s)
            var seg = try SegmentFile(s.dir)
            seg.bodies[n / 3][seg.bodies[n / 3].count - 1] ^= 1
            try seg.write()
            for f in try FileManager.default.contentsOfDirectory(atPath: s.dir) where f == "TREE" || f.hasPrefix("tree-") {
                try FileManager.default.removeItem(atPath: s.dir + "/" + f)
            }
            // The open says so; verify finds the records whole but says what it could not check.
            let v = try fprepl(["--store", s.dir, "-c", "verify"])
            #expect(v.status == 0)
            #expect(v.err.contains("warning: there is no kept Merkle tree"), "\(v.err)")
            #expect(v.out.contains("the kept tree was rebuilt from the records once"), "\(v.out)")
            for command in ["verify --checkpoint \(s.march) --key \(s.pub)", "checkpoint --verify \(s.pub) \(s.march)"] {
                let r = try fprepl(["--store", s.dir, "-c", command])
                #expect(r.status == 1, "\(command)")
                #expect(r.err.contains("the log was rewritten: its first \(n) records, hashed from the records, have root"), "\(command): \(r.err)")
                #expect(r.err.contains("there is no kept Merkle tree"), "\(command): \(r.err)")
            }
            let spot = try spotCheckAll(s, size: n)
            #expect(spot.status == 1)
            #expect(spot.err.contains("records the trusted root covers were changed since"), "\(spot.err)")
            // The repair stays on record after the writer persisted the rebuilt tree.
            let status = try fprepl(["--store", s.dir, "-c", "status"])
            #expect(status.err == "")
            #expect(status.out.contains("1 repair on record in REPAIRS"), "\(status.out)")
        }
    }

    @Test func aRecordDeletedAndTheRestRenumberedIsFoundOnOpen() throws {
        try withSignedCounty { s in
            let n = try size(s)
            var seg = try SegmentFile(s.dir)
            let p = n / 2
            seg.bodies.remove(at: p)
            for i in p..<seg.bodies.count {
                let old = seg.bodies[i][0..<8].reversed().reduce(0) { $0 << 8 | UInt64($1) }
                withUnsafeBytes(of: (old - 1).littleEndian) { for k in 0..<8 { seg.bodies[i][k] = $0[k] } }
            }
            try seg.write()
            let v = try fprepl(["--store", s.dir, "-c", "verify"])
            #expect(v.err.contains("warning: the kept Merkle tree covered \(n) records (the log has \(n - 1)), but the records from position \(p) on are not those it hashed"),
                    "\(v.err)")
            let r = try fprepl(["--store", s.dir, "-c", "verify --checkpoint \(s.march) --key \(s.pub)"])
            #expect(r.status == 1)
            #expect(r.err.contains("the log has \(n - 1) records but the checkpoint covers \(n): records were removed"), "\(r.err)")
            let spot = try fprepl(["--store", s.dir, "-c", "spot-check --seed june --count 5 --size \(n)"])
            #expect(spot.status == 1)
            #expect(spot.err.contains("--size \(n): the log has only \(n - 1) records"), "\(spot.err)")
        }
    }

    /// The repro: the log cut back and the cut records imported again. Before,
    /// `digest` printed the root from before the cut and `checkpoint --verify` passed.
    @Test func aLogCutAndImportedAgainGetsItsTreeRebuiltAndFailsTheCheckpoint() throws {
        try withSignedCounty(households: 30) { s in
            let n = try size(s)
            let seg = try SegmentFile(s.dir)
            let keep = try #require((n * 3 / 4..<n).first { seg.commits($0 - 1) })
            let cut = s.keys + "/cut.jsonl"
            let exported = try fprepl(["--as", "auditor", "--store", s.dir, "-c", "export \(cut) --from \(keep)"])
            try #require(exported.status == 0, "\(exported.err)")
            try #require(truncate(seg.path, off_t(seg.offset(of: keep))) == 0)
            let imported = try fprepl(["--store", s.dir, "-c", "import \(cut)"])
            #expect(imported.status == 0, "\(imported.err)")
            #expect(imported.err.contains("warning: the kept Merkle tree covered \(n) records (the log has \(keep)): records were cut from the log's end"),
                    "\(imported.err)")
            // The tree is the records' own: verify agrees with a store rebuilt from scratch.
            let digest = try fprepl(["--store", s.dir, "--format", "json", "-c", "digest"])
            let copy = s.keys + "/copy"
            try FileManager.default.copyItem(atPath: s.dir, toPath: copy)
            for f in try FileManager.default.contentsOfDirectory(atPath: copy) where f == "TREE" || f.hasPrefix("tree-") {
                try FileManager.default.removeItem(atPath: copy + "/" + f)
            }
            var c = EventStore.Configuration()
            c.readOnly = true
            let fresh = try EventStore.open(copy, configuration: c).digest()
            #expect(digest.out == "{\"size\":\(n),\"root\":\"\(fresh.root.hex)\"}\n")
            for command in ["verify --checkpoint \(s.march) --key \(s.pub)", "checkpoint --verify \(s.pub) \(s.march)"] {
                let r = try fprepl(["--store", s.dir, "-c", command])
                #expect(r.status == 1, "\(command)")
                #expect(r.err.contains("the log was rewritten"), "\(command): \(r.err)")
            }
            // A proof today is one `check` accepts against today's root.
            let proof = s.keys + "/p.json"
            #expect(try fprepl(["--store", s.dir, "-c", "prove inclusion \(n - 2) --out \(proof)"]).status == 0)
            let check = try fprepl(["-c", "check inclusion \(proof) --root \(fresh.root.hex)"])
            #expect(check.status == 0, "\(check.err)")
            let spot = try spotCheckAll(s, size: n)
            #expect(spot.status == 1)
            #expect(spot.err.contains("records the trusted root covers were changed since"), "\(spot.err)")
        }
    }

    @Test func aBitFlippedIsDamageThatNoCheckGetsPast() throws {
        try withSignedCounty { s in
            let n = try size(s)
            let seg = try SegmentFile(s.dir)
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: seg.path)))
            bytes[seg.offset(of: n / 2) + 8 + seg.bodies[n / 2].count - 1] ^= 0x10
            try Data(bytes).write(to: URL(fileURLWithPath: seg.path))
            let tree = try Data(contentsOf: URL(fileURLWithPath: s.dir + "/tree-00.hashes"))
            for command in ["verify", "verify --checkpoint \(s.march) --key \(s.pub)", "checkpoint --verify \(s.pub) \(s.march)"] {
                let r = try fprepl(["--store", s.dir, "-c", command])
                #expect(r.status == 1, "\(command)")
                #expect(r.err.contains("checksum mismatch"), "\(command): \(r.err)")
                #expect(r.err.contains("position \(n / 2))"), "\(command): \(r.err)")
            }
            #expect(try spotCheckAll(s, size: n).status == 1)
            // Damage leaves the kept tree as it was: it is evidence.
            #expect(try Data(contentsOf: URL(fileURLWithPath: s.dir + "/tree-00.hashes")) == tree)
            #expect(!FileManager.default.fileExists(atPath: s.dir + "/REPAIRS"))
        }
    }

    @Test func aSpotCheckRefusesPositionsTheInspectorDidNotDraw() throws {
        try withSignedCounty { s in
            let file = s.keys + "/spot.json"
            #expect(try fprepl(["--store", s.dir, "-c", "spot-check --seed june --count 8 --out \(file)"]).status == 0)
            let ok = try fprepl(["-c", "check spot-check \(file) --checkpoint \(s.march) --key \(s.pub) --seed june"])
            #expect(ok.status == 0, "\(ok.err)")
            #expect(ok.out.hasPrefix("verdict              ok\nrecords              8\nseed                 june\nseed checked         yes\n"), "\(ok.out)")
            #expect(try fprepl(["-c", "check spot-check \(file) --checkpoint \(s.march) --key \(s.pub) --seed july"]).err
                == "error: \(file): drawn from the seed 'june', not yours ('july')\n")
            // The office swaps a drawn position for one it prefers (with a good proof of it).
            let text = try String(contentsOfFile: file, encoding: .utf8)
            var doc = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            var records = try #require(doc["records"] as? [[String: Any]])
            let other = s.keys + "/other.json"
            let drawn = Set(records.compactMap { $0["position"] as? Int })
            let swap = try #require((0..<100).first { !drawn.contains($0) })
            #expect(try fprepl(["--store", s.dir, "-c", "prove inclusion \(swap) --out \(other)"]).status == 0)
            let proof = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: other))) as? [String: Any])
            records[0] = ["position": swap, "leaf_hash": proof["leaf_hash"]!, "hashes": proof["hashes"]!, "record": proof["record"]!]
            records.sort { ($0["position"] as! Int) < ($1["position"] as! Int) }
            doc["records"] = records
            try JSONSerialization.data(withJSONObject: doc).write(to: URL(fileURLWithPath: file))
            let swapped = try fprepl(["-c", "check spot-check \(file) --checkpoint \(s.march) --key \(s.pub)"])
            #expect(swapped.status == 1)
            #expect(swapped.err.contains("the office chose which records to show"), "\(swapped.err)")
        }
    }

    @Test func aCheckpointSignedUnderAnOriginIsCheckedUnderIt() throws {
        try withSignedCounty { s in
            let named = s.keys + "/named.checkpoint"
            #expect(try fprepl(["--store", s.dir, "-c", "checkpoint --sign \(s.key) --origin county.example/ledger --out \(named)"]).status == 0)
            let plain = try fprepl(["--store", s.dir, "-c", "checkpoint --verify \(s.pub) \(named)"])
            #expect(plain.status == 1)
            #expect(plain.err.contains("the checkpoint is for the log 'county.example/ledger'"), "\(plain.err)")
            #expect(plain.err.contains("checked with the same --origin"), "\(plain.err)")
            for command in ["checkpoint --verify \(s.pub) \(named) --origin county.example/ledger",
                            "verify --checkpoint \(named) --key \(s.pub) --origin county.example/ledger"] {
                let r = try fprepl(["--store", s.dir, "-c", command])
                #expect(r.status == 0, "\(command): \(r.err)")
            }
            #expect(try fprepl(["--store", s.dir, "-c", "prove consistency 0 5"]).err.contains("there is nothing to prove from 0"))
        }
    }
}
