import Foundation
import Testing

@Suite struct ReplayTranscriptTests {

    @Test func replayShowsWhatEachEventChangedAndCorrectionsToo() throws {
        try withSample { dir in
            let r = try fprepl(["--store", dir, "--as", "auditor", "-c", "replay 5301241012010001 --step"])
            #expect(r.status == 0, "\(r.err)")
            #expect(r.err == "", "a script gets every step, no prompt")
            #expect(r.out.contains("""
                #26  v9  2016-12-20  ExitApproved  脱贫退出：2016年
                    状态      未脱贫 → 已脱贫
                    脱贫年度  - → 2016

                """))
            // The correction that replaces the 2016 income shows as the change it makes.
            #expect(r.out.contains("Correction  更正：替换 #25 的数据，审批 县扶贫办 周建国\n    人均纯收入(元)  3,116.67 → 1,050.00\n"))
            #expect(r.out.contains("#9  v4  2015-05-06  VisitRecorded  走访：入户，干部 c0001\n    (no field of the household changed)\n"))
            #expect(r.out.contains("张德华（户主）"), "an auditor sees names")
            #expect(!(try fprepl(["--store", dir, "-c", "replay 5301241012010001"]).out.contains("张德华")), "an analyst does not")
        }
    }

    @Test func replayStopsWhereAskedAndSpeaksJSON() throws {
        try withSample { dir in
            let upTo = try fprepl(["--store", dir, "-c", "replay 5301241012010001 --until #26"])
            #expect(upTo.out.hasSuffix("    脱贫年度  - → 2016\n"))
            let byDate = try fprepl(["--store", dir, "-c", "replay 5301241012010001 --until 2015-12-31"])
            #expect(byDate.out.components(separatedBy: "\n").filter { $0.hasPrefix("#") }.count == 7)
            let json = try fprepl(["--store", dir, "--format", "json", "-c", "replay 5301241012010001 --until #26"])
            let steps = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [[String: Any]]
            let exit = try #require(steps?.last)
            #expect(exit["type"] as? String == "ExitApproved")
            let changes = exit["changes"] as? [[String: Any]]
            #expect(changes?.first?["field"] as? String == "status")
            #expect(changes?.first?["before"] as? String == "未脱贫")
            #expect(changes?.first?["after"] as? String == "已脱贫")
            for bad in ["replay", "replay 5301241012010001 --until soon", "replay 5301241012010001 --fast", "replay 999"] {
                let r = try fprepl(["--store", dir, "-c", bad])
                #expect(r.status == 1 && r.out == "" && r.err.hasPrefix("error: "), "\(bad)")
            }
        }
    }
}
