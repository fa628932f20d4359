import Foundation
import TestSupport
import Testing
@testable import EventStore

/// The verifiable log end to end: the built fprepl on real stores, tampered with the
/// ways an inspector must catch.
@Suite struct VerificationTranscriptTests {
    /// Rewrites one record's last payload byte and fixes its CRC, as someone covering
    /// their tracks would, then removes the tree files they could not fix either.
    func rewrite(position: Int, in dir: String) throws {
        var seg = try TamperTranscriptTests.SegmentFile(dir)
        seg.bodies[position][seg.bodies[position].count - 1] ^= 1
        try seg.write()
        for f in try FileManager.default.contentsOfDirectory(atPath: dir) where f == "TREE" || f.hasPrefix("tree-") {
            try FileManager.default.removeItem(atPath: dir + "/" + f)
        }
    }

    func append(_ count: Int, to dir: String) throws {
        let store = try EventStore.open(dir)
        for i in 0..<count {
            _ = try store.append([ProposedEvent(type: "VisitRecorded", effective: EffectiveDate("2017-03-01")!, actor: "op",
                                                payload: Array("more \(i)".utf8))], to: "household-9")
        }
        try store.close()
    }

    @Test func anInspectorKeepsACheckpointAndChecksTheLogStillExtendsIt() throws {
        try withStore(events: 300) { dir in
            let keys = dir + "-keys"
            try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: keys) }

            // The digest is the store's own.
            let expected = try EventStore.open(dir, configuration: { var c = EventStore.Configuration(); c.readOnly = true; return c }()).digest()
            let digest = try fprepl(["--store", dir, "--format", "json", "-c", "digest"])
            #expect(digest.out == "{\"size\":300,\"root\":\"\(expected.root.hex)\"}\n")
            #expect(try fprepl(["--store", dir, "--format", "json", "-c", "status"]).out.contains("\"digest\":\"\(expected.root.hex)\""))

            // Keys; a checkpoint signed in March.
            let gen = try fprepl(["-c", "keygen inspector-2026 --dir \(keys)"])
            #expect(gen.status == 0, "\(gen.err)")
            let mode = try FileManager.default.attributesOfItem(atPath: keys + "/inspector-2026.key")[.posixPermissions] as? Int
            #expect(mode == 0o600)
            #expect(try fprepl(["-c", "keygen inspector-2026 --dir \(keys)"]).err.contains("never overwritten"))
            // A --dir that is not there yet is made, for the owner only; a file is not a folder.
            let deeper = keys + "/new/inner"
            #expect(try fprepl(["-c", "keygen k2 --dir \(deeper)"]).status == 0)
            #expect(try FileManager.default.attributesOfItem(atPath: deeper)[.posixPermissions] as? Int == 0o700)
            #expect(FileManager.default.fileExists(atPath: deeper + "/k2.key"))
            #expect(try fprepl(["-c", "keygen k3 --dir \(keys)/inspector-2026.key"]).err == "error: keygen: \(keys)/inspector-2026.key is not a folder\n")
            let march = keys + "/march.checkpoint", pub = keys + "/inspector-2026.pub"
            let signed = try fprepl(["--store", dir, "-c", "checkpoint --sign \(keys)/inspector-2026.key --out \(march)"])
            #expect(signed.status == 0, "\(signed.err)")

            // The log grows; the March checkpoint still holds, and a proof shows it to
            // someone holding only the two checkpoints.
            try append(40, to: dir)
            let today = keys + "/today.checkpoint", proof = keys + "/since-march.json"
            let r = try fprepl(["--store", dir, "-c", """
                checkpoint --verify \(pub) \(march)
                verify --checkpoint \(march) --key \(pub)
                checkpoint --sign \(keys)/inspector-2026.key --out \(today)
                prove consistency 300 --out \(proof)
                """])
            #expect(r.status == 0, "\(r.err)")
            #expect(r.out.contains("holds these 300 records unchanged (every one rehashed), and 40 more"))
            let check = try fprepl(["-c", "check consistency \(proof) --old-checkpoint \(march) --new-checkpoint \(today) --key \(pub)"])
            #expect(check.status == 0, "\(check.err)")
            #expect(check.out.hasPrefix("verdict   ok\nold size  300\nnew size  340\n"))

            // An inclusion proof of one record, checked against today's checkpoint.
            let inclusion = keys + "/record-17.json"
            #expect(try fprepl(["--store", dir, "-c", "prove inclusion 17 --out \(inclusion)"]).status == 0)
            #expect(try fprepl(["-c", "check inclusion \(inclusion) --checkpoint \(today) --key \(pub)"]).status == 0)
            let wrongRoot = try fprepl(["-c", "check inclusion \(inclusion) --root \(expected.root.hex)"])
            #expect(wrongRoot.status == 1)
            #expect(wrongRoot.out == "")
            #expect(wrongRoot.err.contains("the record is not in that tree"))
            #expect(try fprepl(["-c", "check inclusion \(inclusion)"]).err.contains("say which root you trust"))

            // A checkpoint altered after signing.
            let forged = keys + "/forged.checkpoint"
            try (try String(contentsOfFile: march, encoding: .utf8)).replacingOccurrences(of: "\n300\n", with: "\n299\n")
                .write(toFile: forged, atomically: true, encoding: .utf8)
            let f = try fprepl(["--store", dir, "-c", "checkpoint --verify \(pub) \(forged)"])
            #expect(f.status == 1)
            #expect(f.err.contains("does not verify"))

