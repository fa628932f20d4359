import Foundation
import Testing

@Suite struct FindingsTranscriptTests {
    @Test func findingsSpeakREPLmdsKeysAndFilterByRuleAndHousehold() throws { try withSample { dir in
        let r = try fprepl(["--store", dir, "--format", "json", "-c", "asof effective 2016-06-30; findings funds-idle"])
        #expect(r.status == 0, "\(r.err)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(lastDocument(r.out).utf8)) as? [[String: Any]])
        #expect(rows.count == 3)
        #expect(Set(rows[0].keys) == ["rule", "stream", "position", "effective", "detail"])
        #expect(rows.map { $0["position"] as? Int ?? -1 } == [12, 13, 14])
        #expect(try fprepl(["--store", dir, "--format", "json", "-c", "asof effective 2016-03-31; findings funds-idle"]).out == "{\"asof\":\"effective 2016-03-31\"}\n[]\n",
                "on 2016-03-31 the county's money had waited 30 days: no finding yet")
        // Rules chosen by name, and findings about households that match an expression.
        let exits = try fprepl(["--store", dir, "--format", "csv", "-c", "findings quick-return exit-income-below-line where status = 已脱贫(不再享受政策)"])
        #expect(exits.out == """
            rule,stream,position,effective,detail
            exit-income-below-line,household-5301241012010001,26,2016-12-20,"2016 年退出，2016 年人均纯收入 1,050.00 元 低于 2016 年标准 2,952.00 元"
            quick-return,household-5301241012010001,30,2017-09-05,2016-12-20 退出，2017-09-05 返贫，相隔 259 天，不足 12 个月

            """.replacingOccurrences(of: "\n", with: "\r\n"), "\(exits.err)")
        #expect(try fprepl(["--store", dir, "--format", "json", "-c", "findings quick-return where status = 返贫"]).out == "[]\n")
        #expect(try fprepl(["--store", dir, "-c", "findings nonsense"]).err.hasPrefix("error: findings: unknown rule 'nonsense'; rules: exit-income-below-line, "))
        let badField = try fprepl(["--store", dir, "-c", "findings no-visit where stream = x"])
        #expect(badField.status == 1 && badField.out == "" && badField.err.hasPrefix("error: column 25: unknown field 'stream'"), "\(badField.err)")
    } }
}

extension FindingsTranscriptTests {
    @Test func findingsAreSavedServedAgainAndJudgedAnewWhenTheLogGrows() throws { try withSample { dir in
        let file = dir + "/projections/findings.snapshot"
        let first = try fprepl(["--store", dir, "--format", "csv", "-c", "findings"])
        #expect(first.status == 0 && FileManager.default.fileExists(atPath: file))
        let saved = try Data(contentsOf: URL(fileURLWithPath: file))
        // Served again: the same answer, with rules and a filter, and the file untouched.
        #expect(try fprepl(["--store", dir, "--format", "csv", "-c", "findings"]).out == first.out)
        let fresh = try fprepl(["--store", dir, "--read-only", "--format", "csv", "-c", "findings quick-return where status = 已脱贫(不再享受政策)"])
        #expect(try fprepl(["--store", dir, "--format", "csv", "-c", "findings quick-return where status = 已脱贫(不再享受政策)"]).out == fresh.out)
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == saved)
        // A correction retracts the 返贫 behind quick-return: judged again, the finding gone.
        let retract = dir + "/retract.jsonl"
        try #"{"stream":"household-5301241012010001","type":"Correction","effective":"2017-10-01","actor":"op","data":{"target":30,"action":"retract","approver":"县扶贫办"}}"#
            .write(toFile: retract, atomically: true, encoding: .utf8)
        #expect(try fprepl(["--store", dir, "-c", "import \(retract)"]).status == 0)
        let after = try fprepl(["--store", dir, "--format", "csv", "-c", "findings quick-return"])
        #expect(after.status == 0 && !after.out.contains("quick-return,"), "\(after.out)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) != saved)
        // rebuild removes it; a damaged one is said and judged again.
        #expect(try fprepl(["--store", dir, "-c", "rebuild"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: file))
        _ = try fprepl(["--store", dir, "-c", "findings"])
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        bytes[bytes.count - 10] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        let damaged = try fprepl(["--store", dir, "--format", "csv", "-c", "findings"])
        #expect(damaged.status == 0 && damaged.err == "warning: \(file) is damaged (checksum); rebuilt\n")
    } }
}
