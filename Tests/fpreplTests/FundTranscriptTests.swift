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
}