            // History rewritten: one record changed, checksum and tree files redone.
            let rewritten = dir + "-rewritten"
            try FileManager.default.copyItem(atPath: dir, toPath: rewritten)
            defer { try? FileManager.default.removeItem(atPath: rewritten) }
            try rewrite(position: 123, in: rewritten)
            let v = try fprepl(["--store", rewritten, "-c", "verify --checkpoint \(march) --key \(pub)"])
            #expect(v.status == 1)
            #expect(v.out == "")
            #expect(v.err.contains("the log was rewritten: its first 300 records, hashed from the records, have root"))

            // A checkpoint of another log.
            try withStore(events: 5) { other in
                let o = try fprepl(["--store", other, "-c", "verify --checkpoint \(march) --key \(pub)"])
                #expect(o.status == 1)
                #expect(o.err.contains("the checkpoint is for the log 'fp-ledger/"))
            }
        }
    }

    @Test func verifyNamesThePositionOfAFlippedBitOrARemovedRecord() throws {
        try withStore(events: 50) { dir in
            // Flip a bit inside record 20's payload.
            let seg = dir + "/" + (try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".seg") }[0])
            var data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: seg)))
            var at = 64
            var starts: [Int] = []
            while at < data.count {
                starts.append(at)
                at += 8 + (Int(data[at + 4]) | Int(data[at + 5]) << 8)
            }
            var flipped = data
            flipped[starts[20] + 60] ^= 0x04
            try Data(flipped).write(to: URL(fileURLWithPath: seg))
            let v = try fprepl(["--store", dir, "-c", "verify"])
            #expect(v.status == 1)
            #expect(v.err.contains("position 20"), "\(v.err)")

            // Remove record 30 whole.
            data.removeSubrange(starts[30]..<starts[31])
            try Data(data).write(to: URL(fileURLWithPath: seg))
            let r = try fprepl(["--store", dir, "-c", "verify"])
            #expect(r.status == 1)
            #expect(r.err.contains("position 30"), "\(r.err)")
        }
    }

    @Test func checkNeedsNoStoreAndJSONModePrintsOneDocument() throws {
        try withStore(events: 3) { dir in
            let keys = dir + "-keys"
            try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: keys) }
            _ = try fprepl(["-c", "keygen k --dir \(keys)"])
            let j = try fprepl(["--store", dir, "--format", "json", "-c", "checkpoint --sign \(keys)/k.key"])
            #expect(j.status == 0)
            let doc = try JSONSerialization.jsonObject(with: Data(j.out.utf8)) as? [String: Any]
            #expect(doc?["size"] as? Int == 3)
            #expect((doc?["checkpoint"] as? String)?.contains("\n\n— k ") == true)
            #expect(try fprepl(["-c", "digest"]).err == "error: no store: give --store PATH (or postgres://USER@HOST/DB), or --demo\n")
        }
    }

    /// Runs a Python script: what it printed, and its exit status.
    func python(_ script: String, _ arguments: String...) throws -> (String, Int32) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script] + arguments
        let out = Pipe()
        p.standardOutput = out
        try p.runWithCleanSignalMask()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (text, p.terminationStatus)
    }

    /// The Python in docs/verification.md recomputes the same root from the files.
    @Test func thePythonInTheDocsRecomputesTheRoot() throws {
        let page = try String(contentsOf: DocExamplesTests.root.appendingPathComponent("docs/verification.md"), encoding: .utf8)
        let start = try #require(page.range(of: "```python\n"))
        let end = try #require(page.range(of: "```", range: start.upperBound..<page.endIndex))
        let script = FileManager.default.temporaryDirectory.path + "/root-\(UUID().uuidString).py"
        try String(page[start.upperBound..<end.lowerBound]).write(toFile: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: script) }
        let dir = FileManager.default.temporaryDirectory.path + "/fprepl-py-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var c = EventStore.Configuration()
        c.segmentSize = 2048  // several segments
        let store = try EventStore.open(dir, configuration: c)
        for i in 0..<333 {
            _ = try store.append([ProposedEvent(type: "VisitRecorded", effective: EffectiveDate("2018-05-0\(1 + i % 9)")!, actor: "op",
                                                payload: Array(repeating: UInt8(i & 255), count: i % 50))], to: "household-\(i % 7)")
        }
        let digest = try store.digest()
        try store.close()
        let (text, status) = try python(script, dir)
        #expect(status == 0)
        #expect(text == "333 \(digest.root.hex)\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".seg") }.count > 5)
    }

    /// The Python in docs/verification.md draws the spot check's positions as fprepl does.
    @Test func thePythonInTheDocsDrawsTheSpotCheckPositions() throws {
        let page = try String(contentsOf: DocExamplesTests.root.appendingPathComponent("docs/verification.md"), encoding: .utf8)
        let def = try #require(page.range(of: "def positions("))
        let start = try #require(page.range(of: "```python\n", options: .backwards, range: page.startIndex..<def.lowerBound))
        let end = try #require(page.range(of: "```", range: def.upperBound..<page.endIndex))
        let script = FileManager.default.temporaryDirectory.path + "/positions-\(UUID().uuidString).py"
        try (String(page[start.upperBound..<end.lowerBound]) + "\nprint(positions('2026-06-zhang', 40, 100))\n")
            .write(toFile: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: script) }
        let (text, status) = try python(script)
        #expect(status == 0)
        try withStore(events: 100) { dir in
            let r = try fprepl(["--store", dir, "-c", "spot-check --seed 2026-06-zhang --count 40"])
            #expect(r.status == 0, "\(r.err)")
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
            let drawn = try #require(doc["records"] as? [[String: Any]]).compactMap { $0["position"] as? Int }
            #expect(text == "[" + drawn.map(String.init).joined(separator: ", ") + "]\n")
            #expect(drawn.count == 40)
        }
    }
}
