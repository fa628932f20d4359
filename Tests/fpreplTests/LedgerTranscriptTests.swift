import Foundation
import Testing

@Suite struct LedgerTranscriptTests {
    @Test func theTwoLedgersProjectsAndLoansSpeakJSONAndSayWhatIsWrong() throws { try withSample { dir in
        let r = try fprepl(["--store", dir, "--format", "json", "-c", "ledger"])
        #expect(r.status == 0, "\(r.err)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(Set(rows[0].keys) == ["county", "in_fen", "to_villages_fen", "to_households_fen", "held_fen", "returned_fen",
                                      "exited_households", "household_min_fen", "household_mean_fen", "household_max_fen",
                                      "exited_villages", "village_min_fen", "village_mean_fen", "village_max_fen"])
        #expect(rows[0]["in_fen"] as? Int == 50_000_000 && rows[0]["household_mean_fen"] as? Int == 1_200_000)
        let csv = try fprepl(["--store", dir, "--format", "csv", "-c", "ledger by year"])
        #expect(csv.out.components(separatedBy: "\r\n").prefix(2) == [
            "year,in_yuan,to_villages_yuan,to_households_yuan,held_yuan,returned_yuan,exited_households,household_min_yuan,household_mean_yuan,household_max_yuan,exited_villages,village_min_yuan,village_mean_yuan,village_max_yuan",
            "2016,500000.00,18000.00,3000.00,,,0,,,,0,,,"])
        // Line mode names the amounts in yuan too, for people: with thousands separators.
        let line = try fprepl(["--store", dir, "--format", "line", "-c", "ledger by year"])
        #expect(line.out.components(separatedBy: "\n").prefix(3) == ["year                = 2016", "in_yuan             = 500,000.00",
                                                                     "to_villages_yuan    = 18,000.00"])
        let bad = try fprepl(["--store", dir, "-c", "ledger by household"])
        #expect(bad.status == 1 && bad.out == ""
                && bad.err == "error: ledger takes nothing, or by county | town | village | source | channel | purpose | year\n")

        let p = try fprepl(["--store", dir, "--format", "json", "-c", "projects p2016-07"])
        let projects = try #require(try JSONSerialization.jsonObject(with: Data(p.out.utf8)) as? [[String: Any]])
        #expect(projects.first?["received_fen"] as? Int == 1_800_000 && projects.first?["accepted"] as? String == "2016-09-12")
        #expect(try fprepl(["--store", dir, "-c", "projects p-none"]).err == "error: no project 'p-none': the log holds no stream 'project-p-none'\n")

        let l = try fprepl(["--store", dir, "--format", "line", "-c", "asof effective 2017-12-31; loans 5301241012010001"])
        #expect(l.out.contains("status           = 逾期") && l.out.contains("overdue_since    = 2017-06-01")
                && l.out.contains("outstanding_yuan = "), "\(l.out)")
        #expect(try fprepl(["--store", dir, "-c", "loans 999"]).err == "error: '999' is not a household id: an id is 16 digits (5301241012010001)\n")
    } }
}
