import Foundation
import Testing

/// `fprepl generate` writes a county and keeps its projections beside it, so that the
/// first question is answered at once; an import of everyday work moves the findings on.
@Suite struct GenerateTranscriptTests {
    /// The position a projection file was taken at (its header, `docs/households.md`).
    func position(of file: String) throws -> UInt64 {
        let b = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        return b[28..<36].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian }
    }

    @Test func generateSavesTheProjectionsAndAnImportMovesTheFindingsOn() throws {
        let dir = FileManager.default.temporaryDirectory.path + "/fprepl-gen-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let made = try fprepl(["generate", "--store", dir, "--households", "300", "--seed", "4"])
        #expect(made.status == 0, "\(made.err)")
        let lines = made.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("generated 300 households, ") == true && lines.first?.contains(" events into \(dir) in ") == true)
        let served = try fprepl(["--store", dir, "--format", "csv", "-c", "findings"])
        let count = served.out.split(whereSeparator: \.isNewline).count - 1  // CSV ends its lines with CRLF
        #expect(lines.last?.hasPrefix("judged \(count) findings and saved them with the county beside the log in ") == true, "\(made.out)")
        let findingsFile = dir + "/projections/findings.snapshot", countyFile = dir + "/projections/county.snapshot"
        let status = try fprepl(["--store", dir, "--format", "json", "-c", "status"])
        let events = try #require(status.out.firstMatch(of: /"events":(\d+)/).map { UInt64($0.1)! })
        #expect(try position(of: findingsFile) == events - 1 && position(of: countyFile) == events - 1)
        for file in [findingsFile, countyFile] {
            #expect((try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        }
        // An import of a visit moves the saved findings to the new end.
        let household = try #require(served.out.firstMatch(of: /household-(\d{16})/).map { String($0.1) })
        let tail = dir + "/visit.jsonl"
        try #"{"stream":"household-\#(household)","type":"VisitRecorded","effective":"2023-06-01","actor":"op-test","data":{"cadre":"c1","kind":"入户"}}"#
            .write(toFile: tail, atomically: true, encoding: .utf8)
        #expect(try fprepl(["--store", dir, "-c", "import \(tail)"]).status == 0)
        #expect(try position(of: findingsFile) == events)
        // Served, and what judging afresh gives.
        let moved = try fprepl(["--store", dir, "--format", "csv", "-c", "findings"]).out
        try FileManager.default.removeItem(atPath: findingsFile)
        #expect(moved == (try fprepl(["--store", dir, "--format", "csv", "-c", "findings"])).out)
        // Into a store that holds events: refused.
        let again = try fprepl(["generate", "--store", dir, "--households", "10"])
        #expect(again.status == 1 && again.err.contains("already holds"))
    }

    /// A generate that fails (here: the file size limit, as a full disk) or is killed
    /// leaves nothing at the store's path: it builds beside it and renames at the end.
    /// A failure exits 1, not 2 (the usage code).
    @Test func aFailedOrKilledGenerateLeavesNoCountyBehind() throws {
        let base = FileManager.default.temporaryDirectory.path + "/fprepl-gen-fail-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let binary = try fpreplExecutable()
        func limited(_ shell: String, store: String) throws -> (err: String, status: Int32) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", shell + "; ulimit -f 1024; exec \"$0\" generate --store \"$1\" --households 300 --seed 4", binary, store]
            let err = Pipe()
            p.standardError = err
            p.standardOutput = FileHandle.nullDevice
            try p.runWithCleanSignalMask()
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            return (text, p.terminationStatus)
        }
        // Writes past the limit fail (SIGXFSZ ignored): one error, exit 1, nothing kept.
        let failed = try limited("trap '' XFSZ", store: base + "/failed")
        #expect(failed.status == 1, "\(failed.err)")
        #expect(failed.err.hasPrefix("error: generate: ") && failed.err.hasSuffix("; nothing was kept\n"), "\(failed.err)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: base).isEmpty)
        // Killed by the signal: no store at the path (what was half built lies beside it, named so).
        let killed = try limited("true", store: base + "/killed")
        #expect(killed.status != 0)
        #expect(!FileManager.default.fileExists(atPath: base + "/killed"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: base).allSatisfy { $0.hasPrefix("killed.generating-") })
        // Unlimited, the same command makes the store at its path and nothing else.
        let made = try fprepl(["generate", "--store", base + "/made", "--households", "30", "--seed", "4"])
        #expect(made.status == 0, "\(made.err)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: base).filter { !$0.hasPrefix("killed.") } == ["made"])
    }
}
