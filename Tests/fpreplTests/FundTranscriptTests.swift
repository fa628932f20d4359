import Foundation
import Testing

@Suite struct FundTranscriptTests {
    @Test func fundsSpeaksREPLmdsKeysAndSaysWhatIsMissing() throws { try withSample { dir in
        let r = try fprepl(["--store", dir, "--format", "json", "-c", "asof effective 2016-12-31; funds 2016-001"])
        #expect(r.status == 0, "\(r.err)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(lastDocument(r.out).utf8)) as? [String: Any])
        #expect(doc["fund"] as? String == "2016-001")
        #expect(doc["allocated_fen"] as? Int == 50_000_000)
        let units = try #require(doc["units"] as? [[String: Any]])
        for key in ["unit", "received_fen", "paid_fen", "held_fen", "days_held"] { #expect(units[0][key] != nil, "\(key)") }
        #expect(units.map { $0["held_fen"] as? Int ?? -1 } == [42_000_000, 4_800_000, 900_000])
        let payments = try #require(doc["payments"] as? [[String: Any]])
        for key in ["position", "to", "amount_fen", "effective"] { #expect(payments[0][key] != nil, "\(key)") }
        // allocated = held + paid to households and projects + returned
        let held = units.reduce(0) { $0 + ($1["held_fen"] as? Int ?? 0) }
        let paid = payments.reduce(0) { $0 + ($1["amount_fen"] as? Int ?? 0) }
        let returned = units.reduce(0) { $0 + ($1["returned_fen"] as? Int ?? 0) }
        #expect(held + paid + returned == 50_000_000)

        let h = try fprepl(["--store", dir, "--format", "json", "-c", "funds household 5301241012010001"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(h.out.utf8)) as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows[0]["path"] as? [String] == ["county-530124", "town-530124101", "village-530124101201"])
        for bad in ["funds", "funds 2099-999", "funds household", "funds a b c"] {
            let e = try fprepl(["--store", dir, "-c", bad])
            #expect(e.status == 1 && e.out == "" && e.err.hasPrefix("error: "), "\(bad): \(e.err)")
        }
    } }

    /// Each amount is at most 10^15 fen, but not how many there are: 9,224 allocations of
    /// the largest amount add up past 64 bits. Every command that sums them says so in one
    /// line and exits 1; it used to trap (SIGILL) on every later call.
    @Test func sumsPastSixtyFourBitsAreAnErrorNotACrash() throws {
        let dir = FileManager.default.temporaryDirectory.path + "/fprepl-sums-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let allocation = #"{"stream":"fund-F","type":"FundAllocated","effective":"2016-03-01","actor":"op","data":{"document":"d","source":"中央财政专项","amount_fen":1000000000000000,"to":"county-530124","purpose":"产业帮扶"}}"#
        let file = dir + ".jsonl"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try (Array(repeating: allocation, count: 9_224).joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let imported = try fprepl(["--store", dir, "-c", "import \(file)"])
        try #require(imported.status == 0, "\(imported.err)")
        for command in ["funds F", "ledger", "ledger by year", "findings"] {
            let r = try fprepl(["--store", dir, "-c", command])
            #expect(r.status == 1 && r.out == "", "\(command): \(r.status) \(r.err)")
            #expect(r.err.hasPrefix("error: adding ") && r.err.contains("passes the largest sum 64 bits hold"), "\(command): \(r.err)")
            #expect(r.err.split(separator: "\n").count == 1, "\(command): one line")
        }
        // One allocation fewer fits: 9,223 x 10^15 fen is below 2^63.
        let fewer = FileManager.default.temporaryDirectory.path + "/fprepl-sums-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: fewer) }
        try (Array(repeating: allocation, count: 9_223).joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try fprepl(["--store", fewer, "-c", "import \(file)"]).status == 0)
        let r = try fprepl(["--store", fewer, "--format", "json", "-c", "funds F"])
        #expect(r.status == 0 && r.out.contains(#""allocated_fen":9223000000000000000"#), "\(r.err)")
    }
}
