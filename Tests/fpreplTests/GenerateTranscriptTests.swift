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
}
